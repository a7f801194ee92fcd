"""Boundary files: coordinates within the declared CRS and near Bochum, coverage, partial maps (issue 10)."""

from __future__ import annotations

import copy
import json

import pytest
from shapely.geometry import Polygon

from indicators import geometry as geo
from indicators import store
from indicators.build import pipeline
from indicators.cli import main
from indicators.load import boundaries
from indicators.paths import DATA_DIR_ENV
from indicators.views.mapstyle import partial_map_note

MISSING_28 = ("Altenbochum, Südinnenstadt, Kruppwerke, Hamme, Hordel, Hofstede, Riemke, Günnigfeld, "
              "Wattenscheid-Mitte, Leithe, Westenfeld, Höntrop, Eppendorf, Bergen/Hiltrop, Gerthe, Harpen/Rosenberg, "
              "Kornharpen/Voede-Abzweig, Laer, Werne, Langendreer-Alter Bahnhof, Langendreer, "
              "Wiemelhausen/Brenschede, Stiepel, Querenburg, Weitmar-Mitte, Weitmar-Mark, Linden, Dahlhausen")


@pytest.fixture(scope="module")
def collection() -> dict:
    """The schematic hexagons as a GeoJSON FeatureCollection in lon/lat (an official-looking file)."""
    return json.loads(geo.geojson_text(geo.build_schematic()))


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def _bytes(obj: dict) -> bytes:
    return json.dumps(obj).encode("utf-8")


def _with_corner(collection: dict, x: float, y: float) -> dict:
    """The collection with the first ring of the first shape starting and ending at (x, y)."""
    out = copy.deepcopy(collection)
    ring = out["features"][0]["geometry"]["coordinates"][0]
    ring[0] = ring[-1] = [x, y]
    return out


def _first_two(collection: dict) -> dict:
    out = copy.deepcopy(collection)
    out["features"] = out["features"][:2]
    return out


@pytest.mark.parametrize("x", [1e300, -1e300])
def test_coordinates_beyond_the_crs_range_are_refused(collection, data_dir, x):
    assert store.import_boundaries_file(_bytes(collection), "alle.geojson").ok
    before = store.store_fingerprint()
    result = store.import_boundaries_file(_bytes(_with_corner(collection, x, 51.4)), "weit.geojson")
    assert not result.ok
    found = f"{x:.3g}".replace(".", ",")
    low, high = ("7,12", found) if x > 0 else (found, "7,32")
    assert [p.message for p in result.problems] == [
        f"weit.geojson: Koordinaten außerhalb des gültigen Bereichs des Koordinatensystems EPSG:4326 (gefunden x "
        f"{low} bis {high}, y 51,40 bis 51,53; gültig etwa x -180,00 bis 180,00, y -90,00 bis 90,00). Bitte das "
        "Koordinatensystem und die Geometrien in einem GIS prüfen und neu exportieren."]
    assert result.message.startswith("„weit.geojson“ wurde nicht importiert. weit.geojson: Koordinaten außerhalb")
    assert store.store_fingerprint() == before and store.active_version() == "0001"


def test_projected_coordinates_outside_the_area_of_use_are_refused(collection, tmp_path):
    import geopandas as gpd

    gdf = gpd.GeoDataFrame.from_features(collection["features"], crs=4326).to_crs(25832)
    gdf.to_file(tmp_path / "utm.gpkg", driver="GPKG")
    assert boundaries.load_boundaries((tmp_path / "utm.gpkg").read_bytes(), "utm.gpkg").ok  # the real thing
    gdf.loc[0, "geometry"] = Polygon([(1e12, 5.7e6), (1e12 + 1, 5.7e6), (1e12, 5.7e6 + 1)])
    gdf.to_file(tmp_path / "weit.gpkg", driver="GPKG")
    result = boundaries.load_boundaries((tmp_path / "weit.gpkg").read_bytes(), "weit.gpkg")
    assert not result.ok
    assert [p.message for p in result.problems] == [
        "weit.gpkg: Koordinaten außerhalb des gültigen Bereichs des Koordinatensystems EPSG:25832 (gefunden x "
        "369.503,57 bis 1e+12, y 5.699.227,40 bis 5.710.163,59; gültig etwa x 231.401,82 bis 769.493,75, y "
        "4.042.735,82 bis 9.330.126,13). Bitte das Koordinatensystem und die Geometrien in einem GIS prüfen und neu "
        "exportieren."]


