"""Audit trail of the data store: who imported or restored what, as a hash chain in JSON lines.

``<store>/audit.jsonl`` holds one JSON object per line, oldest first::

    {"time": "2026-12-02T02:55:00Z", "user": "a.b@bochum.de", "action": "import",
     "file": "zaehlung.csv", "sha256": "…", "size": 1234, "version": "0003",
     "outcome": "ok", "error": null, "prev": "<hash of the entry before>", "hash": "<hash of this entry>"}

``hash`` is the SHA-256 of the entry's canonical JSON without ``hash`` (``prev`` included), so a
changed byte in any entry breaks that entry's own hash, and a removed entry breaks the ``prev`` link
of the one after it. The chain is not signed: it detects an edit or a deletion in the middle, not
someone who rewrites the whole file from the changed entry on, nor the removal of the newest
entries. Appends are serialised by an fcntl lock of their own (``<store>/.audit.lock``), so two
processes importing at the same time still leave a valid chain.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import getpass
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

AUDIT_FILE = "audit.jsonl"
AUDIT_LOCK_FILE = ".audit.lock"
GENESIS_HASH = "0" * 64                   # the 'prev' of the first entry
TAIL_CHUNK = 64 * 1024
MAX_ERROR_CHARS = 500

ACTION_IMPORT = "import"
ACTION_RESTORE = "restore"
OUTCOME_OK = "ok"
OUTCOME_REJECTED = "rejected"             # the file or the version was refused (errors, conflicts, busy)
OUTCOME_REFUSED = "refused"               # the user may not change the data
FIELDS = ("time", "user", "action", "file", "sha256", "size", "version", "outcome", "error")
OUTCOME_WORDS = {OUTCOME_OK: "ausgeführt", OUTCOME_REJECTED: "abgelehnt", OUTCOME_REFUSED: "nicht berechtigt"}
ACTION_WORDS = {ACTION_IMPORT: "Import", ACTION_RESTORE: "Zurücksetzen"}


@dataclass(frozen=True)
class ChainCheck:
    """Result of verify(): ok, the number of entries, and a German message naming the broken entry."""

    ok: bool
    n_entries: int
    message: str
    broken_entry: int | None = None      # 1-based line number


def local_user() -> str:
    """'lokal:<os user>' for the command line and the dashboard's local mode."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        name = str(os.getuid())
    return f"lokal:{name}"


def utc_now() -> str:
    """The current time, UTC, ISO 8601 to the second: '2026-12-02T02:55:00Z'."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_digest(source) -> tuple[str | None, int | None]:
    """SHA-256 (hex) and size of an upload (bytes) or a local file (path); (None, None) if unreadable."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return hashlib.sha256(data).hexdigest(), len(data)
    digest, size = hashlib.sha256(), 0
    try:
        if not Path(source).is_file():
            return None, None  # a device (/dev/zero), FIFO or folder: refused by the store, never read
        with open(source, "rb") as fh:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(chunk)
                size += len(chunk)
    except (OSError, TypeError):
        return None, None
    return digest.hexdigest(), size


def entry_hash(entry: dict) -> str:
    """SHA-256 of the entry's canonical JSON, without its own 'hash'."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()


def make_entry(*, user: str, action: str, outcome: str, file: str | None = None, sha256: str | None = None,
               size: int | None = None, version: str | None = None, error: str | None = None,
               time: str | None = None) -> dict:
    """One entry's fields (without the chain fields), the error cut to a readable length."""
    return {"time": time or utc_now(), "user": user, "action": action, "file": file, "sha256": sha256,
            "size": size, "version": version, "outcome": outcome,
            "error": None if error is None else str(error)[:MAX_ERROR_CHARS]}


def chain(entry: dict, prev: str) -> dict:
    """The entry with 'prev' and its own 'hash'."""
    linked = {**{k: v for k, v in entry.items() if k not in ("prev", "hash")}, "prev": prev}
    return {**linked, "hash": entry_hash(linked)}


