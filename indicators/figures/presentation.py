"""The meeting mode: a step-through sequence of prepared views for the projector.

Per theme with a key indicator in the catalog: the map of the latest year, the trend of the four
focus Ortsteile against the city, the ranking of all Ortsteile. Every figure comes from the app's
own builders with large text, all Ortsteile labelled and class breaks fixed across years.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators import figures, views
from indicators.areas import CITY_ID, focus_ids
from indicators.build.sozialindex import IndexNotComputable, index_for_year, index_years, load_index_config
from indicators.catalog import Catalog
from indicators.views import classify
from indicators.words import pick

KINDS = ("map", "trend", "ranking")
INDEX_KIND = "index"     # the closing slide: the Sozialindex (Methode MSS Berlin) of the latest year
INDEX_ID = "sozialindex"
INDEX_TITLES = {"de": "Sozialindex – Gesamtindex der Ortsteile", "en": "Social index – overall index of the districts"}
INDEX_SUBTITLE = {"de": "Sozialindex {year} · Status und Dynamik (Methode MSS Berlin), Fokusquartiere umrandet",
                  "en": "Social index {year} · status and dynamics (MSS Berlin method), focus districts outlined"}
METHOD = classify.DEFAULT_METHOD
K = classify.DEFAULT_K
LEVEL = "ortsteil"
# one height for every slide: with the page's title bar and source line it fits a 1080 px screen
SLIDE_HEIGHT = 780
# the page shows title and subtitle in large type; the figures keep only what needs the room
TOP_MARGIN = {"map": 10, "trend": 30, "ranking": 70, "index": 10}
# map labels a step above the builder's large size, with a halo so they stay legible where a long
# name runs over a neighbour of another colour
MAP_LABEL_SIZE = 18
MAP_LEGEND_X = 0.78
KIND_TITLES = {
    "map": {"de": "{theme} – Karte der Ortsteile", "en": "{theme} – map of the districts"},
    "trend": {"de": "{theme} – Fokusquartiere im Zeitverlauf", "en": "{theme} – focus districts over time"},
    "ranking": {"de": "{theme} – Rangfolge der Ortsteile", "en": "{theme} – ranking of the districts"},
}


@dataclass(frozen=True)
class Step:
    """One slide: a theme's key indicator shown as map, trend or ranking."""

    theme: str
    indicator_id: str
    kind: str
    title_de: str
    title_en: str

    def title(self, lang: str = "de") -> str:
        """The slide title in the chosen language (German when unknown)."""
        return self.title_en if lang == "en" else self.title_de


def sequence(catalog: Catalog) -> list[Step]:
    """Map, trend, ranking for each theme with a key indicator, in catalog order."""
    steps = []
    for theme in catalog.themes.values():
        if not theme.key_indicator or theme.key_indicator not in catalog.indicators:
            continue
        for kind in KINDS:
            titles = {lang: KIND_TITLES[kind][lang].format(theme=pick(theme.title, lang))
                      for lang in ("de", "en")}
            steps.append(Step(theme.id, theme.key_indicator, kind, titles["de"], titles["en"]))
    if all(i in catalog.indicators for i in load_index_config().indicators):
        steps.append(Step(INDEX_ID, INDEX_ID, INDEX_KIND, INDEX_TITLES["de"], INDEX_TITLES["en"]))
    return steps


def index_year(table: pd.DataFrame) -> int | None:
    """The latest year the Sozialindex can be computed for (None if none)."""
    years = index_years(table)
    return years[-1] if years else None


def index_table(table: pd.DataFrame) -> tuple[pd.DataFrame | None, int | None, str]:
    """(index table of the latest index year, that year, '') or (None, year, German reason)."""
    year = index_year(table)
    if year is None:
        return None, None, "Für den Sozialindex fehlen zwei Datenjahre im Abstand Δ."
    try:
        return index_for_year(table, year), year, ""
    except IndexNotComputable as exc:
        return None, year, str(exc)


def latest_year(table: pd.DataFrame, indicator_id: str) -> int:
    """The last year with at least one Ortsteil value of the indicator (the last year at all if none)."""
    rows = table[(table["indicator_id"] == indicator_id) & (table["level"] == LEVEL)]
    known = rows[rows["value"].notna()]
    return int((known if len(known) else rows)["year"].max())


def step_subtitle(step: Step, table: pd.DataFrame, lang: str = "de") -> str:
    """'Langzeitarbeitslosenanteil 2024 · Langzeitarbeitslose an der Bevölkerung …' (trend: the years)."""
    if step.kind == INDEX_KIND:
        return INDEX_SUBTITLE.get(lang, INDEX_SUBTITLE["de"]).format(year=index_year(table))
    ind = figures.indicator(step.indicator_id)
    if step.kind == "trend":
        years = table.loc[table["indicator_id"] == step.indicator_id, "year"]
        when = f"{int(years.min())}–{int(years.max())}"
    else:
        when = str(latest_year(table, step.indicator_id))
    return f"{ind.label(lang, short=True)} {when} · {ind.label(lang)}"


