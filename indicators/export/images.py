"""Chart images (PNG, SVG, PDF) through one persistent kaleido server.

The kaleido sync server is a process-wide singleton and is not thread-safe (concurrent calls
received each other's images), so every start and every render goes through one lock.

An image saved on its own keeps its text alternative where the format has a place for it (WCAG 1.1.1):
PNG iTXt chunks „Title“ and „Description“, SVG <title>/<desc> with role="img" and aria-labelledby, PDF
document title and subject (with /Lang and DisplayDocTitle). The text is the one the image draws:
title, subtitle, source line and notes (``image_texts``), the same words as a PPTX picture's alt text.
"""

from __future__ import annotations

import functools
import html
import io
import os
import re
import struct
import threading
import time
import zlib
from pathlib import Path

from indicators import figures
from indicators.safe_text import plain_text

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
    return _find_browser(os.environ.get("BROWSER_PATH"), os.environ.get("PATH"))


@functools.lru_cache(maxsize=8)
def _find_browser(_browser_env: str | None, _path_env: str | None) -> str | None:
    """choreographer's search, once per environment: it walks PATH and stats files (~0.7 ms), and every
    rerun of a page with an export menu asks."""
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
           scale: float = DEFAULT_SCALE, lang: str = "de") -> bytes:
    """PNG, SVG or PDF bytes of a plotly figure, through the one persistent kaleido server, carrying the
    figure's own texts as alt text (``image_texts``; nothing is added to a figure without a title)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unbekanntes Format „{fmt}“: erlaubt sind {', '.join(FORMATS)}.")
    opts = {"format": fmt, "width": int(width), "height": int(height), "scale": scale}
    with _LOCK:
        _ensure_server()
        data = _call_watched(fig, opts)
    title, description = image_texts(fig)
    return with_alt_text(data, fmt, title, description, lang) if title or description else data


# --- alt text inside the image file ---


def alt_description(*parts) -> str:
    """Parts of a chart's text joined as sentences: 'Titel. Untertitel. Quelle: X. Hinweis.' (empty parts go).

    >>> alt_description("Kinderarmut 2024", "Anteil in %", "", "Quelle: Test.")
    'Kinderarmut 2024. Anteil in %. Quelle: Test.'
    """
    return " ".join(p.strip().rstrip(".") + "." for p in parts if p and p.strip())


def image_texts(fig) -> tuple[str, str]:
    """(title, description) of a figure: the texts ``add_export_annotations`` drew into it (kept in
    layout.meta['export']), else just its title."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    drawn = meta.get("export") or {}
    title = plain_text(drawn.get("title") or (fig.layout.title.text if fig.layout.title else "") or "")
    if not drawn:
        return title, title
    return title, alt_description(title, plain_text(drawn.get("subtitle", "")), plain_text(drawn.get("source_line", "")),
                                  *(plain_text(n) for n in drawn.get("notes", ())))


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _itxt(keyword: str, text: str, lang: str) -> bytes:
    """An uncompressed international text chunk (UTF-8, so „ü“ and „–“ survive; tEXt is Latin-1 only)."""
    return _png_chunk(b"iTXt", keyword.encode("latin-1") + b"\0\0\0" + lang.encode("ascii") + b"\0\0"
                      + text.encode("utf-8"))


def png_with_text(png: bytes, title: str, description: str, lang: str = "de") -> bytes:
    """The PNG with iTXt 'Title' and 'Description' chunks right after its header chunk (no re-encoding)."""
    end_of_ihdr = 8 + 8 + struct.unpack(">I", png[8:12])[0] + 4
    chunks = b"".join(_itxt(k, v, lang) for k, v in (("Title", title), ("Description", description)) if v)
    return png[:end_of_ihdr] + chunks + png[end_of_ihdr:]


SVG_ROOT = re.compile(rb"<svg\b[^>]*>")


def svg_with_text(svg: bytes, title: str, description: str, lang: str = "de") -> bytes:
    """The SVG as one image to assistive technology: role="img", named by a <title> and described by a
    <desc>, both the root's first children (where SVG 1.1 and SVG-AAM look for them)."""
    root = SVG_ROOT.search(svg)
    if root is None:
        raise ExportError(RENDER_FAILED_MESSAGE.format(detail="SVG ohne <svg>-Element"))
    ids = [i for i, text in (("qm-alt-title", title), ("qm-alt-desc", description)) if text]
    tag = root.group(0)[:-1].rstrip(b"/")
    tag += (f' role="img" aria-labelledby="{" ".join(ids)}" xml:lang="{html.escape(lang)}">').encode()
    inner = "".join(f'<{name} id="{i}">{html.escape(text, quote=False)}</{name}>'
                    for name, i, text in (("title", "qm-alt-title", title), ("desc", "qm-alt-desc", description))
                    if text)
    return svg[:root.start()] + tag + inner.encode("utf-8") + svg[root.end():]


def pdf_with_text(pdf: bytes, title: str, description: str, lang: str = "de") -> bytes:
    """The PDF with document title and subject, its language, and viewers told to show the title
    (PDF/UA asks for DisplayDocTitle). A chart drawn by Chromium is untagged; fpdf2 cannot tag it later."""
    from pypdf import PdfWriter
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_metadata({"/Title": title, "/Subject": description})
    writer.root_object[NameObject("/Lang")] = TextStringObject("de-DE" if lang == "de" else "en-GB")
    writer.root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_alt_text(data: bytes, fmt: str, title: str, description: str, lang: str = "de") -> bytes:
    """The image file with its title and description where its format keeps them."""
    add = {"png": png_with_text, "svg": svg_with_text, "pdf": pdf_with_text}[fmt]
    return add(data, title, description, lang)