def serialise(entry: dict) -> bytes:
    """One line of the log."""
    return (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _last_line(path: Path) -> bytes | None:
    """The last non-empty line of the file (reads only its tail)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            end = fh.tell()
            pos, tail = end, b""
            while pos > 0:
                step = min(TAIL_CHUNK, pos)
                pos -= step
                fh.seek(pos)
                tail = fh.read(step) + tail
                lines = [line for line in tail.split(b"\n") if line.strip()]
                if len(lines) > 1 or (lines and pos == 0):
                    return lines[-1]
            return None
    except FileNotFoundError:
        return None


def _prev_hash(path: Path) -> str:
    """The hash the next entry links to: the last entry's 'hash' (GENESIS_HASH for an empty log)."""
    line = _last_line(path)
    if line is None:
        return GENESIS_HASH
    try:
        return str(json.loads(line)["hash"])
    except (ValueError, KeyError, TypeError):
        # a damaged last line: link to its bytes, so verify() still reports that entry
        return hashlib.sha256(line).hexdigest()


@contextlib.contextmanager
def _locked(store: Path):
    """Hold the audit log's own exclusive lock (blocking: appends are short)."""
    store.mkdir(parents=True, exist_ok=True)
    fd = os.open(store / AUDIT_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def append(store, entry: dict) -> dict:
    """Append one entry to ``<store>/audit.jsonl``, linked to the last one; return it as written."""
    store = Path(store)
    path = store / AUDIT_FILE
    with _locked(store):
        linked = chain(entry, _prev_hash(path))
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, serialise(linked))
            os.fsync(fd)
        finally:
            os.close(fd)
    return linked


def read(store) -> list[dict]:
    """Every entry that parses, oldest first (verify() reports the ones that do not)."""
    path = Path(store) / AUDIT_FILE
    if not path.is_file():
        return []
    entries = []
    for line in path.read_bytes().split(b"\n"):
        if line.strip():
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if isinstance(entry, dict):
                    entries.append(entry)
    return entries


def last(store, n: int = 20) -> list[dict]:
    """The newest n entries, newest first."""
    return list(reversed(read(store)[-n:]))


def verify(store) -> ChainCheck:
    """Check every entry's own hash and its link to the entry before; name the first broken entry."""
    path = Path(store) / AUDIT_FILE
    if not path.is_file():
        return ChainCheck(True, 0, "Das Audit-Protokoll ist leer (noch keine Importe).")
    prev = GENESIS_HASH
    lines = [line for line in path.read_bytes().split(b"\n") if line.strip()]
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict):
                raise ValueError
        except ValueError:
            return _broken(number, len(lines), " ist kein gültiger Eintrag (JSON beschädigt)")
        when = f" vom {entry.get('time')}" if entry.get("time") else ""
        if entry.get("hash") != entry_hash(entry):
            return _broken(number, len(lines), f"{when} wurde verändert: seine Prüfsumme stimmt nicht")
        if entry.get("prev") != prev:
            return _broken(number, len(lines), f"{when} folgt nicht auf den Eintrag davor: ein Eintrag davor "
                                               "wurde entfernt, eingefügt oder verändert")
        prev = entry["hash"]
    return ChainCheck(True, len(lines), f"Audit-Protokoll unversehrt: {len(lines)} Einträge, Kette vollständig.")


def _broken(number: int, total: int, what: str) -> ChainCheck:
    return ChainCheck(False, total, f"Audit-Protokoll beschädigt: Eintrag {number} (Zeile {number}){what}. "
                                    "Das Protokoll ist ab dieser Stelle nicht mehr vertrauenswürdig.", number)


def creators(store) -> dict[str, str]:
    """version -> user who created it (from the successful imports in the log)."""
    return {e["version"]: str(e.get("user") or "") for e in read(store)
            if e.get("action") == ACTION_IMPORT and e.get("outcome") == OUTCOME_OK and e.get("version")}


def describe(entry: dict) -> str:
    """One entry as a German line for the command line."""
    size = "" if entry.get("size") is None else f" · {entry['size']} Bytes"
    digest = f" · SHA-256 {str(entry['sha256'])[:12]}…" if entry.get("sha256") else ""
    version = f" · Version {entry['version']}" if entry.get("version") else ""
    error = f" · {entry['error']}" if entry.get("error") else ""
    return (f"{entry.get('time')}  {entry.get('user')}  {ACTION_WORDS.get(entry.get('action'), entry.get('action'))}"
            f"  {OUTCOME_WORDS.get(entry.get('outcome'), entry.get('outcome'))}  {entry.get('file') or '–'}"
            f"{size}{digest}{version}{error}")


FRAME_COLUMNS = {"de": ["Zeit (UTC)", "Person", "Aktion", "Datei", "Version", "Ergebnis", "Fehler"],
                 "en": ["Time (UTC)", "Person", "Action", "File", "Version", "Outcome", "Error"]}
FRAME_WORDS = {"en": {ACTION_IMPORT: "import", ACTION_RESTORE: "reset", OUTCOME_OK: "done",
                      OUTCOME_REJECTED: "rejected", OUTCOME_REFUSED: "not permitted"}}


def entries_frame(entries: list[dict], lang: str = "de"):
    """Entries (already in display order) as a table of plain text; missing values as '–'."""
    import pandas as pd

    words = FRAME_WORDS.get(lang, {**ACTION_WORDS, **OUTCOME_WORDS})
    cols = FRAME_COLUMNS.get(lang, FRAME_COLUMNS["de"])
    return pd.DataFrame({
        cols[0]: [str(e.get("time") or "–").replace("T", " ").rstrip("Z") for e in entries],
        cols[1]: [str(e.get("user") or "–") for e in entries],
        cols[2]: [words.get(e.get("action"), str(e.get("action"))) for e in entries],
        cols[3]: [str(e.get("file") or "–") for e in entries],
        cols[4]: [str(e.get("version") or "–") for e in entries],
        cols[5]: [words.get(e.get("outcome"), str(e.get("outcome"))) for e in entries],
        cols[6]: [str(e.get("error") or "") for e in entries],
    }, dtype="str")
