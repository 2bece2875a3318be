"""The benchmark suite: `make bench` (or `python bench/run.py --help`); figures in docs/performance.md."""
