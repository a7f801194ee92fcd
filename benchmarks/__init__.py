"""Speed and memory measurements: `python -m benchmarks [--only a,b]`; the last line is one JSON object."""
