"""The app's cache boundary: everything expensive is computed here once per data version."""

from __future__ import annotations

import streamlit as st

from indicators.areas import load_areas
from indicators.build import pipeline
from indicators.catalog import load_catalog
from ui.memo import memo

_VERSION_SEEN: dict = {}


def data_version() -> str:
    """Names the data in use (store folder + active version), so caches refresh after an import.

    A committed version never changes, so the pair is a safe cache key. Every call looks at the
    store's CURRENT file, so a version committed by another process (another worker behind nginx)
    is seen on the next rerun; only the file's identity (inode, mtime, size — an import replaces it
    by an atomic rename) is checked each time, the file is read again only when that changed
    (a page calls this a dozen times per rerun).
    """
    from indicators.paths import store_dir
    from indicators.store import CURRENT_FILE, active_version

    store = store_dir()
    try:
        info = (store / CURRENT_FILE).stat()
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
    except FileNotFoundError:
        stamp = None
    key = (str(store), stamp)
    version = _VERSION_SEEN.get(key)
    if version is None:
        version = f"{store}:{active_version()}"
        _VERSION_SEEN.clear()
        _VERSION_SEEN[key] = version
    return version


def _version_id(version: str) -> str:
    """'…/store:0003' -> '0003': the version read once from CURRENT, loaded exactly (no torn reads)."""
    return version.rsplit(":", 1)[1]


# A shared object (ui/memo.py), not st.cache_data: cache_data unpickles a fresh copy on every call, and
# pages ask for the table on every rerun (the largest cost of a warm Karte rerun in a py-spy profile).
@memo(4)
def _table(version: str):
    return pipeline.build(pipeline.ortsteil_counts_of_version(_version_id(version)))


def indicator_table():
    """The indicator table of the data in use (cached per data version, shared by every session: do not
    modify it; take a copy or use assign)."""
    return _table(data_version())


@memo(8)  # shared like the table, not unpickled per call
def _geometry(level: str, version: str):
    return pipeline.geometry_of_version(level, _version_id(version))


def geometry(level: str = "ortsteil"):
    """Boundaries (imported official ones, else the schematic tile map) for a level (shared: do not modify)."""
    return _geometry(level, data_version())


# Figures are cached as objects shared between sessions (building a plotly figure costs
# 10–70 ms); pages must not modify a figure they get from here.
@memo(1024)
def _figure(version: str, builder: str, args: tuple, kwargs: tuple):
    from indicators import figures

    return getattr(figures, builder)(_table(version), *args, **dict(kwargs))


def figure(builder: str, *args, **kwargs):
    """figures.<builder>(indicator table, *args, **kwargs), built once per data version and arguments."""
    return _figure(data_version(), builder, args, tuple(sorted(kwargs.items())))


@memo(256)
def _trend(version: str, indicator_id: str, area_ids: tuple, mode: str, lang: str, large_text: bool):
    from indicators import figures
    from indicators.load.published import comparable_points

    return figures.trend_figure(_table(version), indicator_id, list(area_ids), mode,
                                published=comparable_points(indicator_id), lang=lang, large_text=large_text)


def trend_figure(indicator_id: str, area_ids, mode: str, lang: str, large_text: bool = False):
    """The trend chart with the published points of the same definition (cached)."""
    return _trend(data_version(), indicator_id, tuple(area_ids), mode, lang, large_text)


@memo(256)
def _map(version: str, indicator_id: str, year: int, level: str, method: str, k: int, fixed: bool,
         focus: tuple, selected: str | None, lang: str, large_text: bool, style: str = "classes"):
    from indicators import figures
    from indicators.views import classify

    table = _table(version)
    breaks = classify.fixed_breaks(table, indicator_id, method, k, level=level) if fixed else None
    return figures.map_figure(table, _geometry(level, version), indicator_id, year, method=method, k=k,
                              breaks=breaks, focus_ids=focus, selected_id=selected, label_all=True,
                              lang=lang, large_text=large_text, level=level, style=style)


def map_figure(indicator_id: str, year: int, *, level: str = "ortsteil", method: str = "quantiles", k: int = 5,
               fixed: bool = True, focus=(), selected: str | None = None, lang: str = "de",
               large_text: bool = False, style: str = "classes"):
    """The choropleth for a view (cached); classes fixed over all years unless ``fixed`` is False.
    ``style``: 'classes', 'deviation' (Abweichung von Bochum) or 'comparison' (Vergleich mit Bochum)."""
    return _map(data_version(), indicator_id, int(year), level, method, int(k), fixed, tuple(focus), selected,
                lang, large_text, style)


