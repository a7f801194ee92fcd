"""The user's data store: versions, merge of imports, history, restore, unchanged store on failure."""

from __future__ import annotations

import errno
import json
import math

import pandas as pd
import pytest

from indicators import store
from indicators.paths import DATA_DIR, DATA_DIR_ENV, SCHEMATIC_GEOMETRY_FILE

FIRST_CSV = (
    "Ortsteil;Jahr;Merkmal;Wert\n"
    "Hamme;2022;arbeitslose;1.234\n"
    "Hamme;2022;langzeitarbeitslose;567\n"
    "Querenburg;2023;einwohner;15.389\n"
)
SECOND_CSV = (
    "Ortsteil;Jahr;Merkmal;Wert\n"
    "Hamme;2022;arbeitslose;1.300\n"
    "Hamme;2023;arbeitslose;1.200\n"
)
BAD_CSV = (
    "Ortsteil;Jahr;Merkmal;Wert\n"
    "Hamme;2022;arbeitslose;-5\n"
    "Atlantis;2022;arbeitslose;100\n"
)


def only_audit_log(data_dir) -> bool:
    """The store folder holds nothing but the audit log, which records the rejected attempt."""
    return sorted(p.name for p in data_dir.iterdir()) == [".audit.lock", "audit.jsonl"]


