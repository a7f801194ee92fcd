"""The schematic tile map and the loader for official boundaries (files built in the test)."""

import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon

from indicators import geometry as geo
from indicators.areas import load_areas, ortsteile
from indicators.build import pipeline
from indicators.load import boundaries
from indicators.paths import SCHEMATIC_GEOMETRY_FILE

HEX_AREA_DEG2 = 6 * geo.SCHEMATIC_DX * geo.SCHEMATIC_DY  # lattice hexagon area is 6 units


@pytest.fixture(scope="module")
def schematic():
    return geo.build_schematic()


@pytest.fixture(scope="module")
def official(schematic):
    """The schematic hexagons dressed up as an authority's file: other field names, extra fields."""
    gdf = schematic.rename(columns={"name": "STT_NAME"})[["STT_NAME", "geometry"]].copy()
    gdf["id"] = range(1, 31)
    return gdf


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _shapefile_zip(gdf, tmp_path, parts=(".shp", ".shx", ".dbf", ".prj", ".cpg")) -> bytes:
    gdf.to_file(tmp_path / "ortsteile.shp")
    return _zip({f"export/ortsteile{p}": (tmp_path / f"ortsteile{p}").read_bytes()
                 for p in parts if (tmp_path / f"ortsteile{p}").exists()})


def _messages(result, severity=None):
    return [p.message for p in result.problems if severity is None or p.severity == severity]


def _same_shapes(a, b, tol=1.1e-6):
    """Every shape of a equals the shape with the same area_id in b within tol degrees."""
    b = b.set_index("area_id")
    return all(shapely.hausdorff_distance(g, b.geometry[a_id]) <= tol for a_id, g in zip(a["area_id"], a.geometry))


# --- the schematic tile map -----------------------------------------------------------------


def test_schematic_has_one_hexagon_per_ortsteil(schematic):
    assert schematic["area_id"].tolist() == ortsteile()["area_id"].tolist()
    assert len(set(geo.SCHEMATIC_LAYOUT.values())) == 30  # distinct cells
    assert list(schematic.columns) == geo.GEO_COLUMNS
    assert set(schematic["kind"]) == {"schematic"}
    assert schematic.crs.to_epsg() == 4326
    assert schematic.loc[schematic["area_id"] == "hamme", "name"].item() == "Hamme"
    assert all(len(g.exterior.coords) == 7 for g in schematic.geometry)


def test_hexagons_have_equal_area(schematic):
    areas = shapely.area(schematic.geometry.values).tolist()
    assert areas == pytest.approx([HEX_AREA_DEG2] * 30, rel=1e-9)


def test_hexagons_are_regular_in_metres(schematic):
    ring = schematic.to_crs(25832).geometry.iloc[0].exterior
    sides = [shapely.LineString(ring.coords[i:i + 2]).length for i in range(6)]
    assert min(sides) / max(sides) == pytest.approx(1.0, abs=2e-3)


def test_neighbours_share_exact_edges_no_gaps_no_overlaps(schematic):
    by_cell = {geo.SCHEMATIC_LAYOUT[a]: g for a, g in zip(schematic["area_id"], schematic.geometry)}
    n_shared = 0
    for cell, g in by_cell.items():
        for other in geo.hex_neighbours(*cell):
            if other in by_cell:
                shared = shapely.line_merge(g.boundary.intersection(by_cell[other].boundary))
                assert shared.geom_type == "LineString", (cell, other)
                assert len(shared.coords) == 2  # one full side, identical vertices
                assert g.intersection(by_cell[other]).area == 0.0
                n_shared += 1
    assert n_shared // 2 == 67  # inner edges of this layout
    union = shapely.union_all(list(schematic.geometry))
    assert union.area == pytest.approx(30 * HEX_AREA_DEG2, rel=1e-12)
    assert union.geom_type == "Polygon" and not list(union.interiors)  # one piece, no holes
    assert len(union.exterior.coords) - 1 == 30 * 6 - n_shared  # every other side is on the outline


