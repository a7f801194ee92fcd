"""The import dialogue's logic: what an upload is, what was read, the mapping and matching, the report.

Pure functions used by pages/importieren.py; no Streamlit here. Every text taken from a file is
passed through ``md_escape`` before a page writes it as markdown.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import pandas as pd

from indicators import store
from indicators.areas import area_names, candidates, match_one, normalize_name, ortsteile
from indicators.formats import fmt_bytes
from indicators.load import loaders
from indicators.load.intake import content_problems, display_name, read_error, source_problems
from indicators.load.sandbox import SandboxError
from indicators.load.sniff import (  # noqa: F401 - the page reads them here
    KIND_BA,
    KIND_BOUNDARIES,
    KIND_GENESIS_FFCSV,
    KIND_GENESIS_TABLE,
    KIND_TABLE,
    KIND_UNSUPPORTED,
    SPECIAL_KINDS,
    detect_kind,
)
from indicators.load.validation import Problem

# .xls and .shp are taken too, so that the store can say in German what to upload instead
UPLOAD_TYPES = ("csv", "txt", "tsv", "xlsx", "xlsm", "xls", "parquet", "geojson", "json", "gpkg", "zip", "shp")
PREVIEW_ROWS = 20
N_CANDIDATES = 3
# HTML first (entities are never re-escaped), then every character markdown or Streamlit's
# markdown extensions (math $, colour/emoji directives :…[, tables |) give a meaning
HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|~$:=^")
ROLE_NAMES = {  # labels of the column roles in the mapping form
    loaders.ROLE_AREA: {"de": "Ortsteil", "en": "District"},
    loaders.ROLE_YEAR: {"de": "Jahr", "en": "Year"},
    loaders.ROLE_VARIABLE: {"de": "Merkmal", "en": "Variable"},
    loaders.ROLE_VALUE: {"de": "Wert", "en": "Value"},
    loaders.ROLE_IGNORE: {"de": "nicht verwenden", "en": "ignore"},
}
PROBLEM_COLUMNS = {"de": ["Zeile", "Spalte", "Meldung"], "en": ["Row", "Column", "Message"]}
VERSION_COLUMNS = {"de": ["Version", "Erstellt", "Datei", "Beschreibung", "Aktiv"],
                   "en": ["Version", "Created", "File", "Description", "Active"]}
CREATOR_COLUMN = {"de": "Erstellt von", "en": "Created by"}  # from the audit log
MATCH_COLUMNS = {"de": ["Name in der Datei", "Ortsteil"], "en": ["Name in the file", "District"]}
SOURCE_FIELDS = ("title", "publisher", "reference_date", "licence")


# --------------------------------------------------------------------------- escaping

def md_escape(text) -> str:
    """Text from a file, safe in st.markdown and widget labels: HTML escaped, markdown characters backslashed."""
    out = []
    for ch in " ".join(str(text).splitlines()):  # a newline would start a new markdown block
        if not ch.isprintable():
            out.append(" " if ch.isspace() else "")
        elif ch in HTML_ESCAPES:
            out.append(HTML_ESCAPES[ch])
        elif ch in MARKDOWN_SPECIALS:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


# --------------------------------------------------------------------------- what was uploaded

def upload_token(data: bytes, filename: str) -> str:
    """A short fingerprint of an upload: the form's choices are reset when it changes."""
    return hashlib.sha256(str(filename).encode("utf-8") + b"\0" + data).hexdigest()[:16]


def size_text(n_bytes: int) -> str:
    """1536 -> '1,5 KB' (the store's own wording of sizes)."""
    return fmt_bytes(n_bytes)


def file_problems(data: bytes, filename: str, kind: str) -> list[Problem]:
    """The store's checks before anything is read (empty, too large, bad ZIP/XLSX/Parquet): German errors."""
    if kind == KIND_UNSUPPORTED:
        return [p for p in store.validate_file(data, filename) if p.is_error]
    if kind == KIND_BOUNDARIES:
        return _boundary_file_problems(data, filename)
    return source_problems(data, filename, store.MAX_TABLE_BYTES, "Tabellen") \
        or content_problems(data, filename)


