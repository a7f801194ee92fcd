"""What is this file? The one decision, from name and first bytes, for the store and the import page.

detect_format tells the exports that have their own reader (GENESIS flat file or table, BA small-area
delivery) from ordinary count tables; detect_kind adds boundaries and unsupported files. A dict of
readers is all the dispatch this needs: the store calls the reader for the kind found here.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

from indicators.limits import MAX_TABLE_BYTES
from indicators.load import ba, bounded
from indicators.load.genesis import FORMAT_BA, genesis_format, zip_members
from indicators.load.intake import TABLE_EXTENSIONS, content_problems

KIND_TABLE = "table"
KIND_BOUNDARIES = "boundaries"
KIND_GENESIS_FFCSV = "genesis_ffcsv"
KIND_GENESIS_TABLE = "genesis_table"
KIND_BA = "ba_smallarea"
KIND_UNSUPPORTED = "unsupported"
SPECIAL_KINDS = (KIND_GENESIS_FFCSV, KIND_GENESIS_TABLE, KIND_BA)
BOUNDARY_EXTENSIONS = (".geojson", ".gpkg")
SNIFFED_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx")  # the ones the store checks for GENESIS/BA
ZIP_BOUNDARY_MEMBERS = (".shp", ".geojson", ".json", ".gpkg")
GEOJSON_TYPE = re.compile(
    rb'"type"\s*:\s*"(FeatureCollection|Feature|GeometryCollection|Polygon|MultiPolygon)"')
SNIFF_BYTES = 64 * 1024  # what is read to sniff a file's content


def detect_format(data: bytes, filename: str = "") -> str | None:
    """'genesis_ffcsv', 'genesis_table', 'ba_smallarea' or None, from the first bytes of a file."""
    content = bounded.detect_kind(data)  # from the magic bytes and the ZIP directory, nothing unpacked
    if content in (bounded.KIND_ZIP, bounded.KIND_XLSX):
        if content_problems(data, filename):
            return None  # bombs, nested archives, huge sheets: the store refuses them, nobody sniffs inside
        try:
            if content == bounded.KIND_XLSX:
                return FORMAT_BA if ba.looks_like_ba(data, filename) else None
            members = zip_members(data)
        except zipfile.BadZipFile:
            return None
        return detect_format(members[0][1], members[0][0]) if members else None
    return genesis_format(data) or (FORMAT_BA if ba.looks_like_ba(data, filename) else None)


def zip_names(data: bytes) -> list[str]:
    """Member names of a ZIP archive (listed, never unpacked); [] when it is no readable ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except Exception:  # noqa: BLE001 - a broken archive is reported by the store's checks
        return []


def _special_format(data: bytes, filename: str) -> str | None:
    """GENESIS flat file or table, BA small-area delivery, else None."""
    try:
        return detect_format(data, filename)
    except Exception:  # noqa: BLE001 - detection is a guess; the ordinary loader decides then
        return None


def _extension(filename: str) -> str:
    """'Daten.CSV' -> '.csv'."""
    return PurePosixPath(str(filename).replace("\\", "/")).suffix.lower()


def detect_kind(data: bytes, filename: str, table_limit: int = MAX_TABLE_BYTES) -> str:
    """What an upload is, decided like the store decides it: table, boundaries, GENESIS/BA export, unsupported."""
    ext = _extension(filename)
    if ext in BOUNDARY_EXTENSIONS:
        return KIND_BOUNDARIES
    if ext == ".json":
        return KIND_BOUNDARIES if GEOJSON_TYPE.search(data[:SNIFF_BYTES]) else KIND_UNSUPPORTED
    if ext == ".zip":
        if content_problems(data, filename):
            return KIND_BOUNDARIES  # the store refuses it as a boundary archive, with its message
        if any(n.lower().endswith(ZIP_BOUNDARY_MEMBERS) for n in zip_names(data)):
            return KIND_BOUNDARIES
        return _special_format(data, filename) or KIND_BOUNDARIES
    if ext not in TABLE_EXTENSIONS:
        return KIND_UNSUPPORTED
    if ext not in SNIFFED_EXTENSIONS or len(data) > table_limit:
        return KIND_TABLE
    if ext == ".xlsx" and content_problems(data, filename):
        return KIND_TABLE  # refused by the store's archive checks before anything is unpacked
    return _special_format(data, filename) or KIND_TABLE
