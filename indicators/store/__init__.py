"""The user's data store: versioned, atomic imports of counts and boundaries, history and restore.

Layout (``<store>`` is ``paths.store_dir()``)::

    <store>/CURRENT                      line 1: active version ('0002' or 'demo'); line 2: 'latest 0003'
    <store>/.lock                        fcntl.flock target, serialises every writer
    <store>/versions/0001/counts.parquet all imported counts merged so far (schema.COUNT_COLUMNS)
    <store>/versions/0001/sources.json   source_id -> source entry (kind 'imported')
    <store>/versions/0001/boundaries.geojson   optional, official boundaries
    <store>/versions/0001/manifest.json  what this version added, when, from which file
    <store>/audit.jsonl                  who imported or restored what (indicators/store/audit.py)

A version folder is written under a temporary name, fsynced and renamed into place; then
CURRENT is replaced atomically (temp file, fsync, os.replace). CURRENT's 'latest' line is the
single commit point: a folder numbered above it (left by a killed process) or a temporary
folder is invisible to every reader and removed by the next writer. Versions are never changed
once written, so readers need no lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import io
import json
import logging
import os
import re
import shutil
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators.formats import fmt_number
from indicators.limits import (  # noqa: F401
    MAX_BOUNDARY_BYTES,
    MAX_TABLE_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_UNCOMPRESSED_BYTES,
    MB,
)
from indicators.load.intake import (  # the upload checks, under the names this module has always used
    SNIFF_BYTES,
    SUPPORTED_TEXT,
    TABLE_EXTENSIONS,
    zip_problems,  # noqa: F401 - callers use store.zip_problems
)
from indicators.load.intake import as_source as _as_source
from indicators.load.intake import content_problems as _content_problems
from indicators.load.intake import display_name as _display_name
from indicators.load.intake import extension as _extension
from indicators.load.intake import head_bytes as _head
from indicators.load.intake import problem as _problem
from indicators.load.intake import read_error as _read_error
from indicators.load.intake import source_problems as _source_problems
from indicators.load.sandbox import SandboxError, call_limited
from indicators.load.sniff import GEOJSON_TYPE, ZIP_BOUNDARY_MEMBERS, detect_format
from indicators.load.validation import Problem
from indicators.paths import store_dir
from indicators.schema import COUNT_COLUMNS, COUNT_KEY, empty_counts
from indicators.store import audit

LOG = logging.getLogger(__name__)
SANDBOX_READERS = True                  # untrusted files are parsed in a limited child process
MAX_META_CHARS = 500                    # per field of the user's source description
LOCK_TIMEOUT_S = 10.0
LOCK_POLL_S = 0.05

DEMO = "demo"
VERSION_DIGITS = 4
CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
VERSIONS_DIR = "versions"
TMP_PREFIX = ".tmp-"
COUNTS_FILE = "counts.parquet"
SOURCES_FILE = "sources.json"
BOUNDARIES_FILE = "boundaries.geojson"
MANIFEST_FILE = "manifest.json"
KEY = COUNT_KEY
SOURCE_FIELDS = ("title", "publisher", "reference_date", "licence", "url")
SOURCE_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


CRASH_ENV = "QUARTIERSMONITOR_TEST_CRASH_AT"   # tests: os._exit at this named point
PAUSE_ENV = "QUARTIERSMONITOR_TEST_PAUSE_AT"   # tests: 'point:seconds' sleeps there
CRASH_EXIT_CODE = 70
HOOK_POINTS = ("locked", "version_written", "version_renamed", "current_tmp_written",
               "current_replaced")

MSG_BUSY = "Ein anderer Import läuft gerade; bitte in einigen Sekunden erneut versuchen."
MSG_UNCHANGED = "Der Datenbestand ist unverändert."


class StoreError(ValueError):
    """A store operation that cannot be done; the message is German and meant for the user."""


class StoreBusyError(StoreError):
    """Another process or session holds the store's lock."""


class ConflictError(StoreError):
    """The new values contradict values imported earlier (e.g. a part larger than its whole)."""

    def __init__(self, problems: list):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class ImportResult:
    """Outcome of an import: ok, every problem, the new version and a German summary."""

    ok: bool
    problems: list = field(default_factory=list)
    version: str | None = None
    message: str = ""
    n_values: int = 0
    info: object = None


@dataclass
class _Prepared:
    """A file read and checked, ready to be committed (or rejected)."""

    kind: str                              # 'counts' | 'boundaries'
    problems: list = field(default_factory=list)
    counts: pd.DataFrame | None = None
    geojson: str | None = None
    info: object = None
    n_values: int = 0
    fmt: str = ""

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.severity == "error"]


@dataclass(frozen=True)
class _State:
    """What CURRENT says: the active version and the latest committed one."""

    active: str
    latest: int


# --------------------------------------------------------------------------- small helpers

def _store(store) -> Path:
    """The store folder: the argument or paths.store_dir()."""
    return Path(store) if store is not None else store_dir()


def _hook(point: str) -> None:
    """Test hooks: exit hard or pause at a named point of a write (no effect unless env is set)."""
    if os.environ.get(CRASH_ENV) == point:
        os._exit(CRASH_EXIT_CODE)
    pause = os.environ.get(PAUSE_ENV, "")
    if pause.startswith(point + ":"):
        time.sleep(float(pause.split(":", 1)[1]))


