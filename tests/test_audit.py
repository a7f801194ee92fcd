"""The audit trail: entries for imports, rejections and restores, the hash chain, the CLI, concurrency."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import subprocess
import sys
import time

import pytest

from indicators import store
from indicators.paths import DATA_DIR_ENV, PROJECT_DIR
from indicators.store import audit, importflow

GOOD = b"Ortsteil;Jahr;Merkmal;Wert\nHamme;2022;arbeitslose;1.234\nHamme;2022;einwohner;9.000\n"
BAD = b"Ortsteil;Jahr;Merkmal;Wert\nAtlantis;2022;arbeitslose;100\n"
LOCAL = f"lokal:{getpass.getuser()}"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
KEYS = ["action", "error", "file", "hash", "outcome", "prev", "sha256", "size", "time", "user", "version"]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def lines(data_dir) -> list[bytes]:
    return (data_dir / audit.AUDIT_FILE).read_bytes().splitlines()


def run_cli(*args, data_dir):
    return subprocess.run([sys.executable, "-m", "indicators", *args], cwd=PROJECT_DIR, capture_output=True,
                          text=True, timeout=120, env={**os.environ, DATA_DIR_ENV: str(data_dir)})


def test_successful_import_is_logged_with_every_field(data_dir):
    result = store.import_file(GOOD, "zaehlung.csv", user="a.redakteurin@bochum.de")
    assert result.ok and result.version == "0001", result.message
    [entry] = audit.read(data_dir)
    assert sorted(entry) == KEYS
    assert ISO_UTC.match(entry["time"])
    assert {k: entry[k] for k in ("user", "action", "file", "sha256", "size", "version", "outcome", "error",
                                  "prev")} == {
        "user": "a.redakteurin@bochum.de", "action": "import", "file": "zaehlung.csv",
        "sha256": hashlib.sha256(GOOD).hexdigest(), "size": 83, "version": "0001", "outcome": "ok",
        "error": None, "prev": "0" * 64}
    assert entry["hash"] == audit.entry_hash(entry)


def test_rejected_import_names_its_first_error(data_dir, tmp_path):
    path = tmp_path / "fehler.csv"
    path.write_bytes(BAD)
    result = store.import_file(path, "fehler.csv")  # a local file, as the CLI passes it
    assert not result.ok
    [entry] = audit.read(data_dir)
    first_error = next(p.message for p in result.problems if p.severity == "error")
    assert (entry["user"], entry["action"], entry["file"], entry["sha256"], entry["size"], entry["version"],
            entry["outcome"], entry["error"]) == (
        LOCAL, "import", "fehler.csv", hashlib.sha256(BAD).hexdigest(), len(BAD), None, "rejected", first_error)
    assert "Atlantis" in entry["error"]


def test_restore_and_a_refused_restore_are_logged(data_dir):
    store.import_file(GOOD, "a.csv", user="x@bochum.de")
    store.restore("demo", user="y@bochum.de")
    with pytest.raises(store.StoreError):
        store.restore("0009", user="y@bochum.de")
    entries = audit.read(data_dir)
    assert [(e["user"], e["action"], e["version"], e["outcome"]) for e in entries] == [
        ("x@bochum.de", "import", "0001", "ok"), ("y@bochum.de", "restore", "demo", "ok"),
        ("y@bochum.de", "restore", "0009", "rejected")]
    assert entries[2]["error"] == "Die Version „0009“ gibt es nicht. Vorhandene Versionen: 0001, demo."
    assert entries[1]["file"] is None and entries[1]["sha256"] is None and entries[1]["size"] is None
    assert [e["prev"] for e in entries[1:]] == [e["hash"] for e in entries[:-1]]


def test_version_table_names_who_created_each_version(data_dir):
    store.import_file(GOOD, "a.csv", user="x@bochum.de")
    store.import_file(BAD, "b.csv", user="z@bochum.de")            # rejected: creates no version
    store.import_file(GOOD.replace(b"1.234", b"1.300"), "c.csv")    # the CLI's local user
    assert audit.creators(data_dir) == {"0001": "x@bochum.de", "0002": LOCAL}
    frame = importflow.versions_frame(store.list_versions(), "de", creators=audit.creators(data_dir))
    assert list(frame.columns) == ["Version", "Erstellt", "Erstellt von", "Datei", "Beschreibung", "Aktiv"]
    assert frame["Erstellt von"].tolist() == [LOCAL, "x@bochum.de"]
    # a version made before the log existed: shown as missing, not as somebody
    assert importflow.versions_frame(store.list_versions(), "de", creators={})["Erstellt von"].tolist() == ["–", "–"]


def test_entries_frame_is_german_plain_text(data_dir):
    store.import_file(BAD, "b.csv", user="z@bochum.de")
    frame = audit.entries_frame(audit.last(data_dir), "de")
    assert list(frame.columns) == ["Zeit (UTC)", "Person", "Aktion", "Datei", "Version", "Ergebnis", "Fehler"]
    row = frame.iloc[0].tolist()
    assert row[1:6] == ["z@bochum.de", "Import", "b.csv", "–", "abgelehnt"]


def test_verify_passes_on_an_untouched_log(data_dir):
    store.import_file(GOOD, "a.csv")
    store.import_file(BAD, "b.csv")
    store.restore("demo")
    check = audit.verify(data_dir)
    assert (check.ok, check.n_entries, check.broken_entry) == (True, 3, None)
    cli = run_cli("audit", "--verify", data_dir=data_dir)
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.strip() == "Audit-Protokoll unversehrt: 3 Einträge, Kette vollständig."
    listing = run_cli("audit", data_dir=data_dir)
    assert listing.returncode == 0
    assert [line.split("  ")[1:4] for line in listing.stdout.splitlines()] == [
        [LOCAL, "Import", "ausgeführt"], [LOCAL, "Import", "abgelehnt"], [LOCAL, "Zurücksetzen", "ausgeführt"]]


def _three_entries(data_dir):
    store.import_file(GOOD, "a.csv", user="x@bochum.de")
    store.import_file(BAD, "b.csv", user="x@bochum.de")
    store.restore("demo", user="x@bochum.de")
    return lines(data_dir)


def test_one_changed_byte_in_an_old_entry_breaks_the_chain_at_that_entry(data_dir):
    original = _three_entries(data_dir)
    changed = original[0].replace(b'"user":"x@bochum.de"', b'"user":"y@bochum.de"')
    assert changed != original[0] and len(changed) == len(original[0])  # exactly one byte differs
    (data_dir / audit.AUDIT_FILE).write_bytes(b"\n".join([changed, *original[1:]]) + b"\n")
    cli = run_cli("audit", "--verify", data_dir=data_dir)
    assert cli.returncode == 2
    assert cli.stderr.strip() == ("Audit-Protokoll beschädigt: Eintrag 1 (Zeile 1) vom "
                                  f"{json.loads(original[0])['time']} wurde verändert: seine Prüfsumme stimmt "
                                  "nicht. Das Protokoll ist ab dieser Stelle nicht mehr vertrauenswürdig.")


def test_a_removed_entry_breaks_the_chain_at_the_next_one(data_dir):
    original = _three_entries(data_dir)
    (data_dir / audit.AUDIT_FILE).write_bytes(b"\n".join([original[0], original[2]]) + b"\n")
    check = audit.verify(data_dir)
    assert (check.ok, check.broken_entry) == (False, 2)
    cli = run_cli("audit", "--verify", data_dir=data_dir)
    assert cli.returncode == 2
    assert cli.stderr.startswith("Audit-Protokoll beschädigt: Eintrag 2 (Zeile 2) vom ")
    assert "folgt nicht auf den Eintrag davor: ein Eintrag davor wurde entfernt" in cli.stderr


def test_rewriting_an_entry_with_a_fresh_hash_is_still_caught_by_the_next_link(data_dir):
    original = _three_entries(data_dir)
    forged = json.loads(original[1])
    forged["outcome"] = "ok"
    forged["hash"] = audit.entry_hash(forged)  # consistent in itself ...
    (data_dir / audit.AUDIT_FILE).write_bytes(b"\n".join([original[0], audit.serialise(forged).rstrip(b"\n"),
                                                          original[2]]) + b"\n")
    assert audit.verify(data_dir).broken_entry == 3  # ... but the entry after it links to the old hash


def test_broken_json_is_named(data_dir):
    original = _three_entries(data_dir)
    (data_dir / audit.AUDIT_FILE).write_bytes(b"\n".join([original[0], original[1][:-5], original[2]]) + b"\n")
    check = audit.verify(data_dir)
    assert (check.ok, check.broken_entry) == (False, 2)
    assert check.message == ("Audit-Protokoll beschädigt: Eintrag 2 (Zeile 2) ist kein gültiger Eintrag (JSON "
                             "beschädigt). Das Protokoll ist ab dieser Stelle nicht mehr vertrauenswürdig.")


def test_empty_log_verifies(data_dir):
    assert run_cli("audit", "--verify", data_dir=data_dir).returncode == 0


APPEND_SCRIPT = (
    "import sys, time\n"
    "from indicators.store import audit\n"
    "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"
    "for i in range(int(sys.argv[3])):\n"
    "    audit.append(sys.argv[1], audit.make_entry(user=sys.argv[4], action='import', outcome='ok', file=str(i)))\n"
)
IMPORT_SCRIPT = (
    "import sys, time\n"
    "from indicators import store\n"
    "time.sleep(max(0.0, float(sys.argv[1]) - time.time()))\n"
    "for name, text in (('gut.csv', sys.argv[2]), ('fehler.csv', sys.argv[3])):\n"
    "    store.import_file(text.encode(), name, user=sys.argv[4])\n"
)


def test_two_processes_appending_at_once_leave_a_valid_chain(data_dir):
    start = time.time() + 1.5
    procs = [subprocess.Popen([sys.executable, "-c", APPEND_SCRIPT, str(data_dir), str(start), "150", who],
                              cwd=PROJECT_DIR) for who in ("p1", "p2")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    entries = audit.read(data_dir)
    assert len(entries) == 300 and len(lines(data_dir)) == 300
    assert sorted(e["user"] for e in entries).count("p1") == 150
    assert audit.verify(data_dir).ok


def test_two_processes_importing_at_once_leave_a_valid_chain(data_dir):
    start = time.time() + 3.0
    texts = [("Ortsteil;Jahr;Merkmal;Wert\nHamme;2022;arbeitslose;1.234\n", "p1@bochum.de"),
             ("Ortsteil;Jahr;Merkmal;Wert\nGrumme;2022;arbeitslose;800\n", "p2@bochum.de")]
    procs = [subprocess.Popen([sys.executable, "-c", IMPORT_SCRIPT, str(start), good, BAD.decode(), who],
                              cwd=PROJECT_DIR, env={**os.environ, DATA_DIR_ENV: str(data_dir)})
             for good, who in texts]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    entries = audit.read(data_dir)
    assert sorted((e["user"], e["file"], e["outcome"]) for e in entries) == [
        ("p1@bochum.de", "fehler.csv", "rejected"), ("p1@bochum.de", "gut.csv", "ok"),
        ("p2@bochum.de", "fehler.csv", "rejected"), ("p2@bochum.de", "gut.csv", "ok")]
    assert sorted(e["version"] for e in entries if e["outcome"] == "ok") == ["0001", "0002"]
    assert audit.verify(data_dir).ok
    assert run_cli("audit", "--verify", data_dir=data_dir).returncode == 0
