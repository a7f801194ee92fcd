"""Readers for GENESIS files (flat file ``ffcsv`` and the classic table CSV) into tidy frames and counts.

Both readers return a :class:`GenesisResult`: the tidy frame of every published cell, the
catalog-variable counts made through ``data/genesis_mapping.csv``, the official rates kept as
published, and the measures without a mapping (reported, never dropped silently).
"""

from __future__ import annotations

import csv
import fnmatch
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.load.german import decode_bytes, fill_headers, is_zip  # noqa: F401 - also read from here
from indicators.paths import DATA_DIR
from indicators.schema import (
    COUNT_COLUMNS,
    FLAG_ESTIMATED,
    FLAG_INCOMPLETE,
    FLAG_MISSING,
    FLAG_SUPPRESSED,
    empty_counts,
)

GENESIS_MAPPING_FILE = DATA_DIR / "genesis_mapping.csv"
DEFAULT_SOURCE_ID = "regionaldatenbank"

FORMAT_FFCSV = "genesis_ffcsv"
FORMAT_TABLE = "genesis_table"
FORMAT_BA = "ba_smallarea"

FFCSV_FIRST_COLUMNS = ["statistics_code", "statistics_label", "time_code", "time_label", "time"]
FFCSV_VALUE_COLUMNS = ["value", "value_unit", "value_variable_code", "value_variable_label"]
TABLE_MAGIC = "GENESIS-Tabelle:"
# newer downloads start with "Tabelle:"; transcribed excerpts may lead with '#' provenance lines
TABLE_MAGICS = (TABLE_MAGIC, "Tabelle:")
COMMENT_PREFIX = "#"
REGION_VARIABLE_CODES = ("KREISE", "GEMEIN", "DLAND", "DINSG", "REGBEZ", "GEMEIND", "FGEMEIN")
REGION_CODE_PREFIXES = ("GEO",)
TOTAL_LABEL = "Insgesamt"
MEASURE_SEP = " | "

# GENESIS symbols: kept as flags on a missing value, never read as zero
SYMBOL_FLAGS = {
    "-": FLAG_MISSING,       # nothing / not available at this depth, dissolved Kreise, not yet published
    "–": FLAG_MISSING,
    ".": FLAG_SUPPRESSED,    # unknown or to be kept secret
    "...": FLAG_MISSING,     # published later
    "/": FLAG_SUPPRESSED,    # not reliable enough
    "x": FLAG_MISSING,       # cell blocked, statement not meaningful
    "": FLAG_MISSING,
}
# value_q quality marks that keep the value (e = final, v = provisional, r = revised, p = preliminary)
QUALITY_KEEP = {"", "e", "v", "r", "p"}
QUALITY_ESTIMATED = {"s", "g"}

TIDY_COLUMNS = ["ags", "area", "table", "time", "year", "measure", "value", "flag", "symbol", "unit"]
RATE_COLUMNS = ["area_id", "ags", "area", "table", "time", "year", "rate_id", "title", "definition",
                "caveat", "measure", "value", "flag", "symbol", "unit"]
UNITS = {"anzahl", "prozent", "%", "eur", "tsd. eur", "1000", "tsd.", "qkm", "ew/qkm", "jahre", "ha", "personen"}

AGS_RE = re.compile(r"^(DG|\d{2}|\d{3}|\d{5}|\d{8,12})$")
TIME_RE = re.compile(r"^(\d{4}|\d{2}\.\d{2}\.\d{4}|\d{4}-\d{2}-\d{2})$")
STAND_RE = re.compile(r"Stand:\s*(\d{2}\.\d{2}\.\d{4})(?:\s*/\s*(\d{2}:\d{2}:\d{2}))?")
UNDERSCORE_RE = re.compile(r"^_{3,}")


class GenesisFormatError(ValueError):
    """A file that is not what it claims to be; the message (German) names file, row, column and the fix."""


@dataclass
class GenesisResult:
    """What a GENESIS reader returns."""

    format: str
    tidy: pd.DataFrame
    counts: pd.DataFrame
    rates: pd.DataFrame
    unmapped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- bytes and text


