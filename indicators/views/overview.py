"""The Überblick page's texts: every card, sentence and heading of the themes' key indicators, made at once.

The page showed them by filtering the indicator table per theme and area on every rerun; here they are made
from the table in one pass (ui.data caches the result per data version and language), so a rerun only writes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.areas import area_names
from indicators.catalog import load_catalog
from indicators.formats import fmt_number, fmt_pp, fmt_value
from indicators.views import statwords, text, trendstats
from indicators.views.comparison import row_statistics

# how st.metric colours the gap: a rise is bad where more is worse
DELTA_COLOUR = {"higher_is_worse": "inverse", "higher_is_better": "normal"}


@dataclass(frozen=True)
class Card:
    """One focus Ortsteil's card: the metric (name, value, gap to the city) and its two caption lines."""

    name: str
    value: str
    delta: str
    since: str       # „seit 2012: −1,0 Prozentpunkte (…) – deutlich gesunken (99,8 %)“
    statistics: str  # „863 von 2.210 · deutlich höher als Bochum (99,8 %)“ or ''


@dataclass(frozen=True)
class ThemeCards:
    """Everything the page writes for one theme's key indicator."""

    theme_id: str
    indicator_id: str
    heading: str
    definition: str
    delta_colour: str
    cards: tuple[Card, ...]
    city_value: str
    deviations: tuple[str, ...]  # one sentence per card: the gap to the city and how it changed
    trends: tuple[str, ...]      # one sentence per card for the sparklines' text alternative


def card_statistics(row, ind, lang: str = "de") -> str:
    """„863 von 2.210 · deutlich höher als Bochum (99,8 %)“ plus the small-count note (METHODS §2.3, §4)."""
    stats = row_statistics(row, ind, lang)
    parts = []
    if ind.is_rate and pd.notna(row["numerator"]) and pd.notna(row["denominator"]) and row["flag"] != "suppressed":
        of = "von" if lang == "de" else "of"
        parts.append(f"{fmt_number(row['numerator'], 0, lang)} {of} {fmt_number(row['denominator'], 0, lang)}")
    parts += [stats["comparison"], stats["note"]]
    return " · ".join(p for p in parts if p)


def year_span(table: pd.DataFrame) -> tuple[int, int]:
    """(first year, newest year) of the indicator table."""
    return int(table["year"].min()), int(table["year"].max())


def key_rows(table: pd.DataFrame, area_ids) -> pd.DataFrame:
    """Every row of the themes' key indicators for the areas and the city (for the banner and the sources)."""
    key_ids = [theme.key_indicator for theme in load_catalog().themes.values() if theme.key_indicator]
    return table[table["indicator_id"].isin(key_ids) & table["area_id"].isin(list(area_ids) + ["bochum"])]


def theme_cards(table: pd.DataFrame, theme_id: str, area_ids, year: int, first_year: int,
                lang: str = "de") -> ThemeCards:
    """The cards of a theme's key indicator for ``area_ids`` in ``year``, their change since ``first_year``
    (Newcombe, as on the Trends page) and the sentences about them."""
    catalog = load_catalog()
    theme = catalog.themes[theme_id]
    ind = catalog.indicators[theme.key_indicator]
    area_ids = list(area_ids)
    names = area_names()
    rows = table[(table["indicator_id"] == ind.id) & (table["year"] == year)].set_index("area_id")
    since = trendstats.trend_statistics(table, ind, area_ids, first_year).set_index("area_id")
    cards = []
    for area_id in area_ids:
        row = rows.loc[area_id]
        suppressed = row["flag"] == "suppressed"
        cards.append(Card(
            name=names[area_id],
            value=statwords.SUPPRESSED[lang] if suppressed else fmt_value(row["value"], ind.unit, ind.decimals, lang),
            delta=fmt_pp(row["dev_pp"], ind.decimals, lang),
            since=trendstats.since_text(since.loc[area_id], ind, lang),
            statistics=card_statistics(row, ind, lang)))
    city_value = rows.loc["bochum", "value"] if "bochum" in rows.index else float("nan")
    return ThemeCards(
        theme_id=theme_id, indicator_id=ind.id,
        heading=f"{theme.title.get(lang, theme.title['de'])} – {ind.label(lang, short=True)}",
        definition=ind.definition.get(lang, ""),
        delta_colour=DELTA_COLOUR.get(ind.polarity, "off"),
        cards=tuple(cards),
        city_value=fmt_value(city_value, ind.unit, ind.decimals, lang),
        deviations=tuple(text.deviation_sentence(table, ind.id, a, year, lang) for a in area_ids),
        trends=tuple(text.trend_sentence(table, ind.id, a, year, lang) for a in area_ids))


def overview_themes(table: pd.DataFrame, area_ids, lang: str = "de") -> tuple[ThemeCards, ...]:
    """theme_cards of every theme with a key indicator, in catalog order, for the table's newest year."""
    first_year, year = year_span(table)
    return tuple(theme_cards(table, theme.id, area_ids, year, first_year, lang)
                 for theme in load_catalog().themes.values() if theme.key_indicator)