def test_schematic_spans_bochum(schematic):
    minx, miny, maxx, maxy = schematic.total_bounds
    assert (minx, maxx) == pytest.approx((7.12, 7.320004), abs=1e-9)  # 14 half-widths = 0.2° lon
    assert ((minx + maxx) / 2, (miny + maxy) / 2) == pytest.approx((7.220002, 51.48), abs=1e-9)


def test_polygons_wound_clockwise_for_plotly(schematic):
    assert not any(shapely.is_ccw(g.exterior) for g in schematic.geometry)


def test_stadtbezirke_dissolve_into_six_compact_shapes(schematic):
    sb = geo.dissolve_to_level(schematic, "stadtbezirk")
    areas = load_areas()
    expected = areas.loc[areas["level"] == "stadtbezirk", "area_id"].tolist()
    assert sb["area_id"].tolist() == expected
    assert sb.loc[sb["area_id"] == "sb_mitte", "name"].item() == "Bochum-Mitte"
    assert sb.geometry.geom_type.tolist() == ["Polygon"] * 6  # each Stadtbezirk is contiguous
    counts = ortsteile()["parent_id"].value_counts()
    for a_id, g in zip(sb["area_id"], sb.geometry):
        assert g.area == pytest.approx(counts[a_id] * HEX_AREA_DEG2, rel=1e-9)
    city = geo.dissolve_to_level(schematic, "stadt")
    assert city["area_id"].tolist() == ["bochum"] and city.geometry.iloc[0].geom_type == "Polygon"


def test_committed_geojson_is_the_deterministic_build(schematic):
    text = geo.geojson_text(schematic)
    assert text == geo.geojson_text(geo.build_schematic())
    assert SCHEMATIC_GEOMETRY_FILE.read_text(encoding="utf-8") == text
    assert '"id":"gleisdreieck"' in text and "7.234288" in text


def test_load_geometry_without_import_is_schematic(tmp_path):
    gdf = pipeline.geometry(store_dir=tmp_path)
    assert len(gdf) == 30 and set(gdf["kind"]) == {"schematic"}
    assert _same_shapes(gdf, geo.build_schematic(), tol=0.0)
    sb = pipeline.geometry("stadtbezirk", store_dir=tmp_path)
    assert len(sb) == 6 and set(sb["kind"]) == {"schematic"}
    with pytest.raises(ValueError, match="Unbekannte Ebene"):
        pipeline.geometry("kreis", store_dir=tmp_path)


def test_load_geometry_prefers_imported_official_boundaries(tmp_path, official):
    from indicators.store import import_boundaries_file

    data = official.to_crs(25832).to_json().encode()  # geopandas writes no CRS member: metres, assumed
    result = import_boundaries_file(data, "ortsteile.geojson", store=tmp_path / "store")
    assert result.ok, result.problems
    gdf = pipeline.geometry(store_dir=tmp_path / "store")
    assert len(gdf) == 30 and set(gdf["kind"]) == {"official"}
    assert _same_shapes(gdf, geo.build_schematic())
    sb = pipeline.geometry("stadtbezirk", store_dir=tmp_path / "store")
    assert len(sb) == 6 and set(sb["kind"]) == {"official"}


def test_label_points_lie_at_the_hexagon_centres(schematic):
    points = geo.label_points(schematic)
    assert list(points.columns) == ["area_id", "lon", "lat"]
    row = points.set_index("area_id").loc["gleisdreieck"]
    # cell (4, 2): lattice centre (8, -6)
    assert (row.lon, row.lat) == (round(7.12 + 8 * 0.014286, 6), round(51.518565 - 6 * 0.005142, 6))
    assert all(g.contains(shapely.Point(x, y)) for g, x, y in zip(schematic.geometry, points.lon, points.lat))


