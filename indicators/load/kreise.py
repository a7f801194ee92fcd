"""Official figures for every German Kreis: several file vintages combined, comparison sets, gaps.

The GENESIS table files in data/kreise/ are read one by one through the project's GENESIS reader
(``read_results``), so every value keeps the file it came from and that file's "Stand". Where two
files hold the same cell, the file with the newer Stand wins; an older value that differs is kept
as a revision (shown under „Hinweise zu diesen Daten“). Nothing is interpolated: a year without an
official file stays a gap.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from indicators.load.genesis import GenesisResult, area_id_for_ags, read_table_csv
from indicators.paths import DATA_DIR, PROJECT_DIR
from indicators.schema import COUNT_COLUMNS

RUHR_DIR = DATA_DIR / "kreise"            # the shipped official tables (name kept: older code says "ruhr")
RUHR_AREAS_FILE = DATA_DIR / "ruhr_areas.csv"
SOURCE_ID = "regionaldatenbank"


def ruhr_files() -> list[Path]:
    """The shipped table files, in name order."""
    return sorted(RUHR_DIR.glob("*.csv"))


@lru_cache(maxsize=1)
def read_results() -> tuple[GenesisResult, ...]:
    """Every shipped file through the GENESIS reader, each on its own."""
    return tuple(read_table_csv(p, source_id=SOURCE_ID) for p in ruhr_files())


@lru_cache(maxsize=1)
def _ruhr_areas_cached() -> pd.DataFrame:
    return pd.read_csv(RUHR_AREAS_FILE, dtype=str, keep_default_na=False)


def ruhr_areas() -> pd.DataFrame:
    """The 15 Ruhr Kreise, NRW and Germany: area_id, ags, name, official_name, level."""
    return _ruhr_areas_cached().copy()

FILES_FILE = DATA_DIR / "kreise_files.csv"
# parsed once per content: reading ~1 MB of GENESIS tables takes seconds, the app's first page must not wait
CACHE_DIR = PROJECT_DIR / "build" / "cache"
CACHE_INPUTS = (FILES_FILE, DATA_DIR / "genesis_mapping.csv", Path(__file__),
                PROJECT_DIR / "indicators" / "genesis.py")
BOCHUM_ID = "ags_05911"
NRW_ID = "ags_05"
DE_ID = "ags_dg"
NRW_PREFIX = "05"
KREISFREI_WORDS = ("kreisfreie stadt", "stadtkreis")
CITY_MIN, CITY_MAX = 200_000, 700_000

SET_RUHR, SET_NRW, SET_STAEDTE, SET_AUSWAHL = "ruhr", "nrw", "staedte", "auswahl"
SETS = (SET_RUHR, SET_NRW, SET_STAEDTE, SET_AUSWAHL)
SET_LABELS = {
    SET_RUHR: {"de": "Ruhrgebiet (15 Kreise und kreisfreie Städte)", "en": "Ruhr (15 districts and cities)"},
    SET_NRW: {"de": "Kreisfreie Städte in NRW", "en": "Cities of North Rhine-Westphalia"},
    SET_STAEDTE: {"de": "Kreisfreie Städte in Deutschland mit 200.000–700.000 Einwohnern",
                  "en": "German cities with 200,000–700,000 residents"},
    SET_AUSWAHL: {"de": "Eigene Auswahl", "en": "Own selection"},
}
SET_SHORT = {SET_RUHR: {"de": "Ruhr-Kreisen", "en": "Ruhr districts"},
             SET_NRW: {"de": "kreisfreien Städten in NRW", "en": "cities in NRW"},
             SET_STAEDTE: {"de": "vergleichbaren Großstädten", "en": "comparable cities"},
             SET_AUSWAHL: {"de": "ausgewählten Kreisen", "en": "selected districts"}}

# what a missing year needs: the table to fetch (python -m indicators fetch genesis …)
VARIABLE_TABLES = {"arbeitslose": "13211-02-05-4", "langzeitarbeitslose": "13211-02-05-4",
                   "arbeitslose_u25": "13211-02-05-4", "sgb2_leistungsberechtigte": "22811-02-02-4",
                   "sgb2_kinder_u15": "22811-02-02-4", "schulabgaenger": "21111-02-06-4",
                   "schulabgaenger_ohne_abschluss": "21111-02-06-4"}
RATE_TABLE = "13211-02-05-4"
POPULATION_TABLE = "12411-02-03-4"


@dataclass(frozen=True)
class KreisData:
    """Counts and rates after the vintage rule, with the file of every value and the revisions."""

    counts: pd.DataFrame       # COUNT_COLUMNS + file, stand
    rates: pd.DataFrame        # the reader's rate columns + file, stand
    revisions: pd.DataFrame    # area_id, year, measure_id, value, file, stand, old_value, old_file, old_stand
    files: pd.DataFrame        # file, table, stand, licence, source_id, origin (one row per shipped file)
    names: pd.DataFrame        # ags, area, file: every published spelling of an area name
    notes: list = field(default_factory=list)


def stand_date(stand: str) -> date | None:
    """'17.08.2021 / 19:38:04' -> date(2021, 8, 17); None when there is no date."""
    text = str(stand).split("/")[0].strip()
    try:
        day, month, year = (int(x) for x in text.split("."))
        return date(year, month, day)
    except ValueError:
        return None


def stand_text(stand: str) -> str:
    """'17.08.2021 / 19:38:04' -> '17.08.2021'."""
    return str(stand).split("/")[0].strip()


@lru_cache(maxsize=1)
def _file_sources() -> pd.DataFrame:
    return pd.read_csv(FILES_FILE, dtype=str, keep_default_na=False)


def file_info(paths: list[Path], results) -> pd.DataFrame:
    """One row per shipped file: table, Stand, licence, source id and origin (data/kreise_files.csv)."""
    sources = _file_sources().set_index("file")
    rows = []
    for path, result in zip(paths, results):
        src = sources.loc[path.name] if path.name in sources.index else None
        rows.append({"file": path.name, "table": result.meta.get("table", ""),
                     "stand": stand_text(result.meta.get("stand", "")),
                     "stand_date": stand_date(result.meta.get("stand", "")),
                     "licence": result.meta.get("licence", ""),
                     "source_id": src["source_id"] if src is not None else "regionaldatenbank",
                     "origin": src["origin"] if src is not None else ""})
    return pd.DataFrame(rows)


def resolve_vintages(frame: pd.DataFrame, key: list[str], measure_col: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Newest Stand wins per key (a value beats a missing cell); older differing values become revisions."""
    if frame.empty:
        return frame, pd.DataFrame(columns=REVISION_COLUMNS)
    ranked = frame.assign(_has=frame["value"].notna()).sort_values(
        ["_has", "stand_date", "file"], ascending=[False, False, True], kind="stable")
    winners = ranked.drop_duplicates(key, keep="first")
    others = ranked[ranked.duplicated(key, keep="first") & ranked["value"].notna()]
    merged = others.merge(winners[key + ["value", "file", "stand"]], on=key, suffixes=("_old", ""))
    changed = merged[merged["value"].notna() & (merged["value"] != merged["value_old"])]
    revisions = pd.DataFrame({
        "area_id": changed["area_id"], "year": changed["year"], "measure_id": changed[measure_col],
        "value": changed["value"], "file": changed["file"], "stand": changed["stand"],
        "old_value": changed["value_old"], "old_file": changed["file_old"], "old_stand": changed["stand_old"],
    })
    return winners.drop(columns="_has").sort_index(), revisions.reset_index(drop=True)


