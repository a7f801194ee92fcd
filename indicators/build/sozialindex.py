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

    def with_indicators(self, indicators) -> IndexConfig:
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


def _standardise(values: np.ndarray, signs: np.ndarray, names: list[str], year: int) -> np.ndarray:
    """σ·(x − mean)/SD per column over the rows given (ddof = 0); refuses a column with SD 0."""
    sd = values.std(axis=0, ddof=0)
    for k, name in enumerate(names):
        if not sd[k] > 0:
            raise IndexNotComputable(f"Index {year} nicht berechenbar: „{name}“ ist in allen "
                                     "gültigen Ortsteilen gleich.")
    return (values - values.mean(axis=0)) / sd * signs


def compute_index(x0: pd.DataFrame, x1: pd.DataFrame, population: pd.Series, polarity: dict[str, str],
                  short_titles: dict[str, str] | None = None, year: int = 0,
                  config: IndexConfig | None = None) -> pd.DataFrame:
    """The index for one year from values at t0 (x0) and t0 − Δ (x1), indexed by area_id, in %.

    NaN in x0/x1 marks an unusable value. Columns and order follow METHODS.md §1.3 „Output“.
    """
    config = config or IndexConfig()
    titles = short_titles or {}
    cols = list(x0.columns)
    names = [titles.get(c, c) for c in cols]
    for col, name in zip(cols, names):
        if polarity.get(col) == "neutral":
            raise IndexNotComputable(f"„{name}“ hat keine Wertungsrichtung und kann nicht in den Index eingehen.")
    areas = x0.index
    a0 = x0.to_numpy(dtype=float)
    a1 = x1.reindex(index=areas, columns=cols).to_numpy(dtype=float)
    pop = population.reindex(areas).to_numpy(dtype=float)
    complete = np.isfinite(a0).all(axis=1) & np.isfinite(a1).all(axis=1) & np.isfinite(pop)
    small = np.isfinite(pop) & (pop < config.min_population)
    outlier = np.isin(np.asarray(areas, dtype=object), list(config.outliers))
    reason = np.where(small, REASON_POPULATION.format(min=f"{config.min_population:g}"),
                      np.where(outlier, REASON_OUTLIER, np.where(~complete, REASON_MISSING, ""))).astype(object)
    valid = reason == ""
    n = int(valid.sum())
    if n < config.min_valid_areas:
        raise IndexNotComputable(f"Index {year} nicht berechenbar: nur {n} gültige Ortsteile "
                                 f"(mindestens {config.min_valid_areas}).")
    signs = np.array([-1.0 if polarity.get(c) == "higher_is_better" else 1.0 for c in cols])
    d = a0 - a1
    nan_rows = np.full((len(areas), len(cols)), np.nan)
    z, dz = nan_rows.copy(), nan_rows.copy()
    z[valid] = _standardise(a0[valid], signs, names, year)
    dz[valid] = _standardise(d[valid], signs, names, year)
    ss, ds = z.sum(axis=1), dz.sum(axis=1)
    si, di = np.full(len(areas), np.nan), np.full(len(areas), np.nan)
    sums = _standardise(np.column_stack([ss[valid], ds[valid]]), np.ones(2), ["Statussumme", "Dynamiksumme"], year)
    si[valid], di[valid] = sums[:, 0], sums[:, 1]
    st = [status_class(v) if ok else ("", None) for ok, v in zip(valid, si)]
    dy = [dynamics_class(v) if ok else ("", "") for ok, v in zip(valid, di)]
    out = {"area_id": np.asarray(areas, dtype=object), "year": np.full(len(areas), int(year))}
    out.update({f"z_{c}": z[:, k] for k, c in enumerate(cols)})
    out.update({f"dz_{c}": dz[:, k] for k, c in enumerate(cols)})
    out.update({f"d_{c}": np.where(valid, d[:, k], np.nan) for k, c in enumerate(cols)})
    out.update({
        "status_sum": ss, "status_index": si,
        "status_class": [c for c, _ in st], "status_code": pd.array([k for _, k in st], dtype="Int64"),
        "dynamics_sum": ds, "dynamics_index": di,
        "dynamics_class": [c for c, _ in dy], "dynamics_code": [k for _, k in dy],
        "gesamt": [f"{s}{k}" if c else "" for (c, s), (_, k) in zip(st, dy)],
        "grenzfall": [bool(ok) and is_borderline(a, b, config.borderline) for ok, a, b in zip(valid, si, di)],
        "excluded": reason,
    })
    return pd.DataFrame(out)


def _panel(table: pd.DataFrame, indicators) -> dict[int, pd.DataFrame]:
    """year -> Ortsteil × indicator values (NaN where the flag makes a value unusable), in one pass."""
    rows = table[table["level"].eq(ORTSTEIL_LEVEL) & table["indicator_id"].isin(list(indicators))]
    values = rows["value"].to_numpy(dtype=float)
    values = np.where(rows["flag"].fillna("").isin(USABLE_FLAGS).to_numpy(), values, np.nan)
    a_code, area_ids = pd.factorize(rows["area_id"].to_numpy(dtype=object))
    i_code = pd.Index(list(indicators)).get_indexer(rows["indicator_id"].to_numpy(dtype=object))
    years = rows["year"].to_numpy(dtype=int)
    panel = {}
    for y in np.unique(years):
        grid = np.full((len(area_ids), len(indicators)), np.nan)
        m = years == y
        grid[a_code[m], i_code[m]] = values[m]
        panel[int(y)] = pd.DataFrame(grid, index=pd.Index(area_ids, name="area_id"), columns=list(indicators))
    return panel


def index_years(table: pd.DataFrame, config: IndexConfig | None = None) -> list[int]:
    """Every year t0 with data at both t0 and t0 − Δ."""
    config = config or load_index_config()
    years = set(int(y) for y in table["year"].unique())
    return sorted(y for y in years if y - config.delta_years in years)


def index_for_year(table: pd.DataFrame, year: int, config: IndexConfig | None = None,
                   catalog: Catalog | None = None, panel: dict | None = None) -> pd.DataFrame:
    """The index table of one year from the indicator table (every Ortsteil, excluded ones with a reason)."""
    config = config or load_index_config()
    catalog = catalog or load_catalog()
    unknown = [i for i in config.indicators if i not in catalog.indicators]
    if unknown:
        raise IndexNotComputable(f"Unbekannter Index-Indikator „{unknown[0]}“ (siehe data/catalog.yaml, "
                                 "Abschnitt sozialindex).")
    inds = [catalog.indicators[i] for i in config.indicators]
    needed = list(config.indicators) + [config.population_indicator]
    panel = panel if panel is not None else _panel(table[table["year"].isin([year, year - config.delta_years])], needed)
    empty = pd.DataFrame(np.nan, index=pd.Index([], name="area_id"), columns=needed)
    now, before = panel.get(year, empty), panel.get(year - config.delta_years, empty)
    return compute_index(now[list(config.indicators)], before[list(config.indicators)],
                         now[config.population_indicator], {i.id: i.polarity for i in inds},
                         {i.id: i.label("de", short=True) for i in inds}, year, config)


def index_all_years(table: pd.DataFrame, config: IndexConfig | None = None,
                    catalog: Catalog | None = None) -> tuple[pd.DataFrame, dict[int, str]]:
    """Index rows of every computable year, and the German refusal message of every other year."""
    config = config or load_index_config()
    panel = _panel(table, list(config.indicators) + [config.population_indicator])
    parts, refused = [], {}
    for year in index_years(table, config):
        try:
            parts.append(index_for_year(table, year, config, catalog, panel))
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
