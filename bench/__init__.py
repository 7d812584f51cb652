"""Benchmarks that compare chibo_flow against baselines measured in the same run."""
