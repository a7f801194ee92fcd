"""German input, read once: bytes to text (UTF-8 or what German Excel writes), German numbers and
their symbols for missing and suppressed cells, and the header helpers the readers share.

Every reader in load/ uses these; no reader imports another reader for them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from indicators.schema import FLAG_MISSING, FLAG_SUPPRESSED

# strict UTF-8 first (a BOM is dropped), then the Windows code page German Excel writes
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
UTF8_BOM = b"\xef\xbb\xbf"
SUPPRESSED_SYMBOLS = ("*",)
MISSING_SYMBOLS = ("", ".", "-", "–", "—", "x", "X", "...", "…", "/")
FLAG_INVALID = "invalid"  # parse_german_number: text that is no number and no known symbol
GERMAN_GROUPED = r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"   # 15.389 or 1.234,5
GERMAN_PLAIN = r"[+-]?\d+(?:,\d+)?"                     # 15389 or 28,8
DOT_DECIMAL = r"[+-]?\d+\.\d+"                          # 28.8: not a thousands group, so a decimal point
ENGLISH_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# evidence for the decimal mark, checked on the distinct value strings of a file
ENGLISH_ONLY = r"[+-]?\d{1,3}(?:,\d{3})+\.\d+|[+-]?\d{1,3}(?:,\d{3}){2,}|[+-]?\d+\.(?:\d{1,2}|\d{4,})|[+-]?\d{1,3}(?:,\d{3})+"
GERMAN_ONLY = r"[+-]?\d{1,3}(?:\.\d{3})+,\d+|[+-]?\d{1,3}(?:\.\d{3})+|[+-]?\d+,(?:\d{1,2}|\d{4,})"
GROUP_SPACE = re.compile(r"(?<=\d)[ \u00a0\u202f'](?=\d{3}(?:\D|$))")  # 15 389 -> 15389
NUMBER_CHARS = r"[0-9.,+-]{1,40}"   # ASCII digits, at most 40 characters (a count has far fewer)
MINUS_SIGNS = ("\u2212", "\u2013")  # before digits a minus; a lone '–' means missing


# --- bytes and text ---


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def mixed_utf8_lines(data: bytes) -> tuple[bytes, list[int]] | None:
    """A UTF-8 file with stray Windows-1252 bytes on some lines: (all text as UTF-8, those line numbers).

    None when the file is no such mix: valid UTF-8, or no line with real UTF-8 characters (then the
    whole file is Windows-1252, as German Excel writes it). Decided per line, so one 'ä' typed in
    another program does not turn every other line's UTF-8 umlauts into mojibake.
    """
    lines = data.split(b"\n")
    text, stray, utf8_seen = [], [], False
    for number, line in enumerate(lines, 1):
        try:
            text.append(line.decode("utf-8"))
            utf8_seen = utf8_seen or not line.isascii()
        except UnicodeDecodeError:
            stray.append(number)
            text.append(line.decode("cp1252", errors="replace"))
    if not stray or not utf8_seen:
        return None
    return "\n".join(text).encode("utf-8"), stray


def is_zip(data: bytes) -> bool:
    """True for a ZIP archive (also XLSX)."""
    return data[:4] == b"PK\x03\x04"


def detect_encoding(data: bytes) -> str:
    """'utf-8-sig' (with BOM), 'utf-8', or 'cp1252' (German Excel), tried strictly in that order."""
    for encoding in ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" and not data.startswith(UTF8_BOM):
            return "utf-8"
        return encoding
    return ENCODINGS[-1]  # latin-1 decodes every byte


# --- numbers ---


def _with_minus(text: pd.Series) -> pd.Series:
    """Typographic minus signs before a number -> '-' (a lone dash stays a missing symbol)."""
    for sign in MINUS_SIGNS:
        signed = text.str.match(f"{sign}\\d").fillna(False)
        if signed.any():
            text = text.where(~signed, "-" + text.str.slice(1))
    return text


def _clean_number_text(texts: pd.Series) -> pd.Series:
    """Trim, drop spaces between digit groups and unify minus signs."""
    text = texts.astype("str").str.strip()
    spaced = text.str.contains(r"\d[ \u00a0\u202f']\d", regex=True)
    if spaced.any():  # rare, so Python's regex (with look-behind) on those few strings only
        text = text.where(~spaced, text[spaced].map(lambda t: GROUP_SPACE.sub("", t)))
    return _with_minus(text)


def detect_decimal(texts: pd.Series) -> str:
    """',' (German) unless the distinct values show English numbers and nothing German."""
    text = _clean_number_text(texts)
    english = text.str.fullmatch(ENGLISH_ONLY).any()
    german = text.str.fullmatch(GERMAN_ONLY).any()
    return "." if english and not german else ","


def parse_number_strings(texts: pd.Series, decimal: str = ",") -> tuple[np.ndarray, np.ndarray]:
    """Vectorised: strings -> (float64 values, flags); run it on the distinct strings of a file."""
    text = _clean_number_text(texts).reset_index(drop=True)
    values = np.full(len(text), np.nan)
    flags = np.full(len(text), FLAG_INVALID, dtype=object)
    # '\d' also matches Arabic-Indic and other digits, and a 400-digit number overflows: such cells
    # are no number here (validation names their row and column), never a crash of the whole file
    sane = text.str.fullmatch(NUMBER_CHARS)
    if decimal == ",":
        german = (text.str.fullmatch(GERMAN_GROUPED) | text.str.fullmatch(GERMAN_PLAIN)) & sane
        dotted = text.str.fullmatch(DOT_DECIMAL) & ~german & sane
        plain = text[german].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        values[german.to_numpy()] = pd.to_numeric(plain).to_numpy(dtype="float64")
        values[dotted.to_numpy()] = pd.to_numeric(text[dotted]).to_numpy(dtype="float64")
        numeric = (german | dotted).to_numpy()
    else:
        english = text.str.fullmatch(ENGLISH_NUMBER) & sane
        plain = text[english].str.replace(",", "", regex=False)
        values[english.to_numpy()] = pd.to_numeric(plain).to_numpy(dtype="float64")
        numeric = english.to_numpy()
    flags[numeric] = ""
    flags[text.isin(SUPPRESSED_SYMBOLS).to_numpy()] = FLAG_SUPPRESSED
    flags[text.isin(MISSING_SYMBOLS).to_numpy()] = FLAG_MISSING
    return values, flags


def parse_german_number(text) -> tuple[float, str]:
    """'15.389' -> (15389.0, ''), '1.234,5' -> (1234.5, ''), '*' -> (nan, 'suppressed'), '.' -> (nan, 'missing').

    Text that is neither a number nor a known symbol gives (nan, 'invalid').

    >>> parse_german_number("15.389"), parse_german_number("1.234,5"), parse_german_number("−3")
    ((15389.0, ''), (1234.5, ''), (-3.0, ''))
    >>> parse_german_number("*"), parse_german_number("."), parse_german_number("viele")
    ((nan, 'suppressed'), (nan, 'missing'), (nan, 'invalid'))
    """
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        return (float(text), "") if np.isfinite(text) else (np.nan, FLAG_MISSING)
    if text is None:
        return np.nan, FLAG_MISSING
    values, flags = parse_number_strings(pd.Series([str(text)], dtype="str"))
    return float(values[0]), str(flags[0])


# --- headers ---


def fill_headers(rows: list[list[str]]) -> list[list[str]]:
    """Fill spanned header cells from the left where a lower row names a sub-column of the same parent."""
    filled = [list(r) for r in rows]
    n_rows = len(filled)
    width = max((len(r) for r in filled), default=0)
    for r in filled:
        r.extend([""] * (width - len(r)))
    for k in range(n_rows - 1):
        for c in range(1, width):
            if filled[k][c] or not any(filled[j][c] for j in range(k + 1, n_rows)):
                continue
            if all(filled[j][c] == filled[j][c - 1] for j in range(k)):
                filled[k][c] = filled[k][c - 1]
    return filled
