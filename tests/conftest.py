"""Shared test setup: the store's readers run in this process unless a test is about the sandbox.

A sandboxed read starts a fresh Python that imports pandas (seconds on a loaded machine); the
many tests whose subject is a reader's result run it in-process. Tests marked ``sandbox`` (and
every command-line test, which runs in its own process) go through the real limited child.
"""

from __future__ import annotations

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "sandbox: run the store's readers in the limited child process")


@pytest.fixture(autouse=True)
def _readers_in_process(request, monkeypatch):
    if request.node.get_closest_marker("sandbox") is None:
        from indicators import store

        monkeypatch.setattr(store, "SANDBOX_READERS", False)
