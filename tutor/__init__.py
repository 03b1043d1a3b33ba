"""Back Stretch Coach in the terminal: the engine's coaching with a live, exact countdown."""
