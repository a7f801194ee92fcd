"""Where things live: resolved from the package's own location, never from the working directory."""

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
CATALOG_FILE = DATA_DIR / "catalog.yaml"
SOURCES_FILE = DATA_DIR / "sources.yaml"
AREAS_FILE = DATA_DIR / "areas.csv"
DEMO_COUNTS_FILE = DATA_DIR / "demo_counts.csv"
PUBLISHED_FILE = DATA_DIR / "published.csv"
SCHEMATIC_GEOMETRY_FILE = DATA_DIR / "geometry" / "schematic_ortsteile.geojson"
DATA_DIR_ENV = "QUARTIERSMONITOR_DATA_DIR"
DEFAULT_STORE_DIR = PROJECT_DIR / "userdata"


def store_dir() -> Path:
    """The user's data store: $QUARTIERSMONITOR_DATA_DIR or the git-ignored userdata/ folder."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_STORE_DIR)
