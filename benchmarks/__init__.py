"""The project's own benchmark: `python -m benchmarks` (see benchmarks/__main__.py and docs/benchmarks.md)."""
