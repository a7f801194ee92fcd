"""Bounded reading of untrusted files: what a file is, and whether it is safe to parse, from bytes.

Every check here runs BEFORE a parser (pandas, openpyxl, pyarrow, pyogrio, shapely) sees the file
and works in bounded memory and time: the kind comes from the first bytes (magic numbers), never
from unpacking; decompression is streamed and counted by bytes produced (a ZIP's declared sizes may
lie); an XLSX sheet's declared dimension and its streamed row and cell counts, a Parquet footer's
rows, columns and uncompressed sizes (including what a dictionary column expands to), a
GeoPackage's layer kinds and a GeoJSON's vertex counts are all bounded by indicators/limits.py.
Each check returns a list of German Problems (empty = fine to parse), like validation does.
"""

from __future__ import annotations

import io
import itertools
import re
import sqlite3
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from indicators.formats import fmt_number
from indicators.limits import (
    MAX_DECOMPRESSED_BYTES,
    MAX_PARQUET_UNCOMPRESSED_BYTES,
    MAX_TABLE_CELLS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    MAX_VERTICES_PER_POLYGON,
    MAX_VERTICES_TOTAL,
    MAX_XLSX_CELLS,
    MAX_ZIP_MEMBERS,
    MB,
)
from indicators.load.validation import Problem

HEAD_BYTES = 8192                       # enough for every magic number and a text sample
CHUNK_BYTES = 1 * MB                    # streaming step
MAX_PARQUET_FOOTER_BYTES = 16 * MB      # a footer is KBs; a huge one is itself an attack
MAX_SQLITE_STEPS = 2_000_000            # SQLite VM steps for the GeoPackage checks (~0.1 s)

