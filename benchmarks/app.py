"""Dashboard measurements: warm AppTest reruns, map JSON size, and a real browser (cold start, redraw)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def page_rerun_ms(runs: int = 5) -> dict:
    """page_rerun_ms_max: the slowest page's median warm rerun in AppTest (ms), and every page's."""
    from streamlit.testing.v1 import AppTest

    from ui.state import PAGES

    per_page = {}
    for path, *_ in PAGES:
        at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=120).run()
        at.switch_page(path).run()
        at.run()  # warm: caches filled, modules imported
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
        per_page[Path(path).stem] = round(statistics.median(times))
    return {"page_rerun_ms_max": max(per_page.values()), "page_rerun_ms": per_page}


def map_figure_kb() -> dict:
    """map_figure_kb: JSON size of the default map (latest year, default indicator)."""
    from indicators import figures
    from indicators.areas import focus_ids
    from indicators.build.pipeline import build, geometry
    from indicators.views import classify
    from ui.state import DEFAULT_INDICATOR

    table = build()
    year = int(table["year"].max())
    breaks = classify.fixed_breaks(table, DEFAULT_INDICATOR, "quantiles", 5, level="ortsteil")
    fig = figures.map_figure(table, geometry("ortsteil"), DEFAULT_INDICATOR, year, breaks=breaks,
                             focus_ids=focus_ids())
    return {"map_figure_kb": round(len(fig.to_json().encode()) / 1024, 1)}


def _select_indicator(page, label: str) -> None:
    """Choose an indicator in the sidebar select box as a person does."""
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.keyboard.type(label)
    page.keyboard.press("Enter")


def browser() -> dict:
    """browser_first_map_s (cold server start to the map drawn) and browser_indicator_change_ms."""
    from playwright.sync_api import sync_playwright

    from indicators.catalog import load_catalog
    from ui import server

    label = load_catalog().indicators["kinderarmut"].label("de", short=True)
    port = server.free_port()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        started = time.perf_counter()
        process = server.start(port)
        try:
            server.wait_healthy(port)
            page.goto(f"http://{server.HOST}:{port}/karte")
            page.wait_for_selector("path.choroplethlocation", timeout=60_000)
            first_map_s = time.perf_counter() - started
            changes = []
            for _ in range(3):
                for target in (label, load_catalog().indicators["langzeitarbeitslosenanteil"].label("de", short=True)):
                    start = time.perf_counter()
                    _select_indicator(page, target)
                    page.wait_for_function(
                        "t => [...document.querySelectorAll('.gtitle')].some(e => e.textContent.includes(t))",
                        arg=target, timeout=30_000)
                    page.wait_for_selector("path.choroplethlocation", timeout=30_000)
                    changes.append((time.perf_counter() - start) * 1000)
        finally:
            server.stop(process)
            chromium.close()
    return {"browser_first_map_s": round(first_map_s, 2),
            "browser_indicator_change_ms": round(statistics.median(changes))}
