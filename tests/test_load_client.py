"""The load benchmark's client counts failures: an exception element and a dropped connection are errors.
It loads the page first, as a browser does, and sends nginx's sticky cookie when there is one."""

import asyncio
import textwrap

import pytest

from benchmarks.load import Rerun, load_page, percentile, run_users, sticky_cookie
from ui import server

# A tiny Streamlit app whose behaviour the query string chooses: a normal page, an uncaught
# exception (Streamlit sends an exception element), or the server process dying mid-run.
APP = textwrap.dedent('''
    import os
    import streamlit as st

    mode = st.query_params.get("mode", "ok")
    if mode == "raise":
        raise ValueError("absichtlich kaputt")
    if mode == "drop":
        os._exit(1)
    st.title(f"Seite {st.query_params.get('n', '0')}")
''')


@pytest.fixture()
def tiny_app(tmp_path):
    script = tmp_path / "tiny_app.py"
    script.write_text(APP, encoding="utf-8")
    port = server.free_port()
    process = server.start(port, script=script)
    try:
        server.wait_healthy(port)
        yield f"http://{server.HOST}:{port}", process
    finally:
        server.stop(process)


def test_exception_element_and_missing_text_count_as_errors(tiny_app):
    base, _ = tiny_app
    plan = [Rerun("", "n=1", "Seite 1"), Rerun("", "mode=raise"), Rerun("", "n=2", "Seite 2"),
            Rerun("", "n=3", "Seite 99")]
    outcome = run_users(base, [plan], timeout=20)
    assert len(outcome.latencies_ms) == 2
    assert len(outcome.errors) == 2
    assert outcome.errors[0] == "exception: ValueError: absichtlich kaputt"
    assert outcome.errors[1] == "missing text 'Seite 99'"
    assert outcome.summary()["load_errors"] == 2


def test_a_dropped_connection_counts_as_an_error(tiny_app):
    base, process = tiny_app
    plan = [Rerun("", "n=1", "Seite 1"), Rerun("", "mode=drop"), Rerun("", "n=2", "Seite 2")]
    outcome = run_users(base, [plan], timeout=20)
    process.wait(timeout=10)  # the server really died
    assert len(outcome.latencies_ms) == 1
    # the rerun that killed the server, and the next one that cannot connect any more
    assert len(outcome.errors) == 2
    assert all(e.startswith("connection: ") for e in outcome.errors), outcome.errors
    assert outcome.summary()["load_errors"] == 2


def test_percentile_is_nearest_rank():
    assert percentile([10.0, 20.0, 30.0, 40.0], 50) == 20.0
    assert percentile(list(map(float, range(1, 101))), 95) == 95.0
    assert percentile([7.0], 95) == 7.0


def test_a_single_process_sets_no_sticky_cookie(tiny_app):
    base, _ = tiny_app
    assert asyncio.run(load_page(base, "/", timeout=20)) is None


def test_sticky_cookie_is_nginx_cookie_among_others():
    streamlit_own = "_streamlit_xsrf=2|c8efd6a2|a98f3a06|1796226861; Path=/; SameSite=Lax"
    nginx = "qm_worker=w2; Path=/; HttpOnly; SameSite=Lax"
    assert sticky_cookie([streamlit_own, nginx]) == "qm_worker=w2"
    assert sticky_cookie([streamlit_own]) is None
    assert sticky_cookie([]) is None
