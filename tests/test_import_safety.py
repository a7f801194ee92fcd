"""Uploads are untrusted: size limits, ZIP bombs and unsafe member paths, killed and concurrent imports."""

from __future__ import annotations

import fcntl
import io
import math
import os
import subprocess
import sys
import threading
import time
import zipfile

import pytest

from indicators import store
from indicators.load.sandbox import run_limited
from indicators.paths import DATA_DIR_ENV, PROJECT_DIR

CSV_A = "Ortsteil;Jahr;Merkmal;Wert\nHamme;2022;arbeitslose;1.234\nHamme;2022;einwohner;9.000\n"
CSV_B = "Ortsteil;Jahr;Merkmal;Wert\nHamme;2022;arbeitslose;1.300\nGrumme;2022;arbeitslose;800\n"
CSV_C = "Ortsteil;Jahr;Merkmal;Wert\nStiepel;2022;arbeitslose;300\n"
UNCHANGED = "Der Datenbestand ist unverändert."
IMPORT_SCRIPT = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from indicators import store\n"
    "start = float(sys.argv[3])\n"
    "time.sleep(max(0.0, start - time.time()))\n"
    "r = store.import_file(Path(sys.argv[1]), sys.argv[2])\n"
    "print(r.ok, r.version, r.message)\n"
)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty store folder set through QUARTIERSMONITOR_DATA_DIR."""
    folder = tmp_path / "store"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def only_audit_log(data_dir) -> bool:
    """The store folder holds nothing but the audit log, which records the rejected attempt."""
    return sorted(p.name for p in data_dir.iterdir()) == [".audit.lock", "audit.jsonl"]


def _zip(members: dict[str, bytes], level: int = 9) -> bytes:
    """A ZIP archive in memory (names written exactly as given)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _declare_size(data: bytes, size: int) -> bytes:
    """Patch the uncompressed size of the (only) member in local header and central directory."""
    raw = bytearray(data)
    local = raw.find(b"PK\x03\x04")
    central = raw.find(b"PK\x01\x02")
    raw[local + 22:local + 26] = size.to_bytes(4, "little")
    raw[central + 24:central + 28] = size.to_bytes(4, "little")
    return bytes(raw)


def _rejected(result, data_dir) -> str:
    """Assert a rejection that left no store behind; return the message."""
    assert not result.ok
    assert result.version is None
    assert result.message.endswith(UNCHANGED)
    assert only_audit_log(data_dir)
    return result.message


# --------------------------------------------------------------------------- sizes

def test_oversized_table_is_refused(data_dir):
    data = b"a" * (store.MAX_TABLE_BYTES + store.MB)
    message = _rejected(store.import_file(data, "riesig.csv"), data_dir)
    assert message == ("„riesig.csv“ wurde nicht importiert. Die Datei „riesig.csv“ ist 51 MB groß; für Tabellen "
                       "sind höchstens 50 MB erlaubt. Bitte die Datei aufteilen oder nur die benötigten Gebiete "
                       "und Jahre exportieren. " + UNCHANGED)


def test_oversized_local_file_is_refused_before_reading(tmp_path, data_dir):
    path = tmp_path / "riesig.xlsx"
    with open(path, "wb") as fh:
        fh.truncate(60 * store.MB)  # sparse: costs no disk space
    message = _rejected(store.import_file(path, path.name), data_dir)
    assert "ist 60 MB groß; für Tabellen sind höchstens 50 MB erlaubt." in message


def test_size_limit_can_only_be_changed_explicitly(data_dir):
    data = CSV_A.encode()
    result = store.import_counts_file(data, "a.csv", max_bytes=64)
    assert result.message == ("„a.csv“ wurde nicht importiert. Die Datei „a.csv“ ist 83 Bytes groß; für Tabellen "
                              "sind höchstens 64 Bytes erlaubt. Bitte die Datei aufteilen oder nur die benötigten "
                              "Gebiete und Jahre exportieren. " + UNCHANGED)
    assert store.validate_file(data, "a.csv", max_bytes=64)[0].message.startswith("Die Datei „a.csv“ ist 83 Bytes")
    assert store.import_file(data, "a.csv", max_bytes=1024).ok


