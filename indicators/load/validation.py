"""Checks on counts: every problem with file, row, column and the fix, in German for the UI."""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.areas import area_names, candidates, load_areas
from indicators.catalog import Catalog, load_catalog
from indicators.formats import fmt_number
from indicators.schema import COUNT_KEY

SEVERITY_ERROR = "error"
SEVERITY_WARNING = "warning"
SEVERITIES = (SEVERITY_ERROR, SEVERITY_WARNING)
MIN_YEAR = 1990
MAX_YEARS_AHEAD = 1
# a systematic mistake in a 3.5-million-row file must not produce millions of messages
MAX_ROWS_PER_CHECK = 100
FIRST_DATA_ROW = 2  # a spreadsheet shows the header as row 1
# part <= whole relations that the catalog's part_of does not state: the age groups nest
EXTRA_PARTS = (
    ("einwohner_u15", "einwohner_u18"),
    ("einwohner_u18", "einwohner"),
    ("einwohner_15_24", "einwohner"),
    ("einwohner_15_64", "einwohner"),
    ("einwohner_u65", "einwohner"),
)
# role -> column of the counts table, used when the caller does not name the file's columns
DEFAULT_COLUMNS = {"area": "area_id", "year": "year", "variable": "variable", "value": "value"}
KEY_COLUMNS = COUNT_KEY


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, located by file, spreadsheet row and column."""

    file: str
    row: int | None
    column: str | None
    message: str
    severity: str = SEVERITY_ERROR

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"Zeile {self.row}")
        if self.column is not None:
            where.append(f"Spalte '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    @property
    def is_error(self) -> bool:
        """True for problems that block an import."""
        return self.severity == SEVERITY_ERROR


def has_errors(problems: Sequence[Problem]) -> bool:
    """True when any problem is an error (warnings do not block an import)."""
    return any(p.is_error for p in problems)


def show_number(value: float) -> str:
    """A value as a person reads it in German: 15389 -> '15.389', 28.8 -> '28,8'."""
    if float(value).is_integer():
        return fmt_number(value, 0)
    decimals = min(len(repr(float(value)).split(".")[-1]), 6)
    return fmt_number(value, decimals)


def more_rows_text(n_more: int) -> str:
    """' (auch in 3 weiteren Zeilen)' or '' - for problems reported once per distinct value."""
    if n_more <= 0:
        return ""
    return " (auch in 1 weiteren Zeile)" if n_more == 1 else f" (auch in {fmt_number(n_more)} weiteren Zeilen)"


def capped(positions: np.ndarray, max_rows: int | None) -> tuple[np.ndarray, int]:
    """The positions to report one by one and how many are left over."""
    if max_rows is None or len(positions) <= max_rows:
        return positions, 0
    return positions[:max_rows], len(positions) - max_rows


def summary_problem(filename: str, n_more: int, what: str, column: str | None = None,
                    severity: str = SEVERITY_ERROR) -> Problem:
    """The line that stands for the rows not listed one by one."""
    return Problem(filename, None, column,
                   f"… und {fmt_number(n_more)} weitere Zeilen mit demselben Problem ({what}).", severity)


def dedupe(problems: list[Problem]) -> list[Problem]:
    """Problems in order, each once (a header cell yields the same problem for every row)."""
    return list(dict.fromkeys(problems))


class _Locator:
    """Where each counts row came from: spreadsheet row and file column per role."""

    def __init__(self, n: int, row_numbers, columns: Mapping | None, header_roles, header_row: int):
        self.rows = (np.arange(n) + FIRST_DATA_ROW) if row_numbers is None else np.asarray(row_numbers)
        self.columns = {**DEFAULT_COLUMNS, **(columns or {})}
        self.header_roles = frozenset(header_roles or ())
        self.header_row = header_row

    def row(self, role: str, pos: int) -> int:
        """The row to name for a role: the header row when the role was read from the header."""
        return self.header_row if role in self.header_roles else int(self.rows[pos])

    def column(self, role: str, pos: int) -> str | None:
        """The file column of a role at a position (one name, or one name per counts row)."""
        col = self.columns.get(role)
        if col is None or isinstance(col, str):
            return col
        return str(col[pos])


def variable_candidates(name: str, catalog: Catalog | None = None, n: int = 3) -> list[str]:
    """The closest catalog variable ids for an unknown variable name."""
    catalog = catalog or load_catalog()
    spellings = {vid: vid for vid in catalog.variables}
    for var in catalog.variables.values():
        spellings.update({alias: var.id for alias in var.aliases})
    result: list[str] = []
    for key in difflib.get_close_matches(str(name), list(spellings), n=n * 3, cutoff=0.6):
        if spellings[key] not in result:
            result.append(spellings[key])
    return result[:n]


def _first_per_value(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position of the first occurrence and count of each distinct value, in file order."""
    codes, _ = pd.factorize(values)
    _, first, counts = np.unique(codes, return_index=True, return_counts=True)
    order = np.argsort(first)
    return first[order], counts[order]


