"""Reading count tables (CSV, XLSX, Parquet; long, wide or years across) into the counts schema.

``read_table`` only detects (encoding, separator, header row, layout, column roles) and returns
raw strings; ``load_counts`` turns them into counts (area_id, year, variable, value, flag,
source_id) and collects every problem with file, spreadsheet row and column, in German.
Spreadsheet rows: the header is row 1 (or the row it sits in), the first data row the next one;
``raw.index + info.header_row + 1`` is the row a person sees.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.areas import load_areas, match_names, match_one
from indicators.catalog import load_catalog
from indicators.formats import fmt_number
from indicators.limits import MAX_TABLE_COLUMNS
from indicators.load.german import (  # noqa: F401
    FLAG_INVALID,
    detect_decimal,
    detect_encoding,
    mixed_utf8_lines,
    parse_german_number,
    parse_number_strings,
)
from indicators.load.intake import display_name
from indicators.load.validation import (
    MAX_ROWS_PER_CHECK,
    SEVERITY_WARNING,
    Problem,
    capped,
    has_errors,
    more_rows_text,
    summary_problem,
    validate_counts,
)
from indicators.schema import COUNT_COLUMNS, FLAG_MISSING, empty_counts

CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".tab")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
SEPARATORS = (";", "\t", ",")  # order breaks ties: German exports use ';'
HEADER_SCAN_ROWS = 20

LAYOUT_LONG = "long"
LAYOUT_WIDE = "wide"
LAYOUT_YEARS_ACROSS = "years_across"
LAYOUTS = (LAYOUT_LONG, LAYOUT_WIDE, LAYOUT_YEARS_ACROSS)

ROLE_AREA = "area"
ROLE_YEAR = "year"
ROLE_VARIABLE = "variable"
ROLE_VALUE = "value"
ROLE_IGNORE = "ignore"
ROLES = (ROLE_AREA, ROLE_YEAR, ROLE_VARIABLE, ROLE_VALUE, ROLE_IGNORE)
ROLE_LABELS = {ROLE_AREA: "Ortsteil", ROLE_YEAR: "Jahr", ROLE_VARIABLE: "Merkmal", ROLE_VALUE: "Wert"}

# header spellings (snake_case) per role, best first: with 'Ortsteil' and 'Nr' both present,
# the name wins and the code column is ignored
ROLE_HEADERS = {
    ROLE_AREA: ("area_id", "ortsteil", "ortsteil_name", "ortsteilname", "name_ortsteil", "stadtteil",
                "stadtteilname", "gebiet", "gebietsname", "bezirk", "name", "area", "stadtbezirk",
                "code", "ortsteil_nr", "ortsteilnummer", "ortsteil_code", "gebiet_nr", "nr", "nummer",
                "schluessel"),
    ROLE_YEAR: ("jahr", "year", "stichtag", "berichtsjahr", "stand", "datum"),
    ROLE_VARIABLE: ("merkmal", "variable", "indikator", "kennzahl", "variable_id", "merkmal_id"),
    ROLE_VALUE: ("wert", "anzahl", "value", "werte", "anzahl_personen"),
}
# columns that never hold counts
IGNORE_HEADERS = ("bemerkung", "bemerkungen", "anmerkung", "anmerkungen", "einheit", "quelle",
                  "fussnote", "hinweis", "kommentar")


YEAR_MIN_HEADER = 1900  # a header like '2019' is a year column only within this range
YEAR_MAX_HEADER = 2100
YEAR_PATTERNS = (
    re.compile(r"(\d{4})(?:\.0+)?"),                          # 2019 (or 2019.0 from a spreadsheet)
    re.compile(r"\d{1,2}\.\d{1,2}\.(\d{4})"),                 # Stichtag 31.12.2019
    re.compile(r"(\d{4})-\d{1,2}-\d{1,2}(?:[ T][\d:.]+)?"),   # 2019-12-31 (00:00:00)
    re.compile(r"(?:jahr|stichtag|stand|year)\s*:?\s*(\d{4})", re.IGNORECASE),  # 'Jahr 2019'
)
# a first cell that starts like this, with the rest of the row empty, is a footnote
NOTE_RE = re.compile(r"^\s*(quelle|anmerkung|hinweis|stand|fu(ß|ss)note|legende|erl(ä|ae)uterung|"
                     r"zeichenerkl|\*|\d+\)|¹|²|³)", re.IGNORECASE)
# totals that exports append; the app computes Stadtbezirke and the city from the Ortsteile
TOTAL_RE = re.compile(r"^\s*(summe|insgesamt|gesamt|stadt\s+bochum|bochum\s*(gesamt|insgesamt)?)\s*$",
                      re.IGNORECASE)
UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}


class LoadError(ValueError):
    """A file that cannot be read at all; carries the problems for the user."""

    def __init__(self, problems: list[Problem]):
        """Keep the problems; the exception text joins them for logs."""
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class LoadInfo:
    """What was detected in a file (the UI shows it and lets the user correct column_map)."""

    encoding: str | None            # 'utf-8', 'utf-8-sig', 'cp1252'; None for XLSX and Parquet
    separator: str | None           # ';', ',', '\t'; None for XLSX and Parquet
    layout: str | None              # 'long', 'wide', 'years_across'; None when not recognised
    column_map: dict[str, str]      # file column -> role, variable id, or (years across) '2019'
    n_rows: int                     # data rows read (blank rows not counted)
    file_format: str = "csv"
    header_row: int = 1             # spreadsheet row of the header (title rows above it are skipped)
    decimal: str = ","              # decimal mark used for the values (set by load_counts)
    sheet: str | None = None        # the XLSX sheet read
    stray_lines: tuple = ()         # lines of a UTF-8 CSV read as Windows-1252 (a stray byte each)


@dataclass
class LoadResult:
    """Counts in the schema, every problem found, and what was detected."""

    counts: pd.DataFrame
    problems: list[Problem]
    info: LoadInfo

    @property
    def ok(self) -> bool:
        """True when no problem is an error (warnings allowed)."""
        return not has_errors(self.problems)

    @property
    def errors(self) -> list[Problem]:
        """Only the problems that block the import."""
        return [p for p in self.problems if p.is_error]


# ---------------------------------------------------------------- names and numbers


def snake(text) -> str:
    """'  SGB2 Kinder U15 ' -> 'sgb2_kinder_u15', 'Einwohner 15–64' -> 'einwohner_15_64'."""
    value = str(text).strip().lower()
    value = "".join(UMLAUTS.get(ch, ch) for ch in value)
    value = re.sub(r"[^\w]+", "_", value)  # before folding to ASCII, which would drop '–' silently
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", value).strip("_")


@lru_cache(maxsize=1)
def variable_lookup() -> dict[str, str]:
    """snake_case spelling -> catalog variable id, from ids, aliases and titles (ids win)."""
    catalog = load_catalog()
    table: dict[str, str] = {}
    for var in catalog.variables.values():
        table.setdefault(snake(var.id), var.id)
    for var in catalog.variables.values():
        for spelling in var.aliases:
            table.setdefault(snake(spelling), var.id)
    for var in catalog.variables.values():
        for spelling in var.title.values():
            table.setdefault(snake(spelling), var.id)
    return table


def normalize_variable(name) -> str:
    """A variable name as written in a file -> catalog id (or its snake_case form if unknown)."""
    key = snake(name)
    return variable_lookup().get(key, key)


def year_of(text) -> int | None:
    """'2019', '31.12.2019', '2019-12-31' or 'Jahr 2019' -> 2019; anything else -> None."""
    value = str(text).strip()
    for pattern in YEAR_PATTERNS:
        found = pattern.fullmatch(value)
        if found:
            return int(found.group(1))
    return None


def header_year(text) -> int | None:
    """The year a column header stands for in a years-across table, or None."""
    year = year_of(text)
    return year if year is not None and YEAR_MIN_HEADER <= year <= YEAR_MAX_HEADER else None


# ---------------------------------------------------------------- reading files


def _suffix(filename: str) -> str:
    """The lower-case file suffix ('.csv')."""
    return Path(str(filename)).suffix.lower()


def _name_of(source, filename: str | None) -> str:
    """The file name for messages: given, or the path's name ('' for unnamed bytes: read as CSV)."""
    if filename:
        return str(filename)
    return "" if isinstance(source, (bytes, bytearray, memoryview)) else Path(str(source)).name


