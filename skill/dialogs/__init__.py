"""Dialog testing with recorded requests: write, record, replay and assert whole conversations."""
