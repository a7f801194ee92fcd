"""The app's cache boundary: everything expensive is computed here once per data version."""

from __future__ import annotations

import streamlit as st

from indicators import pipeline
from indicators.areas import load_areas
from indicators.catalog import load_catalog, load_sources


def data_version() -> str:
    """Names the data in use (the store's active version), so caches refresh after an import."""
    from indicators.store import list_versions

    active = [v["version"] for v in list_versions() if v.get("active")]
    return active[0] if active else "demo"


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


@st.cache_data(show_spinner=False)
def published():
    """The published real figures (bundled, cited)."""
    from indicators.published import load_published

    return load_published()


def all_sources() -> dict:
    """Bundled and imported sources by source_id."""
    from indicators.store import imported_sources

    return {**load_sources(), **imported_sources()}


catalog = load_catalog
areas = load_areas