def _source_bytes(source, filename: str) -> bytes:
    """The file's bytes, from a path or from bytes already read (an upload)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    try:
        return Path(source).read_bytes()
    except OSError as err:
        raise LoadError([Problem(filename, None, None,
                                 f"Die Datei lässt sich nicht lesen ({err.strerror}). "
                                 "Bitte Pfad und Berechtigungen prüfen.")]) from err


def detect_separator(lines: list[str]) -> str:
    """The separator with the most occurrences on any of the first lines (the header has most fields)."""
    best, best_count = SEPARATORS[0], 0
    for sep in SEPARATORS:
        count = max((line.count(sep) for line in lines), default=0)
        if count > best_count:
            best, best_count = sep, count
    return best


def find_header_row(rows: list[list[str]]) -> int:
    """Index of the header among the first rows: the first with an area or year header, skipping titles."""
    for roles in ((ROLE_AREA,), (ROLE_YEAR, ROLE_VARIABLE, ROLE_VALUE)):
        spellings = {s for role in roles for s in ROLE_HEADERS[role]}
        for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            if any(snake(cell) in spellings for cell in row):
                return i
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if any(str(cell).strip() for cell in row):
            return i
    return 0


def _unique_names(header: list[str]) -> list[str]:
    """Header cells as column names: trimmed, empty ones named 'Spalte N', repeats numbered.

    Linear in the header's length: a hostile header of one name repeated a thousand times took
    ~25 s with a list search restarting at '(2)' for every repeat.
    """
    names: list[str] = []
    taken: set[str] = set()
    next_number: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = str(cell).strip() or f"Spalte {i + 1}"
        base, n = name, next_number.get(name, 2)
        while name in taken:
            name, n = f"{base} ({n})", n + 1
        next_number[base] = n
        names.append(name)
        taken.add(name)
    return names


def _ragged_problem(filename: str, message: str) -> Problem:
    """pandas' 'Expected 4 fields in line 7, saw 5' in German, at that row."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if not found:
        return Problem(filename, None, None,
                       "Die CSV-Datei lässt sich nicht lesen. Bitte Trennzeichen und Anführungszeichen prüfen.")
    expected, line, saw = (int(g) for g in found.groups())
    return Problem(filename, line, None,
                   f"Die Zeile hat {saw} Felder, die Kopfzeile aber {expected}. Bitte Trennzeichen "
                   "und Anführungszeichen in dieser Zeile prüfen (z. B. ein Semikolon im Namen).")


