"""The app's process-wide memo (ui/memo.py) and the warm-up of the default maps (ui/warmup.py)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.paths import DATA_DIR_ENV, DEFAULT_STORE_DIR
from ui import data, warmup
from ui.memo import Memo

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def test_memo_computes_each_argument_once_even_when_two_threads_ask_at_once():
    calls = []

    def slow_square(x):
        calls.append(x)
        time.sleep(0.2)
        return x * x

    square = Memo(slow_square, max_entries=2)
    results = []
    threads = [threading.Thread(target=lambda: results.append(square(3))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [9, 9] and calls == [3]
    assert (square.hits, square.misses) == (1, 1)


def test_memo_keeps_the_most_recently_used_and_never_keeps_a_failure():
    calls = []

    def half(x):
        calls.append(x)
        if x < 0:
            raise ValueError("negativ")
        return x / 2

    memo = Memo(half, max_entries=2)
    assert [memo(2), memo(4), memo(2), memo(6)] == [1.0, 2.0, 1.0, 3.0]
    assert memo.cached(2) and memo.cached(6) and not memo.cached(4)   # 4 was used least recently
    for _ in range(2):
        with pytest.raises(ValueError):
            memo(-1)
    assert calls == [2, 4, 6, -1, -1]


def test_the_warm_up_fills_exactly_what_the_karte_page_asks_for():
    """After warm_map_view, opening that view on the Karte page computes nothing new (same cache keys)."""
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.query_params["ind"] = "kinderarmut"
    at.query_params["jahr"] = "2019"
    at.run()                                    # the start page (Überblick) fills its own caches
    warmup.warm_map_view("kinderarmut", 2019)
    computed = (data._map.misses, data._derived.misses)
    at.switch_page("pages/karte.py").run()
    assert not at.exception, at.exception
    assert "Kinderarmut" in at.title[0].value
    assert (data._map.misses, data._derived.misses) == computed
    at.query_params["jahr"] = "2018"            # a view the warm-up has not made yet is computed as usual
    at.switch_page("pages/karte.py").run()
    assert data._map.misses == computed[0] + 1


def test_views_come_newest_year_first_and_cover_every_indicator():
    table = data.indicator_table()
    views = warmup.views(table)
    indicators = list(data.catalog().indicators)
    years = sorted({int(y) for y in table["year"]}, reverse=True)
    assert len(views) == len(indicators) * len(years)
    assert views[:len(indicators)] == [(i, years[0]) for i in indicators]


def test_the_warm_up_stops_when_other_data_come_into_use(monkeypatch):
    version = data.data_version()
    made = []
    monkeypatch.setattr(warmup, "warm_map_view", lambda i, y: made.append((i, y)))
    # asked once for the table, then before each view: an import elsewhere after the second view
    answers = iter([version, version, version, "anderer-speicher:0002"])
    monkeypatch.setattr(warmup.data, "data_version", lambda: next(answers))
    assert warmup.warm(version, pause_s=0) == 2
    assert made == warmup.views(data._table(version))[:2]


def test_ensure_starts_one_thread_per_version_and_none_when_switched_off(monkeypatch):
    started = []
    monkeypatch.setattr(warmup, "_run", lambda version: started.append(version))
    monkeypatch.setattr(warmup, "_started", set())
    monkeypatch.setenv(warmup.WARMUP_ENV, "0")
    warmup.ensure("speicher:0001")
    monkeypatch.setenv(warmup.WARMUP_ENV, "1")
    for _ in range(3):
        warmup.ensure("speicher:0001")
    warmup.ensure("speicher:0002")
    deadline = time.monotonic() + 5
    while len(started) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sorted(started) == ["speicher:0001", "speicher:0002"]


def test_memo_takes_unhashable_arguments_by_value():
    total = Memo(lambda parts: sum(parts["x"]), max_entries=4)
    assert total({"x": [1, 2]}) == 3 and total({"x": [1, 2]}) == 3 and total({"x": [2]}) == 2
    assert (total.hits, total.misses) == (1, 2)


def test_after_the_warm_up_the_cached_objects_are_out_of_the_collectors_reach(monkeypatch, capsys):
    """A full garbage collection walks every object; with the caches filled such a pause stalled every
    session of the process (20 users, one process: p95 1.2–1.7 s before, 1.06–1.24 s after)."""
    import gc

    monkeypatch.setattr(warmup, "warm", lambda version: 156)
    gc.unfreeze()
    try:
        warmup._run("speicher:0007")
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    line = capsys.readouterr().err
    assert line.startswith("Quartiersmonitor: Vorberechnung fertig: 156 Kartenansichten in ")
    assert line.endswith(" s (Datenstand 0007)\n")


def test_a_cached_frame_is_converted_to_arrow_once_and_an_equal_new_frame_again():
    import pandas as pd

    from ui.components import shared_arrow

    frame = pd.DataFrame({"Ortsteil": ["Hamme", "Querenburg"], "Wert": ["24,1 %", "19,9 %"]})
    first = shared_arrow(frame)
    assert shared_arrow(frame) is first
    assert first.to_pandas().equals(frame)
    copy = frame.copy()
    assert shared_arrow(copy) is not first and shared_arrow(copy).equals(first)


@pytest.fixture(scope="module")
def environment_of_a_module_fixture():
    """What a module-scoped fixture sees (the browser tests start their servers in one, before any
    function-scoped fixture such as conftest.isolated_store has run)."""
    return {name: os.environ.get(name) for name in (warmup.WARMUP_ENV, DATA_DIR_ENV)}


def test_servers_of_module_fixtures_start_without_warm_up_and_outside_userdata(environment_of_a_module_fixture):
    # a warm-up would take a core from the browser tests for half a minute (their runs then took
    # longer than their waits); the developer's userdata/ would change what the tests see
    assert environment_of_a_module_fixture[warmup.WARMUP_ENV] == "0"
    assert environment_of_a_module_fixture[DATA_DIR_ENV] not in (None, str(DEFAULT_STORE_DIR))