def _read_source(source) -> tuple[bytes, str]:
    """Bytes and a display name from a path or bytes."""
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), "Datei"
    path = Path(source)
    return path.read_bytes(), path.name


def zip_members(data: bytes) -> list[tuple[str, bytes]]:
    """The CSV files inside a ZIP archive, in archive order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/") and n.lower().endswith((".csv", ".txt"))]
        return [(n, zf.read(n)) for n in names]


# --------------------------------------------------------------------------- values

def decimal_comma(raw: pd.Series) -> bool:
    """True when the file writes decimals with a comma (German)."""
    return bool(raw.str.contains(",", regex=False).any())


def parse_values(raw: pd.Series, comma: bool | None = None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Published cells -> (float values, flags, symbols); symbols become NaN with a flag, never 0."""
    text = raw.astype(str).str.strip()
    comma = decimal_comma(text) if comma is None else comma
    is_symbol = text.isin(list(SYMBOL_FLAGS))
    flag = text.map(SYMBOL_FLAGS).fillna("").astype(str)
    numbers = text.where(~is_symbol, None)
    if comma:
        numbers = numbers.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    values = pd.to_numeric(numbers, errors="coerce").astype("float64")
    bad = values.isna() & ~is_symbol
    flag = flag.mask(bad, FLAG_MISSING)
    symbol = text.where(is_symbol | bad, "")
    return values, flag, symbol


def year_of(time: pd.Series) -> pd.Series:
    """The four-digit year inside '2016', '31.12.2016' or '2016-12-31'."""
    return pd.to_numeric(time.astype(str).str.extract(r"(\d{4})", expand=False), errors="coerce").astype("Int64")


def iso_time(time: pd.Series) -> pd.Series:
    """'31.12.2016' -> '2016-12-31'; years and ISO dates unchanged.

    >>> iso_time(pd.Series(["31.12.2016", "2016", "2016-12-31"])).tolist()
    ['2016-12-31', '2016', '2016-12-31']
    """
    text = time.astype(str).str.strip()
    return text.str.replace(r"^(\d{2})\.(\d{2})\.(\d{4})$", r"\3-\2-\1", regex=True)


def area_id_for_ags(ags: str) -> str:
    """'05911' -> 'ags_05911', 'DG' -> 'ags_dg'."""
    return f"ags_{str(ags).strip().lower()}"


# --------------------------------------------------------------------------- flat file (ffcsv)

def _dimension_numbers(columns: list[str]) -> list[int]:
    return sorted(int(m.group(1)) for c in columns if (m := re.match(r"^(\d+)_variable_code$", c)))


def _is_region_code(code: str) -> bool:
    return code in REGION_VARIABLE_CODES or code.startswith(REGION_CODE_PREFIXES)