def _read_csv(data: bytes, filename: str) -> tuple[pd.DataFrame, list[str], LoadInfo]:
    """CSV bytes -> raw string frame (first record = header), header names and what was detected."""
    encoding = detect_encoding(data)
    mixed = mixed_utf8_lines(data) if encoding == "cp1252" else None
    if mixed:
        data, stray = mixed[0], tuple(mixed[1])
        encoding = "utf-8"
    head = data[:65536].decode(encoding, errors="replace").splitlines()[:HEADER_SCAN_ROWS]
    lines = [line for line in head if line.strip()]
    if not lines:
        raise LoadError([Problem(filename, None, None, "Die Datei ist leer. Bitte eine Tabelle mit Kopfzeile hochladen.")])
    separator = detect_separator(lines)
    rows = [next(csv.reader([line], delimiter=separator), []) for line in head]
    header_index = find_header_row(rows)
    try:
        frame = pd.read_csv(
            io.BytesIO(data), sep=separator, encoding=encoding, header=None, skiprows=header_index,
            dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c",
        )
    except pd.errors.ParserError as err:
        raise LoadError([_ragged_problem(filename, str(err))]) from err
    except pd.errors.EmptyDataError as err:
        raise LoadError([Problem(filename, None, None, "Die Datei ist leer. Bitte eine Tabelle mit Kopfzeile hochladen.")]) from err
    header = [str(v) for v in frame.iloc[0]]
    frame = frame.iloc[1:].reset_index(drop=True)
    info = LoadInfo(encoding=encoding, separator=separator, layout=None, column_map={}, n_rows=0,
                    file_format="csv", header_row=header_index + 1, stray_lines=stray if mixed else ())
    return frame, header, info


def stray_byte_problems(info: LoadInfo, filename: str) -> list[Problem]:
    """One warning per line of a UTF-8 file that had to be read as Windows-1252 (at most 20 named)."""
    return [Problem(filename, line, None,
                    f"Zeile {line} ist nicht in UTF-8 gespeichert wie der Rest der Datei; sie wurde als "
                    "Windows-1252 gelesen. Bitte die Schreibweise der Namen in dieser Zeile prüfen.",
                    SEVERITY_WARNING) for line in info.stray_lines[:20]]


def cell_text(value) -> str:
    """A spreadsheet or Parquet value as the text a German table would show it (no thousands dot)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value)).replace(".", ",")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes, filename: str) -> tuple[pd.DataFrame, list[str], LoadInfo]:
    """The first non-empty sheet, values only (data_only: formulas are never evaluated)."""
    import openpyxl  # only needed for Excel files

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a broken or mislabelled file
        raise LoadError([Problem(filename, None, None,
                                 "Die Datei lässt sich nicht als Excel-Datei (XLSX) öffnen. Bitte in Excel "
                                 "als 'Excel-Arbeitsmappe (*.xlsx)' oder als CSV speichern.")]) from err
    try:
        rows, sheet = [], None
        for worksheet in book.worksheets:
            rows = [[cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
            if any(any(cell.strip() for cell in row) for row in rows):
                sheet = worksheet.title
                break
    finally:
        book.close()
    if sheet is None:
        raise LoadError([Problem(filename, None, None, "Die Excel-Datei enthält keine Daten. Bitte die Tabelle prüfen.")])
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    header_index = find_header_row(rows)
    frame = pd.DataFrame(rows[header_index + 1:], columns=range(width), dtype="str")
    info = LoadInfo(encoding=None, separator=None, layout=None, column_map={}, n_rows=0,
                    file_format="xlsx", header_row=header_index + 1, sheet=sheet)
    return frame, rows[header_index], info


def _column_text(series: pd.Series) -> pd.Series:
    """A typed Parquet column as German text, vectorised (integral floats without ',0')."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype("str")
    if pd.api.types.is_integer_dtype(series):
        return series.astype("str").fillna("")
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        integral = np.isfinite(values) & (values == np.floor(np.where(np.isfinite(values), values, 0)))
        text = pd.Series(values, dtype="float64").astype("str").str.replace(".", ",", regex=False)
        text = text.where(~integral, pd.Series(np.where(integral, values, 0).astype("int64")).astype("str"))
        return text.where(np.isfinite(values), "").astype("str")
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("").astype("str")
    return series.map(cell_text).astype("str")


