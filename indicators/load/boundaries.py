"""The reader for official Ortsteil boundaries (GeoJSON, GeoPackage, zipped Shapefile): untrusted user
files, checked and matched to the Ortsteile, returned in the geometry module's frame format.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from indicators.areas import area_names, match_names, match_one, ortsteile
from indicators.formats import fmt_number
from indicators.geometry import CRS_UTM32, CRS_WGS84, KIND_OFFICIAL, area_frame, orient_for_plotly
from indicators.limits import MAX_ZIP_MEMBERS, MAX_ZIP_UNCOMPRESSED_BYTES
from indicators.load import bounded
from indicators.load.validation import SEVERITY_ERROR, SEVERITY_WARNING, Problem

# --- the boundary loader -------------------------------------------------------------------
NAME_FIELDS = (  # in order of preference when several fields match equally well
    "name", "ortsteil", "ortsteilname", "ot_name", "stadtteil", "stt_name", "stadtteilname",
    "bezeichnung", "bezeichnun", "bez_name", "statbezirk", "stat_bez", "nr", "code",
    "ot_nr", "stt_nr", "schluessel",
)
SUFFIX_GEOJSON = (".geojson", ".json")
SUFFIX_GPKG = (".gpkg",)
SUFFIX_ZIP = (".zip",)
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
ZIP_READABLE = SHAPEFILE_PARTS + SUFFIX_GEOJSON + SUFFIX_GPKG
MAX_UNCOMPRESSED_BYTES = MAX_ZIP_UNCOMPRESSED_BYTES  # the store's limits, so both say the same
SIMPLIFY_MIN_VERTICES = 20_000       # below this, borders are kept as delivered
SIMPLIFY_TOLERANCE_DEG = 2e-5        # ~1.5-2 m at Bochum's latitude
PRECISION_GRID_DEG = 1e-6            # ~0.1 m
# ETRS89/UTM 32N eastings and northings that cover Germany west of 12° E (metres)
UTM32_X_RANGE = (250_000.0, 950_000.0)
UTM32_Y_RANGE = (5_200_000.0, 6_150_000.0)
# Bochum's extent in lon/lat (city limits, rounded outwards: Wattenscheid to Langendreer, Stiepel to Gerthe)
BOCHUM_EXTENT = (7.09, 51.39, 7.36, 51.54)
# every shape must lie within this margin around the extent: generous for a neighbouring border drawn
# along, tight enough that a wrong CRS or a file of another city is refused instead of replacing the map
BOCHUM_MARGIN_M = 20_000.0
METRES_PER_DEGREE_LAT = 111_320.0
N_ORTSTEILE = 30


# ============================================================================================
# loader for official boundaries
# ============================================================================================


class BoundaryError(Exception):
    """A problem that stops reading a boundary file; the message is German and names the fix."""


@dataclass
class BoundaryReport:
    """What the loader found and did, for the import dialogue."""

    file: str
    n_features: int = 0
    source_crs: str = ""
    crs_assumed: bool = False
    name_field: str = ""
    matched: int = 0
    matched_areas: list[str] = field(default_factory=list)      # Ortsteile with a shape, by name
    missing_areas: list[str] = field(default_factory=list)      # Ortsteile without a shape
    unmatched: dict[str, list[str]] = field(default_factory=dict)  # shape name -> candidates
    merged: dict[str, int] = field(default_factory=dict)        # Ortsteil -> features merged
    repaired: int = 0
    vertices_in: int = 0
    vertices_out: int = 0
    simplified: bool = False

    def lines(self) -> list[str]:
        """A short German summary, one sentence per line."""
        out = [f"{self.n_features} Flächen gelesen aus {self.file} "
               f"(Koordinatensystem {self.source_crs or 'unbekannt'}"
               f"{', angenommen' if self.crs_assumed else ''}), Namensfeld „{self.name_field}“."]
        out.append(f"{self.matched} von {N_ORTSTEILE} Ortsteilen haben eine Fläche.")
        if self.missing_areas and self.matched_areas:
            out.append("Mit Fläche: " + ", ".join(self.matched_areas) + ".")
        if self.missing_areas:
            out.append("Ohne Fläche: " + ", ".join(self.missing_areas) + ".")
        if self.unmatched:
            out.append("Flächen ohne Ortsteil: " + ", ".join(self.unmatched) + ".")
        if self.merged:
            out.append("Zusammengefasst: " + ", ".join(f"{k} ({v} Teile)" for k, v in self.merged.items()) + ".")
        if self.repaired:
            out.append(f"Ungültige Flächen repariert: {self.repaired}.")
        if self.simplified:
            out.append(f"Grenzen vereinfacht: {fmt_number(self.vertices_in)} → "
                       f"{fmt_number(self.vertices_out)} Punkte.")
        return out


@dataclass
class BoundaryResult:
    """Outcome of load_boundaries: the shapes per Ortsteil, the problems found, and the report."""

    gdf: gpd.GeoDataFrame
    problems: list = field(default_factory=list)
    report: BoundaryReport | None = None

    @property
    def ok(self) -> bool:
        """True when there is at least one shape and no problem of severity error."""
        return len(self.gdf) > 0 and not any(p.severity == SEVERITY_ERROR for p in self.problems)


def _empty_frame(kind: str = KIND_OFFICIAL) -> gpd.GeoDataFrame:
    """A geometry frame without rows."""
    return area_frame([], [], kind)


def load_boundaries(source: Path | bytes, filename: str, name_field: str | None = None) -> BoundaryResult:
    """Read official boundaries (GeoJSON, GeoPackage, zipped Shapefile; any CRS) into one shape per Ortsteil."""
    report = BoundaryReport(file=filename)
    problems: list = []
    try:
        with tempfile.TemporaryDirectory(prefix="qm_geo_") as tmp:
            raw = _read_vector(source, filename, Path(tmp), problems)
        gdf = _to_wgs84(raw, filename, report, problems)
        gdf = _polygons_only(gdf, filename, report, problems)
        field_name = _pick_name_field(gdf, filename, name_field)
        report.name_field = field_name
        gdf = _match_features(gdf, field_name, filename, report, problems)
        gdf = _dissolve_by_area(gdf, report, problems, filename)
        gdf = _finish_geometries(gdf, report)
    except BoundaryError as exc:
        problems.append(Problem(filename, None, None, str(exc), SEVERITY_ERROR))
        return BoundaryResult(_empty_frame(), problems, report)
    _report_coverage(gdf, filename, report, problems)
    return BoundaryResult(gdf, problems, report)


# --- reading ---------------------------------------------------------------------------------


def _suffix(filename: str) -> str:
    """Lower-case file suffix of a user-supplied name."""
    return PurePosixPath(str(filename).replace("\\", "/")).suffix.lower()


def _sniff_suffix(data: bytes) -> str:
    """Guess a suffix from the first bytes when the name does not tell."""
    if data[:4] == b"PK\x03\x04":
        return ".zip"
    if data[:16].startswith(b"SQLite format 3"):
        return ".gpkg"
    if data.lstrip()[:1] == b"{":
        return ".geojson"
    return ""


def _read_vector(source, filename: str, tmp: Path, problems: list) -> gpd.GeoDataFrame:
    """Read the first polygon layer of a GeoJSON, GeoPackage or zipped Shapefile."""
    data = source if isinstance(source, (bytes, bytearray)) else None
    suffix = _suffix(filename)
    if suffix not in SUFFIX_GEOJSON + SUFFIX_GPKG + SUFFIX_ZIP:
        sniffed = _sniff_suffix(data if data is not None else Path(source).read_bytes()[:64])
        if not sniffed:
            raise BoundaryError(
                f"{filename}: Dateiformat nicht erkannt. Bitte GeoJSON (.geojson), GeoPackage (.gpkg) "
                "oder ein gezipptes Shapefile (.zip mit .shp, .shx, .dbf, .prj) hochladen.")
        suffix = sniffed
    if suffix in SUFFIX_ZIP:
        path = _extract_zip(source, filename, tmp, problems)
    elif data is not None:
        path = tmp / f"upload{suffix}"
        path.write_bytes(bytes(data))
    else:
        path = Path(source)
    _refuse_before_reading(path, filename)
    raw = _read_layer(path, filename, problems)
    _refuse(bounded.vertex_problems(raw.geometry, filename))  # before any validity or precision work
    return raw


def _refuse(found: list) -> None:
    """The first error of a bounded pre-check as this module's BoundaryError."""
    errors = [p for p in found if p.severity == SEVERITY_ERROR]
    if errors:
        raise BoundaryError(errors[0].message)


