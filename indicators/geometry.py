"""Map geometry: the schematic hexagon tile map, GeoJSON in and out, and the map frames per level.

Everything here returns GeoDataFrames in EPSG:4326 with the columns ``area_id, name, geometry,
kind`` (``kind`` is ``schematic`` or ``official``); polygons are wound for plotly's geo maps.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient

from indicators import paths
from indicators.areas import area_names, load_areas, ortsteile
from indicators.schema import LEVEL_ORTSTEIL, LEVEL_STADT, LEVEL_STADTBEZIRK

CRS_WGS84 = "EPSG:4326"
CRS_UTM32 = "EPSG:25832"  # ETRS89 / UTM 32N: what NRW authorities publish
KIND_SCHEMATIC = "schematic"
KIND_OFFICIAL = "official"
GEO_COLUMNS = ["area_id", "name", "geometry", "kind"]

# Plotly draws through d3-geo, whose spherical polygons want the exterior ring clockwise
# (as seen with lon right, lat up); a ring the other way round can mean "the whole globe
# except this hexagon". plotly.js 3.8 (plotly 7.1) happens to draw both windings correctly,
# but -1.0 is the winding d3 itself expects, so it stays right on any renderer.
PLOTLY_ORIENT_SIGN = -1.0

# --- the schematic tile map ---
# Pointy-top hexagons on an "odd-r" offset grid: row 0 is the northernmost row, odd rows are
# shifted half a hexagon to the east. Laid out by hand from the Wikipedia points of the
# Stadtteile (/work/shared/facts/bochum_ortsteile.csv, not read at run time); the six
# Ortsteile without a point are placed by their known position (see the notes per row).
# Each Stadtbezirk is a contiguous group, so dissolving gives six compact shapes.
SCHEMATIC_LAYOUT: dict[str, tuple[int, int]] = {
    # row 0 (north): Riemke; Bochum-Nord's Bergen/Hiltrop and Gerthe
    "riemke": (3, 0), "bergen_hiltrop": (4, 0), "gerthe": (5, 0),
    # row 1: Wattenscheid's north (Leithe north of Wattenscheid-Mitte, Günnigfeld east of it),
    # Mitte's north (Hordel, Hofstede, Grumme), Harpen, and Kornharpen/Voede-Abzweig north-east
    "leithe": (0, 1), "guennigfeld": (1, 1), "hordel": (2, 1), "hofstede": (3, 1),
    "grumme": (4, 1), "harpen_rosenberg": (5, 1), "kornharpen_voede_abzweig": (6, 1),
    # row 2: Wattenscheid-Mitte, Kruppwerke between it and Hamme, the centre (Gleisdreieck), Ost
    "wattenscheid_mitte": (1, 2), "kruppwerke": (2, 2), "hamme": (3, 2),
    "gleisdreieck": (4, 2), "laer": (5, 2), "werne": (6, 2),
    # row 3: Westenfeld, Eppendorf, Südinnenstadt south of the centre, Altenbochum, Langendreer
    "westenfeld": (1, 3), "eppendorf": (2, 3), "suedinnenstadt": (3, 3),
    "altenbochum": (4, 3), "langendreer_alter_bahnhof": (5, 3), "langendreer": (6, 3),
    # row 4: Höntrop, Weitmar-Mark south-west of Weitmar-Mitte, Wiemelhausen, Querenburg
    "hoentrop": (1, 4), "weitmar_mark": (2, 4), "weitmar_mitte": (3, 4),
    "wiemelhausen_brenschede": (4, 4), "querenburg": (5, 4),
    # row 5 (south, the Ruhr valley): Dahlhausen, Linden, Stiepel
    "dahlhausen": (1, 5), "linden": (2, 5), "stiepel": (4, 5),
}
# Hexagon vertices on an integer lattice (x in half-widths, y in half-radii), counter-clockwise
# from 30°: neighbours compute their shared vertices from the same integers, so shared edges
# are bit-identical after conversion to degrees.
HEX_VERTEX_OFFSETS = ((1, 1), (0, 2), (-1, 1), (-1, -1), (0, -2), (1, -1))
# Degrees per lattice unit, multiples of 1e-6 so every coordinate is exact at 6 decimals.
# They make the hexagons regular in metres at 51.48° N (cos 51.48° = 0.6228): a half-width of
# 0.014286° lon = 990 m and a half-radius of 0.005142° lat = 572 m (radius 1.14 km).
SCHEMATIC_DX = 0.014286
SCHEMATIC_DY = 0.005142
# Lattice x runs 0..14 (map width 0.2° lon), y runs +2..-17; the centre is ~7.22 E, 51.48 N.
SCHEMATIC_LON0 = 7.12
SCHEMATIC_LAT0 = 51.518565
COORD_DECIMALS = 6

# --- schematic tile map ---


def hex_center_lattice(col: int, row: int) -> tuple[int, int]:
    """Lattice coordinates of a hexagon centre on the odd-r grid (row 0 = north)."""
    return 2 * col + (row % 2), -3 * row


def lattice_to_lonlat(x: int, y: int) -> tuple[float, float]:
    """Lattice point -> (lon, lat), rounded to 6 decimals."""
    return (round(SCHEMATIC_LON0 + x * SCHEMATIC_DX, COORD_DECIMALS),
            round(SCHEMATIC_LAT0 + y * SCHEMATIC_DY, COORD_DECIMALS))


def hexagon(col: int, row: int) -> Polygon:
    """The hexagon of one grid cell in lon/lat, wound for plotly."""
    cx, cy = hex_center_lattice(col, row)
    ring = [lattice_to_lonlat(cx + dx, cy + dy) for dx, dy in HEX_VERTEX_OFFSETS]
    return orient(Polygon(ring), PLOTLY_ORIENT_SIGN)


def hex_neighbours(col: int, row: int) -> list[tuple[int, int]]:
    """The six neighbouring cells of a cell on the odd-r grid."""
    shift = row % 2  # odd rows are shifted east, so their diagonal neighbours are too
    return [(col - 1, row), (col + 1, row),
            (col - 1 + shift, row - 1), (col + shift, row - 1),
            (col - 1 + shift, row + 1), (col + shift, row + 1)]


def build_schematic() -> gpd.GeoDataFrame:
    """One equal hexagon per Ortsteil, in the order of data/areas.csv."""
    ots = ortsteile()
    missing = sorted(set(ots["area_id"]) - set(SCHEMATIC_LAYOUT))
    if missing:
        raise ValueError(f"SCHEMATIC_LAYOUT: keine Position für {', '.join(missing)}")
    geoms = [hexagon(*SCHEMATIC_LAYOUT[a]) for a in ots["area_id"]]
    return area_frame(ots["area_id"].tolist(), geoms, KIND_SCHEMATIC)


def area_frame(area_ids: list[str], geoms: list, kind: str) -> gpd.GeoDataFrame:
    """A geometry frame with official names from areas.csv."""
    names = area_names()
    return gpd.GeoDataFrame(
        {"area_id": area_ids, "name": [names.get(a, a) for a in area_ids],
         "geometry": geoms, "kind": kind},
        geometry="geometry", crs=CRS_WGS84,
    )


# --- GeoJSON in and out (plotly dicts and the files in data/ and the store) ---


def _round_coords(obj, decimals: int = COORD_DECIMALS):
    """Round every number in nested coordinate lists/tuples; tuples become lists."""
    if isinstance(obj, (list, tuple)):
        return [_round_coords(o, decimals) for o in obj]
    return round(float(obj), decimals)


def _feature(row, decimals: int | None) -> dict:
    """One GeoJSON feature with id = area_id."""
    geom = mapping(row.geometry)
    if decimals is not None:
        geom = {"type": geom["type"], "coordinates": _round_coords(geom["coordinates"], decimals)}
    return {"type": "Feature", "id": row.area_id,
            "properties": {"area_id": row.area_id, "name": row.name, "kind": row.kind},
            "geometry": geom}


def to_geojson_dict(gdf: gpd.GeoDataFrame, decimals: int | None = COORD_DECIMALS) -> dict:
    """A FeatureCollection for plotly's ``geojson=`` (feature id = area_id, use featureidkey 'id')."""
    return {"type": "FeatureCollection",
            "features": [_feature(row, decimals) for row in gdf.itertuples(index=False)]}