def _read_parquet(data: bytes, filename: str) -> tuple[pd.DataFrame, list[str], LoadInfo]:
    """A Parquet file: typed columns turned into the same raw text as a CSV would give."""
    try:
        table = pd.read_parquet(io.BytesIO(data))
    except Exception as err:  # pyarrow raises several types for a broken file
        raise LoadError([Problem(filename, None, None,
                                 "Die Datei lässt sich nicht als Parquet-Datei öffnen. Bitte die Datei prüfen "
                                 "oder als CSV speichern.")]) from err
    header = [str(c) for c in table.columns]
    frame = pd.DataFrame({i: _column_text(table[c]).reset_index(drop=True) for i, c in enumerate(table.columns)})
    info = LoadInfo(encoding=None, separator=None, layout=None, column_map={}, n_rows=0, file_format="parquet")
    return frame, header, info


def _drop_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows and unnamed columns with no content; the index keeps the record offsets."""
    filled = frame.ne("")
    nonempty = filled.any(axis=1).to_numpy()
    if not nonempty.all():  # copying millions of rows only when there is something to drop
        frame, filled = frame[nonempty], filled[nonempty]
    keep = [c for c in frame.columns if not (str(c).startswith("Spalte ") and not filled[c].any())]
    return frame[keep]


def read_table(source: Path | str | bytes, filename: str | None = None) -> tuple[pd.DataFrame, LoadInfo]:
    """A count table as raw strings plus what was detected: encoding, separator, header row, layout, column roles.

    Raises LoadError (with German problems) when the file cannot be read at all.
    """
    filename = _name_of(source, filename)
    suffix = _suffix(filename)
    data = _source_bytes(source, filename)
    if not data[:4096].strip() and not data.strip():  # scan a large file only if its start is blank
        raise LoadError([Problem(filename, None, None, "Die Datei ist leer. Bitte eine Tabelle mit Kopfzeile hochladen.")])
    if suffix in XLSX_SUFFIXES:
        frame, header, info = _read_xlsx(data, filename)
    elif suffix in PARQUET_SUFFIXES:
        frame, header, info = _read_parquet(data, filename)
    elif suffix in CSV_SUFFIXES or not suffix:
        frame, header, info = _read_csv(data, filename)
    else:
        raise LoadError([Problem(filename, None, None,
                                 f"Das Dateiformat '{suffix}' wird nicht unterstützt. Bitte als CSV "
                                 "(Trennzeichen ';'), Excel (XLSX) oder Parquet speichern.")])
    if frame.shape[1] > MAX_TABLE_COLUMNS:     # XLSX and Parquet are refused earlier, by bounded.py
        raise LoadError([Problem(filename, None, None,
                                 f"Die Datei „{display_name(filename)}“ hat {fmt_number(frame.shape[1])} Spalten; erlaubt sind "
                                 f"höchstens {fmt_number(MAX_TABLE_COLUMNS)}. Bitte nur die benötigten Spalten "
                                 "exportieren oder die Tabelle aufteilen.")])
    frame.columns = _unique_names(header + [""] * (frame.shape[1] - len(header)))[: frame.shape[1]]
    frame = _drop_empty(frame)
    info.column_map, info.layout = detect_columns(list(frame.columns))
    info.n_rows = len(frame)
    return frame, info


# ---------------------------------------------------------------- columns and layout


def detect_columns(columns: list[str]) -> tuple[dict[str, str], str | None]:
    """Column roles from German or English headers, and the layout they imply."""
    keys = {c: snake(c) for c in columns}
    mapping: dict[str, str] = {}
    for role, spellings in ROLE_HEADERS.items():
        found = sorted((spellings.index(keys[c]), i, c) for i, c in enumerate(columns)
                       if keys[c] in spellings and c not in mapping)
        for rank, (_, _, column) in enumerate(found):
            mapping[column] = role if rank == 0 else ROLE_IGNORE  # a second area column (e.g. 'Nr') is ignored
    for column in columns:
        if keys[column] in IGNORE_HEADERS:
            mapping[column] = ROLE_IGNORE
    roles = set(mapping.values())
    rest = [c for c in columns if c not in mapping]
    years = {c: header_year(c) for c in rest}
    if {ROLE_AREA, ROLE_YEAR, ROLE_VARIABLE, ROLE_VALUE} <= roles:
        layout = LAYOUT_LONG
        mapping.update({c: ROLE_IGNORE for c in rest})
    elif {ROLE_AREA, ROLE_YEAR} <= roles:
        layout = LAYOUT_WIDE
        mapping.update({c: normalize_variable(c) for c in rest})
    elif ROLE_AREA in roles and any(years.values()):
        layout = LAYOUT_YEARS_ACROSS
        mapping.update({c: str(y) if y else ROLE_IGNORE for c, y in years.items()})
    else:
        layout = None
        mapping.update({c: normalize_variable(c) for c in rest})
    return {c: mapping[c] for c in columns}, layout


def _user_target(target: str) -> str:
    """A target chosen in the UI: a role, a year (years across) or a variable name -> its id."""
    text = str(target).strip()
    if text in ROLES:
        return text
    if re.fullmatch(r"\d{4}", text):
        return text
    return normalize_variable(text)


def layout_of(column_map: dict[str, str]) -> str | None:
    """The layout a column map implies (used after the user corrected the map)."""
    roles = set(column_map.values())
    if {ROLE_AREA, ROLE_YEAR, ROLE_VARIABLE, ROLE_VALUE} <= roles:
        return LAYOUT_LONG
    if {ROLE_AREA, ROLE_YEAR} <= roles:
        return LAYOUT_WIDE
    if ROLE_AREA in roles and any(re.fullmatch(r"\d{4}", t) for t in roles):
        return LAYOUT_YEARS_ACROSS
    return None


def _first_column(column_map: dict[str, str], role: str) -> str | None:
    """The file column that plays a role, or None."""
    return next((c for c, t in column_map.items() if t == role), None)


# ---------------------------------------------------------------- from raw strings to counts


@dataclass
class _Coded:
    """Distinct texts and, per cell, the index of its text: every text is parsed once."""

    codes: np.ndarray
    uniques: np.ndarray

    @classmethod
    def of(cls, values) -> _Coded:
        """Factorise one column (arrow-backed strings stay arrow-backed: fast for millions of rows)."""
        codes, uniques = pd.factorize(values)
        return cls(codes.astype("int64"), np.asarray(uniques, dtype=object))

    @classmethod
    def across(cls, raw: pd.DataFrame, columns: list[str]) -> _Coded:
        """Factorise several columns at once, cells in row-major order (row 1: col a, col b, ...)."""
        stacked = pd.concat([raw[c] for c in columns], ignore_index=True)
        coded = cls.of(stacked)
        coded.codes = coded.codes.reshape(len(columns), len(raw)).T.ravel()
        return coded

    @classmethod
    def constant(cls, values: list, n_rows: int) -> _Coded:
        """Values taken from the header or the caller, cycled through in every row."""
        return cls(np.tile(np.arange(len(values), dtype="int64"), n_rows), np.array(values, dtype=object))

    def repeat(self, k: int) -> _Coded:
        """Each row's code k times (a row holds k value cells)."""
        return _Coded(np.repeat(self.codes, k), self.uniques)

    def text_at(self, pos: int) -> str:
        """The text of one cell."""
        return str(self.uniques[self.codes[pos]])


