"""Compute the views people open most before anyone clicks: every indicator and year of the Karte page
in its default settings, once per data version and server process, in a background thread.

Why: a map view nobody has opened yet costs 80–200 ms of CPU (slice, plotly figure, table, sentences),
against ~50 ms for a view some session already opened. When twenty people at a meeting click through
indicators and years, nearly every click is such a first view, and one process runs one script at a
time. The 12 indicators × 13 years of the bundled data take ~20–25 s of one core after a start or an
import; the thread yields between views, so a click in that time is served as usual (and a view it
computes itself is not computed twice: ui/memo.py).

Off with QUARTIERSMONITOR_WARMUP=0 (the tests' servers: each starts with its own data).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time

from indicators.formats import fmt_number
from ui import data

WARMUP_ENV = "QUARTIERSMONITOR_WARMUP"
LOG_PREFIX = "Quartiersmonitor: Vorberechnung"  # its one line at the end; serve.sh and the benchmark wait for it
# the Karte page's defaults (pages/karte.py reads them from here): the views the warm-up computes
MAP_DEFAULTS = {"level": "ortsteil", "method": "quantiles", "k": 5, "fixed": True, "style": "classes",
                "lang": "de"}

_started: set[str] = set()
_lock = threading.Lock()


def enabled() -> bool:
    return os.environ.get(WARMUP_ENV, "1") != "0"


def views(table) -> list[tuple[str, int]]:
    """(indicator, year) of every default map, newest year first (what people open first)."""
    years = sorted({int(y) for y in table["year"].unique()}, reverse=True)
    return [(indicator_id, year) for year in years for indicator_id in data.catalog().indicators]


def warm_map_view(indicator_id: str, year: int) -> None:
    """Everything the Karte page asks the caches for in one default view (the same calls, the same keys)."""
    from indicators import views as indicator_views
    from indicators.areas import focus_ids
    from indicators.views import classify, text
    from ui.components import final_figure

    d = MAP_DEFAULTS
    focus = tuple(focus_ids())
    data.derived(indicator_views.indicator_slice, indicator_id, year, d["level"])
    fig = final_figure(data.map_figure(indicator_id, year, level=d["level"], method=d["method"], k=d["k"],
                                       fixed=d["fixed"], focus=focus, lang=d["lang"], style=d["style"]))
    fig.to_dict()
    fig.data_table(d["lang"])
    for area_id in focus:
        data.derived(text.deviation_sentence, indicator_id, area_id, year, d["lang"])
    data.derived(classify.fixed_breaks, indicator_id, d["method"], d["k"], level=d["level"])
    data.indicator_display(indicator_id, year, d["level"], d["lang"])


def warm(version: str, pause_s: float = 0.005) -> int:
    """Compute every default map view of ``version``; stops early when another version is in use.
    Returns the number of views computed."""
    done = 0
    for indicator_id, year in views(data.indicator_table()):
        if data.data_version() != version:
            break
        warm_map_view(indicator_id, year)
        done += 1
        time.sleep(pause_s)  # let waiting script threads have the interpreter between two views
    return done


def _run(version: str) -> None:
    started = time.perf_counter()
    try:
        n = warm(version)
    except Exception as exc:  # a failed warm-up costs speed, never a page: the page computes it itself
        print(f"{LOG_PREFIX} abgebrochen ({type(exc).__name__}: {exc})", file=sys.stderr, flush=True)
        return
    # the caches now hold most of the process's objects for good: moved out of the collector's reach, a
    # full collection no longer walks them all (each such pause stalled every session of the process).
    # Unfrozen first, so what an earlier version left behind (evicted figures hold reference cycles) is
    # collected now rather than kept for ever.
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    seconds = fmt_number(time.perf_counter() - started, 1)
    print(f"{LOG_PREFIX} fertig: {n} Kartenansichten in {seconds} s (Datenstand {version.rsplit(':', 1)[-1]})",
          file=sys.stderr, flush=True)


def ensure(version: str) -> None:
    """Start the warm-up for ``version`` once per process (no-op when off or already started)."""
    if not enabled():
        return
    with _lock:
        if version in _started:
            return
        _started.add(version)
    threading.Thread(target=_run, args=(version,), name="quartiersmonitor-warmup", daemon=True).start()
