"""Many users at once: simulated browsers speaking Streamlit's own websocket protocol.

Each simulated user behaves like a browser: it first loads the page with an HTTP GET (behind nginx
the answer sets the sticky cookie qm_worker that pins the browser to one worker; a single
Streamlit process sets none), then opens `/_stcore/stream` with that cookie (subprotocol
"streamlit", one websocket for the whole visit, reopened with the same cookie after a drop) and asks for
reruns with BackMsg(rerun_script=ClientState(query_string=..., page_name=...)) — a new indicator
and year in the query string, as a click on the sidebar does. A rerun is timed from sending the
BackMsg to the ForwardMsg script_finished(FINISHED_SUCCESSFULLY). It counts as an error when the
ForwardMsg stream of that rerun holds an exception element, when the expected text is missing,
when the connection drops, or when it takes longer than the time-out.

`python -m benchmarks --only load` runs `bench_load()`: one Streamlit process (ui.server), then
scripts/serve.sh with 2 workers behind nginx, U = 1, 5, 20 users each; loopback only.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Rerun:
    """One click: a page (its url path) with a query string; ``expect`` must appear in the answer."""

    page: str
    query: str
    expect: str = ""


@dataclass
class Outcome:
    """What a set of simulated users measured."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self, prefix: str = "load") -> dict:
        ordered = sorted(self.latencies_ms)
        return {f"{prefix}_p50_ms": round(statistics.median(ordered)) if ordered else None,
                f"{prefix}_p95_ms": round(percentile(ordered, 95)) if ordered else None,
                f"{prefix}_errors": len(self.errors),
                f"{prefix}_rps": round(len(ordered) / self.seconds, 2) if self.seconds else 0.0}


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _rerun_message(rerun: Rerun) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = rerun.query
    msg.rerun_script.page_name = rerun.page
    return msg.SerializeToString()


def exception_in(msg) -> str | None:
    """The exception message when this (parsed) ForwardMsg adds an exception element, else None."""
    if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        if element.WhichOneof("type") == "exception":
            return f"{element.exception.type}: {element.exception.message}"
    return None