def _refuse_before_reading(path: Path, filename: str) -> None:
    """Checks before pyogrio sees the file: GeoPackage layers (no views), GeoJSON vertex counts."""
    kind = bounded.detect_kind(path)
    if kind == bounded.KIND_SQLITE:
        _refuse(bounded.gpkg_problems(path, filename))
    elif kind == bounded.KIND_TEXT and path.suffix.lower() in SUFFIX_GEOJSON:
        _refuse(bounded.geojson_vertex_problems(path.read_bytes(), filename))


def _read_layer(path: Path, filename: str, problems: list) -> gpd.GeoDataFrame:
    """Read the first polygon layer with pyogrio; several polygon layers give a warning."""
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
        polygon_layers = [str(n) for n, t in layers if t is None or "Polygon" in str(t)]
        if not polygon_layers:
            raise BoundaryError(f"{filename}: keine Flächen-Ebene gefunden (Ebenen: "
                                f"{', '.join(str(n) for n, _ in layers)}). Bitte Polygone exportieren.")
        if len(polygon_layers) > 1:
            problems.append(Problem(filename, None, None,
                                    f"Mehrere Flächen-Ebenen ({', '.join(polygon_layers)}); verwendet wird "
                                    f"„{polygon_layers[0]}“. Bitte nur die Ortsteil-Ebene exportieren, "
                                    "falls das nicht stimmt.", SEVERITY_WARNING))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = gpd.read_file(path, layer=polygon_layers[0], engine="pyogrio")
    except BoundaryError:
        raise
    except Exception as exc:  # GDAL's errors are English and technical; say what to do
        raise BoundaryError(f"{filename}: Datei konnte nicht gelesen werden ({exc}). Ist sie vollständig "
                            "und im Format GeoJSON, GeoPackage oder gezipptes Shapefile?") from exc
    if gdf.empty:
        raise BoundaryError(f"{filename}: die Datei enthält keine Flächen.")
    return gdf