def geojson_text(gdf: gpd.GeoDataFrame) -> str:
    """Deterministic GeoJSON text: one feature per line, coordinates rounded to 6 decimals."""
    features = to_geojson_dict(gdf)["features"]
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    """Write a geometry frame as deterministic GeoJSON (the store writes its boundaries with it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(geojson_text(gdf), encoding="utf-8")
    return path


def read_geojson(path: Path, kind: str) -> gpd.GeoDataFrame:
    """Read a file written by write_geojson; features whose area_id is not an Ortsteil are dropped."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    known = set(ortsteile()["area_id"])
    ids, geoms = [], []
    for feat in data.get("features", []):
        area_id = (feat.get("properties") or {}).get("area_id") or feat.get("id")
        if area_id in known and feat.get("geometry"):
            ids.append(area_id)
            geoms.append(orient_for_plotly(shape(feat["geometry"])))
    return area_frame(ids, geoms, kind)


# --- the geometry a map uses ---


def load_geometry(level: str = LEVEL_ORTSTEIL, official: Path | None = None) -> gpd.GeoDataFrame:
    """The official boundaries file if given, else the schematic map; dissolved for higher levels.

    Which official file is active is the store's business: build.pipeline.geometry asks it.
    """
    if official is not None:
        gdf = read_geojson(official, KIND_OFFICIAL)
    elif paths.SCHEMATIC_GEOMETRY_FILE.is_file():
        gdf = read_geojson(paths.SCHEMATIC_GEOMETRY_FILE, KIND_SCHEMATIC)
    else:
        gdf = build_schematic()
    if level == LEVEL_ORTSTEIL:
        return gdf
    if level in (LEVEL_STADTBEZIRK, LEVEL_STADT):
        return dissolve_to_level(gdf, level)
    raise ValueError(f"Unbekannte Ebene „{level}“: erlaubt sind ortsteil, stadtbezirk, stadt.")