def test_oversized_boundaries_are_refused(tmp_path, data_dir):
    path = tmp_path / "grenzen.geojson"
    with open(path, "wb") as fh:
        fh.truncate(store.MAX_BOUNDARY_BYTES + 5 * store.MB)
    message = _rejected(store.import_file(path, path.name), data_dir)
    assert "ist 205 MB groß; für Gebietsgrenzen sind höchstens 200 MB erlaubt." in message


def test_device_instead_of_file_is_refused(data_dir):
    from pathlib import Path

    message = _rejected(store.import_file(Path("/dev/zero"), "zero.csv"), data_dir)
    assert message == ("„zero.csv“ wurde nicht importiert. „zero.csv“ ist keine normale Datei. Bitte eine Datei "
                       "auswählen. " + UNCHANGED)


# --------------------------------------------------------------------------- ZIP archives

def test_zip_bomb_high_ratio_is_refused(data_dir):
    bomb = _zip({"ortsteile.shp": b"\0" * (20 * store.MB)})
    assert len(bomb) < 100_000
    message = _rejected(store.import_file(bomb, "grenzen.zip"), data_dir)
    assert "Der Eintrag „ortsteile.shp“ im ZIP-Archiv „grenzen.zip“ ist ungewöhnlich stark komprimiert" in message
    assert "als mögliche ZIP-Bombe abgelehnt" in message


def test_xlsx_bomb_is_refused(data_dir):
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b" " * (20 * store.MB)})
    message = _rejected(store.import_file(bomb, "tabelle.xlsx"), data_dir)
    assert "„sheet1.xml“ im ZIP-Archiv „tabelle.xlsx“ ist ungewöhnlich stark komprimiert" in message


def test_zip_with_huge_declared_size_is_refused(data_dir):
    bomb = _declare_size(_zip({"ortsteile.shp": b"x" * 1000}), 0xFFFFFFF0)
    message = _rejected(store.import_file(bomb, "grenzen.zip"), data_dir)
    assert ("Das ZIP-Archiv „grenzen.zip“ würde entpackt 4.096 MB belegen; erlaubt sind höchstens 500 MB."
            in message)


def test_zip_member_with_parent_path_is_refused(data_dir):
    archive = _zip({"../../evil.shp": b"x", "ortsteile.dbf": b"x"})
    message = _rejected(store.import_file(archive, "grenzen.zip"), data_dir)
    assert message == ("„grenzen.zip“ wurde nicht importiert. Das ZIP-Archiv „grenzen.zip“ enthält einen Eintrag "
                       "mit „..“ im Pfad („../../evil.shp“). Solche Archive werden aus Sicherheitsgründen abgelehnt; "
                       "bitte die Dateien ohne Ordnerangaben neu packen. " + UNCHANGED)


def test_zip_member_with_absolute_path_is_refused(data_dir):
    archive = _zip({"/etc/cron.d/evil.shp": b"x"})
    assert zipfile.ZipFile(io.BytesIO(archive)).namelist() == ["/etc/cron.d/evil.shp"]
    message = _rejected(store.import_file(archive, "grenzen.zip"), data_dir)
    assert ("enthält einen Eintrag mit einem absoluten Pfad („/etc/cron.d/evil.shp“)" in message)


def test_zip_member_with_windows_paths_is_refused(data_dir):
    for name in ("C:\\Windows\\evil.shp", "..\\evil.shp"):
        result = store.import_file(_zip({name: b"x"}), "grenzen.zip")
        assert "Solche Archive werden aus Sicherheitsgründen abgelehnt" in _rejected(result, data_dir)


def test_zip_with_too_many_members_is_refused(data_dir):
    archive = _zip({f"teil_{i}.dbf": b"" for i in range(store.MAX_ZIP_MEMBERS + 1)}, level=1)
    message = _rejected(store.import_file(archive, "grenzen.zip"), data_dir)
    assert message == ("„grenzen.zip“ wurde nicht importiert. Das ZIP-Archiv „grenzen.zip“ enthält 1.001 Einträge; "
                       "erlaubt sind höchstens 1.000. Bitte nur die Dateien des Shapefiles (.shp, .shx, .dbf, "
                       ".prj) packen. " + UNCHANGED)


def test_zip_without_boundaries_is_refused(data_dir):
    message = _rejected(store.import_file(_zip({"daten.csv": b"a;b\n"}), "daten.zip"), data_dir)
    assert "enthält kein Shapefile (.shp). ZIP wird nur für Shapefiles angenommen" in message


