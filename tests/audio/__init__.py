"""Audio tests: real skill responses rendered with espeak-ng and timed from the WAV (#14)."""
