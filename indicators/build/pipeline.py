"""The pipeline: bundled demo counts + imported counts -> counts for every level -> indicator table.

It is also where "the data in use" is decided for maps: geometry(level) asks the store for the
active boundaries, as build() asks it for the imported counts.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from indicators import store
from indicators.areas import load_areas
from indicators.build.aggregate import aggregate_all_levels
from indicators.catalog import load_catalog
from indicators.geometry import load_geometry
from indicators.paths import DEMO_COUNTS_FILE
from indicators.schema import COUNT_KEY
from indicators.store.inuse import unmixed

KEY = COUNT_KEY


def load_demo_counts() -> pd.DataFrame:
    """The bundled demo counts (illustrative, source 'demo')."""
    from indicators.load import demo

    return demo.read(DEMO_COUNTS_FILE)


def load_imported_counts() -> pd.DataFrame:
    """Counts the user imported into the store (empty when nothing was imported)."""
    return store.load_imported_counts()


def overlay(base: pd.DataFrame, imported: pd.DataFrame) -> pd.DataFrame:
    """Imported values replace base values with the same area, year and variable.

    A demo value whose partner in a ratio is imported for the same area and year is dropped
    (store.inuse.unmixed), so no indicator mixes real and demo counts.
    """
    return unmixed(base, imported)[0]


def ortsteil_counts() -> pd.DataFrame:
    """Counts per Ortsteil from every source in use: demo, overridden by imports.

    Imported Kreis-level counts (e.g. a GENESIS table, area ids 'ags_*') belong to the Ruhr
    comparison, not to Bochum's Ortsteil hierarchy, so they are left out here.
    """
    areas = load_areas()
    ortsteil_ids = areas.loc[areas["level"] == "ortsteil", "area_id"]
    imported = load_imported_counts()
    return overlay(load_demo_counts(), imported[imported["area_id"].isin(ortsteil_ids)])


def ortsteil_counts_of_version(version: str) -> pd.DataFrame:
    """Like ortsteil_counts, for exactly one store version (read once by the caller, never re-read)."""
    areas = load_areas()
    ortsteil_ids = areas.loc[areas["level"] == "ortsteil", "area_id"]
    imported = store.load_counts_of_version(version)
    return overlay(load_demo_counts(), imported[imported["area_id"].isin(ortsteil_ids)])


def geometry_of_version(level: str, version: str) -> gpd.GeoDataFrame:
    """Like geometry, for exactly one store version."""
    return load_geometry(level, store.boundaries_file_of_version(version))


def build(counts: pd.DataFrame | None = None, areas: pd.DataFrame | None = None,
          base_year: int | None = None) -> pd.DataFrame:
    """The indicator table for every area, year and catalog indicator."""
    from indicators.build.compute import indicator_table

    counts = ortsteil_counts() if counts is None else counts
    areas = load_areas() if areas is None else areas
    all_levels = aggregate_all_levels(counts, areas)
    return indicator_table(all_levels, load_catalog(), areas, base_year)


def geometry(level: str = "ortsteil", store_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The map geometry in use: the store's imported official boundaries, else the schematic map."""
    return load_geometry(level, store.current_boundaries_file(store_dir))