def _unsafe_member(name: str) -> bool:
    """True for zip member names that would escape the extraction folder."""
    norm = name.replace("\\", "/")
    parts = norm.split("/")
    return norm.startswith("/") or ".." in parts or bool(re.match(r"^[A-Za-z]:", norm))


def _extract_zip(source, filename: str, tmp: Path, problems: list) -> Path:
    """Check a zip for unsafe paths and size, extract the readable members flat; return the file to read."""
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(bytes(source)) if isinstance(source, (bytes, bytearray)) else source)
    except zipfile.BadZipFile as exc:
        raise BoundaryError(f"{filename}: keine gültige ZIP-Datei. Bitte die Dateien neu packen.") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise BoundaryError(f"{filename}: die ZIP-Datei enthält {fmt_number(len(infos))} Dateien, erlaubt sind "
                                f"höchstens {fmt_number(MAX_ZIP_MEMBERS)}. Bitte nur das Shapefile (.shp, .shx, .dbf, "
                                ".prj) packen.")
        bad = [i.filename for i in infos if _unsafe_member(i.filename)]
        if bad:
            raise BoundaryError(f"{filename}: die ZIP-Datei enthält einen unsicheren Pfad („{bad[0]}“) und wird "
                                "nicht geöffnet. Bitte die Dateien ohne Ordnerangaben wie „..“ neu packen.")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise BoundaryError(f"{filename}: entpackt wäre die ZIP-Datei {fmt_number(total / 1024**2)} MB groß, "
                                f"erlaubt sind {fmt_number(MAX_UNCOMPRESSED_BYTES / 1024**2)} MB. Bitte nur die "
                                "Ortsteil-Ebene packen.")
        wanted = [i for i in infos if not i.is_dir() and _suffix(i.filename) in ZIP_READABLE
                  and not PurePosixPath(i.filename.replace("\\", "/")).name.startswith(("._", "."))]
        written: dict[str, Path] = {}
        for info in wanted:
            base = PurePosixPath(info.filename.replace("\\", "/")).name
            if base.lower() in written:
                continue
            target = tmp / base
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            written[base.lower()] = target
    return _pick_zip_dataset(written, filename, problems)


