"""The charts of „Bochum im Vergleich“ for a comparison set: the Ruhr figure builders with the set's texts.

``ruhr_figures`` draws ranking, trend and position; this module cuts the table to the set, adds the
set's median to the trend, the newer series breaks, and names the set in titles and legends.
"""

from __future__ import annotations

import pandas as pd

from indicators.figures import ruhr as rf
from indicators.load import kreise
from indicators.views import kreise as kv
from indicators.views import ruhr as rv

CHART_KINDS = ("ranking", "trend", "position")


def set_words(set_id: str, n: int, lang: str = "de") -> dict:
    """Figure texts naming the set and its size ('15 Ruhr-Kreisen', '33 vergleichbaren Großstädten')."""
    short = kreise.SET_SHORT[set_id]
    group = {k: f"{n} {v}" for k, v in short.items()}
    return {
        "others": {"de": "Übrige der Auswahl", "en": "Others in the selection"},
        "ranking_sub": {"de": f"Rangfolge unter {group['de']} · Bochum: {{pos}}",
                        "en": f"Ranking among {group['en']} · Bochum: {{pos}}"},
        "trend_sub": {"de": f"Bochum, die übrigen der Auswahl, ihr Median, NRW und Deutschland ({group['de']})",
                      "en": f"Bochum, the others in the selection, their median, NRW and Germany ({group['en']})"},
        "trend_sub_count": {"de": f"Bochum, die übrigen der Auswahl und ihr Median ({group['de']})",
                            "en": f"Bochum, the others in the selection and their median ({group['en']})"},
        "rank_title": {"de": f"Bochums Rang unter {group['de']}", "en": f"Bochum's rank among {group['en']}"},
        "rank_sub": {"de": "Rang 1 = höchster Wert; grau: keine Daten", "en": "Rank 1 = highest value; grey: no data"},
    }


def set_figure(kind: str, table: pd.DataFrame, measures: dict, measure_id: str | None, year: int | None,
               set_id: str, ids: list[str], lang: str = "de", large_text: bool = False):
    """Ranking, trend (with the set's median) or Bochum's position table for the set."""
    ranked = kv.set_table(table, ids)
    words = set_words(set_id, len(ids), lang)
    if kind == "ranking":
        return rf.ranking_figure(ranked, measures[measure_id], year, lang, large_text=large_text, words=words)
    if kind == "trend":
        measure = kv.with_breaks(measures[measure_id])
        return rf.trend_figure(ranked, measure, lang, large_text=large_text, words=words,
                               median=kv.set_median(ranked, measure_id, ids))
    rates = [m for m, x in measures.items() if x.is_rate]
    return rf.position_figure(rv.bochum_position(ranked, rates), measures, lang, large_text=large_text, words=words)


def text_alternative(ranked: pd.DataFrame, measure: rv.RuhrMeasure, year: int, lang: str = "de") -> str:
    """The chart's message in words: highest, lowest, Bochum's rank and the set's median (for screen readers)."""
    from indicators.formats import fmt_value

    rows = rv.ranking_slice(ranked, measure.id, year)  # ranked: kreise_views.set_table
    kreise_rows = rows[(rows["level"] == rv.LEVEL_KREIS) & rows["value"].notna()]
    if kreise_rows.empty:
        return "Keine Werte." if lang == "de" else "No values."

    def fmt(v):
        return fmt_value(v, measure.unit, measure.decimals, lang)

    top, low = kreise_rows.iloc[0], kreise_rows.iloc[-1]
    median = kreise_rows["value"].median()
    bochum = kreise_rows[kreise_rows["area_id"] == rv.BOCHUM_ID]
    n = len(kreise_rows)
    if lang == "de":
        text = (f"{measure.label(lang, short=True)} {year}: höchster Wert {top['name']} ({fmt(top['value'])}), "
                f"niedrigster {low['name']} ({fmt(low['value'])}), Median der {n} Kreise {fmt(median)}.")
        if len(bochum):
            text += f" Bochum: {fmt(bochum['value'].iloc[0])}, Rang {int(bochum['rank'].iloc[0])} von {n}."
    else:
        text = (f"{measure.label(lang, short=True)} {year}: highest {top['name']} ({fmt(top['value'])}), "
                f"lowest {low['name']} ({fmt(low['value'])}), median of the {n} districts {fmt(median)}.")
        if len(bochum):
            text += f" Bochum: {fmt(bochum['value'].iloc[0])}, rank {int(bochum['rank'].iloc[0])} of {n}."
    return text