def _now() -> str:
    """Local time with offset, to the second."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _version_name(number: int) -> str:
    """3 -> '0003'."""
    return f"{number:0{VERSION_DIGITS}d}"


def _n(count: int, singular: str, plural: str) -> str:
    """1, 'Wert', 'Werte' -> '1 Wert'; 1234 -> '1.234 Werte'."""
    return f"{fmt_number(count)} {singular if count == 1 else plural}"


def _fsync_file(path: Path) -> None:
    """Flush a written file to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    """Flush a folder's entries (new names, renames) to disk."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_bytes(path: Path, data: bytes) -> None:
    """Write a new file and fsync it."""
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _write_json(path: Path, obj) -> None:
    """Write JSON (UTF-8, readable) and fsync it."""
    _write_bytes(path, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))


def _link_or_copy(src: Path, dst: Path) -> None:
    """Reuse an unchanged file of the previous version (versions are immutable, so a hard link is safe)."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
        _fsync_file(dst)


# --------------------------------------------------------------------------- state and lock

def _parse_current(text: str) -> _State:
    """'0002\\nlatest 0003\\n' -> _State('0002', 3)."""
    tokens = text.split()
    if not tokens:
        raise StoreError("Der Datenspeicher ist beschädigt: die Datei CURRENT ist leer. "
                         "Bitte eine Version mit „restore“ wiederherstellen.")
    active = tokens[0]
    latest = int(tokens[2]) if len(tokens) >= 3 and tokens[1] == "latest" and tokens[2].isdigit() else None
    if latest is None:  # hand-written CURRENT: every complete numbered folder counts as committed
        latest = int(active) if active.isdigit() else 0
    return _State(active, latest)


def _read_state(store: Path) -> _State:
    """The store's state; a store without CURRENT shows the demo data only."""
    path = store / CURRENT_FILE
    if not path.is_file():
        return _State(DEMO, 0)
    return _parse_current(path.read_text(encoding="utf-8"))


def _committed(store: Path, state: _State) -> list[str]:
    """The committed version folders, oldest first (orphans above 'latest' are not versions)."""
    folder = store / VERSIONS_DIR
    if not folder.is_dir():
        return []
    names = [p.name for p in folder.iterdir()
             if p.is_dir() and p.name.isdigit() and int(p.name) <= state.latest
             and (p / MANIFEST_FILE).is_file()]
    return sorted(names, key=int)


def _leftovers(store: Path, state: _State) -> list[Path]:
    """Temporary files and folders and orphan versions a killed process may have left behind."""
    found = [p for p in store.glob(TMP_PREFIX + "*")]
    folder = store / VERSIONS_DIR
    if folder.is_dir():
        found += [p for p in folder.iterdir()
                  if p.name.startswith(TMP_PREFIX) or (p.name.isdigit() and int(p.name) > state.latest)]
    return found