def _unknown(column: pd.Series, known) -> list[tuple[str, int, int]]:
    """(value, first position, number of rows) for each distinct value not in ``known``.

    Factorises first, so millions of rows cost one hash pass, not one Python string each.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    known = set(known)
    bad = np.array([i for i, u in enumerate(uniques) if str(u) not in known], dtype="int64")
    if not len(bad):
        return []
    positions = np.flatnonzero(np.isin(codes, bad))
    found, first, n = np.unique(codes[positions], return_index=True, return_counts=True)
    result = [(str(uniques[c]), int(positions[f]), int(k)) for c, f, k in zip(found, first, n)]
    return sorted(result, key=lambda item: item[1])


def check_variables(counts: pd.DataFrame, filename: str, loc: _Locator, catalog: Catalog) -> list[Problem]:
    """Unknown variable ids: one problem per distinct id, at its first row."""
    problems = []
    for name, pos, count in _unknown(counts["variable"], catalog.variables):
        more = more_rows_text(count - 1) if "variable" not in loc.header_roles else ""
        if not name.strip() or name == "nan":
            msg = f"Das Merkmal fehlt{more}. Bitte den Namen des Merkmals eintragen (z. B. 'arbeitslose')."
        else:
            close = variable_candidates(name, catalog)
            hint = f" Meinten Sie: {', '.join(close)}?" if close else ""
            msg = (f"Merkmal '{name}' ist unbekannt{more}.{hint} Bitte ein Merkmal aus dem Katalog verwenden "
                   "(z. B. 'arbeitslose', 'einwohner_15_64') oder die Spalte in der Zuordnung anpassen.")
        problems.append(Problem(filename, loc.row("variable", pos), loc.column("variable", pos), msg))
    return problems


def check_areas(counts: pd.DataFrame, filename: str, loc: _Locator) -> list[Problem]:
    """Unknown area ids: one problem per distinct id, with the closest names."""
    problems = []
    for area_id, pos, count in _unknown(counts["area_id"], load_areas()["area_id"]):
        close = candidates(area_id)
        hint = f" Meinten Sie: {', '.join(close)}?" if close else ""
        msg = (f"Gebiet '{area_id}' ist unbekannt{more_rows_text(count - 1)}.{hint} "
               "Bitte den Namen korrigieren oder zuordnen.")
        problems.append(Problem(filename, loc.row("area", pos), loc.column("area", pos), msg))
    return problems


def check_years(counts: pd.DataFrame, filename: str, loc: _Locator, current_year: int,
                max_rows: int | None) -> list[Problem]:
    """Years before 1990 or after next year: one problem per row (per header cell for years across)."""
    years = counts["year"].to_numpy()
    last = current_year + MAX_YEARS_AHEAD
    bad = np.flatnonzero((years < MIN_YEAR) | (years > last))
    if "year" in loc.header_roles and len(bad):
        bad = bad[_first_per_value(years[bad])[0]]  # one problem per year column, not per row
    shown, n_more = capped(bad, max_rows)
    problems = [
        Problem(filename, loc.row("year", pos), loc.column("year", pos),
                f"Jahr {int(years[pos])} ist unplausibel (erwartet {MIN_YEAR} bis {last}). "
                "Bitte das Jahr prüfen und korrigieren.")
        for pos in shown
    ]
    if n_more:
        problems.append(summary_problem(filename, n_more, "unplausibles Jahr"))
    return problems


def check_values(counts: pd.DataFrame, filename: str, loc: _Locator, max_rows: int | None) -> list[Problem]:
    """Negative and fractional counts, one problem per row."""
    values = counts["value"].to_numpy(dtype="float64", na_value=np.nan)
    finite = np.isfinite(values)
    checks = (  # (rows that fail, message for one row, word for the summary of the rest)
        (finite & (values < 0),
         "Der Wert {value} ist negativ. Anzahlen können nicht negativ sein; "
         "bitte den Wert korrigieren oder die Zelle leer lassen.", "negativer Wert"),
        (finite & (values != np.floor(np.where(finite, values, 0))),
         "Der Wert {value} ist keine ganze Zahl. Erwartet wird eine Anzahl "
         "(z. B. Personen), keine Quote und kein Anteil; bitte die Anzahl eintragen.", "keine ganze Zahl"),
    )
    problems: list[Problem] = []
    for mask, message, summary_word in checks:
        shown, n_more = capped(np.flatnonzero(mask), max_rows)
        problems += [Problem(filename, loc.row("value", pos), loc.column("value", pos),
                             message.format(value=show_number(values[pos])))
                     for pos in shown]
        if n_more:
            problems.append(summary_problem(filename, n_more, summary_word))
    return problems


def _codes(counts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Integer codes for (area, year) and for variable: cheap keys for 3.5 million rows."""
    area, _ = pd.factorize(counts["area_id"])
    year, year_values = pd.factorize(counts["year"])
    variable, variable_values = pd.factorize(counts["variable"])
    area_year = area.astype("int64") * max(len(year_values), 1) + year
    return area_year, variable.astype("int64"), list(variable_values)