@dataclass
class _Cells:
    """One entry per value cell of the file, still as coded text, with where it came from."""

    area: _Coded
    year: _Coded
    variable: _Coded
    value: _Coded
    rows: np.ndarray
    columns: dict = field(default_factory=dict)   # role -> file column (one name or one per cell)
    header_roles: tuple[str, ...] = ()


def _missing_role_problem(filename: str, info: LoadInfo, roles: list[str]) -> Problem:
    """No column found for a role: say which header names are understood."""
    labels = ", ".join(f"'{ROLE_LABELS[r]}'" for r in roles)
    return Problem(filename, info.header_row, None,
                   f"Keine Spalte für {labels} gefunden. Bitte die Kopfzeile prüfen (z. B. 'Ortsteil;Jahr;"
                   "Merkmal;Wert', eine Spalte je Merkmal oder eine Spalte je Jahr) oder die Spalten in "
                   "der Zuordnung festlegen.")


def _cells(raw: pd.DataFrame, info: LoadInfo, filename: str, variable: str | None) -> tuple[_Cells | None, list[Problem]]:
    """The value cells of a long, wide or years-across table."""
    cmap = info.column_map
    rows = raw.index.to_numpy() + info.header_row + 1
    n = len(raw)
    area_col = _first_column(cmap, ROLE_AREA)
    year_col = _first_column(cmap, ROLE_YEAR)
    var_col = _first_column(cmap, ROLE_VARIABLE)
    value_col = _first_column(cmap, ROLE_VALUE)
    if info.layout == LAYOUT_LONG:
        missing = [r for r, c in ((ROLE_AREA, area_col), (ROLE_YEAR, year_col), (ROLE_VARIABLE, var_col),
                                  (ROLE_VALUE, value_col)) if c is None]
        if missing:
            return None, [_missing_role_problem(filename, info, missing)]
        return _Cells(_Coded.of(raw[area_col]), _Coded.of(raw[year_col]), _Coded.of(raw[var_col]),
                      _Coded.of(raw[value_col]), rows,
                      {ROLE_AREA: area_col, ROLE_YEAR: year_col, ROLE_VARIABLE: var_col, ROLE_VALUE: value_col}), []
    if info.layout == LAYOUT_WIDE:
        var_cols = [c for c, t in cmap.items() if t not in ROLES and not re.fullmatch(r"\d{4}", t)]
        missing = [r for r, c in ((ROLE_AREA, area_col), (ROLE_YEAR, year_col)) if c is None]
        if missing or not var_cols:
            return None, [_missing_role_problem(filename, info, missing or [ROLE_VARIABLE])]
        k = len(var_cols)
        names = np.tile(np.array(var_cols, dtype=object), n)
        return _Cells(_Coded.of(raw[area_col]).repeat(k), _Coded.of(raw[year_col]).repeat(k),
                      _Coded.constant([cmap[c] for c in var_cols], n), _Coded.across(raw, var_cols),
                      np.repeat(rows, k),
                      {ROLE_AREA: area_col, ROLE_YEAR: year_col, ROLE_VARIABLE: names, ROLE_VALUE: names},
                      (ROLE_VARIABLE,)), []
    if info.layout == LAYOUT_YEARS_ACROSS:
        year_cols = [c for c, t in cmap.items() if re.fullmatch(r"\d{4}", t)]
        if area_col is None or not year_cols:
            return None, [_missing_role_problem(filename, info, [ROLE_AREA] if area_col is None else [ROLE_YEAR])]
        k = len(year_cols)
        names = np.tile(np.array(year_cols, dtype=object), n)
        if var_col is not None:
            variables, var_source, header_roles = _Coded.of(raw[var_col]).repeat(k), var_col, (ROLE_YEAR,)
        elif variable:
            variables = _Coded.constant([normalize_variable(variable)], n * k)
            var_source, header_roles = None, (ROLE_YEAR, ROLE_VARIABLE)
        else:
            return None, [Problem(filename, info.header_row, None,
                                  "Die Jahre stehen in den Spalten, aber das Merkmal ist nicht angegeben. Bitte "
                                  "wählen, welches Merkmal die Tabelle enthält (z. B. 'arbeitslose'), oder eine "
                                  "Spalte 'Merkmal' ergänzen.")]
        return _Cells(_Coded.of(raw[area_col]).repeat(k), _Coded.constant([cmap[c] for c in year_cols], n),
                      variables, _Coded.across(raw, year_cols), np.repeat(rows, k),
                      {ROLE_AREA: area_col, ROLE_YEAR: names, ROLE_VARIABLE: var_source, ROLE_VALUE: names},
                      header_roles), []
    roles = set(cmap.values())
    missing = [r for r in (ROLE_AREA, ROLE_YEAR) if r not in roles]
    return None, [_missing_role_problem(filename, info, missing or [ROLE_VARIABLE])]


