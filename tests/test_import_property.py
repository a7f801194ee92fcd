"""Property-based: random and mutated CSV/XLSX/GeoJSON bytes never crash the importer or harm the store."""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators import store
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
                    r"Wert|Merkmal|Gebiet|unbekannt|fehlt|erlaubt)\b")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


def _check(template: Path, data: bytes, filename: str) -> None:
    """import_file never raises; accepted or rejected in German; a rejection leaves the store as it was."""
    work = Path(tempfile.mkdtemp(prefix="qm_prop_"))
    try:
        folder = work / "store"
        shutil.copytree(template, folder)
        before = store.store_fingerprint(folder)
        result = store.import_file(data, filename, store=folder)
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


@SETTINGS
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


@SETTINGS
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
