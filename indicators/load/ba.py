"""Reader for the BA small-area delivery ("Arbeitsmarktdaten in kleinräumiger Gliederung") into Ortsteil counts.

Layout: column A reporting month, B the 8-digit municipality key, C the city's 9-digit area key
with sum codes (``123456SUM``, ``123SUMSUM``, ``SUMSUMSUM``), D the area name, E+ characteristics.
Sum rows are never areas: they only check that the parts add up.
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.areas import match_names, normalize_name
from indicators.formats import fmt_number
from indicators.load.german import decode_bytes, fill_headers, is_zip
from indicators.paths import DATA_DIR
from indicators.schema import COUNT_COLUMNS, FLAG_INCOMPLETE, FLAG_MISSING, FLAG_SUPPRESSED, empty_counts

BA_KEYS_FILE = DATA_DIR / "ba_keys.csv"
BA_MAPPING_FILE = DATA_DIR / "ba_mapping.csv"
DEFAULT_SOURCE_ID = "ba_kleinraeumig"

MUNICIPALITY_RE = re.compile(r"^\d{8}$")
DETAIL_KEY_RE = re.compile(r"^\d{9}$")
SUB_SUM_RE = re.compile(r"^(\d{6})SUM$")
DISTRICT_SUM_RE = re.compile(r"^(\d{3})SUMSUM$")
CITY_SUM = "SUMSUMSUM"
KEY_RE = re.compile(r"^(\d{9}|\d{6}SUM|\d{3}SUMSUM|SUMSUMSUM)$")
UNMATCHED_RE = re.compile(r"nicht\s+zu(ordenbar|geordnet|zuordnen)|ohne\s+(zuordnung|adress)|keine\s+zuordnung|"
                          r"unbekannt", re.IGNORECASE)
SNIFF_BYTES = 65536
STAR = "*"
STAR_MIN, STAR_MAX = 1, 9
MISSING_SYMBOLS = {"", "-", "–", ".", "x", "/", "..."}
MONTHS_DE = {"januar": 1, "jan": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3, "mär": 3, "mrz": 3,
             "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
             "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
             "dezember": 12, "dez": 12}


@dataclass
class BAResult:
    """Ortsteil counts plus the German report of what was matched, left out and checked."""

    counts: pd.DataFrame
    report: list[str] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)
    unmatched_rows: list[str] = field(default_factory=list)
    sum_checks: pd.DataFrame = field(default_factory=pd.DataFrame)


class BAFormatError(ValueError):
    """A file that is not a BA small-area delivery; the message (German) names file, row, column and the fix."""


# --------------------------------------------------------------------------- raw rows

def _cell_text(value) -> str:
    """An Excel or CSV cell as text: 5911000 -> '5911000', 12.0 -> '12', dates -> ISO."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_from_xlsx(data: bytes, max_rows: int | None = None) -> list[list[str]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = []
        for i, row in enumerate(wb.worksheets[0].iter_rows(values_only=True)):
            if max_rows is not None and i >= max_rows:
                break
            rows.append([_cell_text(v) for v in row])
        return rows
    finally:
        wb.close()


def _rows_from_csv(data: bytes, max_rows: int | None = None) -> list[list[str]]:
    text = decode_bytes(data if max_rows is None else data[:SNIFF_BYTES])
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    if sample.count("\t") > max(sample.count(";"), sample.count(",")):
        delimiter = "\t"
    rows = []
    for i, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        if max_rows is not None and i >= max_rows:
            break
        rows.append([c.strip() for c in row])
    return rows


def read_rows(data: bytes, max_rows: int | None = None) -> list[list[str]]:
    """All rows of an XLSX (first sheet) or CSV file as text cells."""
    return _rows_from_xlsx(data, max_rows) if is_zip(data) else _rows_from_csv(data, max_rows)


def _norm_key(text: str) -> str:
    return text.strip().upper().replace(" ", "")


def _municipality(text: str) -> str:
    digits = text.strip()
    return digits.zfill(8) if digits.isdigit() and 6 <= len(digits) <= 8 else digits


def _is_data_row(row: list[str]) -> bool:
    return len(row) >= 4 and bool(MUNICIPALITY_RE.match(_municipality(row[1])))


def looks_like_ba(data: bytes, filename: str = "") -> bool:
    """True when some of the first rows carry a municipality key in B and a city area key in C."""
    try:
        rows = read_rows(data, max_rows=60)
    except Exception:  # any unreadable file is simply not a BA delivery
        return False
    return any(_is_data_row(r) and KEY_RE.match(_norm_key(r[2])) for r in rows)