def step_rows(step: Step, table: pd.DataFrame) -> pd.DataFrame:
    """The indicator-table rows a slide shows (for the demo note and the source line)."""
    if step.kind == INDEX_KIND:
        ids = list(load_index_config().indicators)
        return table[table["indicator_id"].isin(ids) & (table["year"] == index_year(table))
                     & table["level"].isin([LEVEL, "stadt"])]
    if step.kind == "trend":
        ids = [*focus_ids(), CITY_ID]
        return table[(table["indicator_id"] == step.indicator_id) & table["area_id"].isin(ids)]
    rows = views.indicator_slice(table, step.indicator_id, latest_year(table, step.indicator_id), None)
    return rows[rows["level"].isin([LEVEL, "stadt"])]


def _map(step: Step, table: pd.DataFrame, geo, lang: str, style: str = "classes") -> go.Figure:
    breaks = classify.fixed_breaks(table, step.indicator_id, METHOD, K, level=LEVEL) if style == "classes" else None
    fig = figures.map_figure(table, geo, step.indicator_id, latest_year(table, step.indicator_id), method=METHOD,
                             k=K, breaks=breaks, focus_ids=focus_ids(), label_all=True, lang=lang,
                             large_text=True, level=LEVEL, style=style)
    fig.update_traces(textfont={"size": MAP_LABEL_SIZE, "shadow": "auto"}, selector={"name": "labels"})
    # the legend next to the map rather than at the far edge of a wide screen
    fig.update_layout(legend={"x": MAP_LEGEND_X, "xanchor": "left"})
    return fig


def _trend(step: Step, table: pd.DataFrame, lang: str) -> go.Figure:
    fig = figures.trend_figure(table, step.indicator_id, focus_ids(), "absolute", lang=lang, large_text=True)
    # four focus Ortsteile and the city only: their Stadtbezirke's dashed lines crowd a projector
    fig.data = [tr for tr in fig.data if (tr.meta or {}).get("kind") != "stadtbezirk"]
    fig.update_layout(meta={**fig.layout.meta, "area_ids": [*focus_ids(), CITY_ID]})
    return fig


def _ranking(step: Step, table: pd.DataFrame, lang: str) -> go.Figure:
    fig = figures.ranking_figure(table, step.indicator_id, latest_year(table, step.indicator_id), focus_ids(),
                                 lang, large_text=True)
    # full-size value labels: plotly would shrink them to the thickness of the bars
    fig.update_traces(textfont={"size": figures.FONT_SIZE[True]}, constraintext="none", selector={"type": "bar"})
    return fig


def _index(step: Step, table: pd.DataFrame, geo, lang: str) -> go.Figure:
    index, year, reason = index_table(table)
    if index is None:
        raise ValueError(reason)
    fig = figures.index_map_figure(index, geo, year, mode="gesamt", focus_ids=focus_ids(),
                                   demo=views.is_illustrative(step_rows(step, table)), large_text=True, lang=lang)
    fig.update_layout(meta={**fig.layout.meta, "kind": INDEX_KIND, "indicator_id": INDEX_ID})
    return fig


def step_figure(step: Step, table: pd.DataFrame, geo, lang: str = "de", style: str = "classes") -> go.Figure:
    """The slide's figure: large text, high contrast, fixed classes, all Ortsteile labelled.

    ``style`` is the map style the user chose on the Karte page ('classes', 'deviation', 'comparison');
    it applies to the map slides only."""
    if style not in figures.MAP_STYLES:
        raise ValueError(f"Unbekannte Kartendarstellung „{style}“: erlaubt sind {', '.join(figures.MAP_STYLES)}.")
    if step.kind == "map":
        fig = _map(step, table, geo, lang, style)
    elif step.kind == "trend":
        fig = _trend(step, table, lang)
    elif step.kind == "ranking":
        fig = _ranking(step, table, lang)
    elif step.kind == INDEX_KIND:
        fig = _index(step, table, geo, lang)
    else:
        raise ValueError(f"Unbekannte Folienart „{step.kind}“: erlaubt sind {', '.join((*KINDS, INDEX_KIND))}.")
    # the title moves to the page (large, above the chart); the figure keeps it in meta
    title = step_subtitle(step, table, lang)
    fig.update_layout(title=None, height=SLIDE_HEIGHT, margin={"t": TOP_MARGIN[step.kind]},
                      meta={**fig.layout.meta, "presentation": {"kind": step.kind, "theme": step.theme,
                                                                 "title": step.title(lang), "subtitle": title}})
    return fig
