"""The bounded pre-checks wired in end to end (issue 10, part 2): the import page, the store, the CLI.

Each hostile file is generated here; each refusal leaves the store's fingerprint unchanged. The
memory bounds are generous for the checks and far below what the old wiring allocated.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hostile_files import MB, zip_bomb
from test_import_page import open_page, report, upload

from indicators import store
from indicators.load import sniff
from indicators.store import importflow

PROJECT_DIR = Path(__file__).resolve().parent.parent
BOMB_MB = 120                      # small enough for a loaded test machine, far above the bound asserted


def _peak_bytes(func, *args):
    """(result, peak Python allocation in bytes) of func(*args)."""
    tracemalloc.start()
    try:
        result = func(*args)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_kind_of_a_zip_bomb_named_csv_is_decided_without_unpacking_it():
    bomb = zip_bomb("daten.csv", BOMB_MB)
    kind, peak = _peak_bytes(sniff.detect_kind, bomb, "daten.csv")
    assert kind == sniff.KIND_TABLE
    assert peak < 16 * MB, peak  # the old wiring read the member whole: BOMB_MB MB


def test_a_zip_bomb_named_csv_is_refused_on_the_import_page_and_nothing_changes():
    before = store.store_fingerprint()
    at = upload(open_page(), "daten.csv", zip_bomb("daten.csv", BOMB_MB))
    assert not at.exception, at.exception
    shown = " ".join(report(at))
    assert "mögliche ZIP-Bombe abgelehnt" in shown and "„daten.csv“" in shown, shown
    assert store.store_fingerprint() == before


def test_a_zip_bomb_inside_a_zip_is_refused_by_validate_in_bounded_memory(tmp_path):
    inner = zip_bomb("zahlen.csv", BOMB_MB)            # ~120 KB, does not compress again
    path = tmp_path / "paket.zip"
    path.write_bytes(zip_of({"daten.csv": inner}))
    env = {**os.environ, "QUARTIERSMONITOR_DATA_DIR": str(tmp_path / "store")}
    proc = subprocess.Popen([sys.executable, "-m", "indicators", "validate", str(path)], cwd=PROJECT_DIR,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=120)

    assert proc.returncode == 2, (out, err)
    assert "enthält ein weiteres Archiv („daten.csv“)" in out + err, (out, err)
    assert "Verschachtelte Archive" in out + err
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())


def test_the_store_refuses_a_nested_archive_named_csv_inside_a_zip_and_nothing_changes():
    before = store.store_fingerprint()
    data = zip_of({"daten.csv": zip_bomb("x.csv", BOMB_MB)})
    problems, peak = _peak_bytes(store.validate_file, data, "paket.zip")
    assert [p.message for p in problems if p.severity == "error"] == [
        "Das ZIP-Archiv „paket.zip“ enthält ein weiteres Archiv („daten.csv“). Verschachtelte Archive "
        "werden aus Sicherheitsgründen nicht entpackt; bitte die enthaltene Datei selbst hochladen."]
    assert peak < 16 * MB, peak
    assert store.store_fingerprint() == before


def test_the_import_page_decision_and_the_store_agree_on_a_renamed_zip():
    # a ZIP named .csv is a ZIP: the kind comes from the bytes, the store checks it as an archive
    data = zip_of({"a.csv": b"Ortsteil;Jahr;Merkmal;Wert\nHamme;2024;einwohner;1\n"})
    assert importflow.detect_kind is sniff.detect_kind
    assert sniff.detect_kind(data, "daten.csv") == sniff.KIND_TABLE


def _big_polygon_geojson(n: int) -> bytes:
    ring = b"[7.2,51.4]," * (n - 1) + b"[7.2,51.4]"
    return (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Hamme"}, '
            b'"geometry": {"type": "Polygon", "coordinates": [[' + ring + b']]}}]}')


def test_boundaries_count_vertices_before_any_geometry_is_built(monkeypatch):
    from indicators.load import boundaries

    def no_reading(*_args, **_kwargs):
        raise AssertionError("the layer was read before the vertex check")

    monkeypatch.setattr(boundaries, "_read_layer", no_reading)
    result = boundaries.load_boundaries(_big_polygon_geojson(210_000), "grenzen.geojson")
    assert [p.message for p in result.problems] == [
        "Die Grenzen in „grenzen.geojson“ sind zu detailliert: ein Gebiet hat 210.000 Eckpunkte, erlaubt "
        "sind höchstens 200.000. Bitte die Geometrien vor dem Hochladen vereinfachen (z. B. in QGIS "
        "„Vektor → Geometrie-Werkzeuge → Vereinfachen“ mit 1 m Toleranz)."]


def test_a_geopackage_whose_layer_is_a_recursive_view_is_refused_before_pyogrio(tmp_path, monkeypatch):
    from test_bounded import geopackage

    from indicators.load import boundaries

    def no_reading(*_args, **_kwargs):
        raise AssertionError("pyogrio would compute the endless view")

    monkeypatch.setattr(boundaries, "_read_layer", no_reading)
    result = boundaries.load_boundaries(geopackage(tmp_path, view=True), "grenzen.gpkg")
    [problem] = result.problems
    assert problem.message.startswith("Die Ebene „layer“ in „grenzen.gpkg“ ist eine SQL-Sicht, keine Tabelle.")
    before = store.store_fingerprint()
    assert store.validate_file(geopackage(tmp_path, view=True, name="b.gpkg"), "b.gpkg")[0].message == \
        problem.message.replace("grenzen.gpkg", "b.gpkg")
    assert store.store_fingerprint() == before


@pytest.mark.sandbox
def test_a_table_whose_parse_exceeds_the_memory_limit_ends_as_a_german_message(monkeypatch):
    from functools import partial

    from indicators.load.sandbox import call_limited

    monkeypatch.setattr(store, "call_limited", partial(call_limited, memory_bytes=48 * MB))
    rows = b"".join(b"Hamme;%d;einwohner;%d\n" % (1000 + i % 900, i) for i in range(400_000))
    data = b"Ortsteil;Jahr;Merkmal;Wert\n" + rows          # ~10 MB, within the 50 MB table limit
    before = store.store_fingerprint()
    problems = store.validate_file(data, "riesig.csv")
    # the child ends by a MemoryError or, when a C library does not check its malloc, by SIGSEGV:
    # both are the same German refusal, the middle part names which one
    [problem] = problems
    assert problem.file == "riesig.csv" and problem.severity == "error"
    assert problem.message.startswith("Die Datei „riesig.csv“ ist zu groß oder zu komplex: sie ")
    assert problem.message.endswith(
        "abgebrochen. Es wurde nichts geändert. Bitte die Datei verkleinern (nur die benötigten Gebiete, "
        "Jahre und Merkmale) oder als einfache CSV-Datei speichern und erneut hochladen.") or \
        "das Leseprogramm ist abgestürzt. Es wurde nichts geändert." in problem.message, problem.message
    assert store.store_fingerprint() == before


@pytest.mark.sandbox
def test_an_ordinary_table_and_boundary_file_read_the_same_through_the_sandbox():
    example = (PROJECT_DIR / "data" / "examples" / "import_beispiel.csv").read_bytes()
    # no errors; the five notes name the demo values left empty beside the example's real ones (store/inuse.py)
    notes = store.validate_file(example, "import_beispiel.csv")
    assert [(p.severity, p.message[:4]) for p in notes] == [("warning", "Für ")] * 5
    geojson = (PROJECT_DIR / "data" / "geometry" / "schematic_ortsteile.geojson").read_bytes()
    assert [p for p in store.validate_file(geojson, "g.geojson") if p.severity == "error"] == []


def test_the_app_loads_exactly_the_version_it_read_from_current(tmp_path, monkeypatch):
    from indicators.paths import DATA_DIR_ENV
    from ui import data

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "store"))
    first = b"Ortsteil;Jahr;Merkmal;Wert\nHamme;2024;langzeitarbeitslose;10\nHamme;2024;einwohner_15_64;10.000\n"
    assert store.import_file(first, "eins.csv").ok
    key = data.data_version()                                 # CURRENT read once: version 0001
    assert key.endswith(":0001")
    assert store.import_file(first.replace(b";10\n", b";20\n"), "zwei.csv").ok   # 0002 becomes active
    table = data._table(key)
    row = table[(table["area_id"] == "hamme") & (table["year"] == 2024)
                & (table["indicator_id"] == "langzeitarbeitslosenanteil")]
    assert row["numerator"].tolist() == [10.0]                # not 20 from the version made since
    assert store.load_counts_of_version("0002").query("variable == 'langzeitarbeitslose'")["value"].tolist() \
        == [20.0]
    with pytest.raises(store.StoreError, match="Die Version „0009“ gibt es im Datenspeicher nicht."):
        store.load_counts_of_version("0009")



def test_a_stray_windows_byte_in_a_utf8_file_is_read_per_line_with_a_warning():
    from indicators.load.loaders import load_counts

    data = ("Ortsteil;Jahr;Merkmal;Wert\nGünnigfeld;2023;einwohner;1.000\n".encode()
            + "Günnigfeld;2024;einwohner;2.000\n".encode("cp1252"))
    result = load_counts(data, "gemischt.csv", "imported")
    assert sorted(zip(result.counts["area_id"], result.counts["year"], result.counts["value"])) == [
        ("guennigfeld", 2023, 1000.0), ("guennigfeld", 2024, 2000.0)]
    assert [(p.row, p.severity, p.message) for p in result.problems] == [(3, "warning", (
        "Zeile 3 ist nicht in UTF-8 gespeichert wie der Rest der Datei; sie wurde als Windows-1252 gelesen. "
        "Bitte die Schreibweise der Namen in dieser Zeile prüfen."))]


def test_utf16_gets_a_clear_message_and_odd_digits_a_problem_with_row_and_column():
    utf16 = "Ortsteil;Jahr;Merkmal;Wert\nHamme;2024;einwohner;1.000\n".encode("utf-16")
    assert [p.message for p in store.validate_file(utf16, "utf16.csv")] == [
        "„utf16.csv“ ist als UTF-16 gespeichert. Bitte die Datei als CSV in UTF-8 speichern (in Excel: "
        "„CSV UTF-8 (durch Trennzeichen getrennt)“)."]
    for value in ("١٢٣", "9" * 400):
        data = f"Ortsteil;Jahr;Merkmal;Wert\nHamme;2024;einwohner;{value}\nHamme;2023;einwohner;5\n".encode()
        [problem] = [p for p in store.validate_file(data, "zahlen.csv") if p.severity == "error"]
        assert (problem.row, problem.column) == (2, "Wert")
        assert problem.message.startswith(f"Der Wert '{value[:40]}") and "ist keine Zahl" in problem.message


def test_export_table_writes_the_daten_page_download(tmp_path):
    import pandas as pd

    from indicators.build.pipeline import build
    from indicators.export.tables import to_excel_csv
    from indicators.views import download_table

    env = {**os.environ, "QUARTIERSMONITOR_DATA_DIR": str(tmp_path / "store")}
    out = tmp_path / "tabelle.csv"
    result = subprocess.run([sys.executable, "-m", "indicators", "export", "--kind", "table", "--indicator",
                             "kinderarmut", "--indicator", "arbeitslosenanteil", "--year", "2020", "--year", "2024",
                             "--format", "csv", "--out", str(out)], cwd=PROJECT_DIR, env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    table = build()
    rows = table[table["indicator_id"].isin(["kinderarmut", "arbeitslosenanteil"]) & table["year"].isin([2020, 2024])]
    assert out.read_bytes() == to_excel_csv(download_table(rows, "de"))
    assert result.stdout == f"Tabelle geschrieben: {out} ({len(rows)} Zeilen)\n"
    assert len(rows) == 2 * 2 * len(set(table["area_id"]))
    xlsx = tmp_path / "tabelle.xlsx"
    result = subprocess.run([sys.executable, "-m", "indicators", "export", "--kind", "table", "--year", "2024",
                             "--format", "xlsx", "--out", str(xlsx)], cwd=PROJECT_DIR, env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    sheet = pd.read_excel(xlsx, sheet_name=0)
    assert len(sheet) == len(table[table["year"] == 2024])
    bad = subprocess.run([sys.executable, "-m", "indicators", "export", "--kind", "table", "--year", "1990",
                          "--format", "csv", "--out", str(out)], cwd=PROJECT_DIR, env=env,
                         capture_output=True, text=True, timeout=180)
    assert bad.returncode == 2 and "Für 1990 gibt es keine Daten. Gültige Jahre: 2012–2024." in bad.stderr + bad.stdout


@pytest.mark.sandbox
def test_the_import_page_preview_is_read_in_the_sandbox(monkeypatch):
    from functools import partial

    from indicators.load.sandbox import call_limited

    monkeypatch.setattr(store, "call_limited", partial(call_limited, memory_bytes=48 * MB))
    rows = b"".join(b"Hamme;%d;einwohner;%d\n" % (1000 + i % 900, i) for i in range(400_000))
    preview = importflow.read_preview(b"Ortsteil;Jahr;Merkmal;Wert\n" + rows, "riesig.csv")
    [problem] = preview.problems
    assert preview.raw is None and problem.file == "riesig.csv"
    assert problem.message.startswith("Die Datei „riesig.csv“ ist zu groß oder zu komplex: sie ")