# --------------------------------------------------------------------------- small parsers

def parse_month(text: str) -> tuple[int, int] | None:
    """'2023-12', '12/2023', '12.2023', 'Dezember 2023', '202312' -> (2023, 12)."""
    t = str(text).strip().lower()
    for pattern, order in ((r"^(\d{4})-(\d{1,2})", "ym"), (r"^(\d{1,2})[./](\d{4})$", "my"),
                           (r"^(\d{4})(\d{2})$", "ym"), (r"^\d{1,2}\.(\d{1,2})\.(\d{4})$", "my")):
        if m := re.match(pattern, t):
            a, b = int(m.group(1)), int(m.group(2))
            return (a, b) if order == "ym" else (b, a)
    if m := re.match(r"^([a-zä]+)\.?\s+(\d{4})$", t):
        month = MONTHS_DE.get(m.group(1))
        return (int(m.group(2)), month) if month else None
    return None


def parse_count(text: str) -> tuple[float, str]:
    """'1.234' -> 1234.0; '*' -> NaN suppressed; '-' or empty -> NaN missing (never 0).

    >>> parse_count("1.234"), parse_count("12,5"), parse_count("*"), parse_count("-")
    ((1234.0, ''), (12.5, ''), (nan, 'suppressed'), (nan, 'missing'))
    """
    t = str(text).strip()
    if t == STAR:
        return float("nan"), FLAG_SUPPRESSED
    if t in MISSING_SYMBOLS:
        return float("nan"), FLAG_MISSING
    t = t.replace(" ", "")
    if re.match(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$", t) or "," in t:
        t = t.replace(".", "").replace(",", ".")
    try:
        return float(t), ""
    except ValueError:
        return float("nan"), FLAG_MISSING


def load_ba_mapping(path: Path | None = None) -> pd.DataFrame:
    """Header pattern -> catalog variable (data/ba_mapping.csv)."""
    return pd.read_csv(path or BA_MAPPING_FILE, dtype=str, keep_default_na=False)


def load_ba_keys(path: Path | None = None) -> pd.DataFrame:
    """The editable key table: key_prefix (may be empty), name, area_id."""
    return pd.read_csv(path or BA_KEYS_FILE, dtype=str, keep_default_na=False, comment="#")


def map_header(header: str, mapping: pd.DataFrame) -> str | None:
    """The catalog variable for a column header, or None."""
    text = re.sub(r"\s+", " ", header).strip().casefold()
    for pattern, variable in zip(mapping["pattern"], mapping["variable"]):
        if fnmatch.fnmatchcase(text, pattern.casefold()):
            return variable
    return None


# --------------------------------------------------------------------------- structure

def _split(rows: list[list[str]], name: str) -> tuple[list[str], int]:
    """Column headers (stacked rows joined with ' | ') for E+ and the index of the first data row."""
    first = next((i for i, r in enumerate(rows) if _is_data_row(r)), None)
    if first is None:
        raise BAFormatError(f"{name}: Keine Datenzeile mit 8-stelligem Gemeindeschlüssel in Spalte B gefunden "
                            "(z. B. 05911000 für Bochum). Bitte die Lieferung der Bundesagentur prüfen.")
    start = first
    while start > 0 and any(c.strip() for c in rows[start - 1][4:]):
        start -= 1
    if start == first:
        raise BAFormatError(f"{name}, Zeile {first + 1}: Über den Daten fehlt die Kopfzeile mit den Merkmalen "
                            "(ab Spalte E).")
    header = fill_headers([r[4:] for r in rows[start:first]])
    width = max(len(r) for r in header)
    labels = [" | ".join(r[c].strip() for r in header if c < len(r) and r[c].strip()) for c in range(width)]
    return labels, first


def _classify(key: str, area_name: str) -> str:
    """'detail', 'sub_sum', 'district_sum', 'city_sum' or 'unmatched' (persons without a matched address)."""
    if UNMATCHED_RE.search(area_name) or UNMATCHED_RE.search(key):
        return "unmatched"
    if key == CITY_SUM:
        return "city_sum"
    if DISTRICT_SUM_RE.match(key):
        return "district_sum"
    if SUB_SUM_RE.match(key):
        return "sub_sum"
    return "detail" if DETAIL_KEY_RE.match(key) else "unmatched"


def _match_area(key: str, area_name: str, keys: pd.DataFrame) -> str | None:
    """Ortsteil id by the longest key prefix in data/ba_keys.csv, else by the name."""
    with_prefix = keys[keys["key_prefix"].str.strip() != ""]
    hits = [(len(p), a) for p, a in zip(with_prefix["key_prefix"].str.strip(), with_prefix["area_id"])
            if key.startswith(p)]
    if hits:
        return max(hits)[1]
    by_name = {normalize_name(n): a for n, a in zip(keys["name"], keys["area_id"]) if n}
    if normalize_name(area_name) in by_name:
        return by_name[normalize_name(area_name)]
    return match_names([area_name]).matched.get(area_name)


# --------------------------------------------------------------------------- reader

def parse_ba(rows: list[list[str]], name: str = "Datei", keys: pd.DataFrame | None = None,
             mapping: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str], list[str], list[str]]:
    """Rows -> (long cell frame, unmapped columns, unmatched rows, report lines)."""
    keys = load_ba_keys() if keys is None else keys
    mapping = load_ba_mapping() if mapping is None else mapping
    labels, first = _split(rows, name)
    variables = [map_header(label, mapping) if label else None for label in labels]
    report, unmapped, unmatched = [], [], []
    seen: dict[str, str] = {}
    for col, (label, var) in enumerate(zip(labels, variables)):
        if label and var is None:
            unmapped.append(label)
            report.append(f"{name}, Spalte {_col_letter(col + 4)}: Merkmal '{label}' ohne Zuordnung zum Katalog "
                          "(nicht übernommen). Bei Bedarf in data/ba_mapping.csv ergänzen.")
        elif var in seen:
            report.append(f"{name}, Spalte {_col_letter(col + 4)}: '{label}' ist wie '{seen[var]}' '{var}' "
                          "zugeordnet; verwendet wird nur die erste Spalte.")
            variables[col] = None
        elif var:
            seen[var] = label
    records = []
    for i in range(first, len(rows)):
        row = rows[i]
        if not _is_data_row(row):
            continue
        month = parse_month(row[0])
        if month is None:
            report.append(f"{name}, Zeile {i + 1}, Spalte A: Berichtsmonat '{row[0]}' nicht lesbar "
                          "(erwartet z. B. 2023-12 oder 12/2023); Zeile übersprungen.")
            continue
        key, area_name = _norm_key(row[2]), row[3].strip()
        kind = _classify(key, area_name)
        area_id = _match_area(key, area_name, keys) if kind == "detail" else None
        if kind == "unmatched":
            unmatched.append(area_name or key)
        elif kind == "detail" and area_id is None:
            report.append(f"{name}, Zeile {i + 1}, Spalte D: '{area_name}' (Schlüssel {key}) keinem Ortsteil "
                          "zugeordnet. Bitte den Schlüssel in data/ba_keys.csv eintragen.")
        for col, var in enumerate(variables):
            if var is None:
                continue
            raw = row[4 + col] if 4 + col < len(row) else ""
            value, flag = parse_count(raw)
            records.append((i + 1, month[0], month[1], key, area_name, kind, area_id, var, value, flag))
    cells = pd.DataFrame(records, columns=["row", "year", "month", "key", "name", "kind", "area_id",
                                           "variable", "value", "flag"])
    return cells, unmapped, unmatched, report