def _pick_zip_dataset(written: dict[str, Path], filename: str, problems: list) -> Path:
    """Choose the dataset inside an extracted zip: a Shapefile with its parts, else GeoJSON/GeoPackage."""
    shps = sorted(k for k in written if k.endswith(".shp"))
    if shps:
        if len(shps) > 1:
            problems.append(Problem(filename, None, None,
                                    f"Die ZIP-Datei enthält mehrere Shapefiles ({', '.join(shps)}); "
                                    f"verwendet wird {shps[0]}.", SEVERITY_WARNING))
        stem = shps[0][:-4]
        for part in (".shx", ".dbf"):
            if stem + part not in written:
                raise BoundaryError(f"{filename}: zu {shps[0]} fehlt die Datei {stem}{part}. "
                                    "Bitte .shp, .shx, .dbf und .prj zusammen packen.")
        return written[shps[0]]
    others = sorted(k for k in written if k.endswith(SUFFIX_GEOJSON + SUFFIX_GPKG))
    if others:
        return written[others[0]]
    raise BoundaryError(f"{filename}: in der ZIP-Datei ist kein Shapefile (.shp), GeoJSON oder GeoPackage.")


# --- coordinates -------------------------------------------------------------------------------


def _looks_like_utm32(bounds) -> bool:
    """True when bounds are plausible ETRS89/UTM 32N metres for Germany."""
    minx, miny, maxx, maxy = bounds
    return (UTM32_X_RANGE[0] <= minx <= maxx <= UTM32_X_RANGE[1]
            and UTM32_Y_RANGE[0] <= miny <= maxy <= UTM32_Y_RANGE[1])


def _looks_like_lonlat(bounds) -> bool:
    """True when bounds fit into longitude/latitude degrees."""
    minx, miny, maxx, maxy = bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def _crs_label(crs) -> str:
    """'EPSG:25832' when the CRS has an EPSG code, else its name."""
    epsg = crs.to_epsg() if crs is not None else None
    return f"EPSG:{epsg}" if epsg else (crs.name if crs is not None else "")


def _to_wgs84(gdf: gpd.GeoDataFrame, filename: str, report: BoundaryReport, problems: list) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326; a missing CRS is assumed from the numbers or reported."""
    report.n_features = len(gdf)
    bounds = tuple(gdf.total_bounds)
    if not all(math.isfinite(b) for b in bounds):
        raise BoundaryError(f"{filename}: die Datei enthält ungültige Koordinaten (unendlich oder keine Zahl). "
                            "Bitte die Geometrien in einem GIS prüfen und neu exportieren.")
    crs = gdf.crs
    if crs is not None and crs.to_epsg() == 4326 and not _looks_like_lonlat(bounds) and _looks_like_utm32(bounds):
        crs = None  # GeoJSON without a "crs" member is read as WGS84, but these are metres
    if crs is None:
        if _looks_like_utm32(bounds):
            crs, assumed = CRS_UTM32, "EPSG:25832 (ETRS89 / UTM 32N, Meter)"
        elif _looks_like_lonlat(bounds):
            crs, assumed = CRS_WGS84, "EPSG:4326 (Längen-/Breitengrad)"
        else:
            raise BoundaryError(f"{filename}: Koordinatensystem unbekannt (keine .prj-Angabe, Koordinaten "
                                f"{bounds[0]:.0f}/{bounds[1]:.0f}). Bitte mit Koordinatensystem exportieren, "
                                "z. B. als GeoJSON in EPSG:4326 oder als Shapefile mit .prj-Datei.")
        problems.append(Problem(filename, None, None,
                                f"Die Datei nennt kein Koordinatensystem; nach den Koordinaten wird {assumed} "
                                "angenommen. Bitte die Lage in der Karte prüfen.", SEVERITY_WARNING))
        report.crs_assumed = True
        gdf = gdf.set_crs(crs, allow_override=True)
    report.source_crs = _crs_label(gdf.crs)
    _refuse_outside_crs(bounds, gdf.crs, filename, report.source_crs)
    gdf = gdf.to_crs(CRS_WGS84)
    _refuse_outside_bochum(tuple(gdf.total_bounds), filename, report.source_crs)
    return gdf


def crs_valid_bounds(crs) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) a coordinate of ``crs`` can have: ±180/±90 for degrees, else the CRS's area of
    use (pyproj) in its own units; a projected CRS without an area of use gets the whole world projected.

    >>> crs_valid_bounds(CRS_WGS84)
    (-180.0, -90.0, 180.0, 90.0)
    """
    from pyproj import CRS, Transformer

    crs = CRS.from_user_input(crs)
    if crs.is_geographic:
        return (-180.0, -90.0, 180.0, 90.0)
    area = crs.area_of_use
    west, south, east, north = area.bounds if area is not None else (-180.0, -90.0, 180.0, 90.0)
    to_crs = Transformer.from_crs(CRS_WGS84, crs, always_xy=True)
    return tuple(float(v) for v in to_crs.transform_bounds(west, south, east, north, densify_pts=21))


