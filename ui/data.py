"""The app's cache boundary: everything expensive is computed here once per data version."""

from __future__ import annotations

import streamlit as st

from indicators.areas import load_areas
from indicators.build import pipeline
from indicators.catalog import load_catalog


def data_version() -> str:
    """Names the data in use (store folder + active version), so caches refresh after an import.

    A committed version never changes, so the pair is a safe cache key.
    """
    from indicators.paths import store_dir
    from indicators.store import active_version

    return f"{store_dir()}:{active_version()}"


def _version_id(version: str) -> str:
    """'…/store:0003' -> '0003': the version read once from CURRENT, loaded exactly (no torn reads)."""
    return version.rsplit(":", 1)[1]


@st.cache_data(show_spinner=False, max_entries=4)
def _table(version: str):
    return pipeline.build(pipeline.ortsteil_counts_of_version(_version_id(version)))


def indicator_table():
    """The indicator table of the data in use (cached per data version)."""
    return _table(data_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _geometry(level: str, version: str):
    return pipeline.geometry_of_version(level, _version_id(version))


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
    from indicators.load.published import comparable_points

    return figures.trend_figure(_table(version), indicator_id, list(area_ids), mode,
                                published=comparable_points(indicator_id), lang=lang, large_text=large_text)


def trend_figure(indicator_id: str, area_ids, mode: str, lang: str, large_text: bool = False):
    """The trend chart with the published points of the same definition (cached)."""
    return _trend(data_version(), indicator_id, tuple(area_ids), mode, lang, large_text)


@st.cache_resource(show_spinner=False, max_entries=256)
def _map(version: str, indicator_id: str, year: int, level: str, method: str, k: int, fixed: bool,
         focus: tuple, selected: str | None, lang: str, large_text: bool):
    from indicators import figures
    from indicators.views import classify

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
    from indicators.load.published import load_published

    return load_published()


def all_sources() -> dict:
    """Bundled and imported sources by source_id."""
    from indicators import store

    return store.all_sources()


catalog = load_catalog
areas = load_areas


@st.cache_data(show_spinner=False, max_entries=4)
def _ruhr_table(version: str):
    from indicators import store
    from indicators.views import ruhr as ruhr_views

    return ruhr_views.ruhr_indicator_table(store.load_counts_of_version(_version_id(version)))


def ruhr_table():
    """Official Kreis figures: the shipped ones plus any imported GENESIS tables (cached per data version)."""
    return _ruhr_table(data_version())


def ruhr_chart(kind: str, measure_id: str, year: int | None, lang: str):
    """The Ruhr page's charts ('ranking', 'trend', 'position'), built once per view and data version."""
    return _ruhr_chart(data_version(), kind, measure_id, year, lang)


@st.cache_resource(show_spinner=False, max_entries=256)
def _ruhr_chart(version: str, kind: str, measure_id: str, year: int | None, lang: str):
    from indicators.figures import ruhr as ruhr_figures
    from indicators.views import ruhr as ruhr_views

    table = _ruhr_table(version)
    measures = ruhr_views.measures(table)
    if kind == "ranking":
        return ruhr_figures.ranking_figure(table, measures[measure_id], year, lang)
    if kind == "trend":
        return ruhr_figures.trend_figure(table, measures[measure_id], lang)
    rates = [m for m, x in measures.items() if x.is_rate]
    return ruhr_figures.position_figure(ruhr_views.bochum_position(table, rates), measures, lang)


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
def upload_problems(content: bytes, name: str, **options) -> list:
    """store.validate_file for an upload and the form's options (cached)."""
    from indicators import store

    return store.validate_file(content, name, **options)


@st.cache_data(show_spinner=False, max_entries=64)
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


@st.cache_resource(show_spinner=False, max_entries=64)
def _index_map(version: str, year: int, indicators: tuple, mode: str, focus: tuple):
    from indicators import figures

    index, _ = _index(version, year, indicators)
    demo = bool(_table(version)["is_demo"].any())
    return figures.index_map_figure(index, geometry("ortsteil"), year, mode=mode, focus_ids=focus, demo=demo)


def sozialindex_map(year: int, indicators: tuple, mode: str, focus: tuple):
    """The index map of one year and mode (cached; pages must not modify it)."""
    return _index_map(data_version(), int(year), tuple(indicators), mode, tuple(focus))


@st.cache_data(show_spinner=False, max_entries=4)
def _peer_values(version: str, year: int):
    from indicators.areas import ortsteile
    from indicators.views.peers import peer_variables

    return peer_variables(pipeline.ortsteil_counts(), year, ortsteile()["area_id"].tolist())


def peer_values(year: int):
    """The peer finder's population-structure variables per Ortsteil for one year (cached per data version)."""
    return _peer_values(data_version(), int(year))
