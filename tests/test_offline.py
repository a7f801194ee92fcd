"""Offline by design: the guard catches any connection outside loopback; the app is configured for it."""

import re
import socket
import tomllib
from pathlib import Path

import pytest

from conftest import ExternalNetworkError
from indicators.figures import EMPTY_TOPOJSON, PLOTLY_CONFIG

PROJECT = Path(__file__).resolve().parent.parent


def test_the_guard_fails_a_connection_outside_loopback():
    with pytest.raises(ExternalNetworkError):
        socket.create_connection(("93.184.216.34", 80), timeout=1)
    with pytest.raises(ExternalNetworkError):
        socket.getaddrinfo("example.org", 443)


def test_the_guard_lets_loopback_through():
    # a real round trip over 127.0.0.1 (and 'localhost' resolves): the guard must not block it
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=1) as client:
            peer, _ = server.accept()
            with peer:
                client.sendall(b"ping")
                assert peer.recv(4) == b"ping"
                peer.sendall(b"pong")
                assert client.recv(4) == b"pong"
    assert {info[4][0] for info in socket.getaddrinfo("localhost", 80, socket.AF_INET)} == {"127.0.0.1"}


def test_streamlit_is_configured_offline_and_quiet():
    config = tomllib.loads((PROJECT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["headless"] is True


def test_maps_never_fetch_the_world_topojson_from_a_cdn():
    assert PLOTLY_CONFIG["topojsonURL"] == EMPTY_TOPOJSON
    assert EMPTY_TOPOJSON.startswith("data:application/json,")


def test_no_page_uses_material_icons_which_load_a_web_font():
    sources = [p.read_text(encoding="utf-8") for p in [PROJECT / "dashboard.py", *PROJECT.glob("pages/*.py"),
                                                        *PROJECT.glob("ui/*.py")]]
    assert not any(re.search(r"['\"]:material/", text) for text in sources)