def _remove(path: Path) -> None:
    """Delete a file or folder, ignoring what is already gone."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def _locked(store: Path, timeout: float | None = None):
    """Hold the store's exclusive lock; raise StoreBusyError after ``timeout`` seconds of waiting."""
    store.mkdir(parents=True, exist_ok=True)
    timeout = LOCK_TIMEOUT_S if timeout is None else timeout
    fd = os.open(store / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusyError(MSG_BUSY) from None
                time.sleep(LOCK_POLL_S)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _write_current(store: Path, active: str, latest: int) -> None:
    """Replace CURRENT atomically: temp file in the same folder, fsync, os.replace, fsync folder."""
    tmp = store / f"{TMP_PREFIX}CURRENT-{uuid.uuid4().hex}"
    try:
        _write_bytes(tmp, f"{active}\nlatest {_version_name(latest)}\n".encode("ascii"))
        _hook("current_tmp_written")
        os.replace(tmp, store / CURRENT_FILE)
    finally:
        _remove(tmp)
    _fsync_dir(store)


# --------------------------------------------------------------------------- reading the store

def _version_dir(store: Path, version: str) -> Path:
    """The folder of one version."""
    return store / VERSIONS_DIR / version


def _normalise_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts with exactly COUNT_COLUMNS and their dtypes (flag and source_id never NaN)."""
    out = pd.DataFrame({
        "area_id": counts["area_id"].astype(str),
        "year": counts["year"].astype("int64"),
        "variable": counts["variable"].astype(str),
        "value": pd.to_numeric(counts["value"], errors="coerce").astype("float64"),
        "flag": counts["flag"].fillna("").astype(str) if "flag" in counts else "",
        "source_id": counts["source_id"].fillna("").astype(str) if "source_id" in counts else "",
    })
    return out.reset_index(drop=True)[COUNT_COLUMNS]


def _read_counts_of(store: Path, version: str) -> pd.DataFrame:
    """The merged counts of one version (empty for 'demo')."""
    if version == DEMO:
        return empty_counts()
    path = _version_dir(store, version) / COUNTS_FILE
    if not path.is_file():
        return empty_counts()
    return _normalise_counts(pd.read_parquet(path, engine="pyarrow"))


def _read_json_of(store: Path, version: str, name: str) -> dict:
    """One JSON file of a version ({} for 'demo' or when absent)."""
    if version == DEMO:
        return {}
    path = _version_dir(store, version) / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _active(store: Path) -> str:
    """The active version, checked to exist."""
    state = _read_state(store)
    if state.active != DEMO and not (_version_dir(store, state.active) / MANIFEST_FILE).is_file():
        raise StoreError(f"Der Datenspeicher ist beschädigt: die aktive Version „{state.active}“ fehlt "
                         f"in {store / VERSIONS_DIR}. Bitte eine andere Version mit „restore“ wählen.")
    return state.active


def load_imported_counts(store=None) -> pd.DataFrame:
    """All imported counts of the active version (empty counts when only demo data are in use)."""
    store = _store(store)
    return _read_counts_of(store, _active(store))


def load_counts_of_version(version: str, store=None) -> pd.DataFrame:
    """The imported counts of exactly ``version`` (empty for 'demo'), active or not.

    Readers that took the CURRENT pointer once (ui/data.py) load that version, not whatever is
    active a moment later: a committed version never changes, so the pair cannot be torn.
    """
    store = _store(store)
    if version != DEMO and not (_version_dir(store, version) / MANIFEST_FILE).is_file():
        raise StoreError(f"Die Version „{version}“ gibt es im Datenspeicher nicht.")
    return _read_counts_of(store, version)


def boundaries_file_of_version(version: str, store=None) -> Path | None:
    """The imported boundaries of exactly ``version``, or None (demo, or a version without boundaries)."""
    if version == DEMO:
        return None
    path = _version_dir(_store(store), version) / BOUNDARIES_FILE
    return path if path.is_file() else None


def imported_sources(store=None) -> dict:
    """source_id -> source entry of every import in the active version ({} for demo)."""
    store = _store(store)
    return _read_json_of(store, _active(store), SOURCES_FILE)


def all_sources(store=None) -> dict:
    """Bundled sources and the sources of the user's imports: every source a value can name."""
    from indicators.catalog import load_sources

    sources = dict(load_sources())
    try:
        sources.update(imported_sources(store))
    except Exception:  # noqa: BLE001 - an unreadable store: the bundled titles still name the data
        LOG.warning("imported sources unreadable", exc_info=True)
    return sources


def current_boundaries_file(store=None) -> Path | None:
    """The imported boundaries of the active version, or None (the maps use the schematic tiles)."""
    store = _store(store)
    version = _active(store)
    if version == DEMO:
        return None
    path = _version_dir(store, version) / BOUNDARIES_FILE
    return path if path.is_file() else None


def active_version(store=None) -> str:
    """The active version ('0002') or 'demo'."""
    return _active(_store(store))


def list_versions(store=None) -> list[dict]:
    """Every committed version, oldest first: version, created, file, description, active, ..."""
    store = _store(store)
    state = _read_state(store)
    rows = []
    for version in _committed(store, state):
        manifest = _read_json_of(store, version, MANIFEST_FILE)
        rows.append({
            "version": version, "created": manifest.get("created"), "file": manifest.get("file"),
            "description": manifest.get("description", ""), "active": version == state.active,
            "kind": manifest.get("kind"), "n_values": manifest.get("n_values", 0),
            "n_counts_total": manifest.get("n_counts_total", 0), "parent": manifest.get("parent"),
        })
    return rows


def store_fingerprint(store=None) -> str:
    """SHA-256 over names and bytes of CURRENT and every committed version's files."""
    # the lock file and a killed import's leftovers (temporary names, folders above 'latest') are
    # left out: no reader ever sees them and the next import deletes them
    store = _store(store)
    digest = hashlib.sha256()
    if not store.is_dir():
        return digest.hexdigest()
    state = _read_state(store)
    paths = [store / CURRENT_FILE] if (store / CURRENT_FILE).is_file() else []
    for version in _committed(store, state):
        paths += sorted(p for p in _version_dir(store, version).rglob("*") if p.is_file())
    for path in paths:
        digest.update(path.relative_to(store).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def restore(version: str, store=None, user: str | None = None) -> None:
    """Make an earlier version (or 'demo': bundled demo data only) active; all versions are kept.

    ``user`` is who asks, for the audit log (default: the local OS user, as on the command line).
    """
    store = _store(store)
    version = str(version).strip()
    if version.isdigit():
        version = _version_name(int(version))
    state = _read_state(store)
    if version == DEMO and state.active == DEMO:
        _audit(store, user, audit.ACTION_RESTORE, audit.OUTCOME_OK, version=version)
        return  # nothing to do; an untouched store stays untouched (the log is not part of the store's state)
    try:
        _check_restorable(store, state, version)  # before locking, so a typo creates no folder
        with _locked(store):
            state = _read_state(store)
            _check_restorable(store, state, version)
            if version != state.active:
                _write_current(store, version, state.latest)
    except StoreError as exc:
        _audit(store, user, audit.ACTION_RESTORE, audit.OUTCOME_REJECTED, version=version, error=str(exc))
        raise
    _audit(store, user, audit.ACTION_RESTORE, audit.OUTCOME_OK, version=version)


def _audit(store: Path, user: str | None, action: str, outcome: str, source=None, filename=None,
           version=None, error=None) -> None:
    """Append one entry to the audit log; a failure to log is logged, the data change stands."""
    sha256, size = audit.file_digest(source) if source is not None else (None, None)
    try:
        audit.append(store, audit.make_entry(user=user or audit.local_user(), action=action, outcome=outcome,
                                             file=None if filename is None else _display_name(filename),
                                             sha256=sha256, size=size, version=version, error=error))
    except OSError as exc:
        LOG.error("audit log of %s could not be written", store, exc_info=exc)


def _audited_import(result: ImportResult, source, filename, store, user: str | None) -> ImportResult:
    """Log an import's outcome (the first error message for a rejected one) and return it unchanged."""
    first = next((p.message for p in result.problems if p.severity == "error"), None)
    _audit(_store(store), user, audit.ACTION_IMPORT, audit.OUTCOME_OK if result.ok else audit.OUTCOME_REJECTED,
           source, filename, result.version, None if result.ok else (first or result.message))
    return result


def _check_restorable(store: Path, state: _State, version: str) -> None:
    """Raise a German StoreError unless ``version`` is 'demo' or a committed version."""
    committed = _committed(store, state)
    if version != DEMO and version not in committed:
        choices = ", ".join(committed + [DEMO])
        raise StoreError(f"Die Version „{version}“ gibt es nicht. Vorhandene Versionen: {choices}.")


# --------------------------------------------------------------------------- reading files

def _sanitise_text(value) -> str | None:
    """A user-given text field: str, stripped, printable, bounded (None when empty)."""
    if value is None:
        return None
    text = "".join(ch for ch in str(value).strip() if ch.isprintable())
    return text[:MAX_META_CHARS] or None


def _count_summary(counts: pd.DataFrame) -> str:
    """'1.234 Werte (5 Variablen, 30 Gebiete, 2020–2024)'."""
    years = f"{counts['year'].min()}–{counts['year'].max()}" if len(counts) else "–"
    if len(counts) and counts["year"].min() == counts["year"].max():
        years = str(counts["year"].min())
    return (f"{_n(len(counts), 'Wert', 'Werte')} ({_n(counts['variable'].nunique(), 'Variable', 'Variablen')}, "
            f"{_n(counts['area_id'].nunique(), 'Gebiet', 'Gebiete')}, {years})")


def _finish_counts(counts, problems, info, filename, fmt: str) -> _Prepared:
    """Counts from any reader: normalised, rejected when empty."""
    prepared = _Prepared("counts", list(problems), info=info, fmt=fmt)
    if prepared.errors:
        return prepared
    if counts is None or len(counts) == 0:
        name = _display_name(filename)
        prepared.problems.append(_problem(filename, f"In der Datei „{name}“ wurden keine Werte gefunden. Bitte "
                                                    "prüfen, ob Kopfzeile, Trennzeichen und Tabellenblatt "
                                                    "stimmen."))
        return prepared
    counts = _normalise_counts(counts)
    if counts.duplicated(KEY).any():  # validation reports these; never store two values for one key
        counts = counts.drop_duplicates(KEY, keep="last")
    prepared.counts = counts
    prepared.n_values = len(counts)
    return prepared


def _table_limit(max_bytes: int | None) -> int:
    """The size limit for a count table: MAX_TABLE_BYTES unless a trusted caller raised it."""
    return MAX_TABLE_BYTES if max_bytes is None else int(max_bytes)


def read_untrusted(reader, source, filename: str, *args, **kwargs):
    """Run one of load/readers' functions on an upload in the limited child process (load/sandbox).

    A parser that would need more memory, CPU or time than the limits, or that crashes, ends as a
    SandboxError carrying the German Problem instead of taking the server down. SANDBOX_READERS
    off runs the reader in this process (for tests whose subject is not the sandbox).
    """
    if not SANDBOX_READERS:
        return reader(source, filename, *args, **kwargs)
    return call_limited(reader, source, filename, *args, filename=filename, **kwargs)


def _prepare_counts(source, filename, column_map=None, area_overrides=None, variable=None,
                    layout=None, match_areas=True, max_bytes=None) -> _Prepared:
    """Read and validate a count table (CSV, TXT, XLSX, Parquet)."""
    problems = _source_problems(source, filename, _table_limit(max_bytes), "Tabellen") \
        or _content_problems(source, filename)
    if problems:
        return _Prepared("counts", problems)
    try:
        from indicators.load import readers

        result = read_untrusted(readers.read_table, source, _display_name(filename), column_map=column_map,
                                area_overrides=area_overrides, variable=variable, layout=layout,
                                match_areas=match_areas)
        return _finish_counts(result.counts, result.problems, result.info, filename, "table")
    except SandboxError as exc:  # memory, CPU or time limit, or a crashed parser
        return _Prepared("counts", [exc.problem])
    except Exception as exc:  # noqa: BLE001 - a reader must never crash the import
        return _Prepared("counts", [_read_error(filename, exc)])


def _prepare_boundaries(source, filename, name_field=None, partial_map: bool = False) -> _Prepared:
    """Read and check a boundary file (GeoJSON, GeoPackage, zipped Shapefile).

    A file without a shape for every Ortsteil is refused unless ``partial_map`` confirms it.
    """
    name = _display_name(filename)
    problems = _source_problems(source, filename, MAX_BOUNDARY_BYTES, "Gebietsgrenzen") \
        or _content_problems(source, filename)
    if problems:
        return _Prepared("boundaries", problems)
    try:
        from indicators.geometry import geojson_text
        from indicators.load import readers
        from indicators.load.boundaries import partial_map_problem

        result = read_untrusted(readers.read_boundaries, source, name, name_field=name_field)
        prepared = _Prepared("boundaries", list(result.problems), info=result.report, fmt="boundaries")
        coverage = partial_map_problem(result.report, name, partial_map)
        if coverage is not None:
            prepared.problems.append(coverage)
        if prepared.errors:
            return prepared
        if result.gdf is None or len(result.gdf) == 0:
            prepared.problems.append(_problem(filename, f"In der Datei „{name}“ wurden keine Flächen gefunden, "
                                                        "die einem Ortsteil zugeordnet werden konnten."))
            return prepared
        prepared.geojson = geojson_text(result.gdf)  # the format geometry.read_geojson reads back
        prepared.n_values = len(result.gdf)
        return prepared
    except SandboxError as exc:
        return _Prepared("boundaries", [exc.problem])
    except Exception as exc:  # noqa: BLE001
        return _Prepared("boundaries", [_read_error(filename, exc)])


def _detect_special_format(source, filename) -> str | None:
    """'genesis_ffcsv' | 'genesis_table' | 'ba_smallarea' | None (only text tables are sniffed)."""
    if _extension(filename) not in (".csv", ".txt", ".tsv", ".xlsx", ".zip"):
        return None
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        return detect_format(data, _display_name(filename))
    except Exception:  # noqa: BLE001 - detection is a guess; the ordinary loader decides then
        return None


def _special_problems(counts: pd.DataFrame, notes, filename, check_area_ids: bool) -> list[Problem]:
    """The readers' German notes as warnings plus validation's value checks (sums of cells: no rows)."""
    from indicators.load.validation import validate_counts

    name = _display_name(filename)
    # the readers call an upload 'Datei'; name the file the user chose instead
    problems = [_problem(filename, re.sub(r"^Datei\b", name, str(note)), "warning") for note in notes]
    if counts is not None and len(counts):
        for p in validate_counts(counts, name, check_area_ids=check_area_ids):
            message = re.sub(r", Zeile \d+\)", ")", p.message)  # rows of the sums, not of the file
            problems.append(Problem(name, None, None, message, p.severity))
    return problems


def _prepare_special(source, filename, fmt: str, max_bytes=None) -> _Prepared:
    """Read a GENESIS or BA export through its own reader (they raise German *FormatErrors)."""
    problems = _source_problems(source, filename, _table_limit(max_bytes), "Tabellen") \
        or _content_problems(source, filename)
    if problems:
        return _Prepared("counts", problems)
    try:
        from indicators.load import readers

        result = read_untrusted(readers.read_export, source, _display_name(filename), fmt)
        if fmt == "ba_smallarea":
            notes, check_ids = list(result.report), True
        else:
            notes, check_ids = list(result.notes), False  # GENESIS areas are Kreise (ags_...), not Ortsteile
        problems = _special_problems(result.counts, notes, filename, check_ids)
        return _finish_counts(result.counts, problems, {"format": fmt, "notes": notes}, filename, fmt)
    except SandboxError as exc:
        return _Prepared("counts", [exc.problem])
    except Exception as exc:  # noqa: BLE001
        return _Prepared("counts", [_read_error(filename, exc)])


def _looks_like_geojson(source) -> bool:
    """A GeoJSON 'type' member near the start of a JSON file."""
    return bool(GEOJSON_TYPE.search(_head(source, SNIFF_BYTES)))


def _zip_has_boundaries(source) -> bool:
    """True when a ZIP lists a Shapefile, GeoJSON or GeoPackage (listed only, never unpacked here)."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            return any(n.lower().endswith(ZIP_BOUNDARY_MEMBERS) for n in archive.namelist())
    except Exception:  # noqa: BLE001
        return False


def _unsupported(filename, kind: str) -> _Prepared:
    """A file type the importer does not take."""
    name = _display_name(filename)
    ext = _extension(filename) or "ohne Endung"
    if ext == ".xls":
        text = (f"„{name}“ ist im alten Excel-Format (.xls). Bitte in Excel als „Excel-Arbeitsmappe (.xlsx)“ "
                "speichern und erneut hochladen.")
    else:
        text = (f"Der Dateityp „{ext}“ von „{name}“ wird nicht unterstützt. "
                f"Unterstützt werden {SUPPORTED_TEXT}.")
    return _Prepared(kind, [_problem(filename, text)])


def _prepare_any(source, filename, options: dict) -> _Prepared:
    """Dispatch by extension and content: boundaries, GENESIS/BA exports or count tables."""
    source = _as_source(source)
    name = _display_name(filename)
    ext = _extension(filename)
    first = _source_problems(source, filename, float("inf"), "Dateien")  # exists, regular, not empty
    if first:
        return _Prepared("counts", first)
    if ext in (".geojson", ".gpkg"):
        return _prepare_boundaries(source, filename, options.get("name_field"), options.get("partial_map", False))
    if ext == ".json":
        if _looks_like_geojson(source):
            return _prepare_boundaries(source, filename, options.get("name_field"), options.get("partial_map", False))
        return _Prepared("boundaries", [_problem(filename, f"„{name}“ ist keine GeoJSON-Datei. JSON wird nur für "
                                                           "Gebietsgrenzen (GeoJSON) angenommen; Zähltabellen "
                                                           "bitte als CSV oder XLSX hochladen.")])
    if ext == ".zip":
        problems = _source_problems(source, filename, MAX_BOUNDARY_BYTES, "Gebietsgrenzen") \
            or _content_problems(source, filename)  # streamed and bounded: bombs, nested archives
        if problems:
            return _Prepared("boundaries", problems)
        if not _zip_has_boundaries(source):
            special = _detect_special_format(source, filename)
            if special:  # e.g. GENESIS flat files downloaded as ZIP
                return _prepare_special(source, filename, special)
            return _Prepared("boundaries", [_problem(filename, f"Das ZIP-Archiv „{name}“ enthält kein Shapefile "
                                                               "(.shp). ZIP wird nur für Shapefiles angenommen; "
                                                               "Tabellen bitte ungepackt hochladen.")])
        return _prepare_boundaries(source, filename, options.get("name_field"), options.get("partial_map", False))
    if ext not in TABLE_EXTENSIONS:
        return _unsupported(filename, "counts")
    table_options = {k: options.get(k) for k in ("column_map", "area_overrides", "variable", "layout")}
    if not any(table_options.values()):
        problems = _source_problems(source, filename, _table_limit(options.get("max_bytes")), "Tabellen") \
            or _content_problems(source, filename)
        if problems:
            return _Prepared("counts", problems)
        special = _detect_special_format(source, filename)
        if special:
            return _prepare_special(source, filename, special, options.get("max_bytes"))
    return _prepare_counts(source, filename, match_areas=options.get("match_areas", True),
                           max_bytes=options.get("max_bytes"), **table_options)


# --------------------------------------------------------------------------- writing versions

def merge_counts(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """New values replace old ones with the same area, year and variable; the rest is kept."""
    if old.empty:
        return new[COUNT_COLUMNS].reset_index(drop=True)
    replaced = pd.MultiIndex.from_frame(old[KEY]).isin(pd.MultiIndex.from_frame(new[KEY]))
    return pd.concat([old.loc[~replaced, COUNT_COLUMNS], new[COUNT_COLUMNS]], ignore_index=True)


def _source_entry(meta: dict | None, filename, version: str, content: str) -> dict:
    """A sources.json entry: the user's description (sanitised) plus kind, time and file."""
    meta = meta or {}
    name = _display_name(filename)
    title = _sanitise_text(meta.get("title")) or f"Import aus {name}"
    entry = {key: _sanitise_text(meta.get(key)) for key in SOURCE_FIELDS if key != "title"}
    entry.update({"title": {"de": title, "en": title}, "kind": "imported", "imported_at": _now(),
                  "file": name, "version": version, "content": content})
    return entry


def _source_id(meta: dict | None, version: str) -> str:
    """The user's source_id when it is a clean snake_case id not used by a bundled source, else 'import_<version>'."""
    from indicators.catalog import load_sources

    wanted = str((meta or {}).get("source_id") or "").strip()
    bundled = set(load_sources()) | {DEMO}
    return wanted if SOURCE_ID_PATTERN.match(wanted) and wanted not in bundled else f"import_{version}"


def _prune_sources(sources: dict, counts: pd.DataFrame, boundary_source: str | None) -> dict:
    """Keep the sources that some count or the boundaries still come from."""
    used = set(counts["source_id"].unique()) if len(counts) else set()
    return {sid: entry for sid, entry in sources.items()
            if sid in used or sid == boundary_source}


def _boundary_source(sources: dict) -> str | None:
    """The source id of the boundaries in use, if any."""
    for sid, entry in sources.items():
        if entry.get("content") == "boundaries":
            return sid
    return None


def _write_version(tmp: Path, store: Path, state: _State, version: str, prepared: _Prepared,
                   meta: dict | None, filename) -> dict:
    """Write counts, sources and boundaries of the new version into ``tmp``; return its manifest."""
    parent = state.active
    sources = _read_json_of(store, parent, SOURCES_FILE)
    sid = _source_id(meta, version)
    entry = _source_entry(meta, filename, version, prepared.kind)
    parent_boundaries = None if parent == DEMO else _version_dir(store, parent) / BOUNDARIES_FILE
    parent_counts = None if parent == DEMO else _version_dir(store, parent) / COUNTS_FILE
    manifest = {"version": version, "parent": parent, "created": _now(), "kind": prepared.kind,
                "file": _display_name(filename), "source_id": sid, "n_values": prepared.n_values,
                "n_warnings": sum(p.severity != "error" for p in prepared.problems), "format": prepared.fmt}
    if prepared.kind == "counts":
        old = _read_counts_of(store, parent)
        new = prepared.counts.assign(source_id=sid)
        merged = merge_counts(old, new)
        merged.to_parquet(tmp / COUNTS_FILE, engine="pyarrow", index=False)
        _fsync_file(tmp / COUNTS_FILE)
        _hook("version_written")
        if parent_boundaries is not None and parent_boundaries.is_file():
            _link_or_copy(parent_boundaries, tmp / BOUNDARIES_FILE)
        sources.pop(sid, None)
        sources[sid] = entry
        bsid = _boundary_source(sources)
        manifest.update({
            "n_counts_total": len(merged), "n_replaced": len(old) + len(new) - len(merged),
            "variables": sorted(new["variable"].unique().tolist()),
            "years": [int(new["year"].min()), int(new["year"].max())],
            "n_areas": int(new["area_id"].nunique()),
            "description": f"{_count_summary(new)} aus „{_display_name(filename)}“",
        })
    else:
        if parent_counts is not None and parent_counts.is_file():
            _link_or_copy(parent_counts, tmp / COUNTS_FILE)
            merged = _read_counts_of(store, parent)
        else:
            merged = empty_counts()
        _write_bytes(tmp / BOUNDARIES_FILE, prepared.geojson.encode("utf-8"))
        _hook("version_written")
        sources = {k: v for k, v in sources.items() if v.get("content") != "boundaries"}
        sources[sid] = entry
        bsid = sid
        manifest.update({"n_counts_total": len(merged), "n_replaced": 0,
                         "description": f"Gebietsgrenzen: {_n(prepared.n_values, 'Fläche', 'Flächen')} aus "
                                        f"„{_display_name(filename)}“"})
    _write_json(tmp / SOURCES_FILE, _prune_sources(sources, merged, bsid))
    _write_json(tmp / MANIFEST_FILE, manifest)
    return manifest


def _in_use_after(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counts to check, dropped demo values) after ``new`` joins the earlier imports.

    Ortsteile: exactly what the pages will show (build.pipeline): imports over the bundled demo
    counts, demo partners of imported values dropped (store/inuse.py). Other areas (Kreis tables
    from GENESIS) have no demo counts: the imports alone, and only when there were earlier ones
    (a file on its own was checked when it was read).
    """
    from indicators.areas import ortsteile
    from indicators.load import demo
    from indicators.paths import DEMO_COUNTS_FILE
    from indicators.store.inuse import unmixed

    merged = merge_counts(old, new)
    is_ortsteil = merged["area_id"].isin(ortsteile()["area_id"])
    in_use, dropped = unmixed(demo.read(DEMO_COUNTS_FILE), merged[is_ortsteil])
    if not old.empty:
        in_use = pd.concat([in_use, merged[~is_ortsteil]], ignore_index=True)
    return in_use, dropped


def _origin(key: tuple, new_keys: set, old_keys: set, filename, version: str) -> str:
    """Where one value in use comes from, for a message: this file, an earlier version or the demo data."""
    if key in new_keys:
        return f"aus „{_display_name(filename)}“"
    if key in old_keys:
        return f"aus Version {version}"
    return "aus den Demodaten"


def cross_import_problems(old: pd.DataFrame, new: pd.DataFrame, filename, version: str) -> list:
    """Refusals and notes for ``new`` against the data in use after the import, whatever their origin.

    Errors: a part larger than its whole anywhere the new values take part (earlier imports, this
    file and the demo values left, exactly as the pages would use them). Warnings: demo values
    dropped because their partner in a ratio is now imported (the indicator stays empty there).
    """
    from indicators.areas import area_names
    from indicators.catalog import load_catalog
    from indicators.load.validation import parts_exceeding_wholes
    from indicators.store.inuse import mixing_notes

    in_use, dropped = _in_use_after(old, new)
    bad = parts_exceeding_wholes(in_use)
    new_keys = set(zip(new["area_id"], new["year"], new["variable"]))
    old_keys = set(zip(old["area_id"], old["year"], old["variable"]))
    titles = {v.id: v.title["de"] for v in load_catalog().variables.values()}
    names = area_names()
    problems = []
    for r in bad.itertuples():
        part_key, whole_key = (r.area_id, r.year, r.part), (r.area_id, r.year, r.whole)
        if part_key not in new_keys and whole_key not in new_keys:
            continue  # not this file's doing
        problems.append(_problem(
            filename, f"Nach dem Import wären in {names.get(r.area_id, r.area_id)} {int(r.year)} "
                      f"{titles[r.part]} ({fmt_number(r.part_value)}, "
                      f"{_origin(part_key, new_keys, old_keys, filename, version)}) mehr als {titles[r.whole]} "
                      f"({fmt_number(r.whole_value)}, {_origin(whole_key, new_keys, old_keys, filename, version)}). "
                      "Ein Teil kann nicht größer sein als das Ganze: bitte beide Werte prüfen."))
    if len(dropped):  # only the values this file pairs with: earlier imports were reported then
        pairs = dropped.assign(partners=dropped["partners"].str.split(";")).explode("partners")
        ours = [(a, y, p) in new_keys for a, y, p in zip(pairs["area_id"], pairs["year"], pairs["partners"])]
        pairs = pairs[ours]
        dropped = (pairs.groupby(["area_id", "year", "variable"], sort=True)["partners"]
                   .agg(lambda ids: ";".join(sorted(set(ids)))).reset_index())
    problems += [_problem(filename, note, "warning") for note in mixing_notes(dropped)]
    return problems


def _commit(store: Path, prepared: _Prepared, meta: dict | None, filename) -> str:
    """Write a new version and make it active, under the lock; all or nothing."""
    with _locked(store):
        _hook("locked")
        state = _read_state(store)
        if prepared.kind == "counts":  # checked under the lock: the earlier imports cannot change meanwhile
            found = cross_import_problems(_read_counts_of(store, state.active), prepared.counts, filename,
                                          state.active)
            conflicts = [p for p in found if p.severity == "error"]
            if conflicts:
                raise ConflictError(conflicts)
            prepared.problems.extend(found)  # the notes on values left empty, in the import report
        for path in _leftovers(store, state):
            _remove(path)
        version = _version_name(state.latest + 1)
        versions = store / VERSIONS_DIR
        versions.mkdir(exist_ok=True)
        tmp = versions / f"{TMP_PREFIX}{version}-{uuid.uuid4().hex}"
        final = versions / version
        committed = False
        try:
            tmp.mkdir()
            _write_version(tmp, store, state, version, prepared, meta, filename)
            _fsync_dir(tmp)
            os.rename(tmp, final)
            _fsync_dir(versions)
            _hook("version_renamed")
            _write_current(store, version, state.latest + 1)
            committed = True
            _hook("current_replaced")
        finally:
            if not committed:
                _remove(tmp)
                if _read_state(store).latest < state.latest + 1:  # CURRENT never named it: an orphan
                    _remove(final)
        return version


# --------------------------------------------------------------------------- public import API

def _rejected(filename, prepared: _Prepared) -> ImportResult:
    """A failed import: every problem, and a German summary that names the first error."""
    name = _display_name(filename)
    errors = prepared.errors
    first = errors[0] if errors else None
    where = ""
    if first is not None and (first.row is not None or first.column):
        parts = ([f"Zeile {first.row}"] if first.row is not None else []) + \
                ([f"Spalte „{first.column}“"] if first.column else [])
        where = ", ".join(parts) + ": "
    detail = f" {where}{first.message}" if first is not None else ""
    more = f" (und {_n(len(errors) - 1, 'weiterer Fehler', 'weitere Fehler')}, siehe Liste)" if len(errors) > 1 else ""
    message = f"„{name}“ wurde nicht importiert.{detail}{more} {MSG_UNCHANGED}"
    return ImportResult(False, prepared.problems, None, message, 0, prepared.info)


def _run_import(source, filename, meta: dict | None, prepared: _Prepared, store) -> ImportResult:
    """Commit a prepared file, or reject it; never raises."""
    name = _display_name(filename)
    if prepared.errors:
        return _rejected(filename, prepared)
    store = _store(store)
    try:
        version = _commit(store, prepared, meta, filename)
    except StoreBusyError:
        return ImportResult(False, prepared.problems, None, f"„{name}“ wurde nicht importiert. {MSG_BUSY} "
                            f"{MSG_UNCHANGED}", 0, prepared.info)
    except ConflictError as exc:
        prepared.problems.extend(exc.problems)
        return _rejected(filename, prepared)
    except Exception as exc:  # noqa: BLE001 - disk full, permissions, ...: the store is unchanged
        LOG.warning("storing %s failed", name, exc_info=exc)
        return ImportResult(False, prepared.problems, None,
                            f"„{name}“ konnte nicht gespeichert werden (technischer Hinweis: {type(exc).__name__}: "
                            f"{str(exc)[:200]}). {MSG_UNCHANGED} Bitte Speicherplatz und Schreibrechte des "
                            f"Datenordners {store} prüfen und erneut versuchen.", 0, prepared.info)
    n_warn = sum(p.severity != "error" for p in prepared.problems)
    hint = f" {_n(n_warn, 'Hinweis', 'Hinweise')}, siehe Liste." if n_warn else ""
    if prepared.kind == "counts":
        text = f"„{name}“ importiert: {_count_summary(prepared.counts)} als Version {version}.{hint}"
    else:
        text = f"Gebietsgrenzen aus „{name}“ importiert: {_n(prepared.n_values, 'Fläche', 'Flächen')} als " \
               f"Version {version}.{hint}"
    return ImportResult(True, prepared.problems, version, text, prepared.n_values, prepared.info)


def import_counts_file(source, filename, source_meta: dict | None = None, *, column_map=None,
                       area_overrides=None, variable=None, layout=None, match_areas=True,
                       max_bytes: int | None = None, store=None, user: str | None = None) -> ImportResult:
    """Validate a count table and store it as a new version (all or nothing)."""
    # max_bytes raises MAX_TABLE_BYTES for trusted local files only (benchmark, admin CLI), never for uploads
    source = _as_source(source)
    try:
        prepared = _prepare_counts(source, filename, column_map, area_overrides, variable, layout, match_areas,
                                   max_bytes)
    except Exception as exc:  # noqa: BLE001 - e.g. a file that vanished while being read
        prepared = _Prepared("counts", [_read_error(filename, exc)])
    return _audited_import(_run_import(source, filename, source_meta, prepared, store), source, filename, store, user)


def import_boundaries_file(source, filename, source_meta: dict | None = None, name_field=None, *,
                           partial_map: bool = False, store=None, user: str | None = None) -> ImportResult:
    """Validate a boundary file and store it as a new version (all or nothing; a partial map only if confirmed)."""
    source = _as_source(source)
    try:
        prepared = _prepare_boundaries(source, filename, name_field, partial_map)
    except Exception as exc:  # noqa: BLE001
        prepared = _Prepared("boundaries", [_read_error(filename, exc)])
    return _audited_import(_run_import(source, filename, source_meta, prepared, store), source, filename, store, user)


def import_file(source, filename, source_meta: dict | None = None, *, store=None, user: str | None = None,
                **options) -> ImportResult:
    """Import any supported file: boundaries, GENESIS/BA exports or count tables, chosen by type."""
    try:
        prepared = _prepare_any(source, filename, options)
    except Exception as exc:  # noqa: BLE001 - e.g. a file that vanished while being read
        prepared = _Prepared("counts", [_read_error(filename, exc)])
    return _audited_import(_run_import(source, filename, source_meta, prepared, store), source, filename, store, user)


def validate_file(source, filename, *, store=None, **options) -> list:
    """Every problem an import of this file would report, against the active version; the store is not touched."""
    try:
        prepared = _prepare_any(source, filename, options)
        if prepared.kind == "counts" and prepared.counts is not None and not prepared.errors:
            with contextlib.suppress(StoreError):  # a damaged store is reported by the import itself
                store = _store(store)
                active = _active(store)
                prepared.problems.extend(cross_import_problems(_read_counts_of(store, active), prepared.counts,
                                                               filename, active))
        return prepared.problems
    except Exception as exc:  # noqa: BLE001
        return [_read_error(filename, exc)]