REVISION_COLUMNS = ["area_id", "year", "measure_id", "value", "file", "stand", "old_value", "old_file", "old_stand"]


def combine(paths: list[Path], results: tuple[GenesisResult, ...]) -> KreisData:
    """Per-file reader results -> one set of counts and rates under the vintage rule."""
    files = file_info(paths, results)
    counts, rates, tidies = [], [], []
    for info, result in zip(files.itertuples(index=False), results):
        extra = {"file": info.file, "stand": info.stand, "stand_date": info.stand_date}
        counts.append(result.counts.assign(source_id=info.source_id, **extra))
        rates.append(result.rates.assign(**extra))
        tidies.append(result.tidy[["ags", "area"]].drop_duplicates().assign(file=info.file))
    counts = pd.concat(counts, ignore_index=True)
    rates = pd.concat(rates, ignore_index=True)
    counts, count_revisions = resolve_vintages(counts, ["area_id", "year", "variable"], "variable")
    rates, rate_revisions = resolve_vintages(rates, ["area_id", "year", "rate_id"], "rate_id")
    revisions = pd.concat([count_revisions, rate_revisions], ignore_index=True)
    counts = counts.sort_values(["area_id", "variable", "year"]).reset_index(drop=True)
    rates = rates.sort_values(["rate_id", "area_id", "year"]).reset_index(drop=True)
    for col in ("title", "definition", "caveat"):  # one long text per rate, repeated on every row
        rates[col] = rates[col].astype("category")
    notes = [n for r in results for n in r.notes if not n.startswith("Merkmal ohne Zuordnung")]
    return KreisData(counts[COUNT_COLUMNS + ["file", "stand"]], rates.drop(columns="stand_date"), revisions,
                     files, pd.concat(tidies, ignore_index=True), notes)


