"""Back Stretch Coach's conversation engine: pure Python, no I/O, shared by skill and tutor."""