def _write(folder, name: str, text: str, encoding: str = "utf-8"):
    """A file in the test's folder."""
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def _sorted(counts: pd.DataFrame) -> list[tuple]:
    """Counts as sorted plain tuples, for exact comparison."""
    rows = counts.sort_values(["area_id", "year", "variable"])[store.COUNT_COLUMNS]
    return [tuple(r) for r in rows.itertuples(index=False)]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty store folder set through QUARTIERSMONITOR_DATA_DIR."""
    folder = tmp_path / "store"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def first(tmp_path, data_dir):
    """A store with one import (version 0001)."""
    result = store.import_file(_write(tmp_path, "bochum_2022.csv", FIRST_CSV), "bochum_2022.csv",
                               {"title": "Sozialdaten 2022", "publisher": "Stadt Bochum",
                                "reference_date": "2022-12-31", "licence": "dl-de/by-2-0"})
    assert result.ok, result.message
    return result


def test_empty_store_shows_demo_only(data_dir):
    assert store.load_imported_counts().empty
    assert list(store.load_imported_counts().columns) == store.COUNT_COLUMNS
    assert store.imported_sources() == {}
    assert store.current_boundaries_file() is None
    assert store.list_versions() == []
    assert store.active_version() == "demo"
    assert not data_dir.exists()


def test_first_import_creates_version_0001(first, data_dir):
    assert first.version == "0001"
    assert first.n_values == 3
    # the six notes name the demo values left empty beside the imported ones (store/inuse.py)
    assert first.message == ("„bochum_2022.csv“ importiert: 3 Werte (3 Variablen, 2 Gebiete, 2022–2023) "
                             "als Version 0001. 6 Hinweise, siehe Liste.")
    assert (data_dir / "CURRENT").read_text() == "0001\nlatest 0001\n"
    assert sorted(p.name for p in (data_dir / "versions" / "0001").iterdir()) == [
        "counts.parquet", "manifest.json", "sources.json"]
    assert _sorted(store.load_imported_counts()) == [
        ("hamme", 2022, "arbeitslose", 1234.0, "", "import_0001"),
        ("hamme", 2022, "langzeitarbeitslose", 567.0, "", "import_0001"),
        ("querenburg", 2023, "einwohner", 15389.0, "", "import_0001"),
    ]
    counts = store.load_imported_counts()
    assert [str(t) for t in counts.dtypes] == ["str", "int64", "str", "float64", "str", "str"]


def test_source_of_import_is_recorded(first):
    sources = store.imported_sources()
    assert list(sources) == ["import_0001"]
    entry = sources["import_0001"]
    assert entry["title"] == {"de": "Sozialdaten 2022", "en": "Sozialdaten 2022"}
    assert entry["publisher"] == "Stadt Bochum"
    assert entry["reference_date"] == "2022-12-31"
    assert entry["licence"] == "dl-de/by-2-0"
    assert entry["url"] is None
    assert entry["kind"] == "imported"
    assert entry["file"] == "bochum_2022.csv"
    assert entry["content"] == "counts"
    assert entry["imported_at"][:2] == "20"


def test_second_import_overrides_and_merges(first, tmp_path):
    result = store.import_file(_write(tmp_path, "nachtrag.csv", SECOND_CSV), "nachtrag.csv",
                               {"source_id": "stadt_2023"})
    assert result.ok, result.message
    assert result.version == "0002"
    assert _sorted(store.load_imported_counts()) == [
        ("hamme", 2022, "arbeitslose", 1300.0, "", "stadt_2023"),
        ("hamme", 2022, "langzeitarbeitslose", 567.0, "", "import_0001"),
        ("hamme", 2023, "arbeitslose", 1200.0, "", "stadt_2023"),
        ("querenburg", 2023, "einwohner", 15389.0, "", "import_0001"),
    ]
    assert sorted(store.imported_sources()) == ["import_0001", "stadt_2023"]
    manifest = json.loads((store.store_dir() / "versions" / "0002" / "manifest.json").read_text())
    assert manifest["parent"] == "0001"
    assert manifest["n_values"] == 2
    assert manifest["n_replaced"] == 1
    assert manifest["n_counts_total"] == 4
    assert manifest["variables"] == ["arbeitslose"]
    assert manifest["years"] == [2022, 2023]


def test_a_source_whose_values_were_all_replaced_is_dropped(first, tmp_path):
    full = FIRST_CSV.replace("1.234", "1.000")
    result = store.import_file(_write(tmp_path, "neu.csv", full), "neu.csv")
    assert result.ok, result.message
    assert list(store.imported_sources()) == ["import_0002"]
    assert store.imported_sources()["import_0002"]["title"]["de"] == "Import aus neu.csv"


def test_list_versions(first, tmp_path):
    store.import_file(_write(tmp_path, "nachtrag.csv", SECOND_CSV), "nachtrag.csv")
    versions = store.list_versions()
    assert [(v["version"], v["file"], v["active"], v["kind"], v["n_values"], v["parent"]) for v in versions] == [
        ("0001", "bochum_2022.csv", False, "counts", 3, "demo"),
        ("0002", "nachtrag.csv", True, "counts", 2, "0001"),
    ]
    assert versions[0]["description"] == ("3 Werte (3 Variablen, 2 Gebiete, 2022–2023) "
                                          "aus „bochum_2022.csv“")
    assert versions[1]["description"] == "2 Werte (1 Variable, 1 Gebiet, 2022–2023) aus „nachtrag.csv“"
    assert versions[0]["created"][:2] == "20"


def test_restore_to_earlier_version_to_demo_and_forward_again(first, tmp_path):
    store.import_file(_write(tmp_path, "nachtrag.csv", SECOND_CSV), "nachtrag.csv")
    store.restore("0001")
    assert store.active_version() == "0001"
    assert _sorted(store.load_imported_counts())[0] == ("hamme", 2022, "arbeitslose", 1234.0, "", "import_0001")
    assert len(store.load_imported_counts()) == 3
    assert [v["active"] for v in store.list_versions()] == [True, False]

    store.restore("demo")
    assert store.load_imported_counts().empty
    assert store.imported_sources() == {}
    assert [v["active"] for v in store.list_versions()] == [False, False]
    assert (store.store_dir() / "CURRENT").read_text() == "demo\nlatest 0002\n"

    store.restore("2")  # forward again; '2' means '0002'
    assert store.active_version() == "0002"
    assert len(store.load_imported_counts()) == 4


def test_import_after_restore_builds_on_the_active_version(first, tmp_path):
    store.import_file(_write(tmp_path, "nachtrag.csv", SECOND_CSV), "nachtrag.csv")
    store.restore("demo")
    result = store.import_file(_write(tmp_path, "nachtrag.csv", SECOND_CSV), "nachtrag.csv")
    assert result.version == "0003"
    assert len(store.load_imported_counts()) == 2
    assert [v["parent"] for v in store.list_versions()] == ["demo", "0001", "demo"]


def test_restore_unknown_version_is_refused_in_german(first):
    before = store.store_fingerprint()
    with pytest.raises(store.StoreError) as err:
        store.restore("0007")
    assert str(err.value) == "Die Version „0007“ gibt es nicht. Vorhandene Versionen: 0001, demo."
    assert store.store_fingerprint() == before


def test_restore_on_an_empty_store_creates_nothing_but_the_audit_log(data_dir):
    empty = store.store_fingerprint()
    store.restore("demo")
    with pytest.raises(store.StoreError, match="^Die Version „0001“ gibt es nicht. Vorhandene Versionen: demo.$"):
        store.restore("1")
    # both attempts are logged (indicators/store/audit.py); no CURRENT, no versions folder, no lock of the store
    assert sorted(p.name for p in data_dir.iterdir()) == [".audit.lock", "audit.jsonl"]
    assert store.store_fingerprint() == empty


def test_invalid_file_is_rejected_and_store_unchanged(first, tmp_path, data_dir):
    before = store.store_fingerprint()
    result = store.import_file(_write(tmp_path, "fehler.csv", BAD_CSV), "fehler.csv")
    assert not result.ok
    assert result.version is None
    assert result.n_values == 0
    assert result.message.startswith("„fehler.csv“ wurde nicht importiert. Zeile ")
    assert result.message.endswith("Der Datenbestand ist unverändert.")
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) >= 2
    assert {p.row for p in errors} >= {2, 3}
    assert store.store_fingerprint() == before
    assert sorted(p.name for p in (data_dir / "versions").iterdir()) == ["0001"]


def test_invalid_file_into_empty_store_creates_no_folder(tmp_path, data_dir):
    result = store.import_file(_write(tmp_path, "fehler.csv", BAD_CSV), "fehler.csv")
    assert not result.ok
    assert only_audit_log(data_dir)


def test_validate_file_reports_without_touching_the_store(tmp_path, data_dir):
    problems = store.validate_file(_write(tmp_path, "fehler.csv", BAD_CSV), "fehler.csv")
    assert all(p.file == "fehler.csv" for p in problems)
    assert any(p.severity == "error" and p.row == 2 for p in problems)
    notes = store.validate_file(_write(tmp_path, "ok.csv", FIRST_CSV), "ok.csv")
    assert [p.severity for p in notes] == ["warning"] * 6  # demo values left empty, as the import reports
    assert notes[0].message.startswith("Für Hamme 2022 fehlt „Arbeitslose ohne abgeschlossene Berufsausbildung“")
    assert not data_dir.exists()


def test_bytes_upload_is_imported_like_a_file(data_dir):
    result = store.import_counts_file(FIRST_CSV.encode("cp1252"), "upload.csv")
    assert result.ok, result.message
    assert len(store.load_imported_counts()) == 3


def test_empty_file_is_rejected(tmp_path, data_dir):
    result = store.import_file(b"", "leer.csv")
    assert result.message == ("„leer.csv“ wurde nicht importiert. Die Datei „leer.csv“ ist leer. "
                              "Bitte die richtige Datei auswählen. Der Datenbestand ist unverändert.")


def test_header_only_file_is_rejected(data_dir):
    result = store.import_file(b"Ortsteil;Jahr;Merkmal;Wert\n", "kopf.csv")
    assert not result.ok
    assert "Der Datenbestand ist unverändert." in result.message
    assert only_audit_log(data_dir)


def test_unsupported_type_is_rejected(data_dir):
    result = store.import_file(b"MZ\x90\x00", "tool.exe")
    assert result.message == ("„tool.exe“ wurde nicht importiert. Der Dateityp „.exe“ von „tool.exe“ wird nicht "
                              "unterstützt. Unterstützt werden Zähltabellen als CSV, TXT, XLSX oder Parquet (auch "
                              "GENESIS- und BA-Exporte), Gebietsgrenzen als GeoJSON, GeoPackage oder ZIP mit "
                              "Shapefile. Der Datenbestand ist unverändert.")
    old_excel = store.import_file(b"\xd0\xcf\x11\xe0", "alt.xls")
    assert "„Excel-Arbeitsmappe (.xlsx)“" in old_excel.message


def test_json_that_is_not_geojson_is_rejected(data_dir):
    result = store.import_file(b'{"a": 1}', "daten.json")
    assert result.message == ("„daten.json“ wurde nicht importiert. „daten.json“ ist keine GeoJSON-Datei. JSON "
                              "wird nur für Gebietsgrenzen (GeoJSON) angenommen; Zähltabellen bitte als CSV oder "
                              "XLSX hochladen. Der Datenbestand ist unverändert.")


def test_write_error_leaves_store_unchanged(first, tmp_path, data_dir, monkeypatch):
    before = store.store_fingerprint()

    def disk_full(path, obj):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "_write_json", disk_full)
    result = store.import_file(_write(tmp_path, "nachtrag.csv", SECOND_CSV), "nachtrag.csv")
    assert not result.ok
    assert result.message.startswith("„nachtrag.csv“ konnte nicht gespeichert werden (technischer Hinweis: "
                                     "OSError: [Errno 28] No space left on device). Der Datenbestand ist "
                                     "unverändert. Bitte Speicherplatz und Schreibrechte")
    assert store.store_fingerprint() == before
    assert sorted(p.name for p in (data_dir / "versions").iterdir()) == ["0001"]
    assert sorted(p.name for p in data_dir.iterdir()) == [".audit.lock", ".lock", "CURRENT", "audit.jsonl", "versions"]


def test_error_after_rename_removes_the_orphan_version(first, tmp_path, data_dir, monkeypatch):
    before = store.store_fingerprint()

    def broken(*args):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(store, "_write_current", broken)
    result = store.import_file(_write(tmp_path, "nachtrag.csv", SECOND_CSV), "nachtrag.csv")
    assert not result.ok
    assert store.store_fingerprint() == before
    assert sorted(p.name for p in (data_dir / "versions").iterdir()) == ["0001"]


def test_merge_counts_replaces_same_key_only():
    old = pd.DataFrame({"area_id": ["hamme", "hamme"], "year": [2022, 2023], "variable": ["einwohner"] * 2,
                        "value": [10.0, 11.0], "flag": ["", ""], "source_id": ["a", "a"]})
    new = pd.DataFrame({"area_id": ["hamme", "grumme"], "year": [2023, 2023], "variable": ["einwohner"] * 2,
                        "value": [math.nan, 5.0], "flag": ["suppressed", ""], "source_id": ["b", "b"]})
    merged = store.merge_counts(old, new)
    assert [tuple(r) for r in merged.fillna(-1).itertuples(index=False)] == [
        ("hamme", 2022, "einwohner", 10.0, "", "a"),
        ("hamme", 2023, "einwohner", -1.0, "suppressed", "b"),
        ("grumme", 2023, "einwohner", 5.0, "", "b"),
    ]


def test_pipeline_uses_the_store(first):
    from indicators.build import pipeline

    assert len(pipeline.load_imported_counts()) == 3


def test_boundaries_import_keeps_counts_and_adds_geometry(first, data_dir):
    from indicators.geometry import read_geojson

    before_counts = _sorted(store.load_imported_counts())
    result = store.import_file(SCHEMATIC_GEOMETRY_FILE.read_bytes(), "ortsteile.geojson",
                               {"title": "Ortsteilgrenzen"})
    assert result.ok, result.message
    assert result.version == "0002"
    assert result.n_values == 30
    assert result.message == "Gebietsgrenzen aus „ortsteile.geojson“ importiert: 30 Flächen als Version 0002."
    path = store.current_boundaries_file()
    assert path == data_dir / "versions" / "0002" / "boundaries.geojson"
    assert len(read_geojson(path, "official")) == 30
    assert _sorted(store.load_imported_counts()) == before_counts
    assert sorted(store.imported_sources()) == ["import_0001", "import_0002"]
    assert store.imported_sources()["import_0002"]["content"] == "boundaries"
    # a later count import keeps the boundaries of the version it builds on
    store.import_counts_file(SECOND_CSV.encode(), "nachtrag.csv")
    assert store.current_boundaries_file() == data_dir / "versions" / "0003" / "boundaries.geojson"
    store.restore("0001")
    assert store.current_boundaries_file() is None


def test_fingerprint_changes_with_every_version_and_restore(first, tmp_path):
    a = store.store_fingerprint()
    store.import_file(_write(tmp_path, "nachtrag.csv", SECOND_CSV), "nachtrag.csv")
    b = store.store_fingerprint()
    store.restore("0001")
    c = store.store_fingerprint()
    assert len({a, b, c}) == 3
    store.restore("0001")  # restoring the active version writes nothing
    assert store.store_fingerprint() == c


def test_genesis_table_is_read_by_the_genesis_reader(data_dir):
    path = DATA_DIR / "kreise" / "12411-02-03-4.csv"
    result = store.import_file(path.read_bytes(), path.name)
    assert result.ok, result.message
    assert result.info["format"] == "genesis_table"
    assert result.n_values == 102
    counts = store.load_imported_counts()
    bochum = counts[counts["area_id"] == "ags_05911"].sort_values("variable")
    assert list(zip(bochum["variable"], bochum["value"])) == [
        ("einwohner", 364742.0), ("einwohner_15_24", 42062.0), ("einwohner_15_64", 242506.0),
        ("einwohner_u15", 42577.0), ("einwohner_u18", 52209.0), ("einwohner_u65", 285083.0)]


def test_genesis_flat_file_with_part_larger_than_whole_is_rejected(tmp_path, data_dir):
    from indicators.load.genesis import generate_ffcsv

    path = generate_ffcsv(500, tmp_path / "13211-02-05-4_flat.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    # make every long-term unemployed count larger than any total of unemployed
    tampered = [";".join(f[:13] + ["9999999"] + f[14:]) if f[11] == "LANGZ" else line
                for line in lines for f in [line.split(";")]]
    result = store.import_file(("\n".join(tampered) + "\n").encode("utf-8-sig"), path.name)
    assert not result.ok
    assert result.message.startswith("„13211-02-05-4_flat.csv“ wurde nicht importiert. Langzeitarbeitslose (")
    assert "Zeile" not in result.message  # the counts are sums of cells: no row to name
    assert only_audit_log(data_dir)


BA_CSV = "\n".join([
    "Arbeitsmarktdaten in kleinräumiger Gliederung – Stadt Bochum;;;;",
    "Berichtsmonat;Gemeinde;Gebiet;Name;Arbeitslose insgesamt;Langzeitarbeitslose",
    "2023-12;05911000;001016000;Hamme;700;300",
    "2023-12;05911000;004040000;Querenburg;950;*",
    "2023-12;05911000;SUMSUMSUM;Bochum;1650;310",
]) + "\n"


def test_ba_delivery_is_read_by_the_ba_reader(data_dir):
    result = store.import_file(BA_CSV.encode("utf-8"), "ba_2023.csv")
    assert result.ok, result.message
    assert result.info["format"] == "ba_smallarea"
    counts = store.load_imported_counts().fillna(-1)
    assert _sorted(counts) == [
        ("hamme", 2023, "arbeitslose", 700.0, "", "import_0001"),
        ("hamme", 2023, "langzeitarbeitslose", 300.0, "", "import_0001"),
        ("querenburg", 2023, "arbeitslose", 950.0, "", "import_0001"),
        ("querenburg", 2023, "langzeitarbeitslose", -1.0, "suppressed", "import_0001"),
    ]
    assert [(p.severity, p.message) for p in result.problems] == [(
        "warning", "ba_2023.csv, Zeile 5: Summenzeile SUMSUMSUM (Bochum), 'langzeitarbeitslose', 2023: Teile "
                   "ergeben 300, Summenzeile 310 (Differenz 10). 1 Zelle(n) mit * (je 1 bis 9) verdecken 1 bis 9: "
                   "Differenz nicht vollständig erklärbar."), (
        "warning", "Für Hamme 2023, Querenburg 2023 fehlt „Arbeitslose ohne abgeschlossene Berufsausbildung“ aus "
                   "echten Daten (importiert ist nur „Arbeitslose“); der Wert bleibt leer, statt echte und Demodaten "
                   "zu mischen. Leer bleiben: Arbeitslose ohne Berufsausbildung. Bitte auch „Arbeitslose ohne "
                   "abgeschlossene Berufsausbildung“ importieren, um die Werte zu sehen."), (
        "warning", "Für Hamme 2023, Querenburg 2023 fehlt „Arbeitslose unter 25 Jahren“ aus echten Daten (importiert "
                   "ist nur „Arbeitslose“); der Wert bleibt leer, statt echte und Demodaten zu mischen. Leer bleiben: "
                   "Jugendarbeitslosenanteil. Bitte auch „Arbeitslose unter 25 Jahren“ importieren, um die Werte zu "
                   "sehen."), (
        "warning", "Für Hamme 2023, Querenburg 2023 fehlt „Einwohner von 15 bis unter 65 Jahren“ aus echten Daten "
                   "(importiert ist nur „Arbeitslose“, „Langzeitarbeitslose“); der Wert bleibt leer, statt echte und "
                   "Demodaten zu mischen. Leer bleiben: Arbeitslosenanteil, Langzeitarbeitslosenanteil, "
                   "Beschäftigungsquote. Bitte auch „Einwohner von 15 bis unter 65 Jahren“ importieren, um die Werte "
                   "zu sehen.")]
    assert result.message == ("„ba_2023.csv“ importiert: 4 Werte (2 Variablen, 2 Gebiete, 2023) als Version 0001. "
                              "4 Hinweise, siehe Liste.")


def test_source_id_of_a_bundled_source_is_not_taken_over(data_dir):
    result = store.import_file(SECOND_CSV.encode(), "a.csv", {"source_id": "regionaldatenbank"})
    assert list(store.imported_sources()) == ["import_0001"]
    assert result.ok
    store.import_file(SECOND_CSV.encode(), "b.csv", {"source_id": "Stadt Bochum!"})
    assert list(store.imported_sources()) == ["import_0002"]


def test_a_part_larger_than_its_whole_across_two_imports_is_refused(data_dir):
    first = "Ortsteil;Jahr;Merkmal;Wert\nHamme;2022;arbeitslose;100\n"
    assert store.import_file(first.encode("utf-8"), "alo.csv").ok
    before = store.store_fingerprint()
    second = "Ortsteil;Jahr;Merkmal;Wert\nHamme;2022;langzeitarbeitslose;500\n"
    result = store.import_file(second.encode("utf-8"), "lzalo.csv")
    assert not result.ok
    assert result.message == (
        "„lzalo.csv“ wurde nicht importiert. Nach dem Import wären in Hamme 2022 Langzeitarbeitslose (500, aus "
        "„lzalo.csv“) mehr als Arbeitslose (100, aus Version 0001). Ein Teil kann nicht größer sein als das "
        "Ganze: bitte beide Werte prüfen. Der Datenbestand ist unverändert.")
    assert store.store_fingerprint() == before
    # a consistent second file lands
    assert store.import_file(second.replace("500", "40").encode("utf-8"), "lzalo.csv").ok
