"""Run axe-core (WCAG 2.0/2.1 A + AA) on every page of the dashboard in a real Chromium and print the result.

Usage: python -m scripts.a11y_check [--json FILE]
Starts its own server on a free loopback port and stops it by PID. The browser test
tests/test_accessibility.py asserts the same with zero violations; this script is for a person
who wants to see the numbers (e.g. before updating the accessibility statement).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui import server  # noqa: E402
from ui.state import PAGES  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# Streamlit is idle when <div data-testid="stApp"> says its script has finished and it is connected
# (widgets are disabled while it is not) and no element is left stale from an earlier run. Its status
# widget is no such sign: it appears only once a run has taken 500 ms.
IDLE = """() => { const app = document.querySelector("[data-testid='stApp']");
    return !!app && app.dataset.testScriptState === 'notRunning' && app.dataset.testConnectionState === 'CONNECTED'
        && !document.querySelector("[data-stale='true']"); }"""


def settle(page, timeout: int = 120_000) -> None:
    """Wait until Streamlit has drawn the page and stopped changing it (a page may rerun itself once
    more, e.g. after writing its state into the address)."""
    page.wait_for_function(
        f"""() => {{ const m = document.querySelector("[data-testid='stMain']");
                   return m && m.innerText.trim().length > 20 && ({IDLE})(); }}""",
        timeout=timeout)
    last = None
    for _ in range(60):
        page.wait_for_timeout(500)
        now = page.evaluate(f"""() => [document.querySelector("[data-testid='stMain']").innerHTML.length,
            ({IDLE})()].join(':')""")
        if now == last:
            return
        last = now


def axe_violations(page, disabled: dict | None = None) -> list[dict]:
    """axe-core's violations with the WCAG A/AA tags (rules in ``disabled`` switched off)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    if disabled:
        options["rules"] = {rule: {"enabled": False} for rule in disabled}
    return Axe().run(page, options=options).response["violations"]


def summary(violations: list[dict]) -> list[dict]:
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [{"target": n["target"], "html": n["html"][:200], "summary": n.get("failureSummary", "")[:300]}
                       for n in v["nodes"]]} for v in violations]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", help="write the full result to this file")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = server.free_port()
    process = server.start(port)
    result = {}
    try:
        server.wait_healthy(port)
        base = f"http://{server.HOST}:{port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base)  # the router's first run (a new server's first deep link skips it)
            settle(page)
            for lang in ("de", "en"):
                for _path, _key, _icon, slug in PAGES:
                    page.goto(f"{base}/{'' if slug == PAGES[0][3] else slug}?lang={lang}")
                    settle(page)
                    if slug == "karte":
                        page.wait_for_selector("path.choroplethlocation", timeout=20_000)
                    found = summary(axe_violations(page))
                    lang_attr = page.evaluate("document.documentElement.lang")
                    result[f"{slug}?lang={lang}"] = {"html_lang": lang_attr, "violations": found}
                    nodes = sum(len(v["nodes"]) for v in found)
                    print(f"{slug:14} {lang}  lang={lang_attr!r:6} violations: {len(found)} rules, {nodes} elements "
                          f"{[v['rule'] for v in found]}")
            browser.close()
    finally:
        server.stop(process)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