def _label(area_id: str, names: dict[str, str]) -> str:
    """The display name of an area (or its id when it is not one of Bochum's)."""
    return names.get(area_id, area_id)


def check_duplicates(counts: pd.DataFrame, filename: str, loc: _Locator, codes: tuple,
                     max_rows: int | None) -> list[Problem]:
    """Each repeated (area, year, variable), pointing back to the row where it first appeared."""
    area_year, variable, variable_values = codes
    key = area_year * max(len(variable_values), 1) + variable
    later = pd.Series(key).duplicated(keep="first").to_numpy()
    if not later.any():
        return []
    codes, _ = pd.factorize(key)
    _, first_of_code = np.unique(codes, return_index=True)
    shown, n_more = capped(np.flatnonzero(later), max_rows)
    names = area_names()
    problems = []
    for pos in shown:
        first = first_of_code[codes[pos]]
        row = counts.iloc[pos]
        msg = (f"Doppelter Eintrag: {_label(row['area_id'], names)}, {int(row['year'])}, "
               f"'{row['variable']}' steht schon in Zeile {loc.row('value', first)}. "
               "Bitte nur einen Wert je Gebiet, Jahr und Merkmal angeben und die doppelte Zeile löschen.")
        problems.append(Problem(filename, loc.row("value", pos), loc.column("value", pos), msg))
    if n_more:
        problems.append(summary_problem(filename, n_more, "doppelter Eintrag"))
    return problems


def part_whole_pairs(catalog: Catalog) -> list[tuple[str, str]]:
    """(part, whole) pairs: the catalog's part_of plus the nesting of the age groups."""
    pairs = [(v.id, v.part_of) for v in catalog.variables.values() if v.part_of]
    return pairs + [pair for pair in EXTRA_PARTS if pair not in pairs]