def _note_rows(raw: pd.DataFrame, info: LoadInfo, filename: str) -> tuple[np.ndarray, list[Problem]]:
    """Footnote rows ('Quelle: …' in the first cell, the rest empty): skipped with a warning."""
    if raw.shape[1] < 2 or raw.empty:
        return np.zeros(len(raw), dtype=bool), []
    first = raw.iloc[:, 0]
    lone = (first.ne("") & ~raw.iloc[:, 1:].ne("").any(axis=1)).to_numpy()
    notes = np.zeros(len(raw), dtype=bool)
    problems = []
    for pos in np.flatnonzero(lone):
        text = str(first.iloc[pos])
        if NOTE_RE.match(text):
            notes[pos] = True
            problems.append(Problem(filename, int(raw.index[pos]) + info.header_row + 1, str(raw.columns[0]),
                                    f"Die Zeile '{text[:60]}' wird als Anmerkung übersprungen.", SEVERITY_WARNING))
    return notes, problems


def _first_rows(codes: np.ndarray, wanted) -> dict[int, tuple[int, int]]:
    """For each wanted code: (position of its first cell, number of cells)."""
    positions = np.flatnonzero(np.isin(codes, np.asarray(list(wanted), dtype="int64")))
    found, first, count = np.unique(codes[positions], return_index=True, return_counts=True)
    return {int(c): (int(positions[f]), int(n)) for c, f, n in zip(found, first, count)}


