"""The app's cache boundary: everything expensive is computed here once per data version."""

from __future__ import annotations

import streamlit as st

from indicators import pipeline
from indicators.areas import load_areas
from indicators.catalog import load_catalog


def data_version() -> str:
    """Names the data in use (store folder + active version), so caches refresh after an import.

    A committed version never changes, so the pair is a safe cache key.
    """
    from indicators.paths import store_dir
    from indicators.store import active_version

    return f"{store_dir()}:{active_version()}"


@st.cache_data(show_spinner=False, max_entries=4)
def _table(version: str):
    return pipeline.build()


def indicator_table():
    """The indicator table of the data in use (cached per data version)."""
    return _table(data_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _geometry(level: str, version: str):
    from indicators.geometry import load_geometry

    return load_geometry(level)


def geometry(level: str = "ortsteil"):
    """Boundaries (imported official ones, else the schematic tile map) for a level."""
    return _geometry(level, data_version())


# Figures are cached as objects shared between sessions (building a plotly figure costs
# 10–70 ms); pages must not modify a figure they get from here.
@st.cache_resource(show_spinner=False, max_entries=1024)
def _figure(version: str, builder: str, args: tuple, kwargs: tuple):
    from indicators import figures

    return getattr(figures, builder)(_table(version), *args, **dict(kwargs))


def figure(builder: str, *args, **kwargs):
    """figures.<builder>(indicator table, *args, **kwargs), built once per data version and arguments."""
    return _figure(data_version(), builder, args, tuple(sorted(kwargs.items())))


@st.cache_resource(show_spinner=False, max_entries=256)
def _trend(version: str, indicator_id: str, area_ids: tuple, mode: str, lang: str, large_text: bool):
    from indicators import figures
    from indicators.published import comparable_points

    return figures.trend_figure(_table(version), indicator_id, list(area_ids), mode,
                                published=comparable_points(indicator_id), lang=lang, large_text=large_text)


def trend_figure(indicator_id: str, area_ids, mode: str, lang: str, large_text: bool = False):
    """The trend chart with the published points of the same definition (cached)."""
    return _trend(data_version(), indicator_id, tuple(area_ids), mode, lang, large_text)


@st.cache_resource(show_spinner=False, max_entries=256)
def _map(version: str, indicator_id: str, year: int, level: str, method: str, k: int, fixed: bool,
         focus: tuple, selected: str | None, lang: str, large_text: bool):
    from indicators import classify, figures

    table = _table(version)
    breaks = classify.fixed_breaks(table, indicator_id, method, k, level=level) if fixed else None
    return figures.map_figure(table, _geometry(level, version), indicator_id, year, method=method, k=k,
                              breaks=breaks, focus_ids=focus, selected_id=selected, label_all=True,
                              lang=lang, large_text=large_text, level=level)


def map_figure(indicator_id: str, year: int, *, level: str = "ortsteil", method: str = "quantiles", k: int = 5,
               fixed: bool = True, focus=(), selected: str | None = None, lang: str = "de",
               large_text: bool = False):
    """The choropleth for a view (cached); classes fixed over all years unless ``fixed`` is False."""
    return _map(data_version(), indicator_id, int(year), level, method, int(k), fixed, tuple(focus), selected,
                lang, large_text)


@st.cache_data(show_spinner=False)
def published():
    """The published real figures (bundled, cited)."""
    from indicators.published import load_published

    return load_published()


def all_sources() -> dict:
    """Bundled and imported sources by source_id."""
    from indicators import store

    return store.all_sources()


catalog = load_catalog
areas = load_areas


@st.cache_data(show_spinner=False, max_entries=4)
def _ruhr_table(version: str):
    from indicators import ruhr_views, store

    return ruhr_views.ruhr_indicator_table(store.load_imported_counts())


def ruhr_table():
    """Official Kreis figures: the shipped ones plus any imported GENESIS tables (cached per data version)."""
    return _ruhr_table(data_version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _kreis_measures(version: str):
    from indicators import kreise, ruhr_views

    # measures are defined by Bochum's values: the Ruhr set's table is enough (and fast)
    ruhr_ids = tuple(kreise.set_members(kreise.SET_RUHR))
    return ruhr_views.measures(_set_table(version, kreise.SET_RUHR, ruhr_ids))


def kreis_measures():
    """The measures of the Kreis table (catalog indicators and official rates), once per data version."""
    return _kreis_measures(data_version())


def kreis_areas():
    """Every Kreis, the Länder and Germany (names for the comparison page)."""
    from indicators.kreise import kreis_areas as areas_of

    return areas_of()


def set_members(set_id: str, picked: tuple) -> list[str]:
    """The area ids of a comparison set (picked: AGS of an own selection)."""
    from indicators.kreise import set_members as members

    return members(set_id, [f"ags_{a}" for a in picked])


@st.cache_data(show_spinner=False, max_entries=16)
def _set_table(version: str, set_id: str, ids: tuple):
    from indicators import store
    from indicators.kreise_views import set_indicator_table

    return set_indicator_table(list(ids), store.load_imported_counts())


def set_table(set_id: str, ids: tuple):
    """The Kreis table cut to a comparison set and ranked inside it (cached per set and data version)."""
    return _set_table(data_version(), set_id, ids)


def kreis_chart(kind: str, set_id: str, ids: tuple, measure_id: str, year: int | None, lang: str):
    """The comparison page's charts for a set, built once per view and data version."""
    return _kreis_chart(data_version(), kind, set_id, ids, measure_id, year, lang)


@st.cache_resource(show_spinner=False, max_entries=256)
def _kreis_chart(version: str, kind: str, set_id: str, ids: tuple, measure_id: str, year: int | None, lang: str):
    from indicators import kreise_figures

    table = _set_table(version, set_id, ids)
    return kreise_figures.set_figure(kind, table, _kreis_measures(version), measure_id or None, year, set_id,
                                     list(ids), lang)


@st.cache_data(show_spinner=False, max_entries=64)
def _kreis_view(version: str, set_id: str, ids: tuple, measure_id: str, year: int, lang: str) -> dict:
    from indicators import kreise_figures, kreise_views, ruhr_views
    from indicators.kreise import kreis_areas as areas_of

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


@st.cache_data(show_spinner=False, max_entries=16)
def _kreis_position_table(version: str, set_id: str, ids: tuple, lang: str):
    from indicators import kreise_views

    return kreise_views.position_table(_set_table(version, set_id, ids), _kreis_measures(version), lang)


def kreis_position_table(set_id: str, ids: tuple, lang: str):
    """Bochum's rank per rate and year inside the set, as a table for people."""
    return _kreis_position_table(data_version(), set_id, ids, lang)


@st.cache_data(show_spinner=False, max_entries=4)
def _kreis_overview(version: str, lang: str) -> dict:
    from indicators import kreise_views

    from indicators.kreise import BOCHUM_ID

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


@st.cache_data(show_spinner=False, max_entries=32)
def _kreis_metadata(version: str, set_id: str, ids: tuple, measure_id: str, lang: str):
    from indicators import kreise_export

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
    from indicators import importflow

    return importflow.read_preview(content, name)


@st.cache_data(show_spinner=False, max_entries=16)
def upload_problems(content: bytes, name: str, **options) -> list:
    """store.validate_file for an upload and the form's options (cached)."""
    from indicators import store

    return store.validate_file(content, name, **options)
