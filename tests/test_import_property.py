"""Property-based: random and mutated files never crash the importer or harm the store.

Small and large inputs (above 3,000 bytes) and containers: CSV, XLSX (also with a mutated sheet XML
or a huge declared dimension), GeoJSON, ZIP in ZIP, Parquet (dictionary-encoded columns) and
GeoPackage (odd layers and SQL views). Every input is imported or refused in German, within bounded
CPU time and memory, and a refusal leaves the store's fingerprint unchanged. The examples per test
are chosen so that the whole file runs in about a minute.
"""

from __future__ import annotations

import io
import json
import re
import resource
import shutil
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators import store
from indicators.limits import MAX_PARSE_MEMORY_BYTES
from indicators.paths import SCHEMATIC_GEOMETRY_FILE

VALID_CSV = (
    "Ortsteil;Jahr;Merkmal;Wert\n"
    "Hamme;2022;arbeitslose;1.234\n"
    "Hamme;2022;langzeitarbeitslose;567\n"
    "Wattenscheid-Mitte;2022;einwohner_15_64;12.345\n"
    "Querenburg;2023;einwohner;*\n"
).encode("cp1252")
SEED_CSV = b"Ortsteil;Jahr;Merkmal;Wert\nStiepel;2021;einwohner;11000\n"
EXTENSIONS = [".csv", ".txt", ".xlsx", ".parquet", ".geojson", ".json", ".zip", ".gpkg", ".exe", ""]
GERMAN = re.compile(r"\b(der|die|das|ist|nicht|bitte|Bitte|Datei|Zeile|Spalte|keine|kein|wurde|enthält|"
                    r"Wert|Merkmal|Gebiet|unbekannt|fehlt|erlaubt|und|mit|Zeilen)\b")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONTAINER_SETTINGS = settings(max_examples=25, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# boundary readers (GeoJSON, GeoPackage) and openpyxl cost ~0.3-0.6 s an example: fewer of them
SLOW_SETTINGS = settings(CONTAINER_SETTINGS, max_examples=15)
LARGE = 3001          # "large" inputs: above the 3,000 bytes plain st.binary stays within
# every example here is at most ~2 MB and is read in well under a second; 5 s of CPU means a reader
# does work out of proportion to the input (a larger file of the same kind would hit the sandbox's
# MAX_PARSE_CPU_SECONDS on the server)
MAX_EXAMPLE_CPU_SECONDS = 5


def _xlsx(rows: list[list]) -> bytes:
    """An XLSX workbook with the given rows (values written as they are, formulas included)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


VALID_ROWS = [["Ortsteil", "Jahr", "Merkmal", "Wert"], ["Hamme", 2022, "arbeitslose", 1234],
              ["Grumme", 2022, "arbeitslose", 800], ["Hamme", 2022, "einwohner_15_64", 9000]]
VALID_XLSX = _xlsx(VALID_ROWS)
VALID_GEOJSON = SCHEMATIC_GEOMETRY_FILE.read_bytes()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A store holding one version, copied fresh for every example."""
    folder = tmp_path_factory.mktemp("template") / "store"
    assert store.import_file(SEED_CSV, "seed.csv", store=folder).ok
    return folder


def _mutate(data: bytes, ops: list[tuple[int, str, bytes]]) -> bytes:
    """Apply byte-level mutations: flip, delete, insert, truncate, duplicate a slice."""
    buf = bytearray(data)
    for pos, op, chunk in ops:
        if not buf:
            buf = bytearray(chunk)
            continue
        i = pos % len(buf)
        if op == "flip":
            buf[i] ^= (chunk[0] if chunk else 0xFF) or 1
        elif op == "delete":
            del buf[i:i + 1 + len(chunk) * 8]
        elif op == "insert":
            buf[i:i] = chunk
        elif op == "truncate":
            del buf[i:]
        elif op == "duplicate":
            buf[i:i] = buf[i:i + 64]
    return bytes(buf)


MUTATIONS = st.lists(st.tuples(st.integers(0, 10**7),
                               st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]),
                               st.binary(max_size=12)), min_size=1, max_size=4)
PRINTABLE = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20)  # what Excel can hold
CELL = st.one_of(PRINTABLE, st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                 st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\")", "*", "–", "<img src=x onerror=alert(1)>",
                                  "Hamme", "Wattenscheid Mitte", "arbeitslose", "2022", "1.234,5", "", None]))