def _match_area_names(names: list[str], filename: str, column, overrides: dict | None,
                      levels: tuple[str, ...]) -> tuple[list, dict[int, str], dict[str, list[str]], list[Problem]]:
    """Distinct names -> area ids; what went wrong per name ('unknown', 'total'); candidates."""
    overrides = {str(k).strip(): v for k, v in (overrides or {}).items()}
    known = set(load_areas()["area_id"])
    problems = [
        Problem(filename, None, column,
                f"Die Zuordnung '{name}' → '{target}' ist ungültig: '{target}' ist kein bekanntes Gebiet. "
                "Bitte einen Ortsteil aus der Liste wählen.")
        for name, target in overrides.items() if target not in known
    ]
    result = match_names([n for n in names if n], levels, overrides)
    ids: list = [None] * len(names)
    bad: dict[int, str] = {}
    for i, name in enumerate(names):
        area_id = result.matched.get(name) if name else None
        if area_id in known:
            ids[i] = area_id
        elif name:
            is_total = TOTAL_RE.match(name) or match_one(name, ("stadt", "stadtbezirk"))
            bad[i] = "total" if is_total else "unknown"
    return ids, bad, result.unmatched, problems


def _areas(cells: _Cells, filename: str, match_areas: bool, overrides: dict | None,
           levels: tuple[str, ...]) -> tuple[list, np.ndarray | None, list[Problem]]:
    """Distinct area texts -> area ids (None = drop), and which cells to keep (None = all)."""
    names = [str(u).strip() for u in cells.area.uniques]
    column = cells.columns[ROLE_AREA]
    if match_areas:
        ids, bad, unmatched, problems = _match_area_names(names, filename, column, overrides, levels)
    else:
        ids, bad, unmatched, problems = list(names), {}, {}, []
    bad.update({i: "empty" for i, name in enumerate(names) if not name})
    if not bad:
        return ids, None, problems
    for code, (pos, n) in sorted(_first_rows(cells.area.codes, bad).items(), key=lambda item: item[1][0]):
        row, name, kind = int(cells.rows[pos]), names[code], bad[code]
        ids[code] = None
        if kind == "total":
            problems.append(Problem(filename, row, column,
                                    f"Die Summenzeile '{name}' wird übersprungen: Stadtbezirke und die Stadt "
                                    "werden aus den Ortsteilen berechnet.", SEVERITY_WARNING))
        elif kind == "empty":
            problems.append(Problem(filename, row, column,
                                    f"Der Ortsteil fehlt{more_rows_text(n - 1)}. Bitte den Namen oder die "
                                    "Nummer des Ortsteils eintragen."))
        else:
            close = unmatched.get(name, [])
            hint = f" Meinten Sie: {', '.join(close)}?" if close else ""
            problems.append(Problem(filename, row, column,
                                    f"Ortsteil '{name}' ist unbekannt{more_rows_text(n - 1)}.{hint} "
                                    "Bitte den Namen korrigieren oder zuordnen."))
    keep = ~np.isin(cells.area.codes, np.array(list(bad), dtype="int64"))
    return ids, keep, problems


def _years(cells: _Cells, filename: str) -> tuple[np.ndarray, np.ndarray | None, list[Problem]]:
    """Year texts (or header years) -> int64 per cell, and which cells to keep (None = all)."""
    parsed = [year_of(u) for u in cells.year.uniques]
    years = np.array([y if y is not None else 0 for y in parsed], dtype="int64")[cells.year.codes]
    bad = [i for i, y in enumerate(parsed) if y is None]
    if not bad:
        return years, None, []
    problems = []
    for code, (pos, n) in sorted(_first_rows(cells.year.codes, bad).items(), key=lambda item: item[1][0]):
        text = str(cells.year.uniques[code]).strip()
        what = f"Das Jahr '{text}' ist keine Jahreszahl" if text else "Das Jahr fehlt"
        problems.append(Problem(filename, int(cells.rows[pos]), _column_at(cells.columns[ROLE_YEAR], pos),
                                f"{what}{more_rows_text(n - 1)}. Bitte eine vierstellige Jahreszahl (z. B. 2019) "
                                "oder einen Stichtag (z. B. 31.12.2019) eintragen."))
    return years, ~np.isin(cells.year.codes, np.array(bad, dtype="int64")), problems


def _values(cells: _Cells, filename: str, decimal: str | None,
            max_rows: int | None) -> tuple[np.ndarray, list[str], str, list[Problem]]:
    """Value texts -> float64 per cell and a flag per distinct text; the decimal mark used."""
    texts = pd.Series(cells.value.uniques, dtype="str")
    decimal = decimal or detect_decimal(texts)
    values_u, flags_u = parse_number_strings(texts, decimal)
    values = values_u[cells.value.codes]
    invalid_codes = np.flatnonzero(flags_u == FLAG_INVALID)
    problems = []
    if len(invalid_codes):
        invalid = np.flatnonzero(np.isin(cells.value.codes, invalid_codes))
        shown, n_more = capped(invalid, max_rows)
        problems = [
            Problem(filename, int(cells.rows[pos]), _column_at(cells.columns[ROLE_VALUE], pos),
                    f"Der Wert '{cells.value.text_at(pos).strip()}' ist keine Zahl. Bitte eine Anzahl eintragen "
                    "(z. B. 1.234), für geheim gehaltene Werte '*' und für fehlende '.'.")
            for pos in shown
        ]
        if n_more:
            problems.append(summary_problem(filename, n_more, "Wert ist keine Zahl"))
        flags_u[invalid_codes] = FLAG_MISSING  # the counts schema knows no 'invalid'; the error blocks the import
    return values, list(flags_u), decimal, problems


