"""Bounded pre-checks (indicators/load/bounded): hostile files from issue 10, generated here.

Each check must refuse with a German message within bounded time and memory: the checks run in the
parse sandbox, so the child's peak memory (RSS) is measured, not guessed.
"""

import io
import json
import sqlite3
import time
import zipfile
import zlib

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from indicators.limits import MB
from indicators.load import bounded
from indicators.load.sandbox import run_limited

try:
    from tests.hostile_files import deflate_bomb, zip_with
except ImportError:  # tests/ on sys.path instead of the project root
    from hostile_files import deflate_bomb, zip_with

# one check may use at most this much memory in its child (libraries ~150 MB included)
PEAK_RSS_BOUND = 400 * MB
SECONDS_BOUND = 30


@pytest.fixture(scope="module")
def csv_bomb() -> bytes:
    payload, crc = deflate_bomb(800)                         # 835 KB -> 800 MB of '1;2\n'
    return zip_with("daten.csv", payload, crc, 800 * MB)


def checked(func, *args):
    """Run a check in the sandbox and assert its time and memory bounds; return its problems."""
    outcome = run_limited(func, *args, filename="x")
    assert outcome.ok, outcome.problem
    assert outcome.peak_rss_bytes < PEAK_RSS_BOUND, outcome.peak_rss_bytes
    assert outcome.seconds < SECONDS_BOUND
    return outcome.value


def test_kind_from_first_bytes(csv_bomb, tmp_path):
    # a ZIP bomb named .csv is a ZIP, found out without unpacking anything (directory only)
    started = time.monotonic()
    assert bounded.detect_kind(csv_bomb) == bounded.KIND_ZIP
    assert time.monotonic() - started < 0.5
    book = io.BytesIO()
    openpyxl.Workbook().save(book)
    assert bounded.detect_kind(book.getvalue()) == bounded.KIND_XLSX
    assert bounded.detect_kind(b"PAR1\x15\x04") == bounded.KIND_PARQUET
    assert bounded.detect_kind(b"SQLite format 3\x00\x10\x00") == bounded.KIND_SQLITE
    assert bounded.detect_kind(b"\x1f\x8b\x08\x00") == bounded.KIND_GZIP
    assert bounded.detect_kind(b"7z\xbc\xaf\x27\x1c\x00") == bounded.KIND_OTHER_ARCHIVE
    assert bounded.detect_kind("Gebiet;Wert\n".encode("utf-16")) == bounded.KIND_UTF16
    assert bounded.detect_kind("Gebiet;Wert\nHamme;3\n".encode("utf-16-le")) == bounded.KIND_UTF16
    assert bounded.detect_kind(b"Gebiet;Wert\nWattenscheid;3\n") == bounded.KIND_TEXT
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bomb)
    assert bounded.detect_kind(path) == bounded.KIND_ZIP
    [problem] = bounded.kind_problems("x".encode("utf-16"), "t.csv")
    assert str(problem) == ("t.csv: „t.csv“ ist als UTF-16 gespeichert. Bitte die Datei als CSV in UTF-8 "
                            "speichern (in Excel: „CSV UTF-8 (durch Trennzeichen getrennt)“).")


def test_zip_bomb_named_csv_is_refused_by_bytes_produced(csv_bomb):
    assert 800_000 < len(csv_bomb) < 860_000
    [problem] = checked(bounded.zip_stream_problems, csv_bomb, "daten.csv")
    assert str(problem) == ("daten.csv: Der Eintrag „daten.csv“ in „daten.csv“ würde entpackt mehr als 500 MB "
                            "belegen und wird als mögliche ZIP-Bombe abgelehnt. Es wurde nichts geändert. Bitte "
                            "die Originaldatei ungepackt hochladen oder nur die benötigten Daten exportieren.")


def test_lying_declared_sizes_do_not_help():
    payload, crc = deflate_bomb(64)
    lying = zip_with("daten.csv", payload, crc, 64 * MB)
    assert bounded.zip_stream_problems(lying, "daten.csv", limit=10 * MB)[0].message.startswith(
        "Der Eintrag „daten.csv“ in „daten.csv“ würde entpackt mehr als 10 MB belegen")
    with pytest.raises(bounded.BoundError):
        bounded.read_member(lying, "daten.csv", limit=10 * MB)
    assert bounded.read_member(lying, "daten.csv", limit=100 * MB)[:8] == b"1;2\n1;2\n"


def test_zip_in_zip_stored_is_refused_without_unpacking_the_inner(csv_bomb):
    outer = zip_with("daten.zip", csv_bomb, zlib.crc32(csv_bomb), len(csv_bomb), zipfile.ZIP_STORED)
    [problem] = checked(bounded.zip_stream_problems, outer, "paket.zip")
    assert problem.message == ("Das ZIP-Archiv „paket.zip“ enthält ein weiteres Archiv („daten.zip“). "
                               "Verschachtelte Archive werden aus Sicherheitsgründen nicht entpackt; bitte "
                               "die enthaltene Datei selbst hochladen.")
    # renamed inner archive: found by its first bytes, not its name
    renamed = zip_with("daten.csv", csv_bomb, zlib.crc32(csv_bomb), len(csv_bomb), zipfile.ZIP_STORED)
    assert "enthält ein weiteres Archiv („daten.csv“)" in bounded.zip_stream_problems(renamed, "p.zip")[0].message


