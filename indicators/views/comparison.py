"""The comparison table for people (METHODS.md §2.3): count beside the rate, the interval, and the
words of the comparison code — never a judgement derived from the raw gap. German and English."""

from __future__ import annotations

import pandas as pd

from indicators.areas import area_names
from indicators.formats import fmt_number, fmt_value
from indicators.views import statwords
from indicators.words import in_lang, pick

BASES = {"city": {"de": "Bochum insgesamt", "en": "Bochum as a whole"},
         "rest": {"de": "Rest der Stadt", "en": "Rest of the city"}}
METHOD_LABELS = statwords.METHOD_LABELS
CODE_COLUMN = {"city": "compare_city", "rest": "compare_rest"}
TABLE_HEADERS = {
    "name": {"de": "Ortsteil", "en": "District"}, "value": {"de": "Wert", "en": "Value"},
    "cases": {"de": "Fälle", "en": "Cases"}, "interval": statwords.INTERVAL_95,
    "comparison": {"de": "Vergleich", "en": "Comparison"}, "evaluation": {"de": "Bewertung", "en": "Evaluation"},
    "note": {"de": "Hinweis", "en": "Note"},
}
OF = {"de": "von", "en": "of"}
SUPPRESSED_TEXT = statwords.SUPPRESSED["de"]


def compare_words(code: str, basis: str = "city", lang: str = "de") -> str:
    """The UI words of a §2.3 code against Bochum or against the rest of the city."""
    return statwords.compare_words(code, basis, lang)


def interval_text(low, high, indicator, lang: str = "de") -> str:
    """„6,6 – 12,1 %“ (or „–“ without an interval)."""
    if pd.isna(low) or pd.isna(high):
        return "–"
    return f"{fmt_number(low, indicator.decimals, lang)} – {fmt_value(high, indicator.unit, indicator.decimals, lang)}"


def _cases(x, n, lang: str) -> str:
    return f"{fmt_number(x, 0, lang)} {pick(OF, lang)} {fmt_number(n, 0, lang)}" if pd.notna(x) and pd.notna(n) else "–"


def comparison_table(rows: pd.DataFrame, indicator, basis: str = "city", lang: str = "de") -> pd.DataFrame:
    """One row per area of an indicator slice, ordered by value (highest first), columns in lang."""
    names = area_names()
    h = in_lang(TABLE_HEADERS, lang)
    rows = rows.sort_values("value", ascending=False, na_position="last")
    code_col = CODE_COLUMN[basis]
    small = pick(statwords.SMALL_COUNT, lang)
    return pd.DataFrame({
        h["name"]: [names.get(a, a) for a in rows["area_id"]],
        h["value"]: [fmt_value(x, indicator.unit, indicator.decimals, lang) for x in rows["value"]],
        h["cases"]: [_cases(x, n, lang) for x, n in zip(rows["numerator"], rows["denominator"])],
        h["interval"]: [interval_text(lo, hi, indicator, lang) for lo, hi in zip(rows["ci95_low"], rows["ci95_high"])],
        h["comparison"]: [compare_words(c, basis, lang) for c in rows[code_col]],
        h["evaluation"]: [statwords.evaluation_words(c, indicator.polarity, lang) for c in rows[code_col]],
        h["note"]: [small if s else "" for s in rows["small_count"]],
        "code": rows[code_col].to_numpy(),
    })


def value_with_count(value, numerator, denominator, flag, indicator, lang: str = "de") -> str:
    """„5,5 % (581 von 10.655)“; a suppressed value reads „geheim“, a missing one „keine Daten“ — never 0."""
    if flag == "suppressed":
        return pick(statwords.SUPPRESSED, lang)
    text = fmt_value(value, indicator.unit, indicator.decimals, lang)
    if pd.isna(value) or not indicator.is_rate or pd.isna(numerator) or pd.isna(denominator):
        return text
    return f"{text} ({_cases(numerator, denominator, lang)})"


def row_statistics(row, indicator, lang: str = "de") -> dict:
    """The statistics words of one indicator-table row for hovers and cards: interval, comparison words
    (from the §2.3 code only) and the small-count note. Missing statistics columns give '' / „–“."""
    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
    code = get("compare_city", "") or ""
    suppressed = get("flag", "") == "suppressed"
    return {
        "interval": interval_text(get("ci95_low", float("nan")), get("ci95_high", float("nan")), indicator, lang),
        "comparison": "" if not code else compare_words(code, lang=lang),
        "evaluation": statwords.evaluation_words(code, indicator.polarity, lang) if code else "",
        "note": statwords.suppressed_note(lang) if suppressed else (
            pick(statwords.SMALL_COUNT, lang) if bool(get("small_count", False)) else ""),
    }


STATISTICS_HEADERS = {
    "ci95_low": {"de": "95-%-Intervall untere Grenze", "en": "95 % interval lower limit"},
    "ci95_high": {"de": "95-%-Intervall obere Grenze", "en": "95 % interval upper limit"},
    "comparison": {"de": "Vergleich mit Bochum", "en": "Comparison with Bochum"},
    "evaluation": {"de": "Bewertung", "en": "Evaluation"},
    "note": {"de": "Fallzahl-Hinweis", "en": "Small-number note"},
}


def statistics_file_columns(rows: pd.DataFrame, catalog, lang: str = "de", as_text: bool = False) -> pd.DataFrame:
    """The statistics columns of every table of indicator rows (METHODS §2.3): interval bounds, the
    comparison code's words, the evaluation and the small-count / „geheim“ note.

    For files (as_text False) the bounds are numbers rounded to one decimal more than shown, empty when
    missing — never 0; on screen (as_text True) they are formatted like the values („6,6“, „–“). Rows
    without statistics columns give empty cells."""
    rows = rows.reset_index(drop=True)
    h = in_lang(STATISTICS_HEADERS, lang)
    out = pd.DataFrame(index=rows.index)
    known = [catalog.indicators.get(i) for i in rows["indicator_id"]]
    for col in ("ci95_low", "ci95_high"):
        values = rows[col] if col in rows else pd.Series([float("nan")] * len(rows))
        if as_text:
            out[h[col]] = [fmt_number(x, ind.decimals if ind else 1, lang) if pd.notna(x) else "–"
                           for x, ind in zip(values, known)]
        else:
            out[h[col]] = [round(float(x), (ind.decimals if ind else 1) + 1) if pd.notna(x) else None
                           for x, ind in zip(values, known)]
    codes = rows["compare_city"].fillna("") if "compare_city" in rows else pd.Series([""] * len(rows))
    city = rows["level"].eq("stadt") if "level" in rows else pd.Series([False] * len(rows))
    out[h["comparison"]] = ["" if c_is or not code else compare_words(code, lang=lang) for code, c_is in zip(codes, city)]
    polarity = [ind.polarity if ind else "neutral" for ind in known]
    out[h["evaluation"]] = [statwords.evaluation_words(code, p, lang) if code else "" for code, p in zip(codes, polarity)]
    small = rows["small_count"].fillna(False) if "small_count" in rows else pd.Series([False] * len(rows))
    flags = rows["flag"].fillna("") if "flag" in rows else pd.Series([""] * len(rows))
    out[h["note"]] = [statwords.suppressed_note(lang) if f == "suppressed" else pick(statwords.SMALL_COUNT, lang)
                      if s else "" for f, s in zip(flags, small)]
    return out