# Everything below depends only on (data version, arguments): computed once and shared by every
# session of the process (ui/memo.py: no copy per rerun). Callers must not modify results.
@memo(4096)
def _derived(version: str, func, args: tuple, kwargs: tuple):
    return func(_table(version), *args, **dict(kwargs))


def derived(func, *args, **kwargs):
    """func(indicator table, *args, **kwargs) — a slice, table, sentence or figure — once per data version.

    ``func`` is a function of the indicators package whose first parameter is the indicator table;
    the arguments must be hashable (tuples, not lists). The result is shared: do not modify it.
    """
    return _derived(data_version(), func, args, tuple(sorted(kwargs.items())))


def indicator_display(indicator_id: str, year: int | None, level: str | None, lang: str):
    """views.display_table of an indicator slice (cached)."""
    return derived(_display_of_slice, indicator_id, year, level, lang)


def _display_of_slice(table, indicator_id, year, level, lang):
    from indicators import views

    return views.display_table(views.indicator_slice(table, indicator_id, year, level), lang)


def area_rows(area_id: str, year: int):
    """Every indicator's row of one area and year (cached; do not modify)."""
    return derived(_area_rows, area_id, int(year))


def rows_of_areas(area_ids: tuple):
    """Every row (all indicators and years) of these areas (cached; do not modify)."""
    return derived(_rows_of_areas, tuple(area_ids))


def _rows_of_areas(table, area_ids):
    return table[table["area_id"].isin(area_ids)]


def area_display(area_id: str, year: int, lang: str):
    """views.display_table of every indicator of one area and year (cached)."""
    return derived(_area_display, area_id, int(year), lang)


def _area_rows(table, area_id, year):
    return table[(table["area_id"] == area_id) & (table["year"] == year)]


def _area_display(table, area_id, year, lang):
    from indicators import views

    return views.display_table(_area_rows(table, area_id, year), lang)


def filtered_display(indicator_ids: tuple, levels: tuple, first_year: int, last_year: int, lang: str):
    """The Daten page's table: (rows, display table) for indicators, levels and a year span (cached)."""
    return derived(_filtered_display, tuple(indicator_ids), tuple(levels), int(first_year), int(last_year), lang)


def _filtered_display(table, indicator_ids, levels, first_year, last_year, lang):
    from indicators import views

    rows = table[table["indicator_id"].isin(indicator_ids) & table["level"].isin(levels)
                 & table["year"].between(first_year, last_year)]
    return rows, views.display_table(rows, lang)


def trend_page(indicator_id: str, area_ids, mode: str):
    """The Trends page's (rows shown, table name × year) for an indicator, Ortsteile and mode (cached)."""
    return derived(_trend_page, indicator_id, tuple(area_ids), mode)


def _trend_page(table, indicator_id, area_ids, mode):
    from indicators import views

    frame = views.trend_frame(table, indicator_id, area_ids, mode)
    shown = table[(table["indicator_id"] == indicator_id) & table["area_id"].isin(frame["area_id"].unique())]
    decimals = load_catalog().indicators[indicator_id].decimals
    return shown, frame.pivot_table(index="name", columns="year", values="value").round(decimals + 1)


def trend_statistics_view(indicator_id: str, area_ids, start: int, lang: str):
    """The Trends page's change statistics: (statistics, table for people, sentences), cached."""
    return derived(_trend_statistics_view, indicator_id, tuple(area_ids), int(start), lang)


def _trend_statistics_view(table, indicator_id, area_ids, start, lang):
    from indicators.views import trendstats

    ind = load_catalog().indicators[indicator_id]
    stats = trendstats.trend_statistics(table, ind, area_ids, start)
    return stats, trendstats.trend_table(stats, ind, lang), trendstats.trend_sentences(stats, ind, lang)


def profile_bars(area_id: str, year: int, lang: str):
    """The Steckbrief's bars of every indicator for one Ortsteil and year (cached)."""
    return derived(_profile_bars, area_id, year, lang)


def _profile_bars(table, area_id, year, lang):
    from indicators import figures, views

    return figures.profile_bars_figure(views.profile(table, area_id, year), lang)


