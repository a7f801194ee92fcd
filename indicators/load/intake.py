"""Upload safety: what every file passes before a reader sees it (size, ZIP, XLSX, Parquet), and the
file-naming helpers the messages use. Public, so the store and the import page share one set of checks.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
from pathlib import Path, PurePosixPath

from indicators.formats import fmt_bytes, fmt_number
from indicators.limits import MAX_ZIP_MEMBERS, MAX_ZIP_UNCOMPRESSED_BYTES, MB
from indicators.load.validation import Problem

LOG = logging.getLogger("indicators.store")  # the store's log: reader failures are import failures
MAX_ZIP_RATIO = 100                     # uncompressed / compressed, per member ...
ZIP_RATIO_MIN_BYTES = 1 * MB            # ... checked for members at least this large
MAX_ZIP_DIRECTORY_BYTES = MAX_ZIP_MEMBERS * 1024   # central directory, checked before parsing it
MAX_PARQUET_ROWS = 20_000_000
MAX_PARQUET_UNCOMPRESSED_BYTES = 2000 * MB
MAX_FILENAME_CHARS = 200
SNIFF_BYTES = 64 * 1024
TABLE_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")
ZIP_EXTENSIONS = (".zip", ".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
SUPPORTED_TEXT = ("Zähltabellen als CSV, TXT, XLSX oder Parquet (auch GENESIS- und BA-Exporte), "
                  "Gebietsgrenzen als GeoJSON, GeoPackage oder ZIP mit Shapefile")


def display_name(filename) -> str:
    """An uploaded file name made safe for messages: base name, no control characters, bounded."""
    name = PurePosixPath(str(filename or "").replace("\\", "/")).name or "Datei"
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:MAX_FILENAME_CHARS] or "Datei"


def extension(filename) -> str:
    """'Daten.CSV' -> '.csv'."""
    return PurePosixPath(display_name(filename)).suffix.lower()

def problem(filename, message: str, severity: str = "error", row=None, column=None) -> Problem:
    """A problem about the whole file (or one row/column of it)."""
    return Problem(file=display_name(filename), row=row, column=column, message=message,
                   severity=severity)


def read_error(filename, exc: BaseException) -> Problem:
    """An exception inside a reader, turned into a German message that names the file."""
    name = display_name(filename)
    LOG.info("reading %s failed", name, exc_info=exc)  # for the server log; the user sees German text
    if type(exc).__module__.startswith("indicators.") and str(exc).strip():
        # the project's own reader errors (GenesisFormatError, BAFormatError, ...) carry German text
        return problem(filename, f"„{name}“: {str(exc).strip()[:1000]}")
    return problem(filename, f"Die Datei „{name}“ konnte nicht gelesen werden (technischer Hinweis: "
                              f"{type(exc).__name__}). Bitte prüfen Sie, ob die Datei vollständig ist "
                              f"und dem Dateityp entspricht; unterstützt werden {SUPPORTED_TEXT}.")

# --- upload safety ---

def byte_size(source) -> int:
    """Size in bytes of an upload (bytes) or a local file (Path)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return len(source)
    return Path(source).stat().st_size


def head_bytes(source, n: int = SNIFF_BYTES) -> bytes:
    """The first n bytes."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source[:n])
    with open(source, "rb") as fh:
        return fh.read(n)


def tail_bytes(source, n: int) -> bytes:
    """The last n bytes."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source[-n:])
    with open(source, "rb") as fh:
        fh.seek(max(0, byte_size(source) - n))
        return fh.read(n)


def as_source(source):
    """bytes stay bytes; anything else is a local path."""
    if isinstance(source, (bytearray, memoryview)):
        return bytes(source)
    return source if isinstance(source, bytes) else Path(source)


def source_problems(source, filename, limit: int, what: str) -> list[Problem]:
    """The file exists, is a regular file and is not larger than ``limit``."""
    name = display_name(filename)
    if isinstance(source, Path):
        if not source.exists():
            return [problem(filename, f"Die Datei „{name}“ wurde nicht gefunden ({source}). "
                                       "Bitte den Pfad prüfen.")]
        if not source.is_file():
            return [problem(filename, f"„{name}“ ist keine normale Datei. Bitte eine Datei auswählen.")]
    size = byte_size(source)
    if size == 0:
        return [problem(filename, f"Die Datei „{name}“ ist leer. Bitte die richtige Datei auswählen.")]
    if size > limit:
        return [problem(filename, f"Die Datei „{name}“ ist {fmt_bytes(size)} groß; für {what} sind höchstens "
                                   f"{fmt_bytes(limit)} erlaubt. Bitte die Datei aufteilen oder nur die "
                                   "benötigten Gebiete und Jahre exportieren.")]
    return []


def zip_directory(source) -> tuple[int, int] | None:
    """(member count, central directory size) from the end record, read before any parsing; None if absent."""
    tail = tail_bytes(source, 22 + 65535)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        return None
    _sig, _disk, _disk_cd, _n_disk, n_total, cd_size, _cd_offset, _clen = struct.unpack(
        "<4s4H2LH", tail[pos:pos + 22])
    return n_total, cd_size