def test_broken_zip_is_refused(data_dir):
    message = _rejected(store.import_file(b"PK\x03\x04" + b"\0" * 100, "grenzen.zip"), data_dir)
    assert message == ("„grenzen.zip“ wurde nicht importiert. „grenzen.zip“ ist kein gültiges ZIP-Archiv (auch "
                       "XLSX-Dateien sind ZIP-Archive). Bitte die Datei neu exportieren oder neu packen. " + UNCHANGED)


def test_zip_disguised_as_csv_is_checked_as_zip(data_dir):
    bomb = _zip({"x.csv": b"\0" * (20 * store.MB)})
    message = _rejected(store.import_file(bomb, "harmlos.csv"), data_dir)
    # the file and the member are named (the factor depends on zlib's version)
    assert message.startswith("„harmlos.csv“ wurde nicht importiert. Der Eintrag „x.csv“ im ZIP-Archiv "
                              "„harmlos.csv“ ist ungewöhnlich stark komprimiert (Faktor "), message
    assert "erlaubt 100); das Archiv wird als mögliche ZIP-Bombe abgelehnt." in message


def test_zip_named_csv_that_lies_about_its_size_is_streamed_and_refused(data_dir):
    from hostile_files import deflate_bomb, zip_with

    payload, crc = deflate_bomb(50)
    lying = zip_with("x.csv", payload, crc, 1000)          # declares 1.000 bytes, inflates to 50 MB
    message = _rejected(store.import_file(lying, "harmlos.csv"), data_dir)
    assert message.startswith("„harmlos.csv“ wurde nicht importiert. „harmlos.csv“ ist kein gültiges ZIP-Archiv "
                              "oder beschädigt (technischer Hinweis: "), message