def _boundary_file_problems(data: bytes, filename: str) -> list[Problem]:
    """Size and archive checks of a boundary file, as the store makes them."""
    return source_problems(data, filename, store.MAX_BOUNDARY_BYTES, "Gebietsgrenzen") \
        or content_problems(data, filename)


# --------------------------------------------------------------------------- count tables

@dataclass
class TablePreview:
    """A count table as read (raw strings), what was detected, and why it could not be read."""

    raw: pd.DataFrame | None
    info: loaders.LoadInfo | None
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the table could be read at all."""
        return self.raw is not None


def read_preview(data: bytes, filename: str) -> TablePreview:
    """Read a count table for the preview; problems (German) when it cannot be read."""
    problems = file_problems(data, filename, KIND_TABLE)
    if problems:
        return TablePreview(None, None, problems)
    try:
        from indicators.load import readers

        raw, info = store.read_untrusted(readers.read_raw_table, data, display_name(filename))
    except loaders.LoadError as err:
        return TablePreview(None, None, list(err.problems))
    except SandboxError as exc:  # a limit of the sandboxed reader: the German message, nothing else
        return TablePreview(None, None, [exc.problem])
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes the store's German message
        return TablePreview(None, None, [read_error(filename, exc)])
    return TablePreview(raw, info, [])


def is_year_target(target: str) -> bool:
    """'2019' (a column holding that year's values, in the years-across layout)."""
    return bool(re.fullmatch(r"\d{4}", str(target)))


def target_options(detected: str, variable_ids) -> list[str]:
    """The choices for one file column: the roles, the detected target (a year or an unknown name), the variables."""
    options = list(loaders.ROLES)
    if detected not in options and detected not in variable_ids:
        options.append(detected)
    return options + [v for v in variable_ids if v not in options]


def target_label(target: str, variable_titles: dict, lang: str = "de") -> str:
    """'Ortsteil', 'Jahr 2019', 'Arbeitslose (arbeitslose)' or the unknown name as written."""
    if target in ROLE_NAMES:
        return ROLE_NAMES[target].get(lang, ROLE_NAMES[target]["de"])
    if is_year_target(target):
        return ("Werte des Jahres " if lang == "de" else "values of year ") + target
    title = variable_titles.get(target)
    if title:
        return f"{title} ({target})"
    return ("unbekanntes Merkmal: " if lang == "de" else "unknown variable: ") + str(target)


def has_variable_column(column_map: dict) -> bool:
    """True when some column names the variable of each row."""
    return loaders.ROLE_VARIABLE in column_map.values()


def needs_variable(layout: str | None, column_map: dict) -> bool:
    """A years-across table without a variable column: the user names its one variable."""
    return layout == loaders.LAYOUT_YEARS_ACROSS and not has_variable_column(column_map)


def value_columns(column_map: dict, layout: str | None) -> list[str]:
    """The file columns that hold values under a layout."""
    if layout == loaders.LAYOUT_LONG:
        return [c for c, t in column_map.items() if t == loaders.ROLE_VALUE][:1]
    if layout == loaders.LAYOUT_YEARS_ACROSS:
        return [c for c, t in column_map.items() if is_year_target(t)]
    return [c for c, t in column_map.items() if t not in loaders.ROLES and not is_year_target(t)]


def decimal_mark(raw: pd.DataFrame, column_map: dict, layout: str | None) -> str:
    """The decimal mark of the value cells (',' German or '.'), detected as the loader does."""
    columns = [c for c in value_columns(column_map, layout) if c in raw]
    if not columns:
        return ","
    texts = pd.Series(pd.unique(raw[columns].astype("str").to_numpy().ravel()), dtype="str")
    return loaders.detect_decimal(texts)


def area_column(column_map: dict) -> str | None:
    """The file column with the Ortsteil names or numbers."""
    return next((c for c, t in column_map.items() if t == loaders.ROLE_AREA), None)


def area_names_in(raw: pd.DataFrame, column: str | None) -> list[str]:
    """Distinct names in the area column, in file order (empty cells and footnotes left out)."""
    if column is None or column not in raw:
        return []
    names = dict.fromkeys(str(n).strip() for n in pd.unique(raw[column].astype("str")))
    return [n for n in names if n and not loaders.NOTE_RE.match(n)]


def is_total(name: str) -> bool:
    """'Summe', 'Stadt Bochum', a Stadtbezirk: rows the loader skips (computed from the Ortsteile)."""
    return bool(loaders.TOTAL_RE.match(name) or match_one(name, ("stadt", "stadtbezirk")))


@dataclass
class Unmatched:
    """A name in the file that is no Ortsteil, with the closest Ortsteile (ids) to choose from."""

    name: str
    candidate_ids: list[str]


@dataclass
class Matching:
    """The Ortsteil matching of a table: matched names, unmatched ones with candidates, skipped totals."""

    matched: dict[str, str] = field(default_factory=dict)      # name in the file -> area_id
    unmatched: list[Unmatched] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every name that is no total has an Ortsteil."""
        return not self.unmatched


def _ortsteil_ids_by_name() -> dict[str, str]:
    """Official Ortsteil name -> area_id."""
    ots = ortsteile()
    return dict(zip(ots["name"], ots["area_id"]))


def match_areas(names, overrides: dict | None = None) -> Matching:
    """Match names to Ortsteile; ``overrides`` (name -> area_id) are the user's assignments."""
    overrides = {k: v for k, v in (overrides or {}).items() if v}
    ids = _ortsteil_ids_by_name()
    known = set(ids.values())
    result = Matching()
    for name in dict.fromkeys(str(n).strip() for n in names if str(n).strip()):
        area_id = overrides.get(name) if overrides.get(name) in known else match_one(name)
        if area_id:
            result.matched[name] = area_id
        elif is_total(name):
            result.totals.append(name)
        else:
            close = [ids[c] for c in candidates(name, n=N_CANDIDATES) if c in ids]
            result.unmatched.append(Unmatched(name, close))
    return result


def assignment_options(unmatched: Unmatched) -> list:
    """Choices for one unmatched name: none yet, the candidates first, then every other Ortsteil."""
    rest = [a for a in ortsteile()["area_id"] if a not in unmatched.candidate_ids]
    return [None, *unmatched.candidate_ids, *sorted(rest, key=normalize_name)]


def matched_frame(matching: Matching, lang: str = "de") -> pd.DataFrame:
    """Name in the file -> official Ortsteil name, for a table."""
    names = area_names()
    cols = MATCH_COLUMNS.get(lang, MATCH_COLUMNS["de"])
    return pd.DataFrame({cols[0]: list(matching.matched), cols[1]: [names[a] for a in matching.matched.values()]},
                        dtype="str")


def clean_overrides(overrides: dict) -> dict:
    """The assignments actually made (unassigned names dropped)."""
    return {str(k): v for k, v in overrides.items() if v}


def changed_map(detected: dict, chosen: dict) -> dict:
    """The full column map after the user's corrections (columns not in the file are ignored)."""
    return {c: chosen.get(c, t) or t for c, t in detected.items()}


def table_options(column_map: dict, overrides: dict, variable: str | None, layout: str | None) -> dict:
    """Keyword arguments for store.validate_file / store.import_file of a count table."""
    return {"column_map": dict(column_map), "area_overrides": clean_overrides(overrides) or None,
            "variable": variable or None, "layout": layout or None}


# --------------------------------------------------------------------------- reports

def split_problems(problems) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings)."""
    errors = [p for p in problems if p.severity == "error"]
    return errors, [p for p in problems if p.severity != "error"]


def problem_frame(problems, lang: str = "de") -> pd.DataFrame:
    """Row, column and German message of each problem (row as text: '–' for the whole file)."""
    cols = PROBLEM_COLUMNS.get(lang, PROBLEM_COLUMNS["de"])
    return pd.DataFrame({
        cols[0]: ["–" if p.row is None else str(p.row) for p in problems],
        cols[1]: ["–" if not p.column else str(p.column) for p in problems],
        cols[2]: [str(p.message) for p in problems],
    }, dtype="str")


def counts_preview(data: bytes, filename: str, kind: str, n: int = PREVIEW_ROWS) -> pd.DataFrame | None:
    """The first counts a GENESIS or BA reader finds (None when it cannot read the file)."""
    if content_problems(data, filename):
        return None  # the validation report names what the bounded checks refused
    try:
        from indicators.load import readers

        counts = store.read_untrusted(readers.read_export, data, display_name(filename), kind).counts
    except Exception:  # noqa: BLE001 - the validation report says why (a sandbox limit included)
        return None
    return None if counts is None else counts.head(n).reset_index(drop=True)


# --------------------------------------------------------------------------- boundaries

def preview_boundaries(data: bytes, filename: str):
    """(BoundaryResult or None, problems): the shapes as they would be imported, nothing stored."""
    problems = _boundary_file_problems(data, filename)
    if problems:
        return None, problems
    from indicators.load import readers

    name = display_name(filename)
    try:
        result = store.read_untrusted(readers.read_boundaries, data, name)
    except SandboxError as exc:
        return None, [exc.problem]
    except Exception as exc:  # noqa: BLE001
        return None, [read_error(filename, exc)]
    problems = list(result.problems)
    if len(result.gdf) == 0 and not any(p.is_error for p in problems):  # as the store refuses it
        problems.append(Problem(name, None, None, f"In der Datei „{name}“ wurden keine Flächen gefunden, "
                                                   "die einem Ortsteil zugeordnet werden konnten."))
    return result, problems


# --------------------------------------------------------------------------- source and versions

def source_meta(title, publisher=None, reference_date=None, licence=None) -> dict:
    """The user's source description for store.import_file (empty fields left out, dates as ISO text)."""
    values = {"title": title, "publisher": publisher, "reference_date": reference_date, "licence": licence}
    meta = {}
    for key, value in values.items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        text = str(value).strip() if value is not None else ""
        if text:
            meta[key] = text
    return meta