async def _one_rerun(ws, rerun: Rerun, timeout: float) -> tuple[float, str | None]:
    """Send one rerun and read the stream until the script finished; (ms, error or None)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    done = ForwardMsg.FINISHED_SUCCESSFULLY
    msg = ForwardMsg()
    started = time.perf_counter()
    await ws.send(_rerun_message(rerun))
    problem, seen = None, not rerun.expect
    expect = rerun.expect.encode()
    async with asyncio.timeout(timeout):
        while True:
            raw = await ws.recv()
            seen = seen or expect in raw
            msg.ParseFromString(raw)  # once per message: the client shares the cores with the servers
            kind = msg.WhichOneof("type")
            if kind == "script_finished" and msg.script_finished == done:
                break
            if kind == "delta":
                problem = problem or exception_in(msg)
    ms = (time.perf_counter() - started) * 1000
    if problem:
        return ms, f"exception: {problem}"
    if not seen:
        return ms, f"missing text {rerun.expect!r}"
    return ms, None


def sticky_cookie(set_cookie_headers: list[str]) -> str | None:
    """The Cookie header a browser sends after these Set-Cookie headers: nginx's qm_worker, or None.

    >>> sticky_cookie(["qm_worker=w2; Path=/; HttpOnly; SameSite=Lax"])
    'qm_worker=w2'
    >>> sticky_cookie(["other=1; Path=/"]) is None
    True
    """
    for header in set_cookie_headers:
        morsel = SimpleCookie(header).get("qm_worker")
        if morsel is not None:
            return f"qm_worker={morsel.value}"
    return None


async def load_page(base: str, path: str, timeout: float) -> str | None:
    """GET the page as a browser does first (asyncio streams: the event loop keeps running);
    returns the Cookie header for the websocket (nginx's qm_worker) or None when none was set.
    Raises ConnectionError for an answer other than 200."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            await reader.read()  # the page itself, to the end, as a browser reads it
        except asyncio.IncompleteReadError as exc:  # closed before the headers ended
            raise ConnectionError(f"GET {path}: the connection closed early") from exc
        finally:
            writer.close()
    status = head[0].split(" ", 2)
    if len(status) < 2 or status[1] != "200":
        raise ConnectionError(f"GET {path}: {head[0]}")
    name = "set-cookie:"
    return sticky_cookie([line[len(name):].strip() for line in head if line.lower().startswith(name)])


async def simulate_user(base: str, reruns: list[Rerun], outcome: Outcome, timeout: float,
                        deadline: float) -> None:
    """One browser: one websocket (reopened after a drop) and its reruns one after another."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import WebSocketException

    uri = base.replace("http://", "ws://") + "/_stcore/stream"
    headers, page_loaded = {}, False
    ws = None
    try:
        for rerun in reruns:
            if time.perf_counter() > deadline:
                outcome.errors.append("not run: benchmark time limit")
                continue
            try:
                if not page_loaded:  # the page first: behind nginx its answer pins the browser
                    cookie = await load_page(base, "/", timeout)
                    headers = {"Cookie": cookie} if cookie else {}
                    page_loaded = True
                if ws is None:
                    ws = await connect(uri, subprotocols=["streamlit"], additional_headers=headers,
                                       max_size=None, open_timeout=timeout)
                ms, error = await _one_rerun(ws, rerun, timeout)
            except TimeoutError:  # before OSError: TimeoutError is one of its subclasses
                outcome.errors.append(f"timeout after {timeout} s")
                if ws is not None:
                    await ws.close()
                ws = None
                continue
            except (OSError, WebSocketException) as exc:
                outcome.errors.append(f"connection: {type(exc).__name__}: {exc}")
                ws = None
                continue
            if error:
                outcome.errors.append(error)
            else:
                outcome.latencies_ms.append(ms)
    finally:
        if ws is not None:
            await ws.close()


def run_users(base: str, plans: list[list[Rerun]], timeout: float = 30.0, limit_s: float = 120.0) -> Outcome:
    """Run every plan (one per simulated user) at the same time against ``base`` (http://host:port)."""
    outcome = Outcome()

    async def main():
        deadline = time.perf_counter() + limit_s
        await asyncio.gather(*(simulate_user(base, plan, outcome, timeout, deadline) for plan in plans))

    started = time.perf_counter()
    asyncio.run(main())
    outcome.seconds = time.perf_counter() - started
    return outcome


def view_plans(users: int, reruns: int, page: str = "karte") -> list[list[Rerun]]:
    """Per user a sequence of (indicator, year) views, each different from the one before."""
    from indicators.build.pipeline import build
    from indicators.catalog import load_catalog

    catalog = load_catalog()
    indicator_ids = list(catalog.indicators)
    years = sorted(int(y) for y in build()["year"].unique())
    plans = []
    for user in range(users):
        plan = []
        for step in range(reruns + 1):  # the first opens the page (not timed as a click)
            n = user * 7 + step
            indicator = indicator_ids[n % len(indicator_ids)]
            year = years[(n // len(indicator_ids) + user) % len(years)]
            expect = catalog.indicators[indicator].label("de") if page == "karte" else ""
            plan.append(Rerun(page, f"ind={indicator}&jahr={year}", expect))
        plans.append(plan)
    return plans


def measure(base: str, users: int, reruns: int, page: str = "karte", limit_s: float = 120.0,
            warm: bool = False) -> Outcome:
    """Open the page once per user (untimed), then time ``reruns`` view changes per user.

    ``warm``: first let other sessions visit the same views (untimed), so every view is in the
    process's cache — what a rerun costs when someone else already looked at that view.
    """
    plans = view_plans(users, reruns, page)
    if warm:
        run_users(base, plans, limit_s=limit_s)
    run_users(base, [plan[:1] for plan in plans], limit_s=limit_s)  # session start, first view
    return run_users(base, [plan[1:] for plan in plans], limit_s=limit_s)


def start_serve(workers: int, data_dir: str | None = None) -> tuple[subprocess.Popen, str]:
    """scripts/serve.sh on a free loopback port; returns the process and the base URL once it is ready."""
    from ui import server

    port = server.free_port()
    env = {**os.environ, **({"QUARTIERSMONITOR_DATA_DIR": data_dir} if data_dir else {})}
    process = subprocess.Popen([str(PROJECT / "scripts" / "serve.sh"), "--workers", str(workers), "--port", str(port),
                                "--listen", HOST], cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    line = process.stdout.readline()
    if "bereit" not in line:
        stop_serve(process)
        raise RuntimeError(f"serve.sh did not start: {line}{process.stderr.read()}")
    return process, f"http://{HOST}:{port}"


def stop_serve(process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Stop serve.sh by its PID (SIGTERM: it stops nginx and every worker itself)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _scenarios(base: str, setup: str, results: dict, users_list=(1, 5, 20), reruns: int = 8) -> None:
    """load_p50_ms etc. as {"<setup>_u<U>": value}: setup '1p' is one process, '2w' two workers + nginx."""
    for users in users_list:
        outcome = measure(base, users, reruns)
        for key, value in outcome.summary().items():
            results.setdefault(key, {})[f"{setup}_u{users}"] = value
        if outcome.errors:
            results.setdefault("load_first_error", {})[f"{setup}_u{users}"] = outcome.errors[0][:200]


def warm_up(port: int, process: subprocess.Popen, timeout: float = 300.0) -> float | None:
    """Start the server's warm-up of the default maps (ui/warmup.py) by one script run, as serve.sh does,
    and wait for its log line on the server's stderr; returns the seconds it reports (None: no line)."""
    import re
    import selectors
    import urllib.request

    from ui.warmup import LOG_PREFIX, enabled

    if not enabled():
        return None
    urllib.request.urlopen(f"http://{HOST}:{port}/_stcore/script-health-check", timeout=timeout).read()
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        while time.monotonic() < deadline and selector.select(timeout=deadline - time.monotonic()):
            line = process.stderr.readline().decode(errors="replace")
            if not line:
                return None
            if LOG_PREFIX in line:
                found = re.search(r" in ([0-9]+,[0-9]) s", line)
                return float(found.group(1).replace(",", ".")) if found else None
    return None


def bench_load() -> dict:
    """load_*: single-user reruns on every page (first visit of each view, and warm), then U = 1, 5, 20
    users on the map with one process and with serve.sh's 2 workers; load_speedup_2w at U = 20.
    Both set-ups run as deployed: each process computes the default maps before the first measurement
    (load_warmup_s: how long that took the one process)."""
    from ui import server
    from ui.state import PAGES

    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:  # an empty store: the bundled data, as on a fresh install
        env = {"QUARTIERSMONITOR_DATA_DIR": tmp}
        port = server.free_port()
        process = server.start(port, env=env)
        try:
            server.wait_healthy(port)
            base = f"http://{HOST}:{port}"
            results["load_warmup_s"] = warm_up(port, process)  # as deployed: the default maps ahead of clicks
            for warm, key in ((False, "load_page_p50_ms"), (True, "load_page_warm_p50_ms")):
                per_page = {}
                for _path, _key, _icon, slug in PAGES:
                    outcome = measure(base, 1, 10, page=slug, warm=warm)
                    per_page[slug] = outcome.summary()["load_p50_ms"]
                    if outcome.errors:
                        results.setdefault("load_page_errors", {})[slug] = len(outcome.errors)
                results[key] = per_page
            _scenarios(base, "1p", results)
        finally:
            server.stop(process)
        process, base = start_serve(2, tmp)
        try:
            # each worker runs the script once first (imports, the first data load), as the single
            # process did in the per-page runs above; round robin puts one of these two on each
            run_users(base, [[Rerun("karte", "")]] * 2)
            _scenarios(base, "2w", results)
        finally:
            stop_serve(process)
    one, two = results["load_rps"].get("1p_u20"), results["load_rps"].get("2w_u20")
    results["load_speedup_2w"] = round(two / one, 2) if one and two else None
    return results