def test_parquet_is_read_through_pyarrow_only(data_dir):
    import pandas as pd

    frame = pd.DataFrame({"Ortsteil": ["Hamme"], "Jahr": [2022], "Merkmal": ["arbeitslose"], "Wert": [12]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    result = store.import_file(buffer.getvalue(), "daten.parquet")
    assert result.ok, result.message
    before = store.store_fingerprint()
    refused = store.import_file(b"PAR1garbage", "kaputt.parquet")
    assert not refused.ok and refused.version is None
    assert refused.problems[0].message == ("„kaputt.parquet“ ist keine gültige Parquet-Datei (Dateiende fehlt "
                                           "oder ist beschädigt). Bitte die Datei neu exportieren.")
    assert store.store_fingerprint() == before


# --------------------------------------------------------------------------- killed imports

def _run_import(data_dir, csv_path, filename, env_extra=None, start=0.0) -> subprocess.Popen:
    """An import in a fresh interpreter (an independent process, as a second app server would be)."""
    env = {**os.environ, DATA_DIR_ENV: str(data_dir), "PYTHONPATH": str(PROJECT_DIR), **(env_extra or {})}
    return subprocess.Popen([sys.executable, "-c", IMPORT_SCRIPT, str(csv_path), filename, str(start)],
                            env=env, cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def crashed(tmp_path_factory):
    """One store per crash point, each with version 0001, then an import killed at that point (in parallel)."""
    runs = {}
    for point in store.HOOK_POINTS:
        base = tmp_path_factory.mktemp(point)
        data_dir = base / "store"
        (base / "a.csv").write_text(CSV_A, encoding="utf-8")
        (base / "b.csv").write_text(CSV_B, encoding="utf-8")
        assert store.import_file(base / "a.csv", "a.csv", store=data_dir).ok
        before = (store.store_fingerprint(data_dir), store.load_imported_counts(data_dir))
        proc = _run_import(data_dir, base / "b.csv", "b.csv", {store.CRASH_ENV: point})
        runs[point] = (data_dir, base, before, proc)
    for data_dir, base, before, proc in runs.values():
        proc.wait(timeout=60)
    return runs


@pytest.fixture(scope="module")
def after_crash(crashed):
    """What each killed import left on disk and what readers saw, before any test imports again."""
    return {point: (sorted(p.name for p in (data_dir / "versions").iterdir()),
                    [v["version"] for v in store.list_versions(data_dir)], store.active_version(data_dir))
            for point, (data_dir, *_rest) in crashed.items()}


@pytest.mark.parametrize("point", [p for p in store.HOOK_POINTS if p != "current_replaced"])
def test_killed_import_leaves_store_as_it_was(after_crash, crashed, point):
    data_dir, base, (fingerprint, counts), proc = crashed[point]
    assert proc.returncode == store.CRASH_EXIT_CODE, proc.stderr.read()
    assert store.store_fingerprint(data_dir) == fingerprint
    assert store.active_version(data_dir) == "0001"
    assert (data_dir / "CURRENT").read_text() == "0001\nlatest 0001\n"
    assert [v["version"] for v in store.list_versions(data_dir)] == ["0001"]
    assert store.load_imported_counts(data_dir).equals(counts)
    # the store is usable: the next import cleans up what the killed process left and lands as 0002
    result = store.import_file(base / "b.csv", "b.csv", store=data_dir)
    assert result.ok and result.version == "0002", result.message
    assert sorted(p.name for p in data_dir.iterdir()) == [".audit.lock", ".lock", "CURRENT", "audit.jsonl", "versions"]
    assert sorted(p.name for p in (data_dir / "versions").iterdir()) == ["0001", "0002"]
    assert len(store.load_imported_counts(data_dir)) == 3


def test_leftovers_of_killed_imports_are_invisible(after_crash):
    # killed after the new version's folder got its final name, before CURRENT was replaced: the
    # folder is on disk, but no reader lists or loads it (taken before the next import cleans up)
    on_disk, listed, active = after_crash["version_renamed"]
    assert on_disk == ["0001", "0002"]
    assert listed == ["0001"] and active == "0001"
    # killed before the rename: only a temporary folder, never a version name
    on_disk, listed, active = after_crash["version_written"]
    assert "0002" not in on_disk and listed == ["0001"] and active == "0001"


def test_import_killed_after_commit_has_landed(crashed):
    data_dir, base, _before, proc = crashed["current_replaced"]
    assert proc.returncode == store.CRASH_EXIT_CODE
    assert store.active_version(data_dir) == "0002"
    assert sorted(store.load_imported_counts(data_dir)["value"].tolist()) == [800.0, 1300.0, 9000.0]


# --------------------------------------------------------------------------- concurrent imports

def _lock_is_held(data_dir) -> bool:
    """True while another process holds the store's lock."""
    if not (data_dir / ".lock").exists():
        return False
    fd = os.open(data_dir / ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def test_second_import_waits_for_the_first_and_lands_on_top(tmp_path, data_dir):
    (tmp_path / "a.csv").write_text(CSV_A, encoding="utf-8")
    (tmp_path / "b.csv").write_text(CSV_B, encoding="utf-8")
    first = _run_import(data_dir, tmp_path / "a.csv", "a.csv", {store.PAUSE_ENV: "locked:1.5"})
    deadline = time.monotonic() + 30
    while not _lock_is_held(data_dir):
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.02)
    second = _run_import(data_dir, tmp_path / "b.csv", "b.csv")
    out_a, err_a = first.communicate(timeout=60)
    out_b, err_b = second.communicate(timeout=60)
    assert out_a.startswith("True 0001"), err_a
    assert out_b.startswith("True 0002"), err_b
    assert [(v["version"], v["file"], v["parent"]) for v in store.list_versions()] == [
        ("0001", "a.csv", "demo"), ("0002", "b.csv", "0001")]
    counts = store.load_imported_counts().sort_values(["area_id", "variable"])
    assert list(zip(counts["area_id"], counts["variable"], counts["value"])) == [
        ("grumme", "arbeitslose", 800.0), ("hamme", "arbeitslose", 1300.0), ("hamme", "einwohner", 9000.0)]


def test_simultaneous_imports_from_three_processes_all_land_serialised(tmp_path, data_dir):
    files = {"a.csv": CSV_A, "b.csv": CSV_B, "c.csv": CSV_C}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    start = time.time() + 3.0  # all three start importing at the same moment
    procs = [_run_import(data_dir, tmp_path / name, name, start=start) for name in files]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(out.startswith("True 000") for out, _ in outputs), outputs
    versions = store.list_versions()
    assert [v["version"] for v in versions] == ["0001", "0002", "0003"]
    assert [v["parent"] for v in versions] == ["demo", "0001", "0002"]  # each on top of the one before
    assert sorted(v["file"] for v in versions) == ["a.csv", "b.csv", "c.csv"]
    assert store.active_version() == "0003"
    counts = store.load_imported_counts()
    assert len(counts) == 4  # hamme/einwohner, hamme/arbeitslose, grumme, stiepel
    winner = [v["file"] for v in versions if v["file"] in ("a.csv", "b.csv")][-1]
    hamme = counts[(counts["area_id"] == "hamme") & (counts["variable"] == "arbeitslose")]["value"].item()
    assert hamme == (1300.0 if winner == "b.csv" else 1234.0)


def test_import_is_refused_while_another_holds_the_lock(tmp_path, data_dir, monkeypatch):
    assert store.import_file(CSV_A.encode(), "a.csv").ok
    before = store.store_fingerprint()
    monkeypatch.setattr(store, "LOCK_TIMEOUT_S", 0.2)
    fd = os.open(data_dir / ".lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        result = store.import_file(CSV_B.encode(), "b.csv")
        with pytest.raises(store.StoreBusyError):
            store.restore("demo")
    finally:
        os.close(fd)
    assert not result.ok
    assert result.message == ("„b.csv“ wurde nicht importiert. Ein anderer Import läuft gerade; bitte in einigen "
                              "Sekunden erneut versuchen. " + UNCHANGED)
    assert store.store_fingerprint() == before
    assert store.import_file(CSV_B.encode(), "b.csv").version == "0002"


def test_two_sessions_in_one_process_both_land(data_dir):
    results = []
    barrier = threading.Barrier(2)

    def session(text: str, name: str) -> None:
        barrier.wait()
        results.append(store.import_file(text.encode(), name))

    threads = [threading.Thread(target=session, args=args) for args in ((CSV_A, "a.csv"), (CSV_C, "c.csv"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r.version for r in results) == ["0001", "0002"]
    assert len(store.load_imported_counts()) == 3


# --------------------------------------------------------------------------- nothing from a file is executed

def _xlsx_bytes(rows) -> bytes:
    """A small workbook written by openpyxl (formulas stored without a cached value)."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_excel_formula_is_never_evaluated(data_dir):
    data = _xlsx_bytes([["Ortsteil", "Jahr", "Merkmal", "Wert"], ["Hamme", 2022, "arbeitslose", "=2*500"],
                        ["Hamme", 2022, "einwohner", 9000]])
    result = store.import_file(data, "formel.xlsx")
    assert result.ok, result.message
    counts = store.load_imported_counts().set_index("variable")
    assert counts.loc["einwohner", "value"] == 9000.0
    # the formula was not computed: a cell without a cached value is missing, never 1000
    assert math.isnan(counts.loc["arbeitslose", "value"])
    assert counts.loc["arbeitslose", "flag"] == "missing"


def test_xml_entity_bomb_in_xlsx_is_refused(data_dir):
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # openpyxl parses through defusedxml
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                        for i in range(1, 10))
              + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes([["Ortsteil"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = laughs.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item.filename, data)
    result = store.import_file(buffer.getvalue(), "lachen.xlsx")
    assert result.message == ("„lachen.xlsx“ wurde nicht importiert. Die Datei lässt sich nicht als Excel-Datei "
                              "(XLSX) öffnen. Bitte in Excel als 'Excel-Arbeitsmappe (*.xlsx)' oder als CSV "
                              "speichern. " + UNCHANGED)
    assert not result.ok and only_audit_log(data_dir)
    # the reader in a limited child, as on the server: refused without expanding the entities
    # (&lol9; is 10^9 × 'lol', 3 GB), in bounded memory and time
    outcome = run_limited(xlsx_problems, buffer.getvalue(), "lachen.xlsx", filename="lachen.xlsx")
    assert outcome.ok and outcome.value == [result.problems[0].message]
    assert outcome.peak_rss_bytes < 400 * store.MB and outcome.seconds < 30, outcome


def xlsx_problems(data: bytes, filename: str) -> list[str]:
    """The reader's German problems for a workbook (runs in the sandbox child, so module level)."""
    from indicators.load import readers
    from indicators.load.loaders import LoadError

    try:
        readers.read_raw_table(data, filename)
    except LoadError as exc:
        return [p.message for p in exc.problems]
    return []
