"""scripts/serve.sh: two Streamlit workers behind nginx, sticky sessions, one shared data store.

New browsers are spread over the workers in turn and then pinned to the worker that answered
them, by nginx's cookie; an import made by another process
(the command line, on the shared QUARTIERSMONITOR_DATA_DIR) shows up in both sessions — on two
different workers — at their next rerun; stopping serve.sh leaves no process behind.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.load import run_users, view_plans
from ui import server

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (scripts/setup.sh installs it)")

# Kruppwerke 2019 before and after importing data/examples/import_beispiel.csv (the bundled
# demo values, then the example file's counts): the Steckbrief's first sentence names both
BEFORE = "(5,7 % gegenüber 2,8 % in der Stadt)"
AFTER = "(5,5 % gegenüber 2,8 % in der Stadt)"
VIEW = "/steckbrief?gebiet=kruppwerke&jahr=2019"
LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ '
                      r'upstream=(?P<upstream>\S+) cookie="(?P<cookie>[^"]*)" worker=(?P<worker>\S*) ')


def _log_lines(run_dir: Path) -> list[dict]:
    path = run_dir / "logs" / "access.log"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = [m.groupdict() for m in map(LOG_LINE.search, text.splitlines()) if m]
    for line in lines:  # nginx logs a missing cookie as "-"
        line["cookie"] = "" if line["cookie"] == "-" else line["cookie"]
    return lines


def _upstreams(run_dir: Path, cookie: str) -> set[str]:
    """Where the requests that carried this cookie went, and the first one that received it."""
    return {line["upstream"] for line in _log_lines(run_dir)
            if line["cookie"] == cookie or (line["cookie"] == "" and line["worker"] == cookie)}


def _pids(run_dir: Path) -> list[int]:
    return [int(p.read_text().strip()) for p in run_dir.glob("*.pid") if p.read_text().strip()]


def _processes_mentioning(fragment: str) -> list[str]:
    """Command lines of running processes that contain ``fragment`` (the run folder, a worker port)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if fragment in cmdline:
            found.append(f"{proc.name}: {cmdline}")
    return found


def _open(browser, base: str):
    """A new browser session (own cookies) on the Steckbrief view; returns (context, page, sticky cookie)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(base + VIEW, wait_until="commit", timeout=90_000)  # a loaded 2-core machine: be patient
    page.get_by_text(BEFORE).first.wait_for(timeout=90_000)
    cookie = next(c["value"] for c in context.cookies() if c["name"] == "qm_worker")
    return context, page, cookie


def test_two_workers_share_the_store_and_stop_cleanly(tmp_path):
    from playwright.sync_api import sync_playwright

    store, run_dir = tmp_path / "store", tmp_path / "run"
    port = server.free_port()
    env = {**os.environ, "QUARTIERSMONITOR_DATA_DIR": str(store)}
    serve = subprocess.Popen([str(PROJECT / "scripts" / "serve.sh"), "--workers", "2", "--port", str(port),
                              "--listen", server.HOST, "--run-dir", str(run_dir)],
                             cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    worker_ports: list[str] = []
    cookies: list[str] = []
    try:
        ready = serve.stdout.readline()
        assert "Quartiersmonitor bereit" in ready, ready + serve.stderr.read()
        worker_ports = re.search(r"\(2 Prozesse: (\d+) (\d+);", ready).groups()
        base = f"http://{server.HOST}:{port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                # two new browsers: the first to one worker, the second to the other (round robin)
                sessions = [_open(browser, base), _open(browser, base)]
                cookies = [cookie for _, _, cookie in sessions]
                assert sorted(cookies) == ["w1", "w2"]
                workers = [_upstreams(run_dir, cookie) for cookie in cookies]
                # every request of a session (page, scripts, websocket) went to one worker; two workers in all
                assert all(len(w) == 1 for w in workers), workers
                assert workers[0] | workers[1] == {f"{server.HOST}:{p}" for p in worker_ports}

                imported = subprocess.run([sys.executable, "-m", "indicators", "import",
                                           str(PROJECT / "data" / "examples" / "import_beispiel.csv")],
                                          cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
                assert imported.returncode == 0, imported.stderr

                for _, page, _ in sessions:  # the next rerun of each session, on its own worker
                    page.reload(wait_until="commit", timeout=90_000)
                    page.get_by_text(AFTER).first.wait_for(timeout=90_000)
                    assert page.get_by_text(BEFORE).count() == 0
                    assert page.locator("[data-testid='stException']").count() == 0
                still = [_upstreams(run_dir, cookie) for _, _, cookie in sessions]
                assert still == workers  # the reload stayed on the same worker
            finally:
                browser.close()

        # four simulated users of the load benchmark (outside Playwright's event loop): the page
        # first (its answer sets the cookie), then the websocket with it; two land on each worker
        outcome = run_users(base, view_plans(4, 1), timeout=90)
        assert outcome.errors == []
        firsts = [line for line in _log_lines(run_dir) if line["path"] == "/" and line["cookie"] == ""]
        assert Counter(line["worker"] for line in firsts) == {"w1": 2, "w2": 2}
        # a cookie names one worker, always the same: no request of a browser went elsewhere
        pinned = {(line["cookie"], line["upstream"]) for line in _log_lines(run_dir) if line["cookie"]}
        assert pinned == {(cookie, next(iter(w))) for cookie, w in zip(cookies, workers)}
    finally:
        pids = _pids(run_dir)
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
    assert serve.returncode == 0, serve.stderr.read()
    assert len(pids) >= 3  # two workers and the nginx master
    assert [pid for pid in pids if Path(f"/proc/{pid}").exists()] == []
    assert _processes_mentioning(str(run_dir)) == []  # nginx master and workers (-p RUN_DIR)
    for worker_port in worker_ports:
        assert _processes_mentioning(f"--server.port {worker_port} ") == []
    # each session's websockets (logged when they closed) went to that session's one worker
    for cookie in cookies:
        streams = [line for line in _log_lines(run_dir)
                   if line["cookie"] == cookie and line["path"].startswith("/_stcore/stream")]
        assert streams and all(line["status"] == "101" for line in streams), streams
        assert len(_upstreams(run_dir, cookie)) == 1


def test_serve_says_ready_once_every_worker_has_computed_the_default_maps(tmp_path):
    """With the warm-up on (as deployed), "bereit" comes after each worker's line that it computed every
    indicator × year of the Karte's default view (ui/warmup.py)."""
    from ui import data

    run_dir = tmp_path / "run"
    port = server.free_port()
    env = {**os.environ, "QUARTIERSMONITOR_DATA_DIR": str(tmp_path / "store"), "QUARTIERSMONITOR_WARMUP": "1"}
    serve = subprocess.Popen([str(PROJECT / "scripts" / "serve.sh"), "--workers", "1", "--port", str(port),
                              "--listen", server.HOST, "--run-dir", str(run_dir)],
                             cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        ready = serve.stdout.readline()
        assert "Quartiersmonitor bereit" in ready, ready + serve.stderr.read()
        logs = "".join(path.read_text() for path in (run_dir / "logs").glob("worker-*.log"))
        table = data.indicator_table()
        views = len(data.catalog().indicators) * table["year"].nunique()
        assert re.search(rf"Quartiersmonitor: Vorberechnung fertig: {views} Kartenansichten in [0-9]+,[0-9] s", logs)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    assert serve.returncode == 0
