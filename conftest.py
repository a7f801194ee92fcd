"""Test-wide guard: any connection outside loopback fails the test that made it."""

import ipaddress
import socket

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


@pytest.fixture(autouse=True)
def isolated_store(tmp_path_factory, monkeypatch):
    """Each test gets its own empty data store, so nothing touches the developer's userdata/."""
    monkeypatch.setenv("QUARTIERSMONITOR_DATA_DIR", str(tmp_path_factory.mktemp("store")))
    # no background warm-up of the default maps (ui/warmup.py) in the app runs and servers of the tests:
    # each test starts with data of its own, so it would only take CPU from the tests; test_warmup.py
    # switches it on
    monkeypatch.setenv("QUARTIERSMONITOR_WARMUP", "0")
    yield


# --- the store's readers run in this process unless a test is about the sandbox ---
# A sandboxed read starts a fresh Python that imports pandas (seconds on a loaded machine); the
# many tests whose subject is a reader's result run it in-process. Tests marked ``sandbox`` (and
# every command-line test, which runs in its own process) go through the real limited child.


def pytest_configure(config):
    config.addinivalue_line("markers", "sandbox: run the store's and fetch's readers in the limited child process")


@pytest.fixture(autouse=True)
def _readers_in_process(request, monkeypatch):
    if request.node.get_closest_marker("sandbox") is None:
        from indicators import store
        from indicators.load import fetch

        monkeypatch.setattr(store, "SANDBOX_READERS", False)
        monkeypatch.setattr(fetch, "SANDBOX_PARSING", False)
