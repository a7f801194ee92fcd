"""Chart images (PNG, SVG, PDF) through one persistent kaleido server.

The kaleido sync server is a process-wide singleton and is not thread-safe (concurrent calls
received each other's images), so every start and every render goes through one lock.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from indicators import figures

FORMATS = ("png", "svg", "pdf")
DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_SCALE = 1200, 800, 2
RENDER_TIMEOUT_S = 120.0       # a first render starts the browser (~3 s); a warm one takes ~0.2 s
WATCH_INTERVAL_S = 0.1         # how often a waiting render checks that the server is still alive
CHROMIUM_MISSING_MESSAGE = (
    "Für den Bildexport wird Chromium benötigt. Installation: sudo apt-get install -y chromium "
    "(oder scripts/setup.sh ausführen). Der Download-Knopf im Diagramm selbst funktioniert weiterhin.")
SERVER_FAILED_MESSAGE = ("Der Bildexport ist fehlgeschlagen: Chromium ließ sich nicht starten ({detail}). "
                         "Der Download-Knopf im Diagramm selbst funktioniert weiterhin.")
RENDER_FAILED_MESSAGE = ("Der Bildexport ist fehlgeschlagen ({detail}). "
                         "Der Download-Knopf im Diagramm selbst funktioniert weiterhin.")
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
               "zip": "application/zip"}

_LOCK = threading.Lock()
_SERVER = {"running": False}


class ChromiumMissing(RuntimeError):
    """No Chromium for kaleido: the app shows the German message and keeps the browser download."""

    def __init__(self, message: str = CHROMIUM_MISSING_MESSAGE):
        super().__init__(message)


class ExportError(RuntimeError):
    """An image export failed for another reason (message in German)."""


# --- the kaleido server ---


def browser_path() -> str | None:
    """The browser kaleido would use: $BROWSER_PATH, else a Chromium/Chrome on PATH or in /usr/bin."""
    from choreographer.browsers.chromium import Chromium

    return Chromium.find_browser(skip_local=True)


def chromium_available() -> bool:
    """True when an executable Chromium (or Chrome) exists for the static export."""
    path = browser_path()
    return bool(path) and Path(path).is_file() and os.access(path, os.X_OK)


def _global_server():
    import kaleido

    return kaleido._global_server  # the singleton behind start_sync_server: checked for a dead thread


def _server_alive() -> bool:
    server = _global_server()
    thread = getattr(server, "_thread", None)
    return server.is_running() and thread is not None and thread.is_alive()


def _ensure_server() -> None:
    """Start the one kaleido server on first use (caller holds the lock)."""
    import kaleido

    if not chromium_available():
        raise ChromiumMissing()
    if _SERVER["running"] and _server_alive():
        return
    if _global_server().is_running():  # a server whose browser died: reset it before a restart
        kaleido.stop_sync_server(silence_warnings=True)
    figures.apply_offline_defaults()  # plotly.io.defaults.topojson = the empty topology: no CDN request
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _SERVER["running"] = True


def stop_server() -> None:
    """Stop the kaleido server (it starts again on the next render)."""
    import kaleido

    with _LOCK:
        if _global_server().is_running():
            kaleido.stop_sync_server(silence_warnings=True)
        _SERVER["running"] = False


def _call_watched(fig, opts: dict) -> bytes:
    """kaleido.calc_fig_sync, but a server thread that dies (browser failed) raises instead of hanging."""
    import kaleido

    box: dict = {}

    def work():
        try:
            box["result"] = kaleido.calc_fig_sync(fig, opts=opts, topojson=figures.EMPTY_TOPOJSON)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=work, daemon=True, name="kaleido-call")
    worker.start()
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    while worker.is_alive():
        worker.join(WATCH_INTERVAL_S)
        if worker.is_alive() and (not _server_alive() or time.monotonic() > deadline):
            _SERVER["running"] = False
            raise ExportError(SERVER_FAILED_MESSAGE.format(
                detail="Zeitüberschreitung" if _server_alive() else "Browserprozess beendet"))
    if "error" in box:
        error = box["error"]
        if type(error).__name__ == "ChromeNotFoundError":
            raise ChromiumMissing() from error
        raise ExportError(RENDER_FAILED_MESSAGE.format(detail=str(error)[:200])) from error
    return box["result"]


def render(fig, fmt: str, *, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT,
           scale: float = DEFAULT_SCALE) -> bytes:
    """PNG, SVG or PDF bytes of a plotly figure, through the one persistent kaleido server."""
    if fmt not in FORMATS:
        raise ValueError(f"Unbekanntes Format „{fmt}“: erlaubt sind {', '.join(FORMATS)}.")
    opts = {"format": fmt, "width": int(width), "height": int(height), "scale": scale}
    with _LOCK:
        _ensure_server()
        return _call_watched(fig, opts)
