"""Where a rerun's time goes: cProfile over view changes on every page (AppTest, no server).

    python -m benchmarks.profile_pages [--reruns 6] [--top 12] [--warm]

For each page: open it, then change indicator and year ``--reruns`` times (as the load
benchmark does) under cProfile; prints the median rerun per page and the functions with the most
cumulative time in the project's own code (ui/, pages/, indicators/). ``--warm`` first visits the
same views once, so the profile shows what a rerun costs when another session already saw it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def views(n: int) -> list[tuple[str, int]]:
    from indicators.build.pipeline import build
    from indicators.catalog import load_catalog

    ids = list(load_catalog().indicators)
    years = sorted(int(y) for y in build()["year"].unique())
    return [(ids[(3 * i + 1) % len(ids)], years[i % len(years)]) for i in range(n)]


class _ScriptProfiler:
    """cProfile inside Streamlit's script thread (cProfile sees only the thread it runs in)."""

    def __init__(self):
        from streamlit.runtime.scriptrunner import script_runner

        self.module, self.original = script_runner, script_runner.exec_func_with_error_handling
        self.profile, self.enabled = cProfile.Profile(), False

    def __enter__(self):
        def profiled(func, ctx):
            if not self.enabled:
                return self.original(func, ctx)
            self.profile.enable()
            try:
                return self.original(func, ctx)
            finally:
                self.profile.disable()

        self.module.exec_func_with_error_handling = profiled
        return self

    def __exit__(self, *exc):
        self.module.exec_func_with_error_handling = self.original


def profile_page(path: str, changes: list[tuple[str, int]], warm: bool) -> tuple[float, pstats.Stats]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=120).run()
    at.switch_page(path).run()
    if warm:
        for indicator, year in changes:
            at.query_params.update({"ind": indicator, "jahr": str(year)})
            at.run()
    times = []
    with _ScriptProfiler() as profiler:
        profiler.enabled = True
        for indicator, year in changes:
            at.query_params.update({"ind": indicator, "jahr": str(year)})
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
            assert not at.exception, (path, [e.message for e in at.exception])
    return statistics.median(times), pstats.Stats(profiler.profile)


def main(argv=None) -> None:
    from ui.state import PAGES

    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_pages")
    parser.add_argument("--reruns", type=int, default=6)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--warm", action="store_true")
    parser.add_argument("--pages", help="comma-separated url paths (default: all)")
    args = parser.parse_args(argv)
    changes = views(args.reruns)
    chosen = args.pages.split(",") if args.pages else None
    for path, _key, _icon, slug in PAGES:
        if chosen and slug not in chosen:
            continue
        median_ms, stats = profile_page(path, changes, args.warm)
        out = io.StringIO()
        stats.stream = out
        stats.sort_stats("cumulative").print_stats(r"(ui|pages|indicators)/|dashboard", args.top)
        lines = [line for line in out.getvalue().splitlines() if "/" in line and "(" in line]
        print(f"== {slug}: median rerun {median_ms:.0f} ms ({args.reruns} view changes, "
              f"{'warm' if args.warm else 'first visit'})")
        for line in lines:
            parts = line.split(None, 5)
            print(f"   cum {float(parts[3]) / args.reruns * 1000:7.1f} ms/rerun  {parts[5].replace(str(PROJECT) + '/', '')}")


if __name__ == "__main__":
    main()
