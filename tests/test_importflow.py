"""The import dialogue's pure functions: escaping, kind of upload, preview, mapping, matching, reports."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest

from indicators import store
from indicators.load import loaders
from indicators.load.validation import Problem
from indicators.paths import SCHEMATIC_GEOMETRY_FILE
from indicators.store import importflow

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_LINK = "[x](javascript:alert(1))"
LONG_CSV = (b"Ortsteil;Jahr;Merkmal;Wert\n"
            b"Krupwerke;2024;langzeitarbeitslose;1.234\n"
            b"Hamme;2024;langzeitarbeitslose;900\n"
            b"Summe;2024;langzeitarbeitslose;2.134\n")


# --------------------------------------------------------------------------- md_escape

def test_md_escape_turns_an_html_tag_into_text():
    assert importflow.md_escape(XSS_NAME) == "&lt;img src\\=x onerror\\=alert\\(1\\)&gt;"


def test_md_escape_turns_a_markdown_link_into_text():
    assert importflow.md_escape(XSS_LINK) == "\\[x\\]\\(javascript\\:alert\\(1\\)\\)"


@pytest.mark.parametrize("text, expected", [
    ("Kruppwerke", "Kruppwerke"),
    ("Wattenscheid-Mitte", "Wattenscheid\\-Mitte"),
    ("a & b", "a &amp; b"),
    ('"x" \'y\'', "&quot;x&quot; &#x27;y&#x27;"),
    ("*fett* _kursiv_ `code`", "\\*fett\\* \\_kursiv\\_ \\`code\\`"),
    ("$x$ :red[rot] ~~weg~~ | #", "\\$x\\$ \\:red\\[rot\\] \\~\\~weg\\~\\~ \\| \\#"),
    ("Zeile 1\nZeile 2\r\n# Titel", "Zeile 1 Zeile 2 \\# Titel"),
    ("a\\b", "a\\\\b"),
    ("nul\x00l", "null"),
    (12.5, "12\\.5"),
])
def test_md_escape_exact(text, expected):
    assert importflow.md_escape(text) == expected


def test_md_escape_leaves_no_raw_tag_or_link_syntax():
    escaped = importflow.md_escape(XSS_NAME + XSS_LINK + "<script>alert(1)</script>")
    assert "<" not in escaped and ">" not in escaped
    assert "](" not in escaped


# --------------------------------------------------------------------------- kind of upload

def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("data, name, kind", [
    (LONG_CSV, "bochum.csv", importflow.KIND_TABLE),
    (LONG_CSV, "bochum.TXT", importflow.KIND_TABLE),
    (b'{"type": "FeatureCollection", "features": []}', "ot.geojson", importflow.KIND_BOUNDARIES),
    (b'{"type": "FeatureCollection", "features": []}', "ot.json", importflow.KIND_BOUNDARIES),
    (b'{"a": 1}', "werte.json", importflow.KIND_UNSUPPORTED),
    (_zip({"ot.shp": b"x", "ot.dbf": b"x"}), "ot.zip", importflow.KIND_BOUNDARIES),
    (b"statistics_code;statistics_label\n", "12411-01-01-4_flat.csv", importflow.KIND_GENESIS_FFCSV),
    (b"x", "alt.xls", importflow.KIND_UNSUPPORTED),
    (b"x", "ot.shp", importflow.KIND_UNSUPPORTED),
])
def test_detect_kind(data, name, kind):
    assert importflow.detect_kind(data, name) == kind


def test_file_problems_use_the_stores_german_messages():
    assert [p.message for p in importflow.file_problems(b"", "leer.csv", importflow.KIND_TABLE)] == [
        "Die Datei „leer.csv“ ist leer. Bitte die richtige Datei auswählen."]
    assert [p.message for p in importflow.file_problems(b"x", "alt.xls", importflow.KIND_UNSUPPORTED)] == [
        "„alt.xls“ ist im alten Excel-Format (.xls). Bitte in Excel als „Excel-Arbeitsmappe (.xlsx)“ "
        "speichern und erneut hochladen."]


def test_file_problems_refuse_a_table_over_the_stores_limit(monkeypatch):
    monkeypatch.setattr(store, "MAX_TABLE_BYTES", 1024)
    problems = importflow.file_problems(b"x" * 2048, "gross.csv", importflow.KIND_TABLE)
    assert [p.message for p in problems] == [
        "Die Datei „gross.csv“ ist 2 KB groß; für Tabellen sind höchstens 1 KB erlaubt. Bitte die Datei "
        "aufteilen oder nur die benötigten Gebiete und Jahre exportieren."]


def test_size_text():
    assert importflow.size_text(100) == "100 Bytes"
    assert importflow.size_text(1536) == "1,5 KB"


def test_upload_token_changes_with_content_and_name():
    token = importflow.upload_token(b"a", "x.csv")
    assert len(token) == 16
    assert token == importflow.upload_token(b"a", "x.csv")
    assert token != importflow.upload_token(b"b", "x.csv")
    assert token != importflow.upload_token(b"a", "y.csv")


# --------------------------------------------------------------------------- preview and mapping

def test_read_preview_of_a_long_csv():
    preview = importflow.read_preview(LONG_CSV, "bochum.csv")
    assert preview.ok and preview.problems == []
    assert list(preview.raw.columns) == ["Ortsteil", "Jahr", "Merkmal", "Wert"]
    assert preview.raw.iloc[0].tolist() == ["Krupwerke", "2024", "langzeitarbeitslose", "1.234"]
    info = preview.info
    assert (info.encoding, info.separator, info.layout, info.n_rows, info.header_row) == ("utf-8", ";", "long", 3, 1)
    assert info.column_map == {"Ortsteil": "area", "Jahr": "year", "Merkmal": "variable", "Wert": "value"}


def test_read_preview_of_a_cp1252_years_across_table():
    data = "Stadtteil,2022,2023\nHöntrop,\"1.100,5\",\"1.200,0\"\n".encode("cp1252")
    preview = importflow.read_preview(data, "jahre.csv")
    assert (preview.info.encoding, preview.info.separator, preview.info.layout) == ("cp1252", ",", "years_across")
    assert preview.info.column_map == {"Stadtteil": "area", "2022": "2022", "2023": "2023"}
    assert importflow.needs_variable(preview.info.layout, preview.info.column_map)
    assert importflow.decimal_mark(preview.raw, preview.info.column_map, preview.info.layout) == ","


def test_read_preview_of_a_broken_xlsx_gives_the_stores_message():
    preview = importflow.read_preview(b"PK\x03\x04kaputt", "daten.xlsx")
    assert not preview.ok
    assert [p.message for p in preview.problems] == [
        "„daten.xlsx“ ist kein gültiges ZIP-Archiv (auch XLSX-Dateien sind ZIP-Archive). Bitte die Datei neu "
        "exportieren oder neu packen."]


def test_decimal_mark_of_english_numbers():
    raw = pd.DataFrame({"Ortsteil": ["Hamme"], "Jahr": ["2024"], "Quote": ["12.5"]}, dtype="str")
    cmap = {"Ortsteil": "area", "Jahr": "year", "Quote": "arbeitslose"}
    assert importflow.value_columns(cmap, "wide") == ["Quote"]
    assert importflow.decimal_mark(raw, cmap, "wide") == "."


def test_target_options_and_labels():
    variables = ["einwohner", "arbeitslose"]
    assert importflow.target_options("area", variables) == [
        "area", "year", "variable", "value", "ignore", "einwohner", "arbeitslose"]
    assert importflow.target_options("2019", variables) == [
        "area", "year", "variable", "value", "ignore", "2019", "einwohner", "arbeitslose"]
    assert importflow.target_options("arbeitslose", variables)[-2:] == ["einwohner", "arbeitslose"]
    titles = {"arbeitslose": "Arbeitslose"}
    assert importflow.target_label("area", titles) == "Ortsteil"
    assert importflow.target_label("ignore", titles, "en") == "ignore"
    assert importflow.target_label("2019", titles) == "Werte des Jahres 2019"
    assert importflow.target_label("arbeitslose", titles) == "Arbeitslose (arbeitslose)"
    assert importflow.target_label("fantasie", titles) == "unbekanntes Merkmal: fantasie"


def test_changed_map_and_layout_needs():
    detected = {"Ortsteil": "area", "Jahr": "year", "AL": "al"}
    assert importflow.changed_map(detected, {"AL": "arbeitslose", "Fremd": "year"}) == {
        "Ortsteil": "area", "Jahr": "year", "AL": "arbeitslose"}
    assert not importflow.needs_variable("wide", detected)
    assert not importflow.needs_variable("years_across", {"Gebiet": "area", "Merkmal": "variable", "2019": "2019"})
    assert importflow.area_column(detected) == "Ortsteil"
    assert importflow.area_column({"Jahr": "year"}) is None


def test_table_options_drop_unassigned_names():
    options = importflow.table_options({"A": "area"}, {"Krupwerke": "kruppwerke", "Atlantis": None}, "", "long")
    assert options == {"column_map": {"A": "area"}, "area_overrides": {"Krupwerke": "kruppwerke"},
                       "variable": None, "layout": "long"}
    assert importflow.table_options({}, {"x": None}, None, None)["area_overrides"] is None


# --------------------------------------------------------------------------- Ortsteil matching

def test_area_names_in_file_order_without_blanks_and_footnotes():
    raw = pd.DataFrame({"Ortsteil": [" Hamme ", "", "Quelle: Stadt Bochum", "Hamme", "Krupwerke"]}, dtype="str")
    assert importflow.area_names_in(raw, "Ortsteil") == ["Hamme", "Krupwerke"]
    assert importflow.area_names_in(raw, None) == []


def test_match_areas_with_candidates_totals_and_assignments():
    names = ["Krupwerke", "Hamme", "Summe", "Bochum-Mitte", "Atlantis", "015"]
    result = importflow.match_areas(names)
    assert result.matched == {"Hamme": "hamme", "015": "kruppwerke"}  # the published Ortsteil code
    assert [(u.name, u.candidate_ids) for u in result.unmatched] == [
        ("Krupwerke", ["kruppwerke", "werne", "riemke"]), ("Atlantis", [])]
    assert result.totals == ["Summe", "Bochum-Mitte"]
    assert not result.ok
    assigned = importflow.match_areas(names, {"Krupwerke": "kruppwerke", "Atlantis": "stiepel"})
    assert assigned.ok
    assert assigned.matched["Krupwerke"] == "kruppwerke" and assigned.matched["Atlantis"] == "stiepel"


def test_an_assignment_to_an_unknown_id_is_ignored():
    result = importflow.match_areas(["Krupwerke"], {"Krupwerke": "atlantis"})
    assert [u.name for u in result.unmatched] == ["Krupwerke"]


def test_assignment_options_put_candidates_first():
    item = importflow.Unmatched("Krupwerke", ["kruppwerke", "werne", "riemke"])
    options = importflow.assignment_options(item)
    assert options[:4] == [None, "kruppwerke", "werne", "riemke"]
    assert len(options) == 31 and len(set(options)) == 31


def test_matched_frame():
    frame = importflow.matched_frame(importflow.match_areas(["Krupwerke", "hamme"], {"Krupwerke": "kruppwerke"}))
    assert frame.to_dict("list") == {"Name in der Datei": ["Krupwerke", "hamme"],
                                     "Ortsteil": ["Kruppwerke", "Hamme"]}


# --------------------------------------------------------------------------- reports, source, versions

def test_problem_frame_and_split():
    problems = [Problem("a.csv", 3, "Wert", "Der Wert 'x' ist keine Zahl."),
                Problem("a.csv", None, None, "Die Zeile 'Quelle' wird übersprungen.", "warning")]
    errors, warnings = importflow.split_problems(problems)
    assert (len(errors), len(warnings)) == (1, 1)
    assert importflow.problem_frame(problems).to_dict("list") == {
        "Zeile": ["3", "–"], "Spalte": ["Wert", "–"],
        "Meldung": ["Der Wert 'x' ist keine Zahl.", "Die Zeile 'Quelle' wird übersprungen."]}
    assert list(importflow.problem_frame([], "en").columns) == ["Row", "Column", "Message"]


def test_source_meta():
    assert importflow.source_meta(" Sozialdaten 2024 ", "Stadt Bochum", dt.date(2024, 12, 31), "") == {
        "title": "Sozialdaten 2024", "publisher": "Stadt Bochum", "reference_date": "2024-12-31"}
    assert importflow.source_meta("", None, None, None) == {}


VERSIONS = [
    {"version": "0001", "created": "2026-11-25T20:01:02+01:00", "file": "a.csv", "description": "3 Werte",
     "active": False},
    {"version": "0002", "created": "2026-11-25T20:05:00+01:00", "file": "b.geojson", "description": "Grenzen",
     "active": True},
]


def test_versions_frame_newest_first():
    assert importflow.versions_frame(VERSIONS).to_dict("list") == {
        "Version": ["0002", "0001"], "Erstellt": ["2026-11-25 20:05:00", "2026-11-25 20:01:02"],
        "Datei": ["b.geojson", "a.csv"], "Beschreibung": ["Grenzen", "3 Werte"], "Aktiv": ["ja", ""]}


def test_restore_choices():
    assert importflow.restore_choices(VERSIONS) == ["0001", "demo"]
    demo_active = [{**v, "active": False} for v in VERSIONS]
    assert importflow.restore_choices(demo_active) == ["0002", "0001"]
    assert importflow.restore_choices([]) == []


# --------------------------------------------------------------------------- boundaries

def test_preview_boundaries_of_the_schematic_map_in_epsg_25832(tmp_path):
    import geopandas as gpd

    path = tmp_path / "ot.geojson"
    gpd.read_file(SCHEMATIC_GEOMETRY_FILE).to_crs(25832).to_file(path, driver="GeoJSON")
    result, problems = importflow.preview_boundaries(path.read_bytes(), "ot.geojson")
    assert problems == []
    assert len(result.gdf) == 30
    assert result.report.lines() == [
        "30 Flächen gelesen aus ot.geojson (Koordinatensystem EPSG:25832), Namensfeld „name“.",
        "30 von 30 Ortsteilen haben eine Fläche."]


def test_preview_boundaries_refuses_a_zip_with_a_parent_path():
    result, problems = importflow.preview_boundaries(_zip({"../ot.shp": b"x"}), "ot.zip")
    assert result is None
    assert "„..“ im Pfad" in problems[0].message


def test_counts_preview_of_an_unreadable_genesis_file_is_none():
    assert importflow.counts_preview(b"statistics_code;kaputt\n", "x_flat.csv", importflow.KIND_GENESIS_FFCSV) is None


def test_layouts_cover_the_loader():
    assert set(loaders.LAYOUTS) == {"long", "wide", "years_across"}