def test_corrupt_zip_and_gzip_give_german_messages(csv_bomb):
    payload, crc = deflate_bomb(2)
    broken = zip_with("daten.csv", payload, crc ^ 1, 2 * MB)           # wrong checksum
    [problem] = bounded.zip_stream_problems(broken, "kaputt.zip")
    assert problem.message.startswith("„kaputt.zip“ ist kein gültiges ZIP-Archiv oder beschädigt")
    data = zlib.compress(b"a" * (5 * MB), wbits=31)
    assert bounded.gunzip(data, "a.gz") == b"a" * (5 * MB)
    with pytest.raises(bounded.BoundError, match="würde entpackt mehr als 1 MB belegen"):
        bounded.gunzip(data, "a.gz", limit=1 * MB)


def hostile_xlsx(dimension: str, rows: int = 1) -> bytes:
    """A small workbook whose sheet declares ``dimension`` instead of its real range."""
    book = openpyxl.Workbook()
    book.active.append(["area_id", "year", "variable", "value"])
    for i in range(rows):
        book.active.append([f"a{i}", 2022, "einwohner", i])
    real = f"A1:D{rows + 1}".encode()
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="' + real + b'"/>', f'<dimension ref="{dimension}"/>'.encode())
                assert dimension.encode() in data
            dst.writestr(info.filename, data)
    return out.getvalue()


def test_xlsx_declaring_the_whole_sheet_is_refused_before_openpyxl():
    data = hostile_xlsx("A1:XFD1048576")
    assert len(data) < 6000
    [problem] = checked(bounded.xlsx_problems, data, "tabelle.xlsx")
    assert problem.message == ("Die Tabelle „sheet1.xml“ in „tabelle.xlsx“ gibt den Bereich A1:XFD1048576 an "
                               "(1.048.576 Zeilen × 16.384 Spalten); erlaubt sind höchstens 1.000.000 Zellen "
                               "und 1.000 Spalten. Bitte nur den benötigten Bereich in eine neue Datei kopieren "
                               "oder die Tabelle als CSV speichern.")
    assert bounded.xlsx_problems(hostile_xlsx("A1:D2"), "ok.xlsx") == []


def test_xlsx_cells_are_counted_in_the_stream_when_the_dimension_lies():
    data = hostile_xlsx("A1:A1", rows=2999)
    assert bounded.dimension_size("A1:D3000") == (3000, 4)
    assert bounded.dimension_size("$B$2") == (1, 1)
    [problem] = bounded.xlsx_problems(data, "t.xlsx", max_cells=10_000)
    assert "enthält 12.000 Zellen in 3.000 Zeilen" in problem.message
    assert bounded.xlsx_problems(data, "t.xlsx", max_cells=12_000) == []



def test_a_few_cells_far_down_are_refused_by_the_extent_the_reader_would_pad_to():
    # found by the fuzzing: one row numbered 2,000,000 in a 5 KB file took openpyxl ~15 s per read
    far = hostile_xlsx("A1:D2")
    source = zipfile.ZipFile(io.BytesIO(far))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="2000000"><c r="D2000000"><v>1</v></c></row>'
                                                     b"</sheetData>")
            dst.writestr(info.filename, data)
    [problem] = bounded.xlsx_problems(out.getvalue(), "weit.xlsx")
    assert problem.message == ("Die Tabelle „sheet1.xml“ in „weit.xlsx“ reicht bis Zeile 2.000.000 und Spalte 4 "
                               "(8.000.000 Zellen beim Lesen); erlaubt sind höchstens 1.000.000 Zellen und 1.000 "
                               "Spalten. Bitte nur den benötigten Bereich in eine neue Datei kopieren oder die "
                               "Tabelle als CSV speichern.")
    tags = bounded.count_sheet_tags(iter([b'<row r="7"><c s="1" r="', b'AB7"><v>1</v></c></row>']))
    assert (tags.rows, tags.cells, tags.last_row, tags.last_column) == (1, 1, 7, 28)

def dictionary_bomb() -> bytes:
    """One 1 MB text value in the dictionary, 10,000 rows pointing at it: ~10 GB when read."""
    column = pa.DictionaryArray.from_arrays(pa.array([0] * 10_000, pa.int32()), pa.array(["x" * MB]))
    buffer = io.BytesIO()
    pq.write_table(pa.table({"area_id": column}), buffer, compression="gzip", use_dictionary=True)
    return buffer.getvalue()