def cache_key(paths: list[Path]) -> str:
    """sha256 over the files, the mapping and the reading code: any change reads the files again."""
    digest = hashlib.sha256()
    for path in list(paths) + [p for p in CACHE_INPUTS if p.exists()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _load_cached(path: Path) -> KreisData | None:
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)  # our own file in the git-ignored build/ folder, keyed by content
        return data if isinstance(data, KreisData) else None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return None


def _store_cached(path: Path, data: KreisData) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only checkout still works, just slower


@lru_cache(maxsize=1)
def kreis_data() -> KreisData:
    """The shipped files, read through the GENESIS reader and combined (cached on disk by content)."""
    paths = ruhr_files()
    cached = CACHE_DIR / f"kreise_{cache_key(paths)}.pkl"
    data = _load_cached(cached) if cached.exists() else None
    if data is None:
        data = combine(paths, read_results())
        _store_cached(cached, data)
    return data


def as_genesis_result(data: KreisData, notes: list[str]) -> GenesisResult:
    """The combined data in the reader's result shape (meta per table: the newest file's Stand)."""
    meta = {}
    for row in data.files.sort_values("stand_date").itertuples(index=False):
        meta[row.table] = {"title": "", "licence": row.licence, "stand": row.stand, "file": row.file}
    return GenesisResult("genesis_table", data.names, data.counts[COUNT_COLUMNS].copy(), data.rates.copy(),
                         [], notes, meta)


# --------------------------------------------------------------------------- areas and sets

def short_name(official: str) -> str:
    """'Bochum, kreisfreie Stadt' -> 'Bochum'; 'Wesel, Kreis' -> 'Kreis Wesel'; others as published."""
    parts = [p.strip() for p in str(official).split(",")]
    rest = [p.casefold() for p in parts[1:]]
    if any(w in rest for w in KREISFREI_WORDS):
        return parts[0]
    if rest == ["kreis"] or rest == ["landkreis"]:
        return f"{parts[1]} {parts[0]}"
    return str(official).strip()


def is_kreisfrei(official: str) -> bool:
    """True for a kreisfreie Stadt (also 'Stadtkreis' in Baden-Württemberg)."""
    text = str(official).casefold()
    return any(w in text for w in KREISFREI_WORDS)