def groups_figure(indicator_id: str, year: int, focus: tuple, lang: str):
    """The Vergleich page's pooled focus-vs-rest bars (cached)."""
    return derived(_groups_figure, indicator_id, year, focus, lang)


def _groups_figure(table, indicator_id, year, focus, lang):
    from indicators import figures, views

    return figures.groups_figure(views.pooled_groups(table, indicator_id, year, list(focus)), indicator_id, lang)


@memo(128)
def _locator(version: str, area_id: str):
    from indicators import figures

    return figures.locator_map_figure(_geometry("ortsteil", version), area_id)


def locator_map(area_id: str):
    """The small 'where is it' map of the Steckbrief (cached)."""
    return _locator(data_version(), area_id)


@memo(64)
def _slide(version: str, n: int, lang: str, style: str = "classes"):
    from indicators.figures import presentation

    table = _table(version)
    step = presentation.sequence(catalog())[n - 1]
    return (presentation.step_figure(step, table, _geometry("ortsteil", version), lang, style),
            presentation.step_rows(step, table), presentation.step_subtitle(step, table, lang))


def slide(n: int, lang: str, style: str = "classes"):
    """(figure, rows, subtitle) of presentation slide n (1-based), cached; ``style`` is the map style."""
    return _slide(data_version(), n, lang, style)


@memo(32)
def _map_animation(version: str, indicator_id: str, level: str, method: str, k: int, focus: tuple, lang: str,
                   style: str = "classes"):
    from indicators import figures
    from indicators.views import classify

    table = _table(version)
    breaks = classify.fixed_breaks(table, indicator_id, method, k, level=level) if style == "classes" else None
    return figures.map_animation_figure(table, _geometry(level, version), indicator_id, method=method, k=k,
                                        breaks=breaks, focus_ids=focus, lang=lang, level=level, style=style)


def map_animation(indicator_id: str, *, level: str, method: str, k: int, focus=(), lang: str = "de",
                  style: str = "classes"):
    """The Karte page's play-through-the-years map (cached), in the map style chosen on the page."""
    return _map_animation(data_version(), indicator_id, level, method, int(k), tuple(focus), lang, style)


@memo(8)
def published_series_figure(measure: str, lang: str):
    """The chart of one published series (bundled, independent of the store; cached)."""
    from indicators import figures
    from indicators.load.published import measure_labels, series

    return figures.published_series_figure(series(measure), measure_labels().get(measure, measure), lang)


@st.cache_data(show_spinner=False)
def published():
    """The published real figures (bundled, cited)."""
    from indicators.load.published import load_published

    return load_published()


def all_sources() -> dict:
    """Bundled and imported sources by source_id (cached per data version; do not modify)."""
    return _all_sources(data_version())


@memo(4)
def _all_sources(version: str) -> dict:
    from indicators import store

    return store.all_sources()


catalog = load_catalog
areas = load_areas


@memo(4)
def _kreis_measures(version: str):
    from indicators.load import kreise
    from indicators.views import ruhr as ruhr_views

    # measures are defined by Bochum's values: the Ruhr set's table is enough (and fast)
    ruhr_ids = tuple(kreise.set_members(kreise.SET_RUHR))
    return ruhr_views.measures(_set_table(version, kreise.SET_RUHR, ruhr_ids))


def kreis_measures():
    """The measures of the Kreis table (catalog indicators and official rates), once per data version."""
    return _kreis_measures(data_version())


def kreis_areas():
    """Every Kreis, the Länder and Germany (names for the comparison page)."""
    from indicators.load.kreise import kreis_areas as areas_of

    return areas_of()


def set_members(set_id: str, picked: tuple) -> list[str]:
    """The area ids of a comparison set (picked: AGS of an own selection)."""
    from indicators.load.kreise import set_members as members

    return members(set_id, [f"ags_{a}" for a in picked])


@st.cache_data(show_spinner=False, max_entries=16)
def _set_table(version: str, set_id: str, ids: tuple):
    from indicators import store
    from indicators.views.kreise import set_indicator_table

    return set_indicator_table(list(ids), store.load_counts_of_version(_version_id(version)))


def set_table(set_id: str, ids: tuple):
    """The Kreis table cut to a comparison set and ranked inside it (cached per set and data version)."""
    return _set_table(data_version(), set_id, ids)


