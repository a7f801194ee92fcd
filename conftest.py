"""Test-wide guard: any connection outside loopback fails the test that made it."""

import ipaddress
import os
import shutil
import socket
import tempfile

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", ""}


class ExternalNetworkError(RuntimeError):
    """Raised when code under test tries to reach a host outside 127.0.0.1."""


def _is_loopback(host) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check(address) -> None:
    if isinstance(address, tuple) and not _is_loopback(address[0]):
        raise ExternalNetworkError(f"network access outside loopback: {address!r}")


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host is not None and not _is_loopback(host if isinstance(host, str) else host.decode()):
        raise ExternalNetworkError(f"name lookup outside loopback: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_external_network(monkeypatch):
    """Every test runs with connections outside loopback forbidden."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    yield


# No background warm-up of the default maps (ui/warmup.py) in the app runs and servers of the tests:
# each test starts with data of its own, so it would only take CPU from the tests (test_warmup.py
# switches it on).
TEST_ENVIRONMENT = {"QUARTIERSMONITOR_WARMUP": "0"}


def _set_test_environment(setenv, store: str) -> None:
    for name, value in {**TEST_ENVIRONMENT, "QUARTIERSMONITOR_DATA_DIR": store}.items():
        setenv(name, value)


@pytest.fixture(autouse=True)
def isolated_store(tmp_path_factory, monkeypatch):
    """Each test gets its own empty data store, so nothing touches the developer's userdata/."""
    _set_test_environment(monkeypatch.setenv, str(tmp_path_factory.mktemp("store")))
    yield


SESSION_STORE = pytest.StashKey[str]()


def pytest_configure(config):
    config.addinivalue_line("markers", "sandbox: run the store's and fetch's readers in the limited child process")
    # Module-scoped fixtures (the browser tests' servers) start before any function-scoped fixture has
    # run: the process-wide environment gives them the tests' settings and a store of their own too.
    config.stash[SESSION_STORE] = tempfile.mkdtemp(prefix="quartiersmonitor-tests-")
    _set_test_environment(os.environ.__setitem__, config.stash[SESSION_STORE])


def pytest_unconfigure(config):
    if SESSION_STORE in config.stash:
        shutil.rmtree(config.stash[SESSION_STORE], ignore_errors=True)


# --- the store's readers run in this process unless a test is about the sandbox ---
# A sandboxed read starts a fresh Python that imports pandas (seconds on a loaded machine); the
# many tests whose subject is a reader's result run it in-process. Tests marked ``sandbox`` (and
# every command-line test, which runs in its own process) go through the real limited child.


@pytest.fixture(autouse=True)
def _readers_in_process(request, monkeypatch):
    if request.node.get_closest_marker("sandbox") is None:
        from indicators import store
        from indicators.load import fetch

        monkeypatch.setattr(store, "SANDBOX_READERS", False)
        monkeypatch.setattr(fetch, "SANDBOX_PARSING", False)
