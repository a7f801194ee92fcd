"""Run the benchmarks and print one JSON object as the last line of output."""

from __future__ import annotations

import argparse
import json
import signal
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
    from indicators.build.pipeline import build

    return {"build_s": round(median_seconds(build), 3)}


def bench_index() -> dict:
    """index_s: the Sozialindex of every year with data at t0 and t0 − 2, from a built table."""
    from indicators.build.pipeline import build
    from indicators.build.sozialindex import index_all_years

    table = build()
    return {"index_s": round(median_seconds(lambda: index_all_years(table)), 3)}


def bench_import() -> dict:
    """import_rows, import_s, import_peak_mb: 3.5 million rows, in a process of its own."""
    from benchmarks.scale import write_long_csv

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gemeinden_lang.csv"
        write_long_csv(path)
        out = subprocess.run([sys.executable, "-m", "benchmarks.scale", str(path)], cwd=PROJECT,
                             capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_pages() -> dict:
    from benchmarks.app import page_rerun_ms

    return page_rerun_ms()


def bench_map() -> dict:
    from benchmarks.app import map_figure_kb

    return map_figure_kb()


def bench_browser() -> dict:
    from benchmarks.app import browser

    return browser()


def bench_export(runs: int = 5) -> dict:
    """export_png_ms (warm PNG of the map), report_pdf_s (one Steckbrief), deck_s (the Fokusquartiere deck)."""
    from indicators.build.pipeline import build, geometry
    from indicators.export import export_chart
    from indicators.export.deck import focus_deck
    from indicators.export.report import report_pdf

    table = build()
    geo = geometry("ortsteil")
    export_chart("map", table, "kinderarmut", None, None, "png", geo=geo)  # warm-up: starts the browser
    png_s = median_seconds(lambda: export_chart("map", table, "kinderarmut", None, None, "png", geo=geo),
                           runs=runs, warmup=0)
    started = time.perf_counter()
    report_pdf(table, "hamme", geo=geo)
    report_s = time.perf_counter() - started
    started = time.perf_counter()
    focus_deck(table, geo=geo)
    deck_s = time.perf_counter() - started
    return {"export_png_ms": round(png_s * 1000, 1), "report_pdf_s": round(report_s, 2),
            "deck_s": round(deck_s, 2)}


def bench_genesis() -> dict:
    """genesis_import_s: import of a generated 500,000-row GENESIS flat file, zipped as the service sends it."""
    import zipfile

    from indicators import store
    from indicators.load.genesis import generate_ffcsv

    with tempfile.TemporaryDirectory() as tmp:
        flat = generate_ffcsv(500_000, Path(tmp) / "13211-02-05-4_flat.csv")
        archive = Path(tmp) / "13211-02-05-4_flat.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(flat, flat.name)
        start = time.perf_counter()
        result = store.import_file(archive, archive.name, store=Path(tmp) / "store")
        seconds = time.perf_counter() - start
    if not result.ok:
        raise RuntimeError(result.message)
    return {"genesis_import_s": round(seconds, 2), "genesis_import_rows": 500_000,
            "genesis_values": int(result.n_values)}


def bench_kreise() -> dict:
    """kreise_read_s (every file through the GENESIS reader), kreise_cache_s (from build/cache), kreise_table_s."""
    import pickle

    from indicators.load import kreise, ruhr
    from indicators.views import ruhr as ruhr_views

    start = time.perf_counter()
    data = kreise.combine(ruhr.ruhr_files(), tuple(ruhr.read_table_csv(p, source_id=ruhr.SOURCE_ID)
                                                   for p in ruhr.ruhr_files()))
    read_s = time.perf_counter() - start
    blob = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    cache_s = median_seconds(lambda: pickle.loads(blob), runs=3)
    counts, catalog, areas = data.counts[ruhr.COUNT_COLUMNS], ruhr_views.load_catalog(), ruhr_views.ruhr_area_frame()
    table_s = median_seconds(lambda: ruhr_views.ruhr_table(counts, data.rates, catalog, areas), runs=3)
    return {"kreise_read_s": round(read_s, 2), "kreise_cache_s": round(cache_s, 3),
            "kreise_table_s": round(table_s, 2), "kreise_n": int((kreise.kreis_areas()["level"] == "kreis").sum())}



def bench_load() -> dict:
    """load_*: simulated users over Streamlit's websocket, one process and serve.sh with 2 workers."""
    from benchmarks.load import bench_load as measure

    return measure()


BENCHMARKS = {"build": bench_build, "index": bench_index, "import": bench_import, "pages": bench_pages, "map": bench_map,
              "browser": bench_browser, "export": bench_export, "genesis": bench_genesis,
              "kreise": bench_kreise, "load": bench_load}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--only", help=f"comma-separated subset of: {','.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    # a benchmark stopped by `kill PID` still runs its finally blocks, which stop the servers it started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
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
