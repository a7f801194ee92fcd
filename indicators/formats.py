"""Numbers for people: German (default) or English formats."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from indicators.limits import MB

MISSING_TEXT = {"de": "keine Daten", "en": "no data"}


def _is_missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_number(x, decimals: int = 0, lang: str = "de") -> str:
    """15389 -> '15.389' (de) or '15,389' (en); 28.8 with 1 decimal -> '28,8'.

    >>> fmt_number(15389), fmt_number(15389, lang="en"), fmt_number(28.8, 1), fmt_number(9.25, 1)
    ('15.389', '15,389', '28,8', '9,3')
    """
    if _is_missing(x):
        return MISSING_TEXT[lang]
    # half up, as people round (Python's format rounds exact halves to even: 9.25 -> 9.2)
    rounded = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_percent(x, decimals: int = 1, lang: str = "de") -> str:
    """28.8 -> '28,8 %' (de) or '28.8%' (en).

    >>> fmt_percent(28.8), fmt_percent(28.8, lang="en"), fmt_percent(float("nan"))
    ('28,8 %', '28.8%', 'keine Daten')
    """
    if _is_missing(x):
        return MISSING_TEXT[lang]
    return fmt_number(x, decimals, lang) + (" %" if lang == "de" else "%")


def fmt_pp(x, decimals: int = 1, lang: str = "de", signed: bool = True) -> str:
    """A difference of rates: '+9,8 Prozentpunkte' / '+9.8 percentage points'."""
    if _is_missing(x):
        return MISSING_TEXT[lang]
    x = float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    sign = "+" if signed and x > 0 else ("−" if x < 0 else "")
    unit = "Prozentpunkte" if lang == "de" else "percentage points"
    return f"{sign}{fmt_number(abs(x), decimals, lang)} {unit}"


def fmt_value(x, unit: str, decimals: int, lang: str = "de") -> str:
    """Format an indicator value by its catalog unit."""
    if unit == "percent":
        return fmt_percent(x, decimals, lang)
    return fmt_number(x, decimals, lang)


def fmt_date(iso: str | None, lang: str = "de") -> str:
    """'2018-12-31' -> '31.12.2018' (de); years and empty dates pass through.

    >>> fmt_date("2018-12-31"), fmt_date("2018"), fmt_date(None)
    ('31.12.2018', '2018', 'ohne Datum')
    """
    if not iso:
        return "ohne Datum" if lang == "de" else "undated"
    parts = str(iso).split("-")
    if len(parts) == 3 and lang == "de":
        return f"{parts[2]}.{parts[1]}.{parts[0]}"
    return str(iso)


def fmt_bytes(n_bytes: int) -> str:
    """A file size for people, in German.

    >>> fmt_bytes(52428800), fmt_bytes(61200000), fmt_bytes(2048), fmt_bytes(100)
    ('50 MB', '58,4 MB', '2 KB', '100 Bytes')
    """
    if n_bytes < 1024:
        return f"{int(n_bytes)} Bytes"
    unit, size = ("KB", 1024) if n_bytes < MB else ("MB", MB)
    value = round(n_bytes / size, 1)
    return f"{fmt_number(value, 0 if value == int(value) else 1)} {unit}"
