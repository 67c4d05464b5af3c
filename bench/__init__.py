"""SOMA benchmarks: `python -m bench [NAME ...]` prints one JSON line per figure, each with its baseline."""
