"""The comparison table for people (METHODS.md §2.3): count beside the rate, the interval, and the
words of the comparison code — never a judgement derived from the raw gap."""

from __future__ import annotations

import pandas as pd

from indicators.areas import area_names
from indicators.build import compare as cmp
from indicators.build.intervals import SMALL_COUNT_TEXT
from indicators.formats import fmt_number, fmt_value

BASES = {"city": "Bochum insgesamt", "rest": "Rest der Stadt"}
METHOD_LABELS = {"city": cmp.CITY_METHOD_LABEL, "rest": cmp.REST_METHOD_LABEL}
CODE_COLUMN = {"city": "compare_city", "rest": "compare_rest"}


def compare_words(code: str, basis: str = "city") -> str:
    """The UI words of a §2.3 code against Bochum or against the rest of the city."""
    words = cmp.COMPARE_WORDS.get(code, cmp.COMPARE_WORDS[cmp.NICHT_VERGLICHEN])
    return words.replace("Bochum", "der Rest der Stadt") if basis == "rest" else words


def interval_text(low, high, indicator) -> str:
    """„6,6 – 12,1 %“ (or „–“ without an interval)."""
    if pd.isna(low) or pd.isna(high):
        return "–"
    return f"{fmt_number(low, indicator.decimals)} – {fmt_value(high, indicator.unit, indicator.decimals)}"


def comparison_table(rows: pd.DataFrame, indicator, basis: str = "city") -> pd.DataFrame:
    """One row per area of an indicator slice, ordered by value (highest first), German columns."""
    names = area_names()
    rows = rows.sort_values("value", ascending=False, na_position="last")
    code_col = CODE_COLUMN[basis]
    return pd.DataFrame({
        "Ortsteil": [names.get(a, a) for a in rows["area_id"]],
        "Wert": [fmt_value(x, indicator.unit, indicator.decimals) for x in rows["value"]],
        "Fälle": [f"{fmt_number(x)} von {fmt_number(n)}" if pd.notna(x) and pd.notna(n) else "–"
                  for x, n in zip(rows["numerator"], rows["denominator"])],
        "95-%-Intervall": [interval_text(lo, hi, indicator) for lo, hi in zip(rows["ci95_low"], rows["ci95_high"])],
        "Vergleich": [compare_words(c, basis) for c in rows[code_col]],
        "Bewertung": [cmp.evaluation(c, indicator.polarity) for c in rows[code_col]],
        "Hinweis": [SMALL_COUNT_TEXT if s else "" for s in rows["small_count"]],
        "code": rows[code_col].to_numpy(),
    })


SUPPRESSED_TEXT = "geheim"


def value_with_count(value, numerator, denominator, flag, indicator) -> str:
    """„5,5 % (581 von 10.655)“; a suppressed value reads „geheim“, a missing one „keine Daten“ — never 0."""
    if flag == "suppressed":
        return SUPPRESSED_TEXT
    text = fmt_value(value, indicator.unit, indicator.decimals)
    if pd.isna(value) or not indicator.is_rate or pd.isna(numerator) or pd.isna(denominator):
        return text
    return f"{text} ({fmt_number(numerator)} von {fmt_number(denominator)})"


def row_statistics(row, indicator) -> dict:
    """The statistics words of one indicator-table row for hovers and cards: interval, comparison words
    (from the §2.3 code only) and the small-count note. Missing statistics columns give '' / „–“."""
    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
    code = get("compare_city", "") or ""
    suppressed = get("flag", "") == "suppressed"
    return {
        "interval": interval_text(get("ci95_low", float("nan")), get("ci95_high", float("nan")), indicator),
        "comparison": "" if not code else compare_words(code),
        "evaluation": cmp.evaluation(code, indicator.polarity) if code else "",
        "note": SUPPRESSED_TEXT + " (Datenschutz)" if suppressed else (
            SMALL_COUNT_TEXT if bool(get("small_count", False)) else ""),
    }


STATISTICS_HEADERS = {"ci95_low": "95-%-Intervall untere Grenze", "ci95_high": "95-%-Intervall obere Grenze",
                      "comparison": "Vergleich mit Bochum", "evaluation": "Bewertung", "note": "Fallzahl-Hinweis"}


def statistics_file_columns(rows: pd.DataFrame, catalog) -> pd.DataFrame:
    """The statistics columns for CSV/XLSX files (METHODS §2.3): interval bounds as numbers (rounded to one
    decimal more than shown, empty when missing — never 0), the comparison code's words, the evaluation
    and the small-count / „geheim“ note. Rows without statistics columns give empty cells."""
    rows = rows.reset_index(drop=True)
    h = STATISTICS_HEADERS
    out = pd.DataFrame(index=rows.index)
    decimals = [catalog.indicators[i].decimals + 1 if i in catalog.indicators else 2 for i in rows["indicator_id"]]
    for col in ("ci95_low", "ci95_high"):
        values = rows[col] if col in rows else pd.Series([float("nan")] * len(rows))
        out[h[col]] = [round(float(x), d) if pd.notna(x) else None for x, d in zip(values, decimals)]
    codes = rows["compare_city"].fillna("") if "compare_city" in rows else pd.Series([""] * len(rows))
    city = rows["level"].eq("stadt") if "level" in rows else pd.Series([False] * len(rows))
    out[h["comparison"]] = ["" if c_is or not code else compare_words(code) for code, c_is in zip(codes, city)]
    polarity = [catalog.indicators[i].polarity if i in catalog.indicators else "neutral" for i in rows["indicator_id"]]
    out[h["evaluation"]] = [cmp.evaluation(code, p) if code else "" for code, p in zip(codes, polarity)]
    small = rows["small_count"].fillna(False) if "small_count" in rows else pd.Series([False] * len(rows))
    flags = rows["flag"].fillna("") if "flag" in rows else pd.Series([""] * len(rows))
    out[h["note"]] = [SUPPRESSED_TEXT + " (Datenschutz)" if f == "suppressed" else SMALL_COUNT_TEXT if s else ""
                      for f, s in zip(flags, small)]
    return out