def parse_ffcsv(text: str, table: str | None = None, name: str = "Datei") -> tuple[pd.DataFrame, list[str]]:
    """A GENESIS flat file -> (tidy frame, German notes)."""
    try:
        df = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False,
                         quoting=csv.QUOTE_NONE, engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        raise GenesisFormatError(f"{name}: Die Datei lässt sich nicht als GENESIS-Flatfile lesen ({exc}). "
                                 "Bitte die Datei im Format 'ffcsv' erneut herunterladen.") from exc
    missing = [c for c in FFCSV_FIRST_COLUMNS + FFCSV_VALUE_COLUMNS if c not in df.columns]
    if missing:
        raise GenesisFormatError(f"{name}, Zeile 1: Spalte(n) {', '.join(missing)} fehlen im Kopf. "
                                 "Bitte die Tabelle im Format 'ffcsv' (Flatfile CSV) exportieren.")
    dims = _dimension_numbers(list(df.columns))
    region = next((n for n in dims if df[f"{n}_variable_code"].map(_is_region_code).all() and len(df)), None)
    if region is None:
        raise GenesisFormatError(f"{name}: Keine Spalte mit regionaler Gliederung (KREISE, GEMEIN, DLAND, DINSG) "
                                 "gefunden. Bitte die Tabelle mit regionaler Gliederung abrufen.")
    measure = df["value_variable_label"].astype(str)
    for n in dims:
        if n == region:
            continue
        label = df[f"{n}_variable_attribute_label"].astype(str)
        code = df[f"{n}_variable_attribute_code"].astype(str).str.strip()
        measure = measure + MEASURE_SEP + label.where(code != "", TOTAL_LABEL)
    values, flag, symbol = parse_values(df["value"])
    notes: list[str] = []
    if "value_q" in df.columns:
        q = df["value_q"].astype(str).str.strip()
        q_symbol = q.isin([s for s in SYMBOL_FLAGS if s])
        values = values.mask(q_symbol)
        flag = flag.mask(q_symbol, q.map(SYMBOL_FLAGS).fillna(FLAG_MISSING).astype(str))
        symbol = symbol.mask(q_symbol, q)
        estimated = q.isin(list(QUALITY_ESTIMATED)) & values.notna()
        flag = flag.mask(estimated, FLAG_ESTIMATED)
        symbol = symbol.mask(estimated, q)
    _note_bad_values(df["value"], values, symbol, name, notes, offset=2, column="value")
    tidy = pd.DataFrame({
        "ags": df[f"{region}_variable_attribute_code"].astype(str).str.strip(),
        "area": df[f"{region}_variable_attribute_label"].astype(str).str.strip(),
        "table": table or df["statistics_code"].astype(str),
        "time": iso_time(df["time"]),
        "year": year_of(df["time"]),
        "measure": measure.str.strip(),
        "value": values, "flag": flag, "symbol": symbol,
        "unit": df["value_unit"].astype(str),
    })
    return tidy[TIDY_COLUMNS], notes


def _note_bad_values(raw: pd.Series, values: pd.Series, symbol: pd.Series, name: str,
                     notes: list[str], offset: int, column: str) -> None:
    """One German note per cell that is neither a number nor a known symbol (first five)."""
    bad = values.isna() & ~raw.astype(str).str.strip().isin(list(SYMBOL_FLAGS)) & (symbol != "")
    for i in list(np.flatnonzero(bad.to_numpy()))[:5]:
        notes.append(f"{name}, Zeile {i + offset}, Spalte {column}: '{raw.iloc[i]}' ist keine Zahl und kein "
                     "GENESIS-Zeichen; als fehlend übernommen. Bitte den Wert prüfen.")


# --------------------------------------------------------------------------- classic table CSV

def _cells(line: str) -> list[str]:
    return next(csv.reader([line], delimiter=";"))


def _is_time(text: str) -> bool:
    return bool(TIME_RE.match(text.strip()))


def _is_ags(text: str) -> bool:
    return bool(AGS_RE.match(text.strip()))


def _data_layout(cells: list[str]) -> int | None:
    """Number of leading columns of a data row: 3 (time, AGS, name), 2 (AGS, name) or None."""
    if len(cells) >= 4 and _is_time(cells[0]) and _is_ags(cells[1]) and cells[2].strip():
        return 3
    if len(cells) >= 3 and _is_ags(cells[0]) and cells[1].strip() and not _is_time(cells[1]):
        return 2
    return None


def _is_unit_row(cells: list[str]) -> bool:
    texts = [c.strip().lower() for c in cells if c.strip()]
    return bool(texts) and all(t in UNITS for t in texts)


def _is_time_row(cells: list[str]) -> bool:
    texts = [c.strip() for c in cells if c.strip()]
    return bool(texts) and all(_is_time(t) for t in texts)


def _footer_meta(lines: list[str]) -> dict:
    """Licence and 'Stand' from the footer lines below the underscores."""
    meta = {"licence": "", "stand": "", "footer": [line.strip(" ;") for line in lines if line.strip(" ;")]}
    for line in meta["footer"]:
        if m := STAND_RE.search(line):
            meta["stand"] = m.group(1) + (f" / {m.group(2)}" if m.group(2) else "")
        elif "©" in line or "(C)" in line.upper() or "dl-de" in line.lower() or "lizenz" in line.lower():
            meta["licence"] = (meta["licence"] + " " + line).strip()
    return meta