def test_geojson_dict_for_plotly(schematic):
    fc = geo.to_geojson_dict(schematic)
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 30
    first = fc["features"][0]
    assert first["id"] == "grumme"
    assert first["properties"] == {"area_id": "grumme", "name": "Grumme", "kind": "schematic"}
    assert first["geometry"]["type"] == "Polygon" and len(first["geometry"]["coordinates"][0]) == 7


# --- the boundary loader --------------------------------------------------------------------


def test_geojson_in_wgs84(official, tmp_path, schematic):
    official.to_file(tmp_path / "ot.geojson", driver="GeoJSON")
    result = boundaries.load_boundaries((tmp_path / "ot.geojson").read_bytes(), "ot.geojson")
    assert result.ok and result.problems == []
    assert result.report.name_field == "STT_NAME"  # the name field wins over the numeric id
    assert result.report.source_crs == "EPSG:4326" and result.report.matched == 30
    assert result.gdf["area_id"].tolist() == schematic["area_id"].tolist()
    assert set(result.gdf["kind"]) == {"official"}
    assert _same_shapes(result.gdf, schematic, tol=0.0)
    assert not any(shapely.is_ccw(g.exterior) for g in result.gdf.geometry)


def test_geojson_from_a_path_and_a_given_name_field(official, tmp_path):
    official.to_file(tmp_path / "ot.geojson", driver="GeoJSON")
    result = boundaries.load_boundaries(tmp_path / "ot.geojson", "ot.geojson", name_field="STT_NAME")
    assert result.ok and len(result.gdf) == 30
    missing = boundaries.load_boundaries(tmp_path / "ot.geojson", "ot.geojson", name_field="NAME")
    assert not missing.ok
    assert _messages(missing) == ["ot.geojson: das Feld „NAME“ gibt es nicht. Vorhandene Felder: STT_NAME, id."]


def test_geopackage(official, tmp_path, schematic):
    official.rename(columns={"STT_NAME": "bezeichnung"}).to_file(tmp_path / "ot.gpkg", driver="GPKG")
    result = boundaries.load_boundaries((tmp_path / "ot.gpkg").read_bytes(), "ot.gpkg")
    assert result.ok and result.report.name_field == "bezeichnung"
    assert _same_shapes(result.gdf, schematic, tol=0.0)


def test_geojson_in_utm32_is_reprojected(official, tmp_path, schematic):
    official.to_crs(25832).to_file(tmp_path / "utm.geojson", driver="GeoJSON")  # with a "crs" member
    result = boundaries.load_boundaries((tmp_path / "utm.geojson").read_bytes(), "utm.geojson")
    assert result.ok and result.problems == []
    assert result.report.source_crs == "EPSG:25832" and not result.report.crs_assumed
    assert _same_shapes(result.gdf, schematic)
    hamme = result.gdf.set_index("area_id").geometry["hamme"].centroid
    # cell (3, 2): lattice centre (6, -6) -> 7.205716 E, 51.487713 N
    assert (hamme.x, hamme.y) == pytest.approx((7.205716, 51.487713), abs=1e-6)


def test_zipped_shapefile_in_utm32_uses_the_prj(official, tmp_path, schematic):
    utm = official.to_crs(25832)
    x, y = utm.geometry.iloc[0].exterior.coords[0]
    assert 370_000 < x < 390_000 and 5_700_000 < y < 5_710_000  # really metres
    result = boundaries.load_boundaries(_shapefile_zip(utm, tmp_path), "ortsteile.zip")
    assert result.ok and result.problems == []
    assert result.report.source_crs == "EPSG:25832"
    assert _same_shapes(result.gdf, schematic)