def versions_frame(versions: list[dict], lang: str = "de", creators: dict | None = None) -> pd.DataFrame:
    """The store's versions, newest first, for a table; ``creators`` (version -> user) adds who made each."""
    cols = VERSION_COLUMNS.get(lang, VERSION_COLUMNS["de"])
    rows = list(reversed(versions))
    yes, no = ("ja", "") if lang == "de" else ("yes", "")
    by = {} if creators is None else {CREATOR_COLUMN.get(lang, CREATOR_COLUMN["de"]):
                                      [creators.get(str(v.get("version", "")), "–") for v in rows]}
    return pd.DataFrame({
        cols[0]: [str(v.get("version", "")) for v in rows],
        cols[1]: [str(v.get("created") or "").replace("T", " ")[:19] for v in rows],
        **by,
        cols[2]: [str(v.get("file") or "") for v in rows],
        cols[3]: [str(v.get("description") or "") for v in rows],
        cols[4]: [yes if v.get("active") else no for v in rows],
    }, dtype="str")


def restore_choices(versions: list[dict]) -> list[str]:
    """Every version that is not active, newest first, then 'demo' (unless the demo data are active)."""
    active = next((v["version"] for v in versions if v.get("active")), store.DEMO)
    choices = [v["version"] for v in reversed(versions) if v["version"] != active]
    return choices + ([store.DEMO] if active != store.DEMO else [])