def parse_table_csv(text: str, name: str = "Datei") -> tuple[pd.DataFrame, dict, list[str]]:
    """A classic GENESIS table CSV -> (tidy frame, meta with table/title/licence/stand, German notes)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if not line.startswith(COMMENT_PREFIX)), len(lines))
    provenance = [line.lstrip("# ").rstrip() for line in lines[:start]]
    magic = next((m for m in TABLE_MAGICS if start < len(lines) and lines[start].startswith(m)), None)
    if magic is None:
        raise GenesisFormatError(f"{name}, Zeile {start + 1}: '{TABLE_MAGIC} <Code>' erwartet. "
                                 "Bitte die Tabelle als CSV aus der GENESIS-Datenbank herunterladen.")
    table = _cells(lines[start])[0][len(magic):].strip()
    lines = [""] * (start + 1) + lines[start + 1:]  # provenance lines stay counted: row numbers match the file
    end = next((i for i, line in enumerate(lines) if UNDERSCORE_RE.match(line.strip())), len(lines))
    meta = {"table": table, **_footer_meta(lines[end + 1:]), "provenance": provenance}
    rows = [_cells(line) if line.strip() else [] for line in lines[:end]]
    first = next((i for i in range(1, end) if rows[i] and _data_layout(rows[i])), None)
    if first is None:
        raise GenesisFormatError(f"{name}: Keine Datenzeilen (Zeit;AGS;Name;Werte oder AGS;Name;Werte) gefunden. "
                                 "Bitte prüfen, ob die Datei vollständig ist.")
    lead = _data_layout(rows[first])
    header_start = first
    while header_start > 1 and rows[header_start - 1] and not any(c.strip() for c in rows[header_start - 1][:lead]):
        header_start -= 1
    meta["title"] = " ".join(r[0].strip() for r in rows[1:header_start] if r and r[0].strip())
    header = [r[lead:] for r in rows[header_start:first]]
    if not header:
        raise GenesisFormatError(f"{name}, Zeile {first}: Kopfzeilen mit den Merkmalen fehlen über den Daten.")
    units = next((r for r in header if _is_unit_row(r)), None)
    times = next((r for r in header if _is_time_row(r)), None) if lead == 2 else None
    if lead == 2 and times is None:
        raise GenesisFormatError(f"{name}, Zeile {first}: Jahre in den Spalten erwartet, aber keine Kopfzeile "
                                 "mit Jahren gefunden. Bitte das Tabellenlayout prüfen.")
    # the time row (years across) is the lowest header level: fill with it, then leave it out of the measure
    rows_with_time = [r for r in header if r is not units]
    filled = fill_headers(rows_with_time)
    labels = [f for f, r in zip(filled, rows_with_time) if r is not times]
    width = max(len(r) for r in header)
    measures = [MEASURE_SEP.join(r[c].strip() for r in labels if c < len(r) and r[c].strip()) for c in range(width)]
    records, notes = [], []
    last_time = ""
    for i in range(first, end):
        cells = rows[i]
        if not cells or not any(c.strip() for c in cells):
            continue
        if lead == 3 and not cells[0].strip() and len(cells) > 2 and _is_ags(cells[1]):
            cells = [last_time] + cells[1:]
        if _data_layout(cells) != lead:
            notes.append(f"{name}, Zeile {i + 1}: keine Datenzeile ('{';'.join(cells)[:60]}'); übersprungen.")
            continue
        time = cells[0].strip() if lead == 3 else ""
        last_time = time or last_time
        ags, area = cells[lead - 2].strip(), cells[lead - 1].strip()
        for c in range(width):
            raw = cells[lead + c] if lead + c < len(cells) else ""
            col_time = times[c].strip() if times is not None and c < len(times) else time
            records.append((ags, area, col_time, measures[c], raw, units[c].strip() if units and c < len(units) else "",
                            i + 1, lead + c + 1))
    frame = pd.DataFrame(records, columns=["ags", "area", "time", "measure", "raw", "unit", "row", "col"])
    frame = frame[frame["measure"] != ""]
    values, flag, symbol = parse_values(frame["raw"])
    bad = values.isna() & ~frame["raw"].str.strip().isin(list(SYMBOL_FLAGS))
    for row, col, raw in frame.loc[bad, ["row", "col", "raw"]].head(5).itertuples(index=False):
        notes.append(f"{name}, Zeile {row}, Spalte {col}: '{raw}' ist keine Zahl und kein GENESIS-Zeichen; "
                     "als fehlend übernommen. Bitte den Wert prüfen.")
    tidy = pd.DataFrame({
        "ags": frame["ags"], "area": frame["area"], "table": table,
        "time": iso_time(frame["time"]), "year": year_of(frame["time"]), "measure": frame["measure"],
        "value": values, "flag": flag, "symbol": symbol, "unit": frame["unit"],
    }).reset_index(drop=True)
    return tidy[TIDY_COLUMNS], meta, notes


# --------------------------------------------------------------------------- mapping to catalog variables

@lru_cache(maxsize=4)
def _mapping_cached(path: str) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["factor"] = pd.to_numeric(df["factor"].replace("", "1"), errors="coerce").fillna(1.0)
    df["order"] = range(len(df))
    return df


def load_mapping(path: Path | None = None) -> pd.DataFrame:
    """The measure -> catalog variable mapping (data/genesis_mapping.csv), a copy."""
    return _mapping_cached(str(path or GENESIS_MAPPING_FILE)).copy()


def measure_keys(measure: str) -> list[str]:
    """The measure and its forms without trailing '| Insgesamt' parts (an empty attribute code is the total)."""
    parts = [p.strip() for p in str(measure).split("|")]
    keys = [MEASURE_SEP.join(parts)]
    while len(parts) > 1 and parts[-1].casefold() == TOTAL_LABEL.casefold():
        parts = parts[:-1]
        keys.append(MEASURE_SEP.join(parts))
    return keys


def _table_rows(mapping: pd.DataFrame, table: str) -> pd.DataFrame:
    """Mapping rows for a table code, or for its statistic when the file only names the statistic."""
    exact = mapping[mapping["table"] == table]
    if len(exact) or "-" in table:
        return exact
    return mapping[mapping["table"].str.startswith(table + "-")]


def _mapping_hits(rows: pd.DataFrame, keys: list[str]) -> list:
    """Mapping rows whose pattern matches any of the keys (case-insensitive glob)."""
    folded = [k.casefold() for k in keys]
    return [r for r in rows.itertuples(index=False)
            if any(fnmatch.fnmatchcase(k, r.measure.casefold()) for k in folded)]


def link_measures(pairs: pd.DataFrame, mapping: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    """(table, measure) pairs -> links (table, measure, kind, variable, factor, order), unmapped, notes."""
    links, unmapped, notes = [], [], []
    for table, measure in pairs[["table", "measure"]].drop_duplicates().itertuples(index=False):
        rows = _table_rows(mapping, table)
        hits = _mapping_hits(rows, measure_keys(measure))
        if not hits and MEASURE_SEP in measure:
            # flat files lead with the value variable ('Bevölkerungsstand | Insgesamt'); tables often omit it
            hits = _mapping_hits(rows, measure_keys(measure.split(MEASURE_SEP, 1)[1]))
        used = [r for r in hits if r.kind in ("count", "rate")]
        if not hits:
            unmapped.append(f"{table}: {measure}")
        seen: set[str] = set()
        for r in used:
            if r.variable not in seen:
                seen.add(r.variable)
                links.append((table, measure, r.kind, r.variable, r.factor, r.rule, r.order))
    frame = pd.DataFrame(links, columns=["table", "measure", "kind", "variable", "factor", "rule", "order"])
    single = frame[frame["rule"] == "single"].sort_values(["order", "measure"])
    extra = single[single.duplicated(["table", "variable"], keep="first")]
    for table, measure, variable in extra[["table", "measure", "variable"]].itertuples(index=False):
        notes.append(f"Tabelle {table}: Merkmal '{measure}' passt ebenfalls auf '{variable}'; "
                     "nur das erste passende Merkmal wird verwendet. Bitte data/genesis_mapping.csv präzisieren.")
    frame = frame.drop(extra.index)
    return frame, sorted(unmapped), notes


def _latest_time_only(tidy: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Keep the latest reference date per table and year (e.g. 31.12. when a year has several dates)."""
    times = tidy.groupby(["table", "year"], observed=True)["time"].agg(["nunique", "max"]).reset_index()
    several = times[times["nunique"] > 1]
    if several.empty:
        return tidy
    for table, year, latest in several[["table", "year", "max"]].itertuples(index=False):
        notes.append(f"Tabelle {table}, Jahr {year}: mehrere Stichtage; verwendet wird {latest}.")
    latest = tidy.merge(times[["table", "year", "max"]], on=["table", "year"])
    return tidy[(latest["time"] == latest["max"]).to_numpy()]