def _refuse_outside_crs(bounds, crs, filename: str, label: str) -> None:
    """Coordinates outside what the declared CRS can hold (e.g. ±1e300, or 200° of longitude) are refused."""
    minx, miny, maxx, maxy = crs_valid_bounds(crs)
    # a projected CRS's area of use is where it is accurate, not a hard edge: allow its own size again around it
    pad_x, pad_y = (0.0, 0.0) if crs.is_geographic else (maxx - minx, maxy - miny)
    if not (minx - pad_x <= bounds[0] and bounds[2] <= maxx + pad_x
            and miny - pad_y <= bounds[1] and bounds[3] <= maxy + pad_y):
        raise BoundaryError(
            f"{filename}: Koordinaten außerhalb des gültigen Bereichs des Koordinatensystems {label} (gefunden "
            f"x {_coord(bounds[0])} bis {_coord(bounds[2])}, y {_coord(bounds[1])} bis {_coord(bounds[3])}; "
            f"gültig etwa x {_coord(minx)} bis {_coord(maxx)}, y {_coord(miny)} bis {_coord(maxy)}). Bitte das "
            "Koordinatensystem und die Geometrien in einem GIS prüfen und neu exportieren.")


def bochum_box() -> tuple[float, float, float, float]:
    """Bochum's extent grown by BOCHUM_MARGIN_M on every side, in lon/lat.

    >>> tuple(round(v, 2) for v in bochum_box())
    (6.8, 51.21, 7.65, 51.72)
    """
    west, south, east, north = BOCHUM_EXTENT
    dlat = BOCHUM_MARGIN_M / METRES_PER_DEGREE_LAT
    dlon = dlat / math.cos(math.radians(north))  # a degree of longitude is shortest at the northern edge
    return (west - dlon, south - dlat, east + dlon, north + dlat)


def _refuse_outside_bochum(bounds, filename: str, label: str) -> None:
    """Every shape lies within 20 km of Bochum, or the file is refused (a wrong CRS or another city's map)."""
    minx, miny, maxx, maxy = bounds
    bx0, by0, bx1, by1 = bochum_box()
    if not (bx0 <= minx and maxx <= bx1 and by0 <= miny and maxy <= by1):
        km = fmt_number(BOCHUM_MARGIN_M / 1000)
        raise BoundaryError(
            f"{filename}: die Flächen reichen über die Umgebung Bochums hinaus (gefunden "
            f"{_coord(minx)}° bis {_coord(maxx)}° O, {_coord(miny)}° bis {_coord(maxy)}° N im Koordinatensystem "
            f"{label}; erlaubt sind {km} km um das Stadtgebiet, {fmt_number(bx0, 2)}° bis {fmt_number(bx1, 2)}° O, "
            f"{fmt_number(by0, 2)}° bis {fmt_number(by1, 2)}° N). Stimmt das Koordinatensystem der Datei? Enthält "
            "sie nur Bochumer Ortsteile?")


def _coord(value: float) -> str:
    """A coordinate for a message: German decimals, huge numbers in scientific notation (1e300 has 301 digits)."""
    if abs(value) >= 1e9:
        return f"{value:.3g}".replace(".", ",")
    return fmt_number(value, 2)


# --- geometries ------------------------------------------------------------------------------


