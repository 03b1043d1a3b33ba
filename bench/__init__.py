"""Benchmarks that print figures as ratios to baselines measured in the same run."""