def _peak_rss() -> int:
    """This process's peak resident memory in bytes (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _check(template: Path, data: bytes, filename: str) -> None:
    """import_file never raises; accepted or rejected in German; a rejection leaves the store as it was.

    The readers run in this process here (conftest), so this process's peak memory and CPU time
    are the parse's: a reader that would need more than the sandbox allows fails the example.
    """
    work = Path(tempfile.mkdtemp(prefix="qm_prop_"))
    try:
        folder = work / "store"
        shutil.copytree(template, folder)
        before = store.store_fingerprint(folder)
        rss_before, cpu_before = _peak_rss(), time.process_time()
        result = store.import_file(data, filename, store=folder)
        assert time.process_time() - cpu_before < MAX_EXAMPLE_CPU_SECONDS, (filename, len(data))
        assert _peak_rss() - rss_before < MAX_PARSE_MEMORY_BYTES, (filename, len(data))
        assert isinstance(result, store.ImportResult)
        assert "Traceback" not in result.message
        if result.ok:
            assert result.version == "0002"
            assert result.n_values > 0
            assert len(store.load_imported_counts(folder)) >= 1 or store.current_boundaries_file(folder)
        else:
            assert result.version is None
            assert result.message.startswith(f"„{store._display_name(filename)}“ wurde nicht importiert.")
            assert result.message.endswith("Der Datenbestand ist unverändert.")
            errors = [p for p in result.problems if p.severity == "error"]
            assert errors
            assert all(GERMAN.search(p.message) for p in errors), [p.message for p in errors]
            assert store.store_fingerprint(folder) == before
            assert sorted(p.name for p in (folder / "versions").iterdir()) == ["0001"]
    finally:
        shutil.rmtree(work, ignore_errors=True)


@SETTINGS
@given(data=st.binary(max_size=3000), ext=st.sampled_from(EXTENSIONS))
def test_random_bytes(template, data, ext):
    _check(template, data, f"zufall{ext}")


@SETTINGS
@given(ops=MUTATIONS, ext=st.sampled_from([".csv", ".txt", ".xlsx", ".json"]))
def test_mutated_csv(template, ops, ext):
    _check(template, _mutate(VALID_CSV, ops), f"tabelle{ext}")


def _rows_with(changes: list[tuple[int, int, object]]) -> list[list]:
    """The valid sheet's rows with some cells replaced (header included)."""
    rows = [list(row) for row in VALID_ROWS]
    for r, c, value in changes:
        rows[r % len(rows)][c % 4] = value
    return rows


@settings(SETTINGS, max_examples=35)
@given(choice=st.one_of(
    MUTATIONS.map(lambda ops: ("bytes", ops)),
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 3), CELL), max_size=3).map(lambda ch: ("cells", ch))))
def test_mutated_xlsx(template, choice):
    kind, payload = choice
    data = _mutate(VALID_XLSX, payload) if kind == "bytes" else _xlsx(_rows_with(payload))
    _check(template, data, "tabelle.xlsx")


def _geojson_variant(features: list, names: list[str], drop: list[int]) -> bytes:
    """The schematic GeoJSON with some names replaced and some features or geometries removed."""
    doc = json.loads(VALID_GEOJSON)
    feats = doc["features"]
    for i, name in enumerate(names):
        feats[i % len(feats)]["properties"]["name"] = name
    for i in drop:
        if feats:
            victim = feats[i % len(feats)]
            if i % 2:
                victim["geometry"] = None
            else:
                feats.remove(victim)
    doc["features"] = feats + features
    return json.dumps(doc).encode()


@settings(SETTINGS, max_examples=30)
@given(choice=st.one_of(
    MUTATIONS.map(lambda ops: ("bytes", ops)),
    st.tuples(st.lists(st.dictionaries(st.sampled_from(["type", "geometry", "properties"]),
                                       st.one_of(st.none(), st.text(max_size=8), st.integers())), max_size=2),
              st.lists(st.one_of(st.text(max_size=15), st.just("<img src=x onerror=alert(1)>")), max_size=3),
              st.lists(st.integers(0, 100), max_size=40)).map(lambda t: ("json", t))),
    ext=st.sampled_from([".geojson", ".json"]))
def test_mutated_geojson(template, choice, ext):
    kind, payload = choice
    data = _mutate(VALID_GEOJSON, payload) if kind == "bytes" else _geojson_variant(*payload)
    _check(template, data, f"grenzen{ext}")


# --------------------------------------------------------------------------- large inputs (above 3,000 bytes)