def _polygonal(geom):
    """Only the polygon parts of a geometry, as Polygon or MultiPolygon (possibly empty)."""
    if isinstance(geom, Polygon):
        return geom
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and not p.is_empty]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _polygons_only(gdf: gpd.GeoDataFrame, filename: str, report: BoundaryReport, problems: list) -> gpd.GeoDataFrame:
    """Drop empty and non-areal features (reported), repair invalid polygons with make_valid (warned)."""
    keep, geoms = [], []
    for pos, geom in enumerate(gdf.geometry):
        row = pos + 1
        if geom is None or geom.is_empty:
            problems.append(Problem(filename, row, "geometry", f"Objekt {row} hat keine Geometrie und wird "
                                    "übersprungen.", SEVERITY_WARNING))
            continue
        if not isinstance(geom, (Polygon, MultiPolygon)):
            geom = _polygonal(geom)
            if geom.is_empty:
                problems.append(Problem(filename, row, "geometry", f"Objekt {row} ist keine Fläche "
                                        "(Punkt oder Linie) und wird übersprungen.", SEVERITY_WARNING))
                continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            geom = _polygonal(shapely.make_valid(geom, method="structure", keep_collapsed=False))
            if geom.is_empty:
                problems.append(Problem(filename, row, "geometry", f"Objekt {row}: ungültige Fläche ({reason}) "
                                        "lässt sich nicht reparieren und wird übersprungen. Bitte in einem "
                                        "GIS prüfen.", SEVERITY_ERROR))
                continue
            report.repaired += 1
            problems.append(Problem(filename, row, "geometry", f"Objekt {row}: ungültige Fläche ({reason}) "
                                    "wurde automatisch repariert. Bitte die Grenze in der Karte prüfen.",
                                    SEVERITY_WARNING))
        keep.append(pos)
        geoms.append(geom)
    out = gdf.iloc[keep].copy()
    out["geometry"] = gpd.GeoSeries(geoms, index=out.index, crs=gdf.crs)
    out["_row"] = [k + 1 for k in keep]
    if out.empty:
        raise BoundaryError(f"{filename}: keine gültige Fläche in der Datei.")
    return out