KIND_ZIP = "zip"
KIND_XLSX = "xlsx"
KIND_PARQUET = "parquet"
KIND_SQLITE = "sqlite"                  # a GeoPackage is an SQLite database
KIND_GZIP = "gzip"
KIND_OTHER_ARCHIVE = "archive"          # bzip2, xz, 7z, rar, tar: not supported
KIND_TEXT = "text"
KIND_UTF16 = "utf16"
KIND_BINARY = "binary"

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
MAGICS = (
    (b"PAR1", KIND_PARQUET),
    (b"SQLite format 3\x00", KIND_SQLITE),
    (b"\x1f\x8b", KIND_GZIP),
    (b"BZh", KIND_OTHER_ARCHIVE),
    (b"\xfd7zXZ\x00", KIND_OTHER_ARCHIVE),
    (b"7z\xbc\xaf\x27\x1c", KIND_OTHER_ARCHIVE),
    (b"Rar!\x1a\x07", KIND_OTHER_ARCHIVE),
    (b"\x28\xb5\x2f\xfd", KIND_OTHER_ARCHIVE),          # zstandard
)
ARCHIVE_NAMES = (".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".zst", ".xlsx", ".xlsm")


class BoundError(Exception):
    """A bound was exceeded while reading; ``problem`` holds the German message."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


# --------------------------------------------------------------------------- helpers

def _shown(filename) -> str:
    """A file or member name for a message: base name, printable characters only, bounded."""
    name = PurePosixPath(str(filename or "").replace("\\", "/")).name or "Datei"
    return "".join(ch for ch in name if ch.isprintable())[:200] or "Datei"


def _problem(filename, message: str) -> Problem:
    return Problem(file=_shown(filename), row=None, column=None, message=message)


def _mb(n_bytes: float) -> str:
    """Bytes in German: 524288000 -> '500 MB', 1.5 MB -> '1,5 MB', 2988 -> '3 KB'."""
    if n_bytes < MB:
        return f"{fmt_number(max(1, round(n_bytes / 1024)))} KB"
    value = n_bytes / MB
    return f"{fmt_number(value, 0 if value >= 10 or value == int(value) else 1)} MB"


def _open(source):
    """A binary file object for bytes or a path."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source))
    return open(source, "rb")  # noqa: SIM115 - closed by the caller's with


def head(source, n: int = HEAD_BYTES) -> bytes:
    """The first n bytes of bytes or a file."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source[:n])
    with open(source, "rb") as handle:
        return handle.read(n)


# --------------------------------------------------------------------------- what is this file

def _zip_names(source) -> list[str]:
    """Member names from the central directory only (nothing is decompressed)."""
    with _open(source) as handle, zipfile.ZipFile(handle) as archive:
        return archive.namelist()


def detect_kind(source) -> str:
    """The file kind (KIND_*) from its first bytes, never from its name and never by unpacking.

    A ZIP is told apart from an XLSX by its central directory (member names), which zipfile
    reads without decompressing anything.
    """
    start = head(source)
    if start.startswith(ZIP_MAGICS):
        try:
            names = _zip_names(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return KIND_ZIP                   # a broken ZIP is still a ZIP: zip_problems says so
        return KIND_XLSX if "xl/workbook.xml" in names else KIND_ZIP
    for magic, kind in MAGICS:
        if start.startswith(magic):
            return kind
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return KIND_UTF16
    if b"\0" in start:
        # UTF-16 without a byte order mark: every other byte of ASCII text is zero
        return KIND_UTF16 if start[1::2].count(0) > len(start) // 4 or start[0::2].count(0) > len(start) // 4 \
            else KIND_BINARY
    return KIND_TEXT


def kind_problems(source, filename) -> list[Problem]:
    """Refusals that follow from the kind alone (other archives, binary files, UTF-16)."""
    kind = detect_kind(source)
    name = _shown(filename)
    if kind == KIND_OTHER_ARCHIVE:
        return [_problem(filename, f"„{name}“ ist ein komprimiertes Archiv (z. B. 7z, RAR, bzip2 oder xz). "
                                   "Unterstützt werden nur ZIP-Archive; bitte die Datei entpacken und "
                                   "die enthaltene Datei hochladen.")]
    if kind == KIND_BINARY:
        return [_problem(filename, f"„{name}“ ist keine Textdatei und keines der unterstützten Formate "
                                   "(CSV, TXT, XLSX, Parquet, GeoJSON, GeoPackage, ZIP). Bitte die Datei "
                                   "im richtigen Format exportieren.")]
    if kind == KIND_UTF16:
        return [_problem(filename, f"„{name}“ ist als UTF-16 gespeichert. Bitte die Datei als CSV in "
                                   "UTF-8 speichern (in Excel: „CSV UTF-8 (durch Trennzeichen getrennt)“).")]
    return []


# --------------------------------------------------------------------------- bounded decompression

def _too_big(filename, what: str, limit: int) -> Problem:
    return _problem(filename, f"{what} würde entpackt mehr als {_mb(limit)} belegen und wird als mögliche "
                              "ZIP-Bombe abgelehnt. Es wurde nichts geändert. Bitte die Originaldatei "
                              "ungepackt hochladen oder nur die benötigten Daten exportieren.")


def stream_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, filename, limit: int) -> Iterator[bytes]:
    """Decompressed chunks of one member; BoundError once more than ``limit`` bytes were produced."""
    produced = 0
    with archive.open(info) as member:
        while True:
            chunk = member.read(CHUNK_BYTES)
            if not chunk:
                return
            produced += len(chunk)
            if produced > limit:
                raise BoundError(_too_big(filename, f"Der Eintrag „{_shown(info.filename)}“ in „{_shown(filename)}“",
                                          limit))
            yield chunk


def _nested(info: zipfile.ZipInfo, first: bytes) -> bool:
    return info.filename.lower().endswith(ARCHIVE_NAMES) or first.startswith(ZIP_MAGICS) \
        or any(first.startswith(magic) for magic, kind in MAGICS if kind in (KIND_GZIP, KIND_OTHER_ARCHIVE))


def zip_stream_problems(source, filename, limit: int = MAX_DECOMPRESSED_BYTES,
                        max_members: int = MAX_ZIP_MEMBERS, allow_xlsx_layout: bool = False) -> list[Problem]:
    """Stream every member once, counting bytes produced: bombs, lying sizes and nested archives.

    Nothing is kept: memory stays at one chunk. A ZIP inside the ZIP (or a gzip, 7z, …) is
    refused rather than unpacked, whatever its name. ``allow_xlsx_layout`` is for an XLSX, whose
    members are XML and never archives.
    """
    name = _shown(filename)
    try:
        with _open(source) as handle, zipfile.ZipFile(handle) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > max_members:
                return [_problem(filename, f"Das ZIP-Archiv „{name}“ enthält {fmt_number(len(members))} "
                                           f"Einträge; erlaubt sind höchstens {fmt_number(max_members)}.")]
            total = 0
            for info in members:
                first = True
                for chunk in stream_member(archive, info, filename, limit - total):
                    if first and not allow_xlsx_layout and _nested(info, chunk[:16]):
                        return [_problem(filename, f"Das ZIP-Archiv „{name}“ enthält ein weiteres Archiv "
                                                   f"(„{_shown(info.filename)}“). Verschachtelte Archive "
                                                   "werden aus Sicherheitsgründen nicht entpackt; bitte die "
                                                   "enthaltene Datei selbst hochladen.")]
                    first = False
                    total += len(chunk)
    except BoundError as exc:
        return [exc.problem]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError) as exc:
        return [_problem(filename, f"„{name}“ ist kein gültiges ZIP-Archiv oder beschädigt (technischer "
                                   f"Hinweis: {type(exc).__name__}). Bitte die Datei neu packen oder neu "
                                   "herunterladen.")]
    return []


def read_member(source, filename, member: str | None = None, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """The bytes of one ZIP member (the only file when ``member`` is None), bounded by ``limit``.

    Raises BoundError for a bomb, a nested archive, a missing member or a corrupt archive.
    """
    problems = zip_stream_problems(source, filename, limit)
    if problems:
        raise BoundError(problems[0])
    with _open(source) as handle, zipfile.ZipFile(handle) as archive:
        files = [m for m in archive.infolist() if not m.is_dir()]
        chosen = [m for m in files if member is None or m.filename == member]
        if len(chosen) != 1:
            wanted = f"„{_shown(member)}“" if member else "genau eine Datei"
            raise BoundError(_problem(filename, f"Das ZIP-Archiv „{_shown(filename)}“ enthält nicht {wanted} "
                                               f"(Einträge: {', '.join(_shown(m.filename) for m in files[:10])})."))
        return b"".join(stream_member(archive, chosen[0], filename, limit))


def gunzip(data: bytes, filename, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """A gzip stream decompressed with at most ``limit`` bytes produced; BoundError beyond."""
    inflater = zlib.decompressobj(wbits=31)
    parts, produced = [], 0
    try:
        pending = data
        while pending and not inflater.eof:
            chunk = inflater.decompress(pending, CHUNK_BYTES)
            produced += len(chunk)
            if produced > limit:
                raise BoundError(_too_big(filename, f"„{_shown(filename)}“", limit))
            parts.append(chunk)
            pending = inflater.unconsumed_tail
    except zlib.error as exc:
        raise BoundError(_problem(filename, f"„{_shown(filename)}“ ist eine beschädigte gzip-Datei "
                                            f"(technischer Hinweis: {exc}).")) from exc
    return b"".join(parts)


# --------------------------------------------------------------------------- XLSX

CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref\s*=\s*[\"']([^\"']{1,40})[\"']")
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
# the position a row or cell names for itself (<row r="5">, <c r="XFD5">): readers pad up to it
REF_ATTR = re.compile(rb"<(?:\w+:)?(?:row|c)\s[^>]{0,200}?\br\s*=\s*[\"']\$?([A-Za-z]{0,3})\$?(\d{1,12})[\"']")
TAG_OVERLAP = 256                        # a tag cut by a chunk border is counted in the next chunk


class SheetTags(NamedTuple):
    """What a sheet's XML says about its size, counted without parsing it."""

    dimension: str | None     # the declared <dimension ref=…>
    rows: int                 # <row> tags
    cells: int                # <c> tags
    last_row: int             # the highest row number a row or cell names
    last_column: int          # the highest column number a cell names


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def dimension_size(ref: str) -> tuple[int, int] | None:
    """'A1:XFD1048576' -> (1048576, 16384) rows x columns; 'B2' -> (1, 1); None if unreadable."""
    corners = []
    for part in ref.upper().split(":")[:2]:
        match = CELL_REF.match(part.strip())
        if not match:
            return None
        corners.append((int(match.group(2)), _column_number(match.group(1))))
    (r1, c1), (r2, c2) = corners[0], corners[-1]
    return abs(r2 - r1) + 1, abs(c2 - c1) + 1


def count_sheet_tags(chunks: Iterator[bytes]) -> SheetTags:
    """The declared dimension, row and cell tags and the furthest position of a sheet, chunk by chunk."""
    dimension, rows, cells, last_row, last_column, carry = None, 0, 0, 0, 0, b""
    for chunk in itertools.chain(chunks, [b""]):   # the empty chunk counts what the last carry holds
        text = carry + chunk
        if dimension is None:
            found = DIMENSION.search(text)
            dimension = found.group(1).decode("ascii", "replace") if found else None
        cut = max(0, len(text) - TAG_OVERLAP) if chunk else len(text)   # tags starting after the cut: next chunk
        rows += _count_before(ROW_TAG, text, cut)
        cells += _count_before(CELL_TAG, text, cut)
        for match in REF_ATTR.finditer(text):
            if match.start() < cut:
                last_row = max(last_row, int(match.group(2)))
                last_column = max(last_column, _column_number(match.group(1).decode("ascii")))
        carry = text[cut:]
    return SheetTags(dimension, rows, cells, last_row, last_column)


def _count_before(pattern: re.Pattern, text: bytes, cut: int) -> int:
    """Matches of pattern that start before ``cut``."""
    return sum(1 for m in pattern.finditer(text) if m.start() < cut)


def xlsx_problems(source, filename, max_cells: int = MAX_XLSX_CELLS, max_columns: int = MAX_TABLE_COLUMNS,
                  max_rows: int = MAX_TABLE_ROWS, limit: int = MAX_DECOMPRESSED_BYTES) -> list[Problem]:
    """Before openpyxl: each sheet's declared <dimension ref=…> and its streamed row and cell counts.

    openpyxl's read-only mode pads every row to the declared width, so a 5 KB file declaring
    A1:XFD1048576 grows past 3 GB; the declaration is refused before that, and so is a sheet
    that really holds more cells than the limit (the count is streamed, nothing is kept).
    """
    name = _shown(filename)
    problems = zip_stream_problems(source, filename, limit, allow_xlsx_layout=True)
    if problems:
        return problems
    with _open(source) as handle, zipfile.ZipFile(handle) as archive:
        sheets = [m for m in archive.infolist()
                  if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")]
        for info in sheets:
            sheet = _shown(info.filename)
            try:
                dimension, rows, cells, last_row, last_column = count_sheet_tags(
                    stream_member(archive, info, filename, limit))
            except BoundError as exc:
                return [exc.problem]
            size = dimension_size(dimension) if dimension else None
            declared_rows, declared_cols = size or (0, 0)
            if declared_cols > max_columns or declared_rows > max_rows or declared_rows * declared_cols > max_cells:
                return [_problem(filename, f"Die Tabelle „{sheet}“ in „{name}“ gibt den Bereich {dimension} an "
                                           f"({fmt_number(declared_rows)} Zeilen × {fmt_number(declared_cols)} "
                                           f"Spalten); erlaubt sind höchstens {fmt_number(max_cells)} Zellen und "
                                           f"{fmt_number(max_columns)} Spalten. Bitte nur den benötigten Bereich in "
                                           "eine neue Datei kopieren oder die Tabelle als CSV speichern.")]
            if rows > max_rows or cells > max_cells:
                return [_problem(filename, f"Die Tabelle „{sheet}“ in „{name}“ enthält {fmt_number(cells)} Zellen in "
                                           f"{fmt_number(rows)} Zeilen; erlaubt sind höchstens "
                                           f"{fmt_number(max_cells)} Zellen. Bitte die Tabelle als CSV speichern "
                                           "(CSV wird viel schneller gelesen) oder aufteilen.")]
            # a few cells far down or right: the reader pads every row up to them
            if last_column > max_columns or last_row > max_rows or last_row * max(last_column, 1) > max_cells:
                return [_problem(filename, f"Die Tabelle „{sheet}“ in „{name}“ reicht bis Zeile "
                                           f"{fmt_number(last_row)} und Spalte {fmt_number(last_column)} "
                                           f"({fmt_number(last_row * max(last_column, 1))} Zellen beim Lesen); "
                                           f"erlaubt sind höchstens {fmt_number(max_cells)} Zellen und "
                                           f"{fmt_number(max_columns)} Spalten. Bitte nur den benötigten Bereich in "
                                           "eine neue Datei kopieren oder die Tabelle als CSV speichern.")]
    return []


# --------------------------------------------------------------------------- Parquet

def _parquet_file(source):
    import pyarrow.parquet as pq

    return pq.ParquetFile(io.BytesIO(bytes(source)) if isinstance(source, (bytes, bytearray, memoryview))
                          else str(source))


def _footer_length(source) -> int | None:
    """The footer length from the last 8 bytes ('<len>PAR1'), None if the file does not end so."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        tail = bytes(source[-8:])
    else:
        with open(source, "rb") as handle:
            handle.seek(0, io.SEEK_END)
            handle.seek(max(0, handle.tell() - 8))
            tail = handle.read(8)
    if len(tail) < 8 or tail[4:] != b"PAR1":
        return None
    return int.from_bytes(tail[:4], "little")


def _dictionary_expansion(reader, name: str) -> int:
    """Bytes a dictionary-encoded text column expands to: the length of each row's dictionary value.

    ``reader`` was opened with read_dictionary, so only the dictionary and the 4-byte indices are
    read, both already bounded by the footer checks; the expanded text is never built.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 0
    for group in range(reader.metadata.num_row_groups):
        for chunk in reader.read_row_group(group, columns=[name]).column(0).chunks:
            if pa.types.is_dictionary(chunk.type):
                value = pc.sum(pc.take(pc.binary_length(chunk.dictionary), chunk.indices)).as_py()
            else:
                value = pc.sum(pc.binary_length(chunk)).as_py()
            total += int(value or 0)
    return total


def parquet_problems(source, filename, max_rows: int = MAX_TABLE_ROWS, max_columns: int = MAX_TABLE_COLUMNS,
                     max_cells: int = MAX_TABLE_CELLS,
                     max_bytes: int = MAX_PARQUET_UNCOMPRESSED_BYTES) -> list[Problem]:
    """Before reading: rows, columns, rows × columns and uncompressed bytes from the footer.

    A dictionary-encoded text column is small on disk and in the footer's sizes (one long value,
    millions of tiny indices) yet expands to rows × value length when read: 3 KB can need 10 GB.
    So text columns with a dictionary page are also measured by what they expand to.
    """
    import pyarrow.parquet as pq

    name = _shown(filename)
    footer = _footer_length(source)
    if footer is None or footer > MAX_PARQUET_FOOTER_BYTES:
        return [_problem(filename, f"„{name}“ ist keine gültige Parquet-Datei (Dateiende fehlt oder ist "
                                   "beschädigt). Bitte die Datei neu exportieren.")]
    try:
        pf = _parquet_file(source)
        meta = pf.metadata
        chunks = [meta.row_group(g).column(c) for g in range(meta.num_row_groups) for c in range(meta.num_columns)]
        uncompressed = sum(max(chunk.total_uncompressed_size, 0) for chunk in chunks)
    except Exception as exc:  # noqa: BLE001 - a broken footer is a bad file
        return [_problem(filename, f"„{name}“ ist keine gültige Parquet-Datei (technischer Hinweis: "
                                   f"{type(exc).__name__}). Bitte die Datei neu exportieren.")]
    rows, columns = meta.num_rows, meta.num_columns
    if rows > max_rows or columns > max_columns or rows * columns > max_cells or uncompressed > max_bytes:
        return [_problem(filename, f"Die Parquet-Datei „{name}“ ist zu groß ({fmt_number(rows)} Zeilen × "
                                   f"{fmt_number(columns)} Spalten, {_mb(uncompressed)} entpackt); erlaubt sind "
                                   f"höchstens {fmt_number(max_rows)} Zeilen, {fmt_number(max_columns)} Spalten, "
                                   f"{fmt_number(max_cells)} Zellen und {_mb(max_bytes)}. Bitte aufteilen.")]
    schema = meta.schema
    text_columns = sorted({schema.column(c).name for c in range(columns)
                           if schema.column(c).physical_type in ("BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY")
                           and any(meta.row_group(g).column(c).has_dictionary_page
                                   for g in range(meta.num_row_groups))})
    if text_columns:
        try:
            reader = pq.ParquetFile(io.BytesIO(bytes(source)) if isinstance(source, (bytes, bytearray, memoryview))
                                    else str(source), read_dictionary=text_columns)
            expanded = sum(_dictionary_expansion(reader, column) for column in text_columns)
        except Exception as exc:  # noqa: BLE001 - unreadable pages are a bad file
            return [_problem(filename, f"„{name}“ ist keine gültige Parquet-Datei (technischer Hinweis: "
                                       f"{type(exc).__name__}). Bitte die Datei neu exportieren.")]
        if expanded > max_bytes:
            return [_problem(filename, f"Die Parquet-Datei „{name}“ ist nur {_mb(_size(source))} groß, ihre "
                                       f"Textspalten ergeben gelesen aber {_mb(expanded)} (erlaubt sind höchstens "
                                       f"{_mb(max_bytes)}). Die Datei wird als mögliche Speicherbombe abgelehnt; "
                                       "bitte die Daten neu exportieren.")]
    return []


def _size(source) -> int:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return len(source)
    return Path(source).stat().st_size


# --------------------------------------------------------------------------- GeoPackage

def _connect_read_only(source) -> sqlite3.Connection:
    if isinstance(source, (bytes, bytearray, memoryview)):
        conn = sqlite3.connect(":memory:")
        conn.deserialize(bytes(source))
    else:
        conn = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA trusted_schema = OFF")
    steps = [0]

    def budget() -> int:                 # SQLite calls this every 1,000 steps; non-zero aborts
        steps[0] += 1000
        return int(steps[0] > MAX_SQLITE_STEPS)

    conn.set_progress_handler(budget, 1000)
    return conn


def gpkg_problems(source, filename) -> list[Problem]:
    """Before pyogrio: a GeoPackage may only hold feature layers that are real tables, not views.

    A layer defined as a (recursive) SQL view is computed while it is read and can grow without
    bound; attribute or tile layers are no boundaries. Only the schema tables are queried, read-only
    and with a step budget.
    """
    name = _shown(filename)
    try:
        conn = _connect_read_only(source)
        try:
            layers = conn.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall()
            views = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return [_problem(filename, f"„{name}“ ist keine gültige GeoPackage-Datei (technischer Hinweis: "
                                   f"{exc}). Bitte die Grenzen neu als GeoPackage oder GeoJSON exportieren.")]
    if not layers:
        return [_problem(filename, f"Die GeoPackage-Datei „{name}“ enthält keine Ebene. Bitte die Grenzen "
                                   "neu exportieren.")]
    problems = []
    for table, data_type in layers:
        if data_type != "features":
            problems.append(_problem(filename, f"Die Ebene „{_shown(table)}“ in „{name}“ enthält keine "
                                               f"Geometrien (Art „{_shown(data_type)}“); erlaubt sind nur "
                                               "Ebenen mit Gebietsflächen. Bitte nur die Grenzen exportieren."))
        elif table in views:
            problems.append(_problem(filename, f"Die Ebene „{_shown(table)}“ in „{name}“ ist eine SQL-Sicht, "
                                               "keine Tabelle. Sichten werden beim Lesen berechnet und aus "
                                               "Sicherheitsgründen abgelehnt; bitte die Ebene als Tabelle "
                                               "exportieren (z. B. in QGIS „Exportieren → Objekte speichern als“)."))
    return problems


# --------------------------------------------------------------------------- vertices

POSITION = re.compile(rb"\[\s*[-+]?(?:\d|\.\d)")         # a GeoJSON position: '[' then a number
FEATURE = re.compile(rb"\"type\"\s*:\s*\"Feature\"")


def count_vertices(geometry) -> int:
    """Vertices of a GeoJSON-like mapping or a shapely geometry, without any geometry operation."""
    if geometry is None:
        return 0
    if hasattr(geometry, "geom_type"):
        import shapely

        return int(shapely.get_num_coordinates(geometry))
    if isinstance(geometry, dict):
        if geometry.get("type") == "GeometryCollection":
            return sum(count_vertices(g) for g in geometry.get("geometries") or [])
        return _count_positions(geometry.get("coordinates"))
    return 0


def _count_positions(coords) -> int:
    """Positions in nested coordinate lists, iteratively (deep nesting must not recurse)."""
    count, stack = 0, [coords]
    while stack:
        item = stack.pop()
        if not isinstance(item, (list, tuple)) or not item:
            continue
        if isinstance(item[0], (int, float)):
            count += 1
        else:
            stack.extend(item)
    return count


def _vertex_problem(filename, vertices: int, total: bool, limit: int) -> Problem:
    which = "alle Gebiete zusammen haben" if total else "ein Gebiet hat"
    return _problem(filename, f"Die Grenzen in „{_shown(filename)}“ sind zu detailliert: {which} "
                              f"{fmt_number(vertices)} Eckpunkte, erlaubt sind höchstens {fmt_number(limit)}. "
                              "Bitte die Geometrien vor dem Hochladen vereinfachen (z. B. in QGIS "
                              "„Vektor → Geometrie-Werkzeuge → Vereinfachen“ mit 1 m Toleranz).")


def vertex_problems(geometries, filename, per_polygon: int = MAX_VERTICES_PER_POLYGON,
                    total: int = MAX_VERTICES_TOTAL) -> list[Problem]:
    """Vertex bounds for parsed geometries (GeoJSON mappings or shapely), before validity/precision work."""
    counts = [count_vertices(g) for g in geometries]
    if counts and max(counts) > per_polygon:
        return [_vertex_problem(filename, max(counts), False, per_polygon)]
    if sum(counts) > total:
        return [_vertex_problem(filename, sum(counts), True, total)]
    return []


def geojson_vertex_problems(data: bytes, filename, per_polygon: int = MAX_VERTICES_PER_POLYGON,
                            total: int = MAX_VERTICES_TOTAL) -> list[Problem]:
    """Vertex bounds of a GeoJSON text, counted in the bytes before json parsing builds any object.

    Every position is an innermost array that starts with a number; features are separated at
    their '"type": "Feature"' markers (a bbox counts as one extra vertex, which does not matter).
    """
    starts = [m.start() for m in FEATURE.finditer(data)] or [0]
    bounds = [0, *starts[1:], len(data)]
    counts = [sum(1 for _ in POSITION.finditer(data, a, b)) for a, b in zip(bounds, bounds[1:])]
    if max(counts) > per_polygon:
        return [_vertex_problem(filename, max(counts), False, per_polygon)]
    if sum(counts) > total:
        return [_vertex_problem(filename, sum(counts), True, total)]
    return []
