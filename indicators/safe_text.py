"""Text from users and files, made inert wherever the project shows or writes it.

One place for three kinds of output that would otherwise interpret such text:
- spreadsheets: a cell starting with '=', '+', '-', '@', TAB or CR is a formula to Excel and
  LibreOffice (OWASP "CSV injection"); it gets a leading apostrophe (``neutralise_frame``);
- Markdown (Streamlit captions, markdown, widget labels): HTML and Markdown characters are
  escaped, so '![x](http://host/pixel.png)' stays text and the browser requests nothing
  (``markdown_text``);
- terminals: control characters and escape sequences from file cells are removed before the CLI
  prints a message (``terminal_text``).
Plotly's rich text (titles with <b> and <br>) becomes plain text for text alternatives (``plain_text``).
"""

from __future__ import annotations

import html
import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|~$:=^")
# ANSI/VT escape sequences (CSI … final byte, OSC … BEL/ST, two-byte ESC x), then any other
# C0/C1 control character except newline and tab
TERMINAL_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
RICH_TAG = re.compile(r"<[^>]+>")
RICH_BREAK = re.compile(r"<br\s*/?>", re.I)


def neutralise_cell(value):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe; others stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return FORMULA_GUARD + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name neutralised (numbers stay numbers)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(neutralise_cell, na_action="ignore")
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


def markdown_text(text) -> str:
    """Text shown literally by Streamlit's Markdown: HTML escaped, Markdown characters backslashed.

    One line only: a newline would start a new Markdown block; other control characters are dropped.
    """
    out = []
    for ch in " ".join(str(text).splitlines()):
        if not ch.isprintable():
            out.append(" " if ch.isspace() else "")
        elif ch in HTML_ESCAPES:
            out.append(HTML_ESCAPES[ch])
        elif ch in MARKDOWN_SPECIALS:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def terminal_text(text) -> str:
    """Text safe to print in a terminal: escape sequences and control characters removed."""
    return CONTROL.sub("", TERMINAL_SEQUENCE.sub("", str(text)))


def plain_text(text) -> str:
    """Plotly rich text as plain text: line breaks become ' – ', tags go, entities are decoded.

    >>> plain_text("<b>Kinderarmut</b><br>Anteil in &amp; %")
    'Kinderarmut – Anteil in & %'
    """
    text = RICH_BREAK.sub(" – ", str(text or ""))
    return html.unescape(RICH_TAG.sub("", text)).strip(" –")
