"""Page scripts of one process take turns (ui/slots.py)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui import slots

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def test_a_freed_slot_goes_to_the_longest_waiting_run():
    turns = slots.TakingTurns(1)
    assert turns.acquire(timeout=1)
    order = []

    def wait(name):
        assert turns.acquire(timeout=5)
        order.append(name)
        turns.release()

    threads = []
    for name in ("erste", "zweite", "dritte"):
        threads.append(threading.Thread(target=wait, args=(name,)))
        threads[-1].start()
        time.sleep(0.05)          # they queue in this order
    turns.release()
    for thread in threads:
        thread.join()
    assert order == ["erste", "zweite", "dritte"]
    assert turns.acquire(timeout=0.1)        # free again
    assert not turns.acquire(timeout=0.1)    # taken: a second one gives up after its time-out


def test_a_second_run_waits_for_the_first_and_a_hung_one_cannot_stop_it(monkeypatch):
    monkeypatch.setattr(slots, "_slots", slots.TakingTurns(1))
    events = []

    def run(name, seconds):
        with slots.script_slot():
            events.append(f"{name} an")
            time.sleep(seconds)
            events.append(f"{name} aus")

    first = threading.Thread(target=run, args=("eins", 0.3))
    first.start()
    time.sleep(0.05)
    run("zwei", 0)
    first.join()
    assert events == ["eins an", "eins aus", "zwei an", "zwei aus"]

    monkeypatch.setattr(slots, "SLOT_WAIT_S", 0.2)
    hung = threading.Thread(target=run, args=("hängt", 1.0))
    hung.start()
    time.sleep(0.05)
    started = time.monotonic()
    run("drei", 0)                    # waits 0.2 s at most, then runs beside the hung one
    assert time.monotonic() - started < 0.8
    hung.join()
    with slots.script_slot(needed=False):   # a run that needs no slot never waits
        pass


class _Counting:
    def __init__(self):
        self.taken = 0

    def acquire(self, timeout=None):
        self.taken += 1
        return True

    def release(self):
        pass


def test_every_page_takes_a_turn_except_the_import_page(monkeypatch):
    counting = _Counting()
    monkeypatch.setattr(slots, "_slots", counting)
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.run()
    at.switch_page("pages/karte.py").run()
    assert not at.exception, at.exception
    taken = counting.taken
    assert taken >= 2
    at.switch_page("pages/importieren.py").run()
    assert not at.exception, at.exception
    assert counting.taken == taken
