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
from contextlib import contextmanager

SLOTS_ENV = "QUARTIERSMONITOR_SCRIPT_SLOTS"
SLOT_WAIT_S = 10.0
_slots = threading.BoundedSemaphore(max(1, int(os.environ.get(SLOTS_ENV, "1"))))


@contextmanager
def script_slot(needed: bool = True):
    """Hold one of the process's slots while a page script runs (released on rerun and stop too)."""
    held = needed and _slots.acquire(timeout=SLOT_WAIT_S)
    try:
        yield
    finally:
        if held:
            _slots.release()