def _cell_text(value) -> str:
    """A field value as text: integral floats without '.0', missing as ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    if "Ã" in text:  # UTF-8 read as Latin-1 (a .dbf without .cpg)
        try:
            text = text.encode("latin-1").decode("utf-8")
        except UnicodeError:
            pass
    return text


def _attribute_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    """Attribute columns of a read file (no geometry, no helper columns)."""
    return [c for c in gdf.columns if c != gdf.geometry.name and not str(c).startswith("_")]


def _pick_name_field(gdf: gpd.GeoDataFrame, filename: str, name_field: str | None) -> str:
    """The given field, else the field whose values match the most Ortsteile (known names win ties)."""
    columns = _attribute_columns(gdf)
    if name_field:
        if name_field in columns:
            return name_field
        raise BoundaryError(f"{filename}: das Feld „{name_field}“ gibt es nicht. Vorhandene Felder: "
                            f"{', '.join(map(str, columns)) or 'keine'}.")
    preference = {n: i for i, n in enumerate(NAME_FIELDS)}
    best, best_key = None, None
    for col in columns:
        texts = [t for t in (_cell_text(v) for v in gdf[col]) if t]
        if not texts:
            continue
        matched = sum(match_one(t) is not None for t in dict.fromkeys(texts))
        key = (matched, -preference.get(str(col).lower(), len(NAME_FIELDS)))
        if matched and (best_key is None or key > best_key):
            best, best_key = col, key
    if best is None:
        known = [c for c in columns if str(c).lower() in preference]
        if known:
            return known[0]  # nothing matches: report each name as unmatched below
        raise BoundaryError(f"{filename}: kein Feld mit Ortsteil-Namen oder -Nummern gefunden. Vorhandene "
                            f"Felder: {', '.join(map(str, columns)) or 'keine'}. Bitte das Namensfeld angeben.")
    return str(best)


def _match_features(gdf: gpd.GeoDataFrame, field_name: str, filename: str, report: BoundaryReport,
                    problems: list) -> gpd.GeoDataFrame:
    """Attach area_id by matching the name field; unmatched and unnamed features are errors."""
    texts = [_cell_text(v) for v in gdf[field_name]]
    result = match_names([t for t in texts if t])
    area_ids = []
    for row, text in zip(gdf["_row"], texts):
        if not text:
            problems.append(Problem(filename, int(row), field_name, f"Objekt {row} hat im Feld „{field_name}“ "
                                    "keinen Namen. Bitte ergänzen oder das Objekt löschen.", SEVERITY_ERROR))
            area_ids.append(None)
            continue
        area_id = result.matched.get(text)
        if area_id is None:
            cands = result.unmatched.get(text, [])
            hint = f" Meinten Sie: {', '.join(cands)}?" if cands else ""
            problems.append(Problem(filename, int(row), field_name, f"„{text}“ ist kein Bochumer Ortsteil."
                                    f"{hint} Bitte den Namen in der Datei korrigieren.", SEVERITY_ERROR))
            report.unmatched[text] = cands
        area_ids.append(area_id)
    gdf = gdf.assign(area_id=area_ids)
    return gdf[gdf["area_id"].notna()]


def _dissolve_by_area(gdf: gpd.GeoDataFrame, report: BoundaryReport, problems: list,
                      filename: str) -> gpd.GeoDataFrame:
    """One shape per Ortsteil: several features of one Ortsteil are merged (reported)."""
    names = area_names()
    order = ortsteile()["area_id"].tolist()
    ids, geoms = [], []
    for area_id in order:
        parts = gdf.loc[gdf["area_id"] == area_id, "geometry"].tolist()
        if not parts:
            continue
        if len(parts) > 1:
            report.merged[names[area_id]] = len(parts)
            problems.append(Problem(filename, None, None, f"{len(parts)} Flächen gehören zu {names[area_id]} "
                                    "und wurden zu einer zusammengefasst.", SEVERITY_WARNING))
        ids.append(area_id)
        geoms.append(_polygonal(shapely.union_all(parts)) if len(parts) > 1 else parts[0])
    return area_frame(ids, geoms, KIND_OFFICIAL)


def _finish_geometries(gdf: gpd.GeoDataFrame, report: BoundaryReport) -> gpd.GeoDataFrame:
    """Simplify large files along shared borders, snap to a 1e-6° grid, wind for plotly."""
    geoms = np.asarray(gdf.geometry.values)
    report.vertices_in = int(shapely.get_num_coordinates(geoms).sum())
    if report.vertices_in > SIMPLIFY_MIN_VERTICES:
        if not shapely.coverage_is_valid(geoms):
            # borders that do not match vertex for vertex would be simplified apart: snap them first
            geoms = shapely.coverage_clean(geoms)
        geoms = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE_DEG)
        report.simplified = True
    geoms = shapely.set_precision(geoms, PRECISION_GRID_DEG)
    geoms = [orient_for_plotly(_polygonal(shapely.make_valid(g)) if not g.is_valid else g) for g in geoms]
    report.vertices_out = int(shapely.get_num_coordinates(np.asarray(geoms, dtype=object)).sum())
    return area_frame(gdf["area_id"].tolist(), geoms, KIND_OFFICIAL)


def _report_coverage(gdf: gpd.GeoDataFrame, filename: str, report: BoundaryReport, problems: list) -> None:
    """Record which Ortsteile have a shape and which do not (partial_map_problem decides what that means)."""
    ots = ortsteile()
    have = set(gdf["area_id"])
    report.matched = len(have)
    report.matched_areas = [n for a, n in zip(ots["area_id"], ots["name"]) if a in have]
    report.missing_areas = [n for a, n in zip(ots["area_id"], ots["name"]) if a not in have]


def partial_map_problem(report: BoundaryReport | None, filename: str, confirmed: bool) -> Problem | None:
    """A file without a shape for every Ortsteil: an error unless the user confirmed a partial map, then a note.

    A confirmed partial map leaves the missing Ortsteile out of every map (no schematic hexagon
    among real borders); the Karte page says which ones are missing.
    """
    if report is None or not report.missing_areas or not report.matched:
        return None
    missing = ", ".join(report.missing_areas)
    if confirmed:
        return Problem(filename, None, None, f"Unvollständige Karte bestätigt: {report.matched} von {N_ORTSTEILE} "
                       f"Ortsteilen haben eine Fläche. Ohne Fläche (fehlen in der Karte): {missing}.",
                       SEVERITY_WARNING)
    return Problem(filename, None, None,
                   f"Die Datei enthält Flächen für {report.matched} von {N_ORTSTEILE} Ortsteilen; es fehlen: "
                   f"{missing}. Sie würde die ganze Karte ersetzen. Bitte eine Datei mit allen {N_ORTSTEILE} "
                   "Ortsteilen hochladen oder die unvollständige Karte ausdrücklich bestätigen (Importseite: "
                   "„Unvollständige Karte übernehmen“; Befehl: import --partial-map). Die fehlenden Ortsteile "
                   "fehlen dann in der Karte.", SEVERITY_ERROR)