def dissolve_to_level(gdf: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
    """Union of Ortsteil shapes per Stadtbezirk (parent_id in areas.csv) or for the whole city."""
    areas = load_areas()
    parent = dict(zip(areas["area_id"], areas["parent_id"]))
    keys = [parent.get(a, "") for a in gdf["area_id"]]
    if level == LEVEL_STADT:
        keys = [parent.get(k, "") for k in keys]
    order = areas.loc[areas["level"] == level, "area_id"].tolist()
    ids, geoms = [], []
    for target in order:
        parts = [g for g, k in zip(gdf.geometry, keys) if k == target]
        if parts:
            ids.append(target)
            geoms.append(orient_for_plotly(shapely.union_all(parts)))
    kind = gdf["kind"].iloc[0] if len(gdf) else KIND_SCHEMATIC
    return area_frame(ids, geoms, kind)


def label_points(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """A point inside each shape for text labels: area_id, lon, lat."""
    points = shapely.point_on_surface(np.asarray(gdf.geometry.values))
    return pd.DataFrame({"area_id": gdf["area_id"].to_numpy(),
                         "lon": shapely.get_x(points).round(COORD_DECIMALS),
                         "lat": shapely.get_y(points).round(COORD_DECIMALS)})


def orient_for_plotly(geom):
    """Wind every polygon ring the way plotly (d3-geo) expects."""
    if isinstance(geom, Polygon):
        return orient(geom, PLOTLY_ORIENT_SIGN)
    if isinstance(geom, MultiPolygon):
        return MultiPolygon([orient(p, PLOTLY_ORIENT_SIGN) for p in geom.geoms])
    return geom


def main() -> None:
    """Rewrite data/geometry/schematic_ortsteile.geojson from SCHEMATIC_LAYOUT."""
    path = write_geojson(build_schematic(), paths.SCHEMATIC_GEOMETRY_FILE)
    print(f"geschrieben: {path}")


if __name__ == "__main__":
    main()
