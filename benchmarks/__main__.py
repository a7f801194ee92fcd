"""Run the benchmarks and print one JSON object as the last line of output."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def median_seconds(fn, runs: int = 5, warmup: int = 1) -> float:
    """Warm median wall time of fn()."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_build() -> dict:
    """build_s: a full pipeline build on the bundled data."""
    from indicators.pipeline import build

    return {"build_s": round(median_seconds(build), 3)}


def bench_import() -> dict:
    """import_rows, import_s, import_peak_mb: 3.5 million rows, in a process of its own."""
    from benchmarks.scale import write_long_csv

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gemeinden_lang.csv"
        write_long_csv(path)
        out = subprocess.run([sys.executable, "-m", "benchmarks.scale", str(path)], cwd=PROJECT,
                             capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


BENCHMARKS = {"build": bench_build, "import": bench_import}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--only", help=f"comma-separated subset of: {','.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    results: dict = {}
    for name in names:
        started = time.perf_counter()
        results.update(BENCHMARKS[name]())
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
