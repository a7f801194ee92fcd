"""Numbers for people: German (default) or English formats."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

MISSING_TEXT = {"de": "keine Daten", "en": "no data"}


def _is_missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_number(x, decimals: int = 0, lang: str = "de") -> str:
    """15389 -> '15.389' (de) or '15,389' (en); 28.8 with 1 decimal -> '28,8'."""
    if _is_missing(x):
        return MISSING_TEXT[lang]
    # half up, as people round (Python's format rounds exact halves to even: 9.25 -> 9.2)
    rounded = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_percent(x, decimals: int = 1, lang: str = "de") -> str:
    """28.8 -> '28,8 %' (de) or '28.8%' (en)."""
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
    """'2018-12-31' -> '31.12.2018' (de); years and empty dates pass through."""
    if not iso:
        return "ohne Datum" if lang == "de" else "undated"
    parts = str(iso).split("-")
    if len(parts) == 3 and lang == "de":
        return f"{parts[2]}.{parts[1]}.{parts[0]}"
    return str(iso)