def _col_letter(index: int) -> str:
    """0 -> 'A', 4 -> 'E', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _latest_month(cells: pd.DataFrame, report: list[str]) -> pd.DataFrame:
    """Keep the latest reporting month of each year; report the months left out."""
    latest = cells.groupby("year")["month"].transform("max")
    dropped = cells.loc[cells["month"] != latest, ["year", "month"]].drop_duplicates()
    for year, month in dropped.itertuples(index=False):
        report.append(f"Berichtsmonat {month:02d}/{year} nicht übernommen: je Jahr zählt der letzte Monat.")
    return cells[cells["month"] == latest]


def ortsteil_counts(cells: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """Detail rows summed per Ortsteil; a starred part makes the sum missing (suppressed or incomplete)."""
    detail = cells[(cells["kind"] == "detail") & cells["area_id"].notna()]
    if detail.empty:
        return empty_counts()
    grouped = detail.assign(miss=detail["value"].isna(), star=detail["flag"].eq(FLAG_SUPPRESSED)).groupby(
        ["area_id", "year", "variable"]).agg(value=("value", "sum"), n=("value", "size"),
                                             n_missing=("miss", "sum"), n_star=("star", "sum")).reset_index()
    grouped["value"] = grouped["value"].where(grouped["n_missing"] == 0)
    single_or_all = grouped["n_missing"] == grouped["n"]
    grouped["flag"] = np.select(
        [grouped["n_missing"].eq(0), single_or_all & grouped["n_star"].gt(0), single_or_all],
        ["", FLAG_SUPPRESSED, FLAG_MISSING], default=FLAG_INCOMPLETE)
    grouped["source_id"] = source_id
    grouped["year"] = grouped["year"].astype("int64")
    return grouped[COUNT_COLUMNS].sort_values(["area_id", "variable", "year"]).reset_index(drop=True)


def check_sums(cells: pd.DataFrame) -> pd.DataFrame:
    """Every sum row against its parts: difference, starred parts, whether the stars can explain it."""
    sums = cells[cells["kind"].isin(["sub_sum", "district_sum", "city_sum"])]
    parts_all = cells[cells["kind"].isin(["detail", "unmatched"])]
    out = []
    for s in sums.itertuples(index=False):
        prefix = s.key.replace("SUM", "")
        parts = parts_all[(parts_all["year"] == s.year) & (parts_all["variable"] == s.variable)]
        if s.kind != "city_sum":  # the city sum also holds the persons without a matched address
            parts = parts[(parts["kind"] == "detail") & parts["key"].str.startswith(prefix)]
        n_star = int(parts["flag"].eq(FLAG_SUPPRESSED).sum())
        known = float(parts["value"].sum())
        diff = s.value - known if not np.isnan(s.value) else float("nan")
        explained = bool(n_star and STAR_MIN * n_star <= diff <= STAR_MAX * n_star)
        out.append((s.row, s.key, s.name, s.year, s.variable, s.value, known, diff, n_star, explained))
    return pd.DataFrame(out, columns=["row", "key", "name", "year", "variable", "sum_value", "parts_value",
                                      "difference", "n_starred", "explained_by_stars"])


def _sum_report(checks: pd.DataFrame, name: str) -> list[str]:
    """German lines for every sum row whose parts do not add up."""
    lines = []
    for c in checks[checks["difference"].fillna(0) != 0].itertuples(index=False):
        text = (f"{name}, Zeile {c.row}: Summenzeile {c.key} ({c.name}), '{c.variable}', {c.year}: Teile ergeben "
                f"{fmt_number(c.parts_value)}, Summenzeile {fmt_number(c.sum_value)} "
                f"(Differenz {fmt_number(c.difference)}).")
        if c.n_starred:
            verdict = "erklärbar" if c.explained_by_stars else "nicht vollständig erklärbar"
            text += (f" {c.n_starred} Zelle(n) mit * (je {STAR_MIN} bis {STAR_MAX}) verdecken "
                     f"{STAR_MIN * c.n_starred} bis {STAR_MAX * c.n_starred}: Differenz {verdict}.")
        else:
            text += " Keine Zelle mit *: Bitte die Lieferung prüfen."
        lines.append(text)
    return lines


def read_ba(source, source_id: str = DEFAULT_SOURCE_ID, keys: pd.DataFrame | None = None,
            mapping: pd.DataFrame | None = None) -> BAResult:
    """Read a BA small-area delivery (XLSX or CSV; path or bytes) into Ortsteil counts and a German report."""
    if isinstance(source, (bytes, bytearray)):
        data, name = bytes(source), "Datei"
    else:
        data, name = Path(source).read_bytes(), Path(source).name
    cells, unmapped, unmatched, report = parse_ba(read_rows(data), name, keys, mapping)
    cells = _latest_month(cells, report)
    counts = ortsteil_counts(cells, source_id)
    checks = check_sums(cells)
    report.extend(_sum_report(checks, name))
    for label in dict.fromkeys(unmatched):
        rows = cells[(cells["kind"] == "unmatched") & ((cells["name"] == label) | (cells["key"] == label))]
        total = rows[rows["variable"] == "arbeitslose"]["value"].sum() if not rows.empty else float("nan")
        text = f"Zeile '{label}' (Personen ohne zugeordnete Adresse) gehört zu keinem Ortsteil"
        text += f": {fmt_number(total)} Arbeitslose" if not np.isnan(total) and total else ""
        report.append(text + "; nur in der Stadtsumme enthalten.")
    return BAResult(counts, report, unmapped, list(dict.fromkeys(unmatched)), checks)