def _column_at(column, pos: int) -> str | None:
    """A role's file column at a cell (one name, or one name per cell)."""
    return column if column is None or isinstance(column, str) else str(column[pos])


def _take_text(uniques: list, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Per-cell strings from distinct strings and codes, without a Python object per cell."""
    return pd.array([str(u) for u in uniques], dtype="str").take(codes)


def _counts_frame(cells: _Cells, area_ids: list, years: np.ndarray, variable_ids: list, values: np.ndarray,
                  flags: list, keep: np.ndarray | None, source_id: str) -> pd.DataFrame:
    """The counts table with the schema's dtypes, only the cells to keep."""
    def kept(array):
        """Only the cells to keep."""
        return array if keep is None else array[keep]

    area_ids = ["" if a is None else a for a in area_ids]
    counts = pd.DataFrame({
        "area_id": _take_text(area_ids, kept(cells.area.codes)),
        "year": kept(years),
        "variable": _take_text(variable_ids, kept(cells.variable.codes)),
        "value": kept(values),
        "flag": _take_text(flags, kept(cells.value.codes)),
    })
    counts["source_id"] = _take_text([source_id], np.zeros(len(counts), dtype="int64"))
    return counts[COUNT_COLUMNS]


def load_counts(
    source: Path | str | bytes,
    filename: str | None = None,
    source_id: str = "imported",
    *,
    column_map: dict[str, str] | None = None,
    area_overrides: dict[str, str] | None = None,
    variable: str | None = None,
    layout: str | None = None,
    match_areas: bool = True,
    levels: tuple[str, ...] = ("ortsteil",),
    decimal: str | None = None,
    max_rows: int | None = MAX_ROWS_PER_CHECK,
) -> LoadResult:
    """Read a count table into counts and collect every problem (German, with file, row and column).

    ``column_map`` (file column -> role, variable id or, for years across, a year) and
    ``area_overrides`` (name in the file -> area_id) correct the detection; ``variable`` names the
    variable of a years-across table. ``match_areas=False`` keeps the area column verbatim as
    area_id (for tables of other areas than Bochum's Ortsteile). ``decimal`` forces ',' or '.'.
    Cells whose area or year cannot be read are left out of ``counts``; their errors are in ``problems``.
    """
    filename = _name_of(source, filename)
    try:
        raw, info = read_table(source, filename)
    except LoadError as err:
        return LoadResult(empty_counts(), err.problems, LoadInfo(None, None, None, {}, 0))
    problems = [Problem(filename, info.header_row, c, f"Die Spalte '{c}' gibt es in der Datei nicht. "
                        "Bitte die Zuordnung prüfen.") for c in (column_map or {}) if c not in info.column_map]
    if column_map:
        corrected = {c: _user_target(t) for c, t in column_map.items() if c in info.column_map}
        info.column_map = {**info.column_map, **corrected}
        info.layout = layout_of(info.column_map)
    info.layout = layout or info.layout
    problems += stray_byte_problems(info, filename)
    notes, note_problems = _note_rows(raw, info, filename)
    problems += note_problems
    cells, cell_problems = _cells(raw[~notes] if notes.any() else raw, info, filename, variable)
    problems += cell_problems
    if cells is None:
        return LoadResult(empty_counts(), problems, info)
    area_ids, keep_area, area_problems = _areas(cells, filename, match_areas, area_overrides, tuple(levels))
    years, keep_year, year_problems = _years(cells, filename)
    variable_ids = [normalize_variable(u) for u in cells.variable.uniques]
    values, flags, info.decimal, value_problems = _values(cells, filename, decimal, max_rows)
    problems += area_problems + year_problems + value_problems
    keep = keep_area if keep_year is None else (keep_year if keep_area is None else keep_area & keep_year)
    counts = _counts_frame(cells, area_ids, years, variable_ids, values, flags, keep, source_id)
    columns = {role: (col if col is None or isinstance(col, str) or keep is None else col[keep])
               for role, col in cells.columns.items()}
    rows = cells.rows if keep is None else cells.rows[keep]
    problems += validate_counts(counts, filename, rows, columns=columns, header_roles=cells.header_roles,
                                header_row=info.header_row, check_area_ids=False, max_rows=max_rows)
    return LoadResult(counts, problems, info)
