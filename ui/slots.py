"""Page scripts of one server process take turns: one runs, the others wait in order.

Why: Streamlit runs every session's script in a thread of its own, and one Python process executes
one thread at a time (the GIL). With twenty sessions rerunning at once, twenty threads take turns
every few milliseconds: each rerun takes twenty times as long, the interpreter switches more than
it works, and which session finishes first is left to chance. Measured with 20 simulated users on
one process (the load benchmark): p95 1.4–2.0 s with every script at once, 1.0–1.4 s with one
slot, and ~10 % more reruns per second; two slots or more were in between.

A run that waits seconds for something other than Python (the import page's sandboxed readers
and downloads) takes no slot, and nobody waits longer than SLOT_WAIT_S for one: a script that hangs
slows the others down but cannot stop them.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from contextlib import contextmanager

SLOTS_ENV = "QUARTIERSMONITOR_SCRIPT_SLOTS"
SLOT_WAIT_S = 10.0


class TakingTurns:
    """A semaphore that hands a freed slot to the longest waiting thread (threading.Semaphore lets a
    newly arriving thread take it first, so some sessions waited far longer than others)."""

    def __init__(self, slots: int):
        self._lock = threading.Lock()
        self._free = slots
        self._waiting: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._lock:
            if self._free > 0 and not self._waiting:
                self._free -= 1
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._lock:
            if turn.is_set():  # handed over just as the wait ended
                return True
            self._waiting.remove(turn)
            return False

    def release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # the slot passes on directly
            else:
                self._free += 1


_slots = TakingTurns(max(1, int(os.environ.get(SLOTS_ENV, "1"))))


@contextmanager
def script_slot(needed: bool = True):
    """Hold one of the process's slots while a page script runs (released on rerun and stop too)."""
    held = needed and _slots.acquire(timeout=SLOT_WAIT_S)
    try:
        yield
    finally:
        if held:
            _slots.release()