@lru_cache(maxsize=1)
def _areas_cached() -> pd.DataFrame:
    data = kreis_data()
    tidy = data.names.drop_duplicates(["ags", "area"])
    stands = data.files.set_index("file")["stand_date"]
    tidy = tidy.assign(_s=tidy["file"].map(stands)).sort_values("_s", ascending=False, kind="stable")
    tidy = tidy.drop_duplicates("ags")  # the newest file's spelling
    tidy = tidy[tidy["ags"].str.fullmatch(r"DG|\d{2}|\d{5}")]
    has_value = set(data.counts.loc[data.counts["value"].notna(), "area_id"])
    ruhr_rows = ruhr_areas()
    own_names = dict(zip(ruhr_rows["ags"], ruhr_rows["name"]))
    rows = []
    for ags, official in zip(tidy["ags"], tidy["area"]):
        area_id = area_id_for_ags(ags)
        if area_id not in has_value:
            continue  # dissolved Kreise: published as '-' only
        level = "bund" if ags == "DG" else "land" if len(ags) == 2 else "kreis"
        rows.append({"area_id": area_id, "ags": ags, "name": own_names.get(ags, short_name(official)),
                     "official_name": official, "level": level,
                     "kreisfrei": level == "kreis" and is_kreisfrei(official),
                     "ruhr": ags in own_names and level == "kreis"})
    frame = pd.DataFrame(rows)
    # the Ruhr Kreise first (in their file order), then every other Kreis by AGS, the Länder, Germany
    order = {a: i for i, a in enumerate(ruhr_rows["area_id"])}
    frame["_o"] = frame["area_id"].map(order).fillna(len(order)).astype(int)
    frame["_l"] = frame["level"].map({"kreis": 0, "land": 1, "bund": 2})
    frame = frame.sort_values(["_l", "_o", "ags"]).drop(columns=["_o", "_l"]).reset_index(drop=True)
    # names that occur twice (e.g. 'Kreis Oldenburg' and 'Oldenburg') are told apart by the official name
    dup = frame["name"].duplicated(keep=False) & frame["level"].eq("kreis")
    frame.loc[dup & frame["kreisfrei"], "name"] = frame.loc[dup & frame["kreisfrei"], "name"] + " (Stadt)"
    frame.loc[dup & ~frame["kreisfrei"], "name"] = frame.loc[dup & ~frame["kreisfrei"], "official_name"]
    return frame


def kreis_areas() -> pd.DataFrame:
    """Every Kreis with a value, the Länder and Germany: area_id, ags, name, official_name, level, kreisfrei, ruhr."""
    return _areas_cached().copy()


def latest_population(counts: pd.DataFrame | None = None) -> pd.Series:
    """area_id -> residents in the latest year with an official population figure."""
    counts = kreis_data().counts if counts is None else counts
    pop = counts[(counts["variable"] == "einwohner") & counts["value"].notna()]
    latest = pop["year"].max()
    return pop[pop["year"] == latest].set_index("area_id")["value"]


def population_year(counts: pd.DataFrame | None = None) -> int | None:
    counts = kreis_data().counts if counts is None else counts
    pop = counts[(counts["variable"] == "einwohner") & counts["value"].notna()]
    return int(pop["year"].max()) if len(pop) else None


def set_members(set_id: str, picked: list[str] | None = None, areas: pd.DataFrame | None = None) -> list[str]:
    """The area ids of a comparison set (Kreise only), Bochum always included."""
    areas = kreis_areas() if areas is None else areas
    kreise = areas[areas["level"] == "kreis"]
    if set_id == SET_RUHR:
        ids = kreise.loc[kreise["ruhr"], "area_id"].tolist()
    elif set_id == SET_NRW:
        ids = kreise.loc[kreise["kreisfrei"] & kreise["ags"].str.startswith(NRW_PREFIX), "area_id"].tolist()
    elif set_id == SET_STAEDTE:
        pop = latest_population()
        sized = kreise[kreise["kreisfrei"]].assign(pop=lambda d: d["area_id"].map(pop))
        ids = sized.loc[sized["pop"].between(CITY_MIN, CITY_MAX), "area_id"].tolist()
    else:
        wanted = set(picked or [])
        ids = kreise.loc[kreise["area_id"].isin(wanted), "area_id"].tolist()
    if BOCHUM_ID not in ids:
        ids = [BOCHUM_ID] + ids
    return ids


# --------------------------------------------------------------------------- gaps

def missing_years(years_with_value, first: int | None = None, last: int | None = None) -> list[int]:
    """Years between the first and the last value that have none (never filled in)."""
    years = sorted({int(y) for y in years_with_value})
    if not years:
        return []
    first = years[0] if first is None else first
    last = years[-1] if last is None else last
    return [y for y in range(first, last + 1) if y not in set(years)]


def fetch_command(table: str, years: list[int], regions: str = "05911,05913") -> str:
    """The command that fetches the missing years when the machine is online."""
    return (f"python -m indicators fetch genesis --table {table} --regions {regions} "
            f"--from {min(years)} --to {max(years)}")


def revisions_for(data: KreisData, measure_ids, area_ids) -> pd.DataFrame:
    """Revisions of the given variables or rates for the given areas."""
    rev = data.revisions
    return rev[rev["measure_id"].isin(list(measure_ids)) & rev["area_id"].isin(list(area_ids))]