def test_dictionary_parquet_bomb_is_refused_before_reading():
    data = dictionary_bomb()
    assert len(data) < 4000
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    assert meta.row_group(0).total_byte_size < 2 * MB          # the footer alone looks harmless
    [problem] = checked(bounded.parquet_problems, data, "zahlen.parquet")
    assert problem.message == ("Die Parquet-Datei „zahlen.parquet“ ist nur 2 KB groß, ihre Textspalten "
                               "ergeben gelesen aber 10.000 MB (erlaubt sind höchstens 500 MB). Die Datei "
                               "wird als mögliche Speicherbombe abgelehnt; bitte die Daten neu exportieren.")


def test_parquet_rows_columns_and_sizes_from_the_footer():
    table = pa.table({"area_id": ["hamme", "riemke"] * 500, "value": list(range(1000))})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    data = buffer.getvalue()
    assert bounded.parquet_problems(data, "ok.parquet") == []
    [problem] = bounded.parquet_problems(data, "ok.parquet", max_cells=1999)
    assert problem.message.startswith("Die Parquet-Datei „ok.parquet“ ist zu groß (1.000 Zeilen × 2 Spalten")
    assert bounded.parquet_problems(data[:-3] + b"XYZ", "k.parquet")[0].message.startswith(
        "„k.parquet“ ist keine gültige Parquet-Datei")


def geopackage(tmp_path, view: bool, data_type: str = "features", name: str = "grenzen.gpkg") -> bytes:
    path = tmp_path / name
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT);
        CREATE TABLE real_layer (fid INTEGER PRIMARY KEY, geom BLOB, name TEXT);
    """)
    if view:
        conn.execute("""CREATE VIEW layer AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)
                        SELECT n AS fid, zeroblob(1000) AS geom, 'x' AS name FROM r""")
    conn.execute("INSERT INTO gpkg_contents VALUES (?, ?, 'Ortsteile')", ("layer" if view else "real_layer", data_type))
    conn.commit()
    conn.close()
    return path.read_bytes()


def test_geopackage_with_a_recursive_view_is_refused(tmp_path):
    data = geopackage(tmp_path, view=True)
    [problem] = checked(bounded.gpkg_problems, data, "grenzen.gpkg")
    assert problem.message.startswith("Die Ebene „layer“ in „grenzen.gpkg“ ist eine SQL-Sicht, keine Tabelle.")
    assert bounded.gpkg_problems(tmp_path / "grenzen.gpkg", "grenzen.gpkg") == [problem]
    assert bounded.gpkg_problems(geopackage(tmp_path, view=False, name="ok.gpkg"), "g.gpkg") == []
    [tiles] = bounded.gpkg_problems(geopackage(tmp_path, view=False, data_type="tiles", name="t.gpkg"), "g.gpkg")
    assert "(Art „tiles“)" in tiles.message
    assert bounded.gpkg_problems(b"SQLite format 3\x00" + b"\0" * 100, "k.gpkg")[0].message.startswith(
        "„k.gpkg“ ist keine gültige GeoPackage-Datei")


def big_polygon_geojson(n: int) -> bytes:
    ring = b"[7.2,51.4]," * (n - 1) + b"[7.2,51.4]"
    return (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Hamme"}, '
            b'"geometry": {"type": "Polygon", "coordinates": [[' + ring + b']]}}]}')


def test_two_million_vertex_polygon_is_refused_before_parsing():
    data = big_polygon_geojson(2_000_000)
    assert len(data) > 20 * MB
    [problem] = checked(bounded.geojson_vertex_problems, data, "grenzen.geojson")
    assert problem.message == ("Die Grenzen in „grenzen.geojson“ sind zu detailliert: ein Gebiet hat "
                               "2.000.000 Eckpunkte, erlaubt sind höchstens 200.000. Bitte die Geometrien "
                               "vor dem Hochladen vereinfachen (z. B. in QGIS „Vektor → Geometrie-Werkzeuge → "
                               "Vereinfachen“ mit 1 m Toleranz).")
    small = big_polygon_geojson(100)
    assert bounded.geojson_vertex_problems(small, "g.geojson") == []
    [total] = bounded.geojson_vertex_problems(small[:-2] + b"," + small[42:-2] + b"]}", "g.geojson",
                                              per_polygon=150, total=150)
    assert "alle Gebiete zusammen haben 200 Eckpunkte" in total.message


def test_vertices_of_parsed_geometries():
    mapping = json.loads(big_polygon_geojson(300))["features"][0]["geometry"]
    assert bounded.count_vertices(mapping) == 300
    polygon = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 0)])
    assert bounded.count_vertices(polygon) == 4
    assert bounded.vertex_problems([mapping, polygon], "g.geojson", per_polygon=299)[0].message.startswith(
        "Die Grenzen in „g.geojson“ sind zu detailliert: ein Gebiet hat 300 Eckpunkte")
    assert bounded.vertex_problems([mapping, polygon], "g.geojson") == []