def test_shapes_far_from_bochum_are_refused(collection):
    moved = copy.deepcopy(collection)
    for feature in moved["features"]:  # one degree east: Bochum's shapes drawn around Hamm/Soest
        feature["geometry"]["coordinates"] = [[[x + 1.0, y] for x, y in ring]
                                              for ring in feature["geometry"]["coordinates"]]
    result = boundaries.load_boundaries(_bytes(moved), "hamm.geojson")
    assert [p.message for p in result.problems] == [
        "hamm.geojson: die Flächen reichen über die Umgebung Bochums hinaus (gefunden 8,12° bis 8,32° O, 51,43° "
        "bis 51,53° N im Koordinatensystem EPSG:4326; erlaubt sind 20 km um das Stadtgebiet, 6,80° bis 7,65° O, "
        "51,21° bis 51,72° N). Stimmt das Koordinatensystem der Datei? Enthält sie nur Bochumer Ortsteile?"]
    # one shape 30 km out is enough: every shape must lie near Bochum
    assert not boundaries.load_boundaries(_bytes(_with_corner(collection, 7.2, 51.8)), "x.geojson").ok


def test_a_map_of_2_of_30_ortsteile_is_refused_without_confirmation(collection, data_dir):
    assert store.import_boundaries_file(_bytes(collection), "alle.geojson").ok
    before = store.store_fingerprint()
    result = store.import_boundaries_file(_bytes(_first_two(collection)), "zwei.geojson")
    assert not result.ok
    assert [p.message for p in result.problems if p.is_error] == [
        f"Die Datei enthält Flächen für 2 von 30 Ortsteilen; es fehlen: {MISSING_28}. Sie würde die ganze Karte "
        "ersetzen. Bitte eine Datei mit allen 30 Ortsteilen hochladen oder die unvollständige Karte ausdrücklich "
        "bestätigen (Importseite: „Unvollständige Karte übernehmen“; Befehl: import --partial-map). Die fehlenden "
        "Ortsteile fehlen dann in der Karte."]
    assert result.info.lines() == [
        "2 Flächen gelesen aus zwei.geojson (Koordinatensystem EPSG:4326), Namensfeld „name“.",
        "2 von 30 Ortsteilen haben eine Fläche.",
        "Mit Fläche: Grumme, Gleisdreieck.",
        f"Ohne Fläche: {MISSING_28}."]
    assert store.store_fingerprint() == before
    assert len(pipeline.geometry()) == 30  # the full map stays


def test_a_confirmed_partial_map_is_imported_and_the_map_says_what_is_missing(collection, data_dir):
    result = store.import_boundaries_file(_bytes(_first_two(collection)), "zwei.geojson", partial_map=True)
    assert result.ok, result.message
    assert [p.message for p in result.problems] == [
        f"Unvollständige Karte bestätigt: 2 von 30 Ortsteilen haben eine Fläche. Ohne Fläche (fehlen in der Karte): "
        f"{MISSING_28}."]
    gdf = pipeline.geometry()
    assert gdf["area_id"].tolist() == ["grumme", "gleisdreieck"] and set(gdf["kind"]) == {"official"}
    assert partial_map_note(gdf["area_id"], "de") == (
        f"Unvollständige Karte: für 28 Ortsteile liegen keine Grenzen vor, sie fehlen in der Karte ({MISSING_28}). "
        "Ihre Werte stehen in den Tabellen.")


def test_cli_import_takes_a_partial_map_only_with_the_flag(collection, data_dir, tmp_path, capsys):
    path = tmp_path / "zwei.geojson"
    path.write_bytes(_bytes(_first_two(collection)))
    assert main(["import", str(path), "--title", "Zwei Ortsteile"]) == 2
    assert "Die Datei enthält Flächen für 2 von 30 Ortsteilen" in capsys.readouterr().out
    assert store.active_version() == store.DEMO
    assert main(["import", str(path), "--title", "Zwei Ortsteile", "--partial-map"]) == 0
    assert store.active_version() == "0001"