def test_shapefile_without_prj_in_metres_is_assumed_utm32(official, tmp_path, schematic):
    data = _shapefile_zip(official.to_crs(25832), tmp_path, parts=(".shp", ".shx", ".dbf"))
    result = boundaries.load_boundaries(data, "ohne_prj.zip")
    assert result.ok and result.report.crs_assumed
    assert _messages(result, "warning") == [
        "Die Datei nennt kein Koordinatensystem; nach den Koordinaten wird EPSG:25832 (ETRS89 / UTM 32N, Meter) "
        "angenommen. Bitte die Lage in der Karte prüfen."]
    assert _same_shapes(result.gdf, schematic)


def test_unknown_coordinates_without_crs_are_an_error(official, tmp_path):
    shifted = official.to_crs(25832).translate(xoff=5_000_000)  # neither degrees nor UTM 32N
    data = _shapefile_zip(gpd.GeoDataFrame(official[["STT_NAME"]], geometry=shifted, crs=25832), tmp_path,
                          parts=(".shp", ".shx", ".dbf"))
    result = boundaries.load_boundaries(data, "x.zip")
    assert not result.ok and len(result.gdf) == 0
    assert _messages(result)[0].startswith("x.zip: Koordinatensystem unbekannt")


def test_bow_tie_is_repaired_with_a_warning(official, tmp_path):
    bad = official.copy()
    bad.loc[0, "geometry"] = Polygon([(7.26, 51.50), (7.27, 51.51), (7.27, 51.50), (7.26, 51.51)])
    bad.to_file(tmp_path / "bad.geojson", driver="GeoJSON")
    result = boundaries.load_boundaries((tmp_path / "bad.geojson").read_bytes(), "bad.geojson")
    assert result.ok and result.report.repaired == 1
    assert _messages(result, "warning") == [
        "Objekt 1: ungültige Fläche (Self-intersection[7.265 51.505]) wurde automatisch repariert. "
        "Bitte die Grenze in der Karte prüfen."]
    grumme = result.gdf.set_index("area_id").geometry["grumme"]
    assert grumme.is_valid and grumme.geom_type == "MultiPolygon"
    assert grumme.area == pytest.approx(2 * 0.5 * 0.01 * 0.005)  # two triangles


def test_unmatched_name_is_an_error_with_candidates(official, tmp_path):
    bad = official.copy()
    bad.loc[bad["STT_NAME"] == "Hamme", "STT_NAME"] = "Hame"
    bad.to_file(tmp_path / "bad.geojson", driver="GeoJSON")
    result = boundaries.load_boundaries((tmp_path / "bad.geojson").read_bytes(), "bad.geojson")
    assert not result.ok
    errors = [p for p in result.problems if p.severity == "error"]
    assert [(p.row, p.column) for p in errors] == [(6, "STT_NAME")]
    assert errors[0].message.startswith("„Hame“ ist kein Bochumer Ortsteil. Meinten Sie: Hamme")
    assert result.report.unmatched["Hame"][0] == "Hamme"
    assert result.report.missing_areas == ["Hamme"]
    assert "Ohne Fläche: Hamme." in result.report.lines()


def test_several_features_of_one_ortsteil_are_dissolved(official, tmp_path, schematic):
    hex_ = schematic.geometry.iloc[0]
    cx = hex_.centroid.x
    minx, miny, maxx, maxy = hex_.bounds
    halves = [hex_.intersection(shapely.box(minx, miny, cx, maxy)),
              hex_.intersection(shapely.box(cx, miny, maxx, maxy))]
    rows = gpd.GeoDataFrame({"name": ["Grumme", "GRUMME"], "geometry": halves}, crs=4326)
    split = gpd.GeoDataFrame(
        {"name": rows["name"].tolist() + official["STT_NAME"].iloc[1:].tolist(),
         "geometry": rows.geometry.tolist() + official.geometry.iloc[1:].tolist()}, crs=4326)
    split.to_file(tmp_path / "split.gpkg", driver="GPKG")
    result = boundaries.load_boundaries(tmp_path / "split.gpkg", "split.gpkg")
    assert result.ok and len(result.gdf) == 30
    assert result.report.merged == {"Grumme": 2}
    merged = result.gdf.set_index("area_id").geometry["grumme"]
    assert merged.geom_type == "Polygon" and merged.area == pytest.approx(HEX_AREA_DEG2, rel=1e-6)


