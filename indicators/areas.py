"""Areas (Ortsteile, Stadtbezirke, city) and the one place where names are matched to ids."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from indicators.paths import AREAS_FILE

LEVELS = ("ortsteil", "stadtbezirk", "stadt")
CITY_ID = "bochum"
UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}


@lru_cache(maxsize=1)
def _areas_cached() -> pd.DataFrame:
    df = pd.read_csv(AREAS_FILE, dtype=str, keep_default_na=False)
    df["is_focus"] = df["is_focus"].str.lower().eq("true")
    return df


def load_areas() -> pd.DataFrame:
    """All areas: area_id, name, level, parent_id, is_focus, code (a copy, safe to modify)."""
    return _areas_cached().copy()


def ortsteile() -> pd.DataFrame:
    """The 30 Ortsteile in official order (a copy, safe to modify; pages call this on every rerun, and a
    copy of the cached frame is cheaper than filtering the areas again)."""
    return _ortsteile_cached().copy()


@lru_cache(maxsize=1)
def _ortsteile_cached() -> pd.DataFrame:
    areas = _areas_cached()
    return areas[areas["level"] == "ortsteil"].reset_index(drop=True)


def focus_ids() -> list[str]:
    """The programme's focus Ortsteile (a new list: pages call this several times per rerun)."""
    return list(_focus_ids_cached())


@lru_cache(maxsize=1)
def _focus_ids_cached() -> tuple[str, ...]:
    areas = _areas_cached()
    return tuple(areas.loc[areas["is_focus"], "area_id"])


def area_names() -> dict[str, str]:
    """area_id -> display name (a copy of a cached dict: views call this once per row)."""
    return dict(_area_names_cached())


@lru_cache(maxsize=1)
def _area_names_cached() -> dict[str, str]:
    areas = _areas_cached()
    return dict(zip(areas["area_id"], areas["name"]))


def parent_of() -> dict[str, str]:
    """area_id -> parent area_id (Ortsteil -> Stadtbezirk -> city)."""
    areas = _areas_cached()
    return {a: p for a, p in zip(areas["area_id"], areas["parent_id"]) if p}


def normalize_name(name: str) -> str:
    """Fold a name as people write it: case, umlauts (also as ae/oe/ue), separators, spacing.

    >>> normalize_name("Bochum-Wattenscheid Mitte"), normalize_name("Günnigfeld"), normalize_name("GUENNIGFELD")
    ('wattenscheidmitte', 'guennigfeld', 'guennigfeld')
    """
    text = str(name).strip().lower()
    text = "".join(UMLAUTS.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"^(bochum|bo)[\s\-]+(?=[a-z])", "", text)  # "Bochum-Hamme" -> "hamme"
    return re.sub(r"[^a-z0-9]", "", text)


@lru_cache(maxsize=4)
def _lookup(levels: tuple[str, ...]) -> dict[str, str]:
    """Normalised spelling -> area_id for names, ids and published codes."""
    table: dict[str, str] = {}
    areas = _areas_cached()
    for row in areas[areas["level"].isin(levels)].itertuples():
        table[normalize_name(row.name)] = row.area_id
        table[normalize_name(row.area_id)] = row.area_id
        if row.code:
            table[row.code.lstrip("0")] = row.area_id
    return table


@dataclass
class MatchResult:
    """Result of matching names to area ids: what matched and what did not, with candidates."""

    matched: dict[str, str] = field(default_factory=dict)
    unmatched: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.unmatched


def match_one(name, levels: tuple[str, ...] = ("ortsteil",)) -> str | None:
    """The area_id for one name or code, or None."""
    key = normalize_name(name)
    if key.isdigit():
        key = key.lstrip("0")
    return _lookup(tuple(levels)).get(key)


def candidates(name, levels: tuple[str, ...] = ("ortsteil",), n: int = 3) -> list[str]:
    """The closest official names for an unmatched name."""
    names = area_names()
    table = _lookup(tuple(levels))
    close = difflib.get_close_matches(normalize_name(name), list(table), n=n * 3, cutoff=0.5)
    result: list[str] = []
    for key in close:
        official = names[table[key]]
        if official not in result:
            result.append(official)
    return result[:n]


def match_names(names, levels: tuple[str, ...] = ("ortsteil",), overrides: dict | None = None) -> MatchResult:
    """Match each distinct name to an area_id; ``overrides`` (name -> area_id) come from the user."""
    result = MatchResult()
    overrides = overrides or {}
    for name in dict.fromkeys(str(n) for n in names):
        area_id = overrides.get(name) or match_one(name, levels)
        if area_id:
            result.matched[name] = area_id
        else:
            result.unmatched[name] = candidates(name, levels)
    return result
