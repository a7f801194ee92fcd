"""A process-wide memo for the app's cache boundary (ui/data.py).

Why not st.cache_resource: it hashes every argument and inspects the function's signature on every
call (about 0.4 ms per call on the 2-core machine, a dozen calls per rerun: ~4 ms of a 50 ms warm
Karte rerun in a py-spy profile), and it needs a running script, so nothing can fill it ahead of a
click (ui/warmup.py). The results are shared objects, as with st.cache_resource: callers must not
modify them.
"""

from __future__ import annotations

import functools
import pickle
import threading
from collections import OrderedDict


class Memo:
    """``func(*args)`` computed once per argument tuple (positional arguments only), at most
    ``max_entries`` results kept (least recently used dropped first). Two threads asking for the same
    new arguments compute them once: the second waits for the first. ``key`` makes the key of the
    argument tuple (default: the tuple itself, or its pickle when it is unhashable)."""

    def __init__(self, func, max_entries: int, key=None):
        self.func = func
        self.max_entries = max_entries
        self._key = key or _key
        self._values: OrderedDict = OrderedDict()
        self._computing: dict = {}
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        functools.update_wrapper(self, func)

    def __call__(self, *args):
        key = self._key(args)
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                self.hits += 1
                return self._values[key]
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:  # another thread may have made it while this one waited
                if key in self._values:
                    self.hits += 1
                    return self._values[key]
            try:
                value = self.func(*args)
            except BaseException:
                with self._lock:
                    self._computing.pop(key, None)
                raise
            with self._lock:  # kept before the key's lock goes, so nobody computes it a second time
                self.misses += 1
                self._values[key] = value
                self._computing.pop(key, None)
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
        return value

    def cached(self, *args) -> bool:
        """True when the result for these arguments is kept."""
        with self._lock:
            return self._key(args) in self._values


def _key(args: tuple):
    """The arguments themselves, or their pickle when one is unhashable (a catalog Indicator holds dicts)."""
    try:
        hash(args)
    except TypeError:
        return ("pickled", pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL))
    return args


def memo(max_entries: int):
    """Decorator: ``@memo(256)`` turns a function into a :class:`Memo`."""
    return lambda func: Memo(func, max_entries)