def member_problem(name: str) -> str | None:
    """Why a ZIP member name is refused (absolute, drive letter, '..'), or None."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        return "einem absoluten Pfad"
    if ".." in PurePosixPath(posix).parts:
        return "„..“ im Pfad"
    if "\0" in name:
        return "einem Nullzeichen im Namen"
    return None


def zip_problems(source, filename) -> list[Problem]:
    """Checks of a ZIP archive (also XLSX) before anyone unpacks it: members, paths, sizes, ratio."""
    name = display_name(filename)
    directory = zip_directory(source)
    if directory is None:
        return [problem(filename, f"„{name}“ ist kein gültiges ZIP-Archiv (auch XLSX-Dateien sind "
                                   "ZIP-Archive). Bitte die Datei neu exportieren oder neu packen.")]
    n_members, cd_size = directory
    if n_members > MAX_ZIP_MEMBERS or cd_size > MAX_ZIP_DIRECTORY_BYTES:
        shown = "mehr als 65.535" if n_members == 0xFFFF else fmt_number(n_members)
        return [problem(filename, f"Das ZIP-Archiv „{name}“ enthält {shown} Einträge; erlaubt sind "
                                   f"höchstens {fmt_number(MAX_ZIP_MEMBERS)}. Bitte nur die Dateien "
                                   "des Shapefiles (.shp, .shx, .dbf, .prj) packen.")]
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with zipfile.ZipFile(data) as archive:
            members = archive.infolist()
    except Exception as exc:  # noqa: BLE001 - any parse failure is a bad archive
        return [read_error(filename, exc)]
    if len(members) > MAX_ZIP_MEMBERS:
        return [problem(filename, f"Das ZIP-Archiv „{name}“ enthält {fmt_number(len(members))} Einträge; "
                                   f"erlaubt sind höchstens {fmt_number(MAX_ZIP_MEMBERS)}. Bitte nur die "
                                   "Dateien des Shapefiles (.shp, .shx, .dbf, .prj) packen.")]
    problems = []
    for member in members:
        reason = member_problem(member.filename)
        if reason:
            shown = "".join(ch for ch in member.filename if ch.isprintable())
            problems.append(problem(filename, f"Das ZIP-Archiv „{name}“ enthält einen Eintrag mit {reason} "
                                               f"(„{shown[:MAX_FILENAME_CHARS]}“). Solche Archive werden aus "
                                               "Sicherheitsgründen abgelehnt; bitte die Dateien ohne "
                                               "Ordnerangaben neu packen."))
    total = sum(m.file_size for m in members)
    if total > MAX_ZIP_UNCOMPRESSED_BYTES:
        problems.append(problem(filename, f"Das ZIP-Archiv „{name}“ würde entpackt {fmt_bytes(total)} "
                                           f"belegen; erlaubt sind höchstens {fmt_bytes(MAX_ZIP_UNCOMPRESSED_BYTES)}. "
                                           "Bitte eine kleinere Datei verwenden (z. B. Geometrien vereinfachen)."))
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= ZIP_RATIO_MIN_BYTES and ratio > MAX_ZIP_RATIO:
            problems.append(problem(filename, f"Der Eintrag „{display_name(member.filename)}“ im ZIP-Archiv "
                                               f"„{name}“ ist ungewöhnlich stark komprimiert (Faktor "
                                               f"{fmt_number(ratio)}, erlaubt {fmt_number(MAX_ZIP_RATIO)}); "
                                               "das Archiv wird als mögliche ZIP-Bombe abgelehnt. Bitte die "
                                               "Originaldatei verwenden."))
            break
    return problems


def parquet_problems(source, filename) -> list[Problem]:
    """Row count and uncompressed size from the Parquet footer, before reading any data."""
    import pyarrow.parquet as pq

    name = display_name(filename)
    try:
        meta = pq.ParquetFile(io.BytesIO(source) if isinstance(source, bytes) else source).metadata
        uncompressed = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception as exc:  # noqa: BLE001 - a broken footer is a bad file
        return [read_error(filename, exc)]
    if meta.num_rows > MAX_PARQUET_ROWS or uncompressed > MAX_PARQUET_UNCOMPRESSED_BYTES:
        return [problem(filename, f"Die Parquet-Datei „{name}“ ist zu groß ({fmt_number(meta.num_rows)} Zeilen, "
                                   f"{fmt_bytes(uncompressed)} entpackt; erlaubt sind {fmt_number(MAX_PARQUET_ROWS)} "
                                   f"Zeilen und {fmt_bytes(MAX_PARQUET_UNCOMPRESSED_BYTES)}). Bitte aufteilen.")]
    return []


def content_problems(source, filename) -> list[Problem]:
    """Container checks before any reader, by content (magic bytes) first and extension second.

    The kind comes from bounded.detect_kind, never from unpacking: other archives, binary files and
    UTF-16 are refused; a ZIP (whatever its name) is checked by its directory and then streamed with
    a byte budget (bombs with lying sizes, nested archives); an XLSX also by its declared and
    streamed dimensions; Parquet by its footer and dictionary expansion; a GeoPackage by its schema.
    """
    from indicators.load import bounded

    ext = extension(filename)
    kind = bounded.detect_kind(source)
    refused = bounded.kind_problems(source, filename)
    if refused:
        return refused
    if kind == bounded.KIND_XLSX:
        return zip_problems(source, filename) or bounded.xlsx_problems(source, filename)
    if kind == bounded.KIND_ZIP or ext in ZIP_EXTENSIONS or head_bytes(source, 4) == ZIP_MAGIC:
        return zip_problems(source, filename) or bounded.zip_stream_problems(source, filename)
    if kind == bounded.KIND_PARQUET or ext == ".parquet":
        return bounded.parquet_problems(source, filename)
    if kind == bounded.KIND_SQLITE:
        return bounded.gpkg_problems(source, filename)
    return []