def test_large_files_are_simplified_keeping_shared_borders(official, tmp_path):
    dense = official.copy()
    dense["geometry"] = shapely.segmentize(list(official.geometry), 2e-5)
    n_in = int(shapely.get_num_coordinates(list(dense.geometry)).sum())
    assert n_in > boundaries.SIMPLIFY_MIN_VERTICES
    dense.to_file(tmp_path / "dense.geojson", driver="GeoJSON")
    result = boundaries.load_boundaries(tmp_path / "dense.geojson", "dense.geojson")
    assert result.ok and result.report.simplified
    assert not shapely.coverage_is_valid(list(dense.geometry))  # segmentized from both sides: borders differ
    assert result.report.vertices_in == n_in
    assert result.report.vertices_out == 30 * 7  # back to the hexagons, borders shared again
    geoms = list(result.gdf.geometry)
    assert shapely.coverage_is_valid(geoms)  # no gaps, no overlaps, edges matched
    assert _same_shapes(result.gdf, geo.build_schematic(), tol=0.0)


def test_zip_with_parent_path_is_refused():
    data = _zip({"../evil.shp": b"x", "ok.dbf": b"y"})
    result = boundaries.load_boundaries(data, "evil.zip")
    assert not result.ok
    assert _messages(result) == ["evil.zip: die ZIP-Datei enthält einen unsicheren Pfad („../evil.shp“) und wird "
                                 "nicht geöffnet. Bitte die Dateien ohne Ordnerangaben wie „..“ neu packen."]
    assert not (Path(tempfile.gettempdir()) / "evil.shp").exists()  # where "../" would have led


def test_zip_with_absolute_path_is_refused():
    result = boundaries.load_boundaries(_zip({"/etc/evil.shp": b"x"}), "abs.zip")
    assert "unsicheren Pfad („/etc/evil.shp“)" in _messages(result)[0]


def test_zip_with_too_many_members_is_refused():
    data = _zip({f"f{i}.txt": b"" for i in range(boundaries.MAX_ZIP_MEMBERS + 1)})
    result = boundaries.load_boundaries(data, "viele.zip")
    assert not result.ok
    assert _messages(result) == ["viele.zip: die ZIP-Datei enthält 1.001 Dateien, erlaubt sind höchstens 1.000. "
                                 "Bitte nur das Shapefile (.shp, .shx, .dbf, .prj) packen."]


def test_zip_too_large_when_unpacked_is_refused(monkeypatch):
    assert boundaries.MAX_UNCOMPRESSED_BYTES == 500 * 1024 * 1024  # the same limit as the store
    monkeypatch.setattr(boundaries, "MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024)  # small limit, small test file
    result = boundaries.load_boundaries(_zip({"a.shp": b"\0" * (3 * 1024 * 1024)}), "gross.zip")
    assert _messages(result) == ["gross.zip: entpackt wäre die ZIP-Datei 3 MB groß, erlaubt sind 2 MB. "
                                 "Bitte nur die Ortsteil-Ebene packen."]


def test_shapefile_zip_missing_dbf_is_explained(official, tmp_path):
    result = boundaries.load_boundaries(_shapefile_zip(official, tmp_path, parts=(".shp", ".shx", ".prj")), "t.zip")
    assert _messages(result) == ["t.zip: zu ortsteile.shp fehlt die Datei ortsteile.dbf. "
                                 "Bitte .shp, .shx, .dbf und .prj zusammen packen."]


def test_unknown_format_is_explained():
    result = boundaries.load_boundaries(b"Ortsteil;Wert\nHamme;1\n", "daten.csv")
    assert _messages(result)[0].startswith("daten.csv: Dateiformat nicht erkannt.")