def kreis_chart(kind: str, set_id: str, ids: tuple, measure_id: str, year: int | None, lang: str):
    """The comparison page's charts for a set, built once per view and data version."""
    return _kreis_chart(data_version(), kind, set_id, ids, measure_id, year, lang)


@memo(256)
def _kreis_chart(version: str, kind: str, set_id: str, ids: tuple, measure_id: str, year: int | None, lang: str):
    from indicators.figures import kreise as kreise_figures

    table = _set_table(version, set_id, ids)
    return kreise_figures.set_figure(kind, table, _kreis_measures(version), measure_id or None, year, set_id,
                                     list(ids), lang)


@memo(64)
def _kreis_view(version: str, set_id: str, ids: tuple, measure_id: str, year: int, lang: str) -> dict:
    from indicators.figures import kreise as kreise_figures
    from indicators.load.kreise import kreis_areas as areas_of
    from indicators.views import kreise as kreise_views
    from indicators.views import ruhr as ruhr_views

    measure = _kreis_measures(version)[measure_id]
    ranked = table = _set_table(version, set_id, ids)
    names = dict(zip(areas_of()["area_id"], areas_of()["name"]))
    rows = ruhr_views.ranking_slice(ranked, measure_id, year)
    return {
        "sentence": kreise_views.position_sentence(ranked, measure, year, set_id, lang),
        "notes": kreise_views.notes(table, measure, list(ids), names, lang),
        "gap_years": kreise_views.gap_years(table, measure),
        "text_alternative": kreise_figures.text_alternative(ranked, measure, year, lang),
        "trend_table": kreise_views.trend_table(ranked, measure, list(ids), names, lang) if len(measure.years) > 1
        else None,
        "display": ruhr_views.display_table(rows, measure, lang),
        "has_missing": bool(ranked.loc[ranked["indicator_id"] == measure_id, "value"].isna().any()),
        "is_demo": bool(rows["is_demo"].any()),
        "source_line": kreise_views.source_line(table, measure, lang),
    }


def kreis_view(set_id: str, ids: tuple, measure_id: str, year: int, lang: str) -> dict:
    """Everything the comparison page writes for one view (sentences, notes, tables), once per view."""
    return _kreis_view(data_version(), set_id, ids, measure_id, year, lang)


@memo(16)
def _kreis_position_table(version: str, set_id: str, ids: tuple, lang: str):
    from indicators.views import kreise as kreise_views

    return kreise_views.position_table(_set_table(version, set_id, ids), _kreis_measures(version), lang)


def kreis_position_table(set_id: str, ids: tuple, lang: str):
    """Bochum's rank per rate and year inside the set, as a table for people."""
    return _kreis_position_table(data_version(), set_id, ids, lang)


@memo(4)
def _kreis_overview(version: str, lang: str) -> dict:
    from indicators.load.kreise import BOCHUM_ID
    from indicators.views import kreise as kreise_views

    table, measures = _set_table(version, "bochum", (BOCHUM_ID,)), _kreis_measures(version)
    out = {}
    for theme, measure_id in kreise_views.overview_measures().items():
        if measure_id in measures:
            measure = measures[measure_id]
            out[theme] = (measure_id, max(measure.years),
                          kreise_views.overview_text(kreise_views.overview_line(table, measure, lang), lang))
    return out


def kreis_overview(lang: str) -> dict:
    """Theme -> (measure id, year, line) for the Überblick: Bochum's newest official Kreis value."""
    return _kreis_overview(data_version(), lang)


@memo(32)
def _kreis_metadata(version: str, set_id: str, ids: tuple, measure_id: str, lang: str):
    from indicators.export import kreise as kreise_export

    table = _set_table(version, set_id, ids)
    return kreise_export.metadata(table, _kreis_measures(version)[measure_id], set_id, list(ids), lang)


def kreis_metadata(set_id: str, ids: tuple, measure_id: str, lang: str):
    """The XLSX metadata sheet of the comparison table (definition, files with Stand, notes)."""
    return _kreis_metadata(data_version(), set_id, ids, measure_id, lang)


# An upload is read again on every widget change of the import form; near the 50 MB limit that
# takes seconds, so reading and checking are cached per file content and chosen options.
@st.cache_data(show_spinner=False, max_entries=8)
def upload_preview(content: bytes, name: str):
    """importflow.read_preview for an upload (cached)."""
    from indicators.store import importflow

    return importflow.read_preview(content, name)