def _repeated(seed: bytes, size: int) -> bytes:
    """``seed`` repeated to ``size`` bytes: large inputs without a large hypothesis buffer."""
    return (seed * (size // max(len(seed), 1) + 1))[:size] if seed else bytes(size)


BIG_CSV = VALID_CSV + b"".join(b"Hamme;%d;einwohner;%d\n" % (2000 + i % 25, 1000 + i) for i in range(300))


@SETTINGS
@given(choice=st.one_of(
    st.tuples(st.binary(max_size=200), st.integers(LARGE, 40_000)).map(lambda t: ("repeat", t)),
    MUTATIONS.map(lambda ops: ("csv", ops))),
    ext=st.sampled_from(EXTENSIONS))
def test_large_inputs(template, choice, ext):
    kind, payload = choice
    data = _repeated(*payload) if kind == "repeat" else _mutate(BIG_CSV, payload)
    assert len(data) >= LARGE or kind == "csv"
    _check(template, data, f"gross{ext}")


# --------------------------------------------------------------------------- ZIP in ZIP

def _zipped(name: str, data: bytes, stored: bool) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


INNER = st.one_of(MUTATIONS.map(lambda ops: _mutate(VALID_CSV, ops)),
                  st.integers(LARGE, 2_000_000).map(bytes),          # zeros: compresses ~1000:1
                  st.just(BIG_CSV), st.just(VALID_XLSX))


@CONTAINER_SETTINGS
@given(inner=INNER, names=st.lists(st.sampled_from(["daten.csv", "innen.zip", "tabelle.xlsx", "x.shp", "a.txt"]),
                                   min_size=2, max_size=4),
       stored=st.lists(st.booleans(), min_size=4, max_size=4), outer=st.sampled_from([".csv", ".zip", ".txt", ".xlsx"]))
def test_zip_in_zip(template, inner, names, stored, outer):
    data = inner
    for name, flat in zip(names, stored):      # innermost first; each archive wraps the one before
        data = _zipped(name, data, flat)
    _check(template, data, f"verschachtelt{outer}")


# --------------------------------------------------------------------------- XLSX with odd sheet XML

SHEET = "xl/worksheets/sheet1.xml"
DIMENSIONS = ["A1:XFD1048576", "A1:D1048576", "A1:XFD1", "A1:D5", "D5:A1", "A0:B2", "ZZZZ1:A1", "A1:", "", "A1:D9" * 50]


def _xlsx_with_sheet(sheet: bytes) -> bytes:
    """The valid workbook with its first sheet's XML replaced."""
    source = zipfile.ZipFile(io.BytesIO(VALID_XLSX))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, sheet if item.filename == SHEET else source.read(item))
    return buffer.getvalue()


def _sheet_xml(dimension: str, extra_rows: int, row_start: int) -> bytes:
    """The valid sheet with a chosen declared dimension and many extra rows (large files)."""
    xml = zipfile.ZipFile(io.BytesIO(VALID_XLSX)).read(SHEET).decode()
    xml = re.sub(r'<dimension ref="[^"]*"/>', lambda _m: f'<dimension ref="{dimension}"/>', xml)
    areas = ["Hamme", "Grumme", "Stiepel"]
    rows = "".join(f'<row r="{row_start + i}"><c r="A{row_start + i}" t="inlineStr"><is><t>{areas[i % 3]}</t>'
                   f'</is></c><c r="B{row_start + i}"><v>{2000 + i // 3 % 25}</v></c><c r="C{row_start + i}" t="inlineStr"><is>'
                   f'<t>einwohner</t></is></c><c r="D{row_start + i}"><v>{i}</v></c></row>'
                   for i in range(extra_rows))
    return xml.replace("</sheetData>", rows + "</sheetData>").encode()


@CONTAINER_SETTINGS
@given(dimension=st.one_of(st.sampled_from(DIMENSIONS), st.text(max_size=20)),
       extra_rows=st.integers(0, 400), row_start=st.sampled_from([5, 100, 1_048_000, 1_048_576, 2_000_000]),
       ops=st.one_of(st.just([]), MUTATIONS))
def test_xlsx_with_odd_sheet_xml(template, dimension, extra_rows, row_start, ops):
    dimension = re.sub(r'[<>&"\x00-\x1f\ud800-\udfff]', "", dimension)
    sheet = _mutate(_sheet_xml(dimension, extra_rows, row_start), ops)
    _check(template, _xlsx_with_sheet(sheet), "blatt.xlsx")


# --------------------------------------------------------------------------- Parquet

def _parquet() -> bytes:
    """A real Parquet file above 3,000 bytes whose text columns are dictionary-encoded."""
    import pandas as pd

    n = 400
    frame = pd.DataFrame({"Ortsteil": [["Hamme", "Grumme", "Stiepel"][i % 3] for i in range(n)],
                          "Jahr": [2010 + i % 13 for i in range(n)],
                          "Merkmal": [["arbeitslose", "einwohner"][i % 2] for i in range(n)],
                          "Wert": [float(i * 7 % 1000) for i in range(n)]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, use_dictionary=True, compression="snappy")
    return buffer.getvalue()


VALID_PARQUET = _parquet()
PARQUET_FOOTER = int.from_bytes(VALID_PARQUET[-8:-4], "little") + 8   # footer, its length and "PAR1"


def test_the_parquet_seed_is_large_and_dictionary_encoded():
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(io.BytesIO(VALID_PARQUET)).metadata
    assert len(VALID_PARQUET) > LARGE
    encodings = {meta.row_group(0).column(i).path_in_schema: meta.row_group(0).column(i).encodings
                 for i in range(meta.num_columns)}
    assert "RLE_DICTIONARY" in encodings["Ortsteil"] and "RLE_DICTIONARY" in encodings["Merkmal"]


@CONTAINER_SETTINGS
@given(ops=MUTATIONS, where=st.sampled_from(["anywhere", "pages", "footer"]))
def test_mutated_parquet(template, ops, where):
    body = len(VALID_PARQUET) - PARQUET_FOOTER
    if where == "anywhere":
        data = _mutate(VALID_PARQUET, ops)
    elif where == "pages":        # the data and dictionary pages; the footer stays valid
        data = _mutate(VALID_PARQUET[4:body], ops) + VALID_PARQUET[body:]
        data = VALID_PARQUET[:4] + data
    else:                          # the footer (Thrift metadata: counts, offsets, sizes)
        footer = _mutate(VALID_PARQUET[body:-8], [(p, op, c) for p, op, c in ops if op == "flip"] or ops[:1])
        data = VALID_PARQUET[:body] + footer + len(footer).to_bytes(4, "little") + b"PAR1"
    _check(template, data, "daten.parquet")


# --------------------------------------------------------------------------- GeoPackage

GPKG_CHANGES = [
    # a second layer that is an SQL view of the first, registered as features
    "CREATE VIEW sicht AS SELECT * FROM {layer}",
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('sicht', 'features', 'sicht', 4326)",
    "INSERT INTO gpkg_geometry_columns VALUES ('sicht', 'geom', 'POLYGON', 4326, 0, 0)",
    # a recursive view that never ends
    "CREATE VIEW endlos AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x AS fid, "
    "NULL AS geom FROM n",
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('endlos', 'features', 'endlos', 4326)",
    "UPDATE gpkg_contents SET table_name = 'endlos' WHERE table_name = '{layer}'",
    # layers that are not features, or point nowhere
    "UPDATE gpkg_contents SET data_type = 'attributes'",
    "UPDATE gpkg_contents SET data_type = 'tiles'",
    "DELETE FROM gpkg_geometry_columns",
    "DELETE FROM gpkg_contents",
    "UPDATE gpkg_contents SET table_name = 'nirgends'",
    "DROP TABLE {layer}",
    "UPDATE gpkg_geometry_columns SET geometry_type_name = 'POINT'",
    "UPDATE gpkg_geometry_columns SET srs_id = 99999",
    # odd features
    "UPDATE {layer} SET geom = randomblob(64) WHERE fid % 3 = 0",
    "UPDATE {layer} SET geom = NULL WHERE fid % 2 = 0",
    "UPDATE {layer} SET name = '<img src=x onerror=alert(1)>' WHERE fid = 1",
    "UPDATE {layer} SET name = NULL",
    "DELETE FROM {layer} WHERE fid > 3",
    "CREATE TABLE zweite AS SELECT * FROM {layer}",
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('zweite', 'features', 'zweite', 4326)",
]


@pytest.fixture(scope="module")
def valid_gpkg(tmp_path_factory) -> bytes:
    """The schematic Ortsteile as a GeoPackage written by the same library that reads uploads."""
    import geopandas as gpd

    path = tmp_path_factory.mktemp("gpkg") / "ortsteile.gpkg"
    gpd.read_file(SCHEMATIC_GEOMETRY_FILE).to_file(path, driver="GPKG", layer="ortsteile")
    return path.read_bytes()


def _gpkg_variant(valid: bytes, changes: list[int]) -> bytes:
    """The valid GeoPackage after some of GPKG_CHANGES (a change that does not apply is skipped)."""
    folder = Path(tempfile.mkdtemp(prefix="qm_gpkg_"))
    try:
        path = folder / "g.gpkg"
        path.write_bytes(valid)
        connection = sqlite3.connect(path)
        # the R-tree triggers call SpatiaLite functions plain SQLite does not have
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            connection.execute(f'DROP TRIGGER "{name}"')
        for i in changes:
            try:
                connection.execute(GPKG_CHANGES[i % len(GPKG_CHANGES)].format(layer="ortsteile"))
            except sqlite3.Error:
                pass
        connection.commit()
        connection.close()
        return path.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@SLOW_SETTINGS
@given(changes=st.lists(st.integers(0, len(GPKG_CHANGES) - 1), max_size=5), ops=st.one_of(st.just([]), MUTATIONS))
def test_odd_geopackages(template, valid_gpkg, changes, ops):
    _check(template, _mutate(_gpkg_variant(valid_gpkg, changes), ops), "grenzen.gpkg")
