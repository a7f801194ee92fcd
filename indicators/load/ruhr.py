"""Bochum among the Ruhr cities: official Kreis figures shipped as GENESIS table CSVs in data/ruhr/.

The files are read at run time through the GENESIS reader, so the reader path is the real one.
``python -m indicators.load.ruhr --rebuild SRC`` rewrote them once from a long CSV of published cells.
"""

from __future__ import annotations

import argparse
import csv
import sys
from functools import lru_cache
from pathlib import Path

import pandas as pd

from indicators.load.genesis import GenesisResult, read_table_csv  # noqa: F401 - read_table_csv is read from here
from indicators.load.kreise import (  # noqa: F401 - the shipped files and areas, read from here too
    RUHR_AREAS_FILE,
    RUHR_DIR,
    SOURCE_ID,
    read_results,
    ruhr_areas,
    ruhr_files,
)
from indicators.schema import COUNT_COLUMNS

ENCODING = "cp1252"
BOCHUM_AREA_ID = "ags_05911"

# titles as the Regionaldatenbank names the tables (first lines of its CSV download)
TABLE_TITLES = {
    "12411-01-01-4": ["Bevölkerung nach Geschlecht - Stichtag 31.12. -", "regionale Tiefe: Kreise und krfr. Städte",
                      "Fortschreibung des Bevölkerungsstandes"],
    "12411-02-03-4": ["Bevölkerung nach Geschlecht und Altersgruppen (17) - Stichtag 31.12. -",
                      "regionale Tiefe: Kreise und krfr. Städte", "Fortschreibung des Bevölkerungsstandes"],
    "13211-02-05-4": ["Arbeitslose nach ausgewählten Personengruppen sowie Arbeitslosenquoten -",
                      "Jahresdurchschnitt - regionale Tiefe: Kreise und krfr. Städte",
                      "Arbeitsmarktstatistik der Bundesagentur für Arbeit"],
    "21111-02-06-4": ["Absolventen und Abgänger aus allgemeinbildenden Schulen nach Abschlussarten und Geschlecht -",
                      "Schuljahr - regionale Tiefe: Kreise und krfr. Städte", "Statistik der allgemeinbildenden Schulen"],
    "22811-02-02-4": ["Personen in Bedarfsgemeinschaften und Regelleistungsberechtigte nach dem SGB II -",
                      "Stichtag 31.12. - regionale Tiefe: Kreise und krfr. Städte",
                      "Statistik der Grundsicherung für Arbeitsuchende nach dem SGB II"],
}


def _indent(ags: str) -> str:
    """GENESIS indents names by depth: Germany 0, Land 2, Kreis 6 spaces."""
    if ags == "DG":
        return ""
    return {2: "  ", 3: "    "}.get(len(ags), "      ")


def _area_order(ags: str) -> tuple[int, str]:
    return (0 if ags == "DG" else 1, ags)


def header_rows(measures: list[str]) -> list[list[str]]:
    """Stacked header rows for measures 'a | b | c'; a parent is written once, above its first column."""
    parts = [m.split(" | ") for m in measures]
    depth = max(len(p) for p in parts)
    rows = [[""] * len(parts) for _ in range(depth)]
    for c, p in enumerate(parts):
        prev = parts[c - 1] if c else []
        for k, label in enumerate(p):
            if k == len(p) - 1 or prev[:k + 1] != p[:k + 1]:
                rows[k][c] = label
    return rows


def write_table_csv(table: str, cells: pd.DataFrame, path: Path) -> Path:
    """One table of published cells -> a classic GENESIS table CSV (cp1252, CRLF, footer with licence and Stand)."""
    measures = list(dict.fromkeys(cells["measure"]))
    units = cells.drop_duplicates("measure").set_index("measure")["unit"]
    wide = cells.pivot_table(index=["time", "ags", "area"], columns="measure", values="value", aggfunc="first")
    times = sorted(cells["time"].unique(), key=lambda t: (t[-4:], t))
    areas = sorted(cells[["ags", "area"]].drop_duplicates().itertuples(index=False), key=lambda a: _area_order(a[0]))
    lead = ["", "", ""]
    lines = [[f"GENESIS-Tabelle: {table}"]] + [[t] for t in TABLE_TITLES.get(table, [table])]
    lines += [lead + r for r in header_rows(measures)]
    lines.append(lead + [units[m] for m in measures])
    for time in times:
        for ags, area in areas:
            if (time, ags, area) in wide.index:
                row = wide.loc[(time, ags, area)]
                lines.append([time, ags, _indent(ags) + area] + [row.get(m, "") for m in measures])
    first = cells.iloc[0]
    footer = ["__________", first["licence"], f"Stand: {first['stand']}", f"Quelle: {first['source_url']}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=ENCODING, newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerows(lines)
        f.write("\r\n".join(footer) + "\r\n")
    return path


def rebuild(src: Path, out_dir: Path = RUHR_DIR) -> list[Path]:
    """Convert the long CSV of published cells (ags,area,table,time,measure,value,...) into one file per table."""
    cells = pd.read_csv(src, dtype=str, keep_default_na=False)
    return [write_table_csv(table, group, out_dir / f"{table}.csv") for table, group in cells.groupby("table", sort=True)]


@lru_cache(maxsize=1)
def _combined() -> GenesisResult:
    """Every file read through the reader and mapped on its own; the newest Stand wins per cell (indicators.load.kreise)."""
    from indicators.load import kreise

    data = kreise.kreis_data()
    return kreise.as_genesis_result(data, data.notes)


def load_ruhr_counts() -> pd.DataFrame:
    """Counts (area_id ags_*) of the Ruhr Kreise, NRW and Germany, in the counts schema."""
    return _combined().counts[COUNT_COLUMNS].copy()


def load_ruhr_official_rates() -> pd.DataFrame:
    """The published rates (e.g. Arbeitslosenquote) with their ids, titles and definitions."""
    return _combined().rates.copy()


def load_ruhr_tidy() -> pd.DataFrame:
    """Every published cell of the shipped tables."""
    return pd.concat([r.tidy for r in read_results()], ignore_index=True)


def ruhr_report() -> list[str]:
    """Notes of the reader on the shipped tables (unmapped measures, conflicts)."""
    return list(_combined().notes)


def ruhr_meta() -> dict:
    """Per table: title, licence and 'Stand' from the file footer."""
    return dict(_combined().meta)


def main(argv: list[str] | None = None) -> int:
    """`python -m indicators.load.ruhr --rebuild SRC` rewrites data/ruhr/ from a long CSV of published cells."""
    parser = argparse.ArgumentParser(prog="python -m indicators.load.ruhr")
    parser.add_argument("--rebuild", metavar="SRC", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=RUHR_DIR)
    args = parser.parse_args(argv)
    for path in rebuild(args.rebuild, args.out):
        print(f"geschrieben: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