@st.cache_data(show_spinner=False, max_entries=4)
def boundary_preview(content: bytes, name: str):
    """importflow.preview_boundaries for an upload (cached: a sandboxed read of up to 200 MB)."""
    from indicators.store import importflow

    return importflow.preview_boundaries(content, name)


@st.cache_data(show_spinner=False, max_entries=8)
def export_preview(content: bytes, name: str, kind: str):
    """importflow.counts_preview for a GENESIS or BA export (cached)."""
    from indicators.store import importflow

    return importflow.counts_preview(content, name, kind)


@st.cache_data(show_spinner=False, max_entries=16)
def _upload_problems(content: bytes, name: str, version: str, **options) -> list:
    from indicators import store

    return store.validate_file(content, name, **options)


def upload_problems(content: bytes, name: str, **options) -> list:
    """store.validate_file for an upload and the form's options (cached per data version: the check
    against the data in use, e.g. demo values left empty, changes with every import)."""
    return _upload_problems(content, name, data_version(), **options)


@memo(64)
def _index(version: str, year: int, indicators: tuple):
    from indicators.build.sozialindex import IndexNotComputable, index_for_year, load_index_config

    try:
        return index_for_year(_table(version), year, load_index_config().with_indicators(indicators)), ""
    except IndexNotComputable as exc:
        return None, str(exc)


def sozialindex(year: int, indicators: tuple | None = None):
    """(index table, '') of one year, or (None, German reason); indicators default to the catalog's configuration."""
    from indicators.build.sozialindex import load_index_config

    return _index(data_version(), int(year), tuple(indicators or load_index_config().indicators))


@memo(64)
def _index_map(version: str, year: int, indicators: tuple, mode: str, focus: tuple, lang: str = "de"):
    from indicators import figures

    index, _ = _index(version, year, indicators)
    demo = bool(_table(version)["is_demo"].any())
    return figures.index_map_figure(index, geometry("ortsteil"), year, mode=mode, focus_ids=focus, demo=demo,
                                    lang=lang)


def sozialindex_map(year: int, indicators: tuple, mode: str, focus: tuple, lang: str = "de"):
    """The index map of one year and mode in lang (cached; pages must not modify it)."""
    return _index_map(data_version(), int(year), tuple(indicators), mode, tuple(focus), lang)


@memo(16)
def _peer_values(version: str, year: int):
    from indicators.areas import ortsteile
    from indicators.views.peers import peer_variables

    counts = pipeline.ortsteil_counts_of_version(_version_id(version))  # the same version as the table
    return peer_variables(counts, year, ortsteile()["area_id"].tolist())


@memo(64)
def _peers(version: str, year: int, area_id: str) -> dict:
    from indicators.views.peers import find_peers

    return find_peers(_peer_values(version, year), area_id)  # the counts are read once per year, not per Ortsteil


def peers(year: int, area_id: str) -> dict:
    """views.peers.find_peers for an Ortsteil and year on the data in use (cached and shared: do not modify)."""
    return _peers(data_version(), int(year), area_id)


@memo(8)
def _overview(version: str, area_ids: tuple, lang: str) -> dict:
    from indicators.views import overview as overview_views

    table = _table(version)
    first_year, year = overview_views.year_span(table)
    themes = overview_views.overview_themes(table, area_ids, lang)
    # the same cached figure objects data.figure and data.trend_figure give (their dicts are memoised there)
    figures = {th.theme_id: (tuple(_figure(version, "sparkline_figure", (th.indicator_id, a, lang), ())
                                   for a in area_ids),
                             _trend(version, th.indicator_id, area_ids, "absolute", lang, False))
               for th in themes}
    return {"first_year": first_year, "year": year, "rows": overview_views.key_rows(table, area_ids),
            "themes": themes, "figures": figures}


def overview(area_ids, lang: str) -> dict:
    """Everything the Überblick shows, once per data version and language (shared: do not modify):
    first_year, year, rows (the key indicators' rows, for banner and sources), themes (views.overview.ThemeCards)
    and figures (theme id -> (sparklines per area, the trend chart behind their text alternative))."""
    return _overview(data_version(), tuple(area_ids), lang)