def counts_from_tidy(tidy: pd.DataFrame, links: pd.DataFrame, source_id: str,
                     notes: list[str] | None = None) -> pd.DataFrame:
    """Sum the linked measures into catalog-variable counts; a missing part makes the sum missing, flagged."""
    notes = notes if notes is not None else []
    count_links = links[links["kind"] == "count"]
    if tidy.empty or count_links.empty:
        return empty_counts()
    parts = tidy.merge(count_links[["table", "measure", "variable", "factor", "order"]], on=["table", "measure"])
    if parts["year"].isna().any():
        bad = parts.loc[parts["year"].isna(), "time"].iloc[0]
        notes.append(f"Zeitangabe '{bad}' enthält kein Jahr; diese Werte werden nicht übernommen.")
        parts = parts[parts["year"].notna()]
    parts = _latest_time_only(parts, notes)
    parts = parts.assign(
        value=parts["value"] * parts["factor"],
        is_missing=parts["value"].isna(),
        is_suppressed=parts["flag"].eq(FLAG_SUPPRESSED),
        is_estimated=parts["flag"].eq(FLAG_ESTIMATED),
    )
    key = ["ags", "year", "variable", "table"]
    grouped = parts.groupby(key, observed=True, sort=False).agg(
        value=("value", "sum"), n=("value", "size"), n_missing=("is_missing", "sum"),
        n_suppressed=("is_suppressed", "sum"), n_estimated=("is_estimated", "sum"), order=("order", "min"),
    ).reset_index()
    grouped["value"] = grouped["value"].where(grouped["n_missing"] == 0)
    all_missing = grouped["n_missing"] == grouped["n"]
    grouped["flag"] = np.select(
        [grouped["n_missing"].eq(0) & grouped["n_estimated"].gt(0),
         all_missing & grouped["n_suppressed"].gt(0), all_missing, grouped["n_missing"].gt(0)],
        [FLAG_ESTIMATED, FLAG_SUPPRESSED, FLAG_MISSING, FLAG_INCOMPLETE], default="",
    )
    grouped = grouped.sort_values("order", kind="stable")
    _note_table_conflicts(grouped, notes)
    grouped = grouped.drop_duplicates(["ags", "year", "variable"], keep="first")
    counts = pd.DataFrame({
        "area_id": "ags_" + grouped["ags"].astype(str).str.lower(),
        "year": grouped["year"].astype("int64"),
        "variable": grouped["variable"].astype(str),
        "value": grouped["value"].astype("float64"),
        "flag": grouped["flag"].astype(str),
        "source_id": source_id,
    })
    return counts.sort_values(["area_id", "variable", "year"]).reset_index(drop=True)[COUNT_COLUMNS]


