"""Sozialindex after the method of Berlin's Monitoring Soziale Stadtentwicklung (METHODS.md §1).

Status: each index indicator is z-standardised over the valid Ortsteile (unweighted mean,
population SD, ddof = 0 — the MSS's own tables are reproduced only this way), the z-values are
summed and the sum is standardised again. Dynamics: the same on the change over DELTA_YEARS.
Which indicators enter is configured in data/catalog.yaml (block ``sozialindex``), not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd
import yaml

from indicators.build.intervals import USABLE_FLAGS
from indicators.catalog import Catalog, load_catalog
from indicators.paths import CATALOG_FILE

TITLE = "Sozialindex (Methode MSS Berlin)"
FOOTNOTE = ("Berechnet nach der Methode des Berliner Monitorings Soziale Stadtentwicklung mit Bochumer "
            "Indikatoren; kein amtlicher Index.")
DYNAMICS_NOTE = ("Die Dynamik ist relativ zum Durchschnitt der Ortsteile: „negativ“ kann auch heißen, dass "
                 "sich ein Ortsteil weniger verbessert hat als die anderen.")
BORDERLINE_BADGE = "Grenzfall – liegt nahe an einer Klassengrenze"
NOT_COMPUTED = "nicht berechnet"
REASON_POPULATION = "nicht berechnet (< {min} EW)"
REASON_OUTLIER = "nicht berechnet (Ausreißer)"
REASON_MISSING = "nicht berechnet (Daten fehlen)"
STATUS_CLASSES = ("hoch", "mittel", "niedrig", "sehr niedrig")          # codes 1–4
DYNAMICS_CLASSES = {"positiv": "+", "stabil": "+/-", "negativ": "-"}
STATUS_BOUNDS = (-1.0, 1.0, 1.5)
DYNAMICS_BOUNDS = (-1.0, 1.0)
GROUPS = tuple(f"{s}{d}" for s in range(1, 5) for d in ("+", "+/-", "-"))
ORTSTEIL_LEVEL = "ortsteil"


class IndexNotComputable(ValueError):
    """A year (or configuration) for which no index can be computed; the message is German."""


@dataclass(frozen=True)
class IndexConfig:
    """The configurable part of the method (data/catalog.yaml, block ``sozialindex``)."""

    indicators: tuple[str, ...] = ("arbeitslosenanteil", "sgb2_quote", "kinderarmut")
    delta_years: int = 2
    population_indicator: str = "einwohner"
    min_population: float = 300
    outliers: tuple[str, ...] = field(default=())
    min_valid_areas: int = 10
    borderline: float = 0.05

    def with_indicators(self, indicators) -> "IndexConfig":
        return replace(self, indicators=tuple(indicators))


@lru_cache(maxsize=1)
def load_index_config() -> IndexConfig:
    """The configuration from the catalog file (defaults where a key is absent)."""
    raw = (yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8")) or {}).get("sozialindex") or {}
    base = IndexConfig()
    return IndexConfig(
        indicators=tuple(raw.get("indicators", base.indicators)),
        delta_years=int(raw.get("delta_years", base.delta_years)),
        population_indicator=str(raw.get("population_indicator", base.population_indicator)),
        min_population=float(raw.get("min_population", base.min_population)),
        outliers=tuple(raw.get("outliers") or ()),
        min_valid_areas=int(raw.get("min_valid_areas", base.min_valid_areas)),
        borderline=float(raw.get("borderline", base.borderline)),
    )


def status_class(si: float) -> tuple[str, int]:
    """(class, code) of a Status-Index; explicit comparisons (mapclassify.UserDefined would put −1.0 into „hoch“)."""
    if si < -1:
        return "hoch", 1
    if si <= 1:
        return "mittel", 2
    if si <= 1.5:
        return "niedrig", 3
    return "sehr niedrig", 4


def dynamics_class(di: float) -> tuple[str, str]:
    """(class, code) of a Dynamik-Index."""
    if di < -1:
        return "positiv", "+"
    if di <= 1:
        return "stabil", "+/-"
    return "negativ", "-"


def is_borderline(si: float, di: float, width: float = 0.05) -> bool:
    """True if SI or DI lies closer than ``width`` to one of its class bounds."""
    return (any(abs(si - c) < width for c in STATUS_BOUNDS)
            or any(abs(di - c) < width for c in DYNAMICS_BOUNDS))


def _standardise(frame: pd.DataFrame, signs: pd.Series, names: dict[str, str], year: int) -> pd.DataFrame:
    """σ·(x − mean)/SD per column over the rows given (ddof = 0); refuses a column with SD 0."""
    sd = frame.std(ddof=0)
    for col in frame.columns:
        if not sd[col] > 0:
            raise IndexNotComputable(f"Index {year} nicht berechenbar: „{names.get(col, col)}“ ist in allen "
                                     "gültigen Ortsteilen gleich.")
    return (frame - frame.mean()) / sd * signs


def compute_index(x0: pd.DataFrame, x1: pd.DataFrame, population: pd.Series, polarity: dict[str, str],
                  short_titles: dict[str, str] | None = None, year: int = 0,
                  config: IndexConfig | None = None) -> pd.DataFrame:
    """The index for one year from values at t0 (x0) and t0 − Δ (x1), indexed by area_id, in %.

    NaN in x0/x1 marks an unusable value. Columns and order follow METHODS.md §1.3 „Output“.
    """
    config = config or IndexConfig()
    names = short_titles or {}
    cols = list(x0.columns)
    for col in cols:
        if polarity.get(col) == "neutral":
            raise IndexNotComputable(f"„{names.get(col, col)}“ hat keine Wertungsrichtung und kann nicht "
                                     "in den Index eingehen.")
    areas = x0.index
    x1 = x1.reindex(index=areas, columns=cols)
    pop = population.reindex(areas)
    reason = pd.Series("", index=areas, dtype=object)
    complete = x0.notna().all(axis=1) & x1.notna().all(axis=1)
    reason[pop.notna() & (pop < config.min_population)] = REASON_POPULATION.format(min=f"{config.min_population:g}")
    reason[(reason == "") & areas.isin(list(config.outliers))] = REASON_OUTLIER
    reason[(reason == "") & ~(complete & pop.notna())] = REASON_MISSING
    valid = reason == ""
    n = int(valid.sum())
    if n < config.min_valid_areas:
        raise IndexNotComputable(f"Index {year} nicht berechenbar: nur {n} gültige Ortsteile "
                                 f"(mindestens {config.min_valid_areas}).")
    signs = pd.Series([-1.0 if polarity.get(c) == "higher_is_better" else 1.0 for c in cols], index=cols)
    d = x0 - x1
    z = _standardise(x0[valid], signs, names, year)
    dz = _standardise(d[valid], signs, names, year)
    ss, ds = z.sum(axis=1), dz.sum(axis=1)
    sums = pd.DataFrame({"status_sum": ss, "dynamics_sum": ds})
    index = _standardise(sums, pd.Series(1.0, index=sums.columns),
                         {"status_sum": "Statussumme", "dynamics_sum": "Dynamiksumme"}, year)
    out = pd.DataFrame(index=areas)
    out.index.name = "area_id"
    out["year"] = int(year)
    for col in cols:
        out[f"z_{col}"] = z[col]
        out[f"dz_{col}"] = dz[col]
        out[f"d_{col}"] = d[col].where(valid)
    out["status_sum"] = ss
    out["status_index"] = index["status_sum"]
    out["dynamics_sum"] = ds
    out["dynamics_index"] = index["dynamics_sum"]
    st = [status_class(v) if np.isfinite(v) else ("", np.nan) for v in out["status_index"]]
    dy = [dynamics_class(v) if np.isfinite(v) else ("", "") for v in out["dynamics_index"]]
    out["status_class"] = [c for c, _ in st]
    out["status_code"] = pd.array([k for _, k in st], dtype="Int64")
    out["dynamics_class"] = [c for c, _ in dy]
    out["dynamics_code"] = [k for _, k in dy]
    out["gesamt"] = [f"{s}{k}" if c else "" for (c, s), (_, k) in zip(st, dy)]
    out["grenzfall"] = [bool(ok) and is_borderline(a, b, config.borderline)
                        for ok, a, b in zip(valid, out["status_index"], out["dynamics_index"])]
    out["excluded"] = reason
    order = (["year"] + [f"z_{c}" for c in cols] + [f"dz_{c}" for c in cols] + [f"d_{c}" for c in cols]
             + ["status_sum", "status_index", "status_class", "status_code", "dynamics_sum", "dynamics_index",
                "dynamics_class", "dynamics_code", "gesamt", "grenzfall", "excluded"])
    return out[order].reset_index()


def _values(table: pd.DataFrame, year: int, indicators) -> pd.DataFrame:
    """Ortsteil × indicator values of one year; NaN where the flag makes a value unusable."""
    rows = table[(table["year"] == year) & (table["level"] == ORTSTEIL_LEVEL)
                 & table["indicator_id"].isin(list(indicators))]
    values = rows["value"].where(rows["flag"].fillna("").isin(USABLE_FLAGS))
    wide = pd.Series(values.to_numpy(), index=pd.MultiIndex.from_arrays(
        [rows["area_id"], rows["indicator_id"]])).unstack()
    return wide.reindex(columns=list(indicators))


def index_years(table: pd.DataFrame, config: IndexConfig | None = None) -> list[int]:
    """Every year t0 with data at both t0 and t0 − Δ."""
    config = config or load_index_config()
    years = set(int(y) for y in table["year"].unique())
    return sorted(y for y in years if y - config.delta_years in years)


def index_for_year(table: pd.DataFrame, year: int, config: IndexConfig | None = None,
                   catalog: Catalog | None = None) -> pd.DataFrame:
    """The index table of one year from the indicator table (every Ortsteil, excluded ones with a reason)."""
    config = config or load_index_config()
    catalog = catalog or load_catalog()
    unknown = [i for i in config.indicators if i not in catalog.indicators]
    if unknown:
        raise IndexNotComputable(f"Unbekannter Index-Indikator „{unknown[0]}“ (siehe data/catalog.yaml, "
                                 "Abschnitt sozialindex).")
    inds = [catalog.indicators[i] for i in config.indicators]
    polarity = {i.id: i.polarity for i in inds}
    names = {i.id: i.label("de", short=True) for i in inds}
    x0 = _values(table, year, config.indicators)
    x1 = _values(table, year - config.delta_years, config.indicators)
    pop = _values(table, year, [config.population_indicator])[config.population_indicator]
    return compute_index(x0, x1, pop, polarity, names, year, config)


def index_all_years(table: pd.DataFrame, config: IndexConfig | None = None,
                    catalog: Catalog | None = None) -> tuple[pd.DataFrame, dict[int, str]]:
    """Index rows of every computable year, and the German refusal message of every other year."""
    config = config or load_index_config()
    parts, refused = [], {}
    for year in index_years(table, config):
        try:
            parts.append(index_for_year(table, year, config, catalog))
        except IndexNotComputable as exc:
            refused[year] = str(exc)
    return (pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()), refused


def dynamics_break_years(config: IndexConfig, catalog: Catalog, year: int) -> list[int]:
    """Series breaks b of index indicators with t0 − Δ < b ≤ t0 (each gives a note on the dynamics)."""
    found = {int(b["year"]) for i in config.indicators if i in catalog.indicators
             for b in catalog.indicators[i].series_breaks if year - config.delta_years < int(b["year"]) <= year}
    return sorted(found)


def break_notes(config: IndexConfig, catalog: Catalog, year: int) -> list[str]:
    """„Dynamik über den Reihenbruch {b} hinweg“ for each break inside the dynamics window."""
    return [f"Dynamik über den Reihenbruch {b} hinweg" for b in dynamics_break_years(config, catalog, year)]