def check_parts(counts: pd.DataFrame, filename: str, loc: _Locator, catalog: Catalog, codes: tuple,
                max_rows: int | None) -> list[Problem]:
    """A part larger than its whole in the same area and year (e.g. Langzeitarbeitslose > Arbeitslose)."""
    area_year, variable, variable_values = codes
    var_code = {v: i for i, v in enumerate(variable_values)}
    values = counts["value"].to_numpy(dtype="float64", na_value=np.nan)
    names = area_names()
    problems: list[Problem] = []
    for part, whole in part_whole_pairs(catalog):
        if part not in var_code or whole not in var_code:
            continue
        part_pos = np.flatnonzero(variable == var_code[part])
        whole_pos = np.flatnonzero(variable == var_code[whole])
        # first whole per area and year; duplicates are reported by check_duplicates
        whole_of = pd.Series(whole_pos, index=area_year[whole_pos])
        whole_of = whole_of[~whole_of.index.duplicated()]
        matched = whole_of.reindex(area_year[part_pos]).to_numpy()
        has_whole = ~np.isnan(matched)
        part_pos, matched = part_pos[has_whole], matched[has_whole].astype("int64")
        larger = values[part_pos] > values[matched]
        bad_part, bad_whole = part_pos[larger], matched[larger]
        shown, n_more = capped(np.arange(len(bad_part)), max_rows)
        part_title = catalog.variables[part].title["de"]
        whole_title = catalog.variables[whole].title["de"]
        for i in shown:
            p, w = bad_part[i], bad_whole[i]
            row = counts.iloc[p]
            msg = (f"{part_title} ({show_number(values[p])}) sind mehr als {whole_title} "
                   f"({show_number(values[w])}, Zeile {loc.row('value', w)}) in "
                   f"{_label(row['area_id'], names)} {int(row['year'])}. Ein Teil kann nicht größer sein "
                   "als das Ganze: bitte beide Werte prüfen.")
            problems.append(Problem(filename, loc.row("value", p), loc.column("value", p), msg))
        if n_more:
            problems.append(summary_problem(filename, n_more, f"{part_title} größer als {whole_title}"))
    return problems


def validate_counts(
    counts: pd.DataFrame,
    filename: str,
    row_numbers: Sequence[int] | np.ndarray | None = None,
    *,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    header_roles: Sequence[str] = (),
    header_row: int = 1,
    check_area_ids: bool = True,
    catalog: Catalog | None = None,
    current_year: int | None = None,
    max_rows: int | None = MAX_ROWS_PER_CHECK,
) -> list[Problem]:
    """Every problem in a counts table (not just the first), each with file, row, column and the fix.

    ``row_numbers`` are the spreadsheet rows of the counts rows (default: 2, 3, ...).
    ``columns`` maps a role (area, year, variable, value) to the file column it came from,
    one name or one name per counts row (wide files: the value column differs per row).
    ``header_roles`` are the roles read from the header row (wide: variable; years across: year),
    reported at ``header_row``. ``max_rows`` caps the rows listed per check (None = all).
    """
    catalog = catalog or load_catalog()
    current_year = current_year or datetime.date.today().year
    if counts.empty:
        return []
    counts = counts.reset_index(drop=True)
    loc = _Locator(len(counts), row_numbers, columns, header_roles, header_row)
    problems = check_variables(counts, filename, loc, catalog)
    if check_area_ids:
        problems += check_areas(counts, filename, loc)
    problems += check_years(counts, filename, loc, current_year, max_rows)
    problems += check_values(counts, filename, loc, max_rows)
    codes = _codes(counts)
    problems += check_duplicates(counts, filename, loc, codes, max_rows)
    problems += check_parts(counts, filename, loc, catalog, codes, max_rows)
    return dedupe(problems)


def parts_exceeding_wholes(counts: pd.DataFrame, catalog: Catalog | None = None) -> pd.DataFrame:
    """Every area and year where a part is larger than its whole: area_id, year, part, whole, values."""
    catalog = catalog or load_catalog()
    wide = counts.pivot_table(index=["area_id", "year"], columns="variable", values="value", aggfunc="first")
    found = []
    for part, whole in part_whole_pairs(catalog):
        if part in wide and whole in wide:
            bad = wide[wide[part] > wide[whole]]
            found.append(pd.DataFrame({"area_id": bad.index.get_level_values(0),
                                       "year": bad.index.get_level_values(1), "part": part, "whole": whole,
                                       "part_value": bad[part].to_numpy(), "whole_value": bad[whole].to_numpy()}))
    columns = ["area_id", "year", "part", "whole", "part_value", "whole_value"]
    return pd.concat(found, ignore_index=True)[columns] if found else pd.DataFrame(columns=columns)