def _note_table_conflicts(grouped: pd.DataFrame, notes: list[str]) -> None:
    """Report where two tables give different values for the same area, year and variable."""
    dup = grouped[grouped.duplicated(["ags", "year", "variable"], keep=False)]
    if dup.empty:
        return
    spread = dup.groupby(["ags", "year", "variable"])["value"].agg(["min", "max"]).reset_index()
    for ags, year, var, lo, hi in spread[spread["min"] != spread["max"]].head(10).itertuples(index=False):
        notes.append(f"AGS {ags}, {year}, '{var}': Tabellen widersprechen sich ({lo:.0f} gegenüber {hi:.0f}); "
                     "verwendet wird die zuerst in data/genesis_mapping.csv genannte Tabelle.")


def rates_from_tidy(tidy: pd.DataFrame, links: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """The official rates as published, with their ids, titles and definitions from the mapping."""
    rate_links = links[links["kind"] == "rate"]
    if tidy.empty or rate_links.empty:
        return pd.DataFrame(columns=RATE_COLUMNS)
    info = mapping[mapping["kind"] == "rate"].drop_duplicates("variable")
    info = info.set_index("variable")[["title_de", "definition_de", "caveat_de"]]
    rates = tidy.merge(rate_links[["table", "measure", "variable"]], on=["table", "measure"])
    rates = rates.join(info, on="variable")
    rates = rates.rename(columns={"variable": "rate_id", "title_de": "title", "definition_de": "definition",
                                  "caveat_de": "caveat"})
    rates["area_id"] = "ags_" + rates["ags"].astype(str).str.lower()
    return rates[RATE_COLUMNS].sort_values(["rate_id", "area_id", "year"]).reset_index(drop=True)


def result_from_tidy(fmt: str, tidy: pd.DataFrame, meta: dict, notes: list[str], source_id: str,
                     mapping: pd.DataFrame | None) -> GenesisResult:
    """Map a tidy frame to counts and rates and collect what was not mapped."""
    mapping = load_mapping() if mapping is None else mapping
    _note_duplicates(tidy, notes)
    links, unmapped, link_notes = link_measures(tidy, mapping)
    notes.extend(link_notes)
    counts = counts_from_tidy(tidy, links, source_id, notes)
    rates = rates_from_tidy(tidy, links, mapping)
    for item in unmapped:
        notes.append(f"Merkmal ohne Zuordnung (nicht übernommen): {item}. "
                     "Bei Bedarf in data/genesis_mapping.csv ergänzen.")
    return GenesisResult(fmt, tidy, counts, rates, unmapped, notes, meta)


def _note_duplicates(tidy: pd.DataFrame, notes: list[str]) -> None:
    dup = tidy.duplicated(["ags", "table", "time", "measure"], keep=False)
    if dup.any():
        first = tidy[dup].iloc[0]
        notes.append(f"{int(dup.sum())} Zellen kommen mehrfach vor (z. B. AGS {first['ags']}, {first['time']}, "
                     f"'{first['measure']}'); sie werden summiert. Bitte die Datei prüfen.")


# --------------------------------------------------------------------------- public readers

def read_ffcsv(source, table: str | None = None, source_id: str = DEFAULT_SOURCE_ID,
               mapping: pd.DataFrame | None = None) -> GenesisResult:
    """Read a GENESIS flat file (path or bytes; also a ZIP holding one or more)."""
    data, name = _read_source(source)
    members = zip_members(data) if is_zip(data) else [(name, data)]
    tidies, notes = [], []
    for member, content in members:
        tidy, member_notes = parse_ffcsv(decode_bytes(content), table or table_from_filename(member), member)
        tidies.append(tidy)
        notes.extend(member_notes)
    if not tidies:
        raise GenesisFormatError(f"{name}: Das ZIP-Archiv enthält keine CSV-Datei.")
    tidy = pd.concat(tidies, ignore_index=True)
    meta = {"table": ";".join(tidy["table"].unique())}
    return result_from_tidy(FORMAT_FFCSV, tidy, meta, notes, source_id, mapping)


def read_table_csv(source, source_id: str = DEFAULT_SOURCE_ID, mapping: pd.DataFrame | None = None) -> GenesisResult:
    """Read a classic GENESIS table CSV (path or bytes; also inside a ZIP)."""
    data, name = _read_source(source)
    members = zip_members(data) if is_zip(data) else [(name, data)]
    tidies, notes, meta = [], [], {}
    for member, content in members:
        tidy, meta, member_notes = parse_table_csv(decode_bytes(content), member)
        tidies.append(tidy)
        notes.extend(member_notes)
    tidy = pd.concat(tidies, ignore_index=True)
    return result_from_tidy(FORMAT_TABLE, tidy, meta, notes, source_id, mapping)


def genesis_format(data: bytes) -> str | None:
    """'genesis_ffcsv', 'genesis_table' or None, from the first line (of the first CSV in a ZIP)."""
    if is_zip(data):
        try:
            members = zip_members(data)
        except zipfile.BadZipFile:
            return None
        return genesis_format(members[0][1]) if members else None
    text = decode_bytes(data[:65536]) if len(data) > 65536 else decode_bytes(data)
    first = next((line for line in text.splitlines() if line.strip() and not line.startswith(COMMENT_PREFIX)), "")
    if first.startswith("statistics_code;"):
        return FORMAT_FFCSV
    if first.startswith(TABLE_MAGICS):
        return FORMAT_TABLE
    return None


def read_genesis(source, source_id: str = DEFAULT_SOURCE_ID, table: str | None = None,
                 mapping: pd.DataFrame | None = None) -> GenesisResult:
    """Read either GENESIS format, recognised from the content."""
    data, name = _read_source(source)
    fmt = genesis_format(data)
    if fmt == FORMAT_FFCSV:
        return read_ffcsv(data if isinstance(source, (bytes, bytearray)) else source, table, source_id, mapping)
    if fmt == FORMAT_TABLE:
        return read_table_csv(source, source_id, mapping)
    raise GenesisFormatError(f"{name}: weder GENESIS-Flatfile (ffcsv) noch GENESIS-Tabelle erkannt. "
                             "Bitte die Tabelle als 'ffcsv' oder als CSV-Tabelle herunterladen.")


def table_from_filename(filename: str) -> str | None:
    """'13211-02-05-4_flat.csv' -> '13211-02-05-4'; None when the name holds no table code."""
    m = re.search(r"(\d{5}-[0-9A-Z]{2}-[0-9A-Z]{2}-[0-9A-Z]+|\d{5}-\d{4})", Path(str(filename)).name)
    return m.group(1) if m else None


# --------------------------------------------------------------------------- benchmark data

def generate_ffcsv(n_rows: int, path, seed: int = 0) -> Path:
    """Write a realistic unsorted ffcsv (13211-02-05-4 shape) with n_rows rows: ~400 Kreise, years, measures."""
    rng = np.random.default_rng(seed)
    groups = [("", "Insgesamt"), ("LANGZ", "langzeitarbeitslos"), ("ALT1525", "15 bis unter 25 Jahre")]
    groups += [(f"GRP{i:03d}", f"Gruppe {i}") for i in range(47)]
    kreise = [f"{land:02d}{k:03d}" for land in range(1, 17) for k in range(1, 26)]
    years = np.arange(1990, 1990 + max(1, -(-n_rows // (len(kreise) * len(groups)))))
    idx = np.arange(n_rows)
    k_i = idx % len(kreise)
    g_i = (idx // len(kreise)) % len(groups)
    y_i = idx // (len(kreise) * len(groups))
    # a consistent table: every group is a share of its Kreis's total, so parts never exceed wholes
    totals = rng.integers(2_000, 50_000, (len(kreise), len(years)))
    shares = np.concatenate([[1.0, 0.4, 0.1], rng.uniform(0.01, 0.3, len(groups) - 3)])
    values = np.floor(totals[k_i, y_i] * shares[g_i]).astype(np.int64).astype(str)
    values = np.where(rng.random(n_rows) < 0.01, "-", values)
    values = np.where(rng.random(n_rows) < 0.005, ".", values)
    codes = np.array([g[0] for g in groups])[g_i]
    labels = np.array([g[1] for g in groups])[g_i]
    ags = np.array(kreise)[k_i]
    frame = pd.DataFrame({
        "statistics_code": "13211", "statistics_label": "Arbeitsmarktstatistik der Bundesagentur für Arbeit",
        "time_code": "JAHR", "time_label": "Jahr", "time": years[y_i].astype(str),
        "1_variable_code": "KREISE", "1_variable_label": "Kreise und krfr. Städte",
        "1_variable_attribute_code": ags, "1_variable_attribute_label": np.char.add("Kreis ", ags),
        "2_variable_code": "PERSGR", "2_variable_label": "Personengruppe",
        "2_variable_attribute_code": codes, "2_variable_attribute_label": labels,
        "value": values, "value_unit": "Anzahl", "value_variable_code": "ERW032",
        "value_variable_label": "Arbeitslose",
    }).iloc[rng.permutation(n_rows)]
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        frame.to_csv(f, sep=";", index=False, lineterminator="\n")
    return path
