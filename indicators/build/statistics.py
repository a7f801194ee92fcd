"""The statistics columns of the indicator table (METHODS.md §2): intervals, comparison with Bochum and
with the rest of the city, change over two years (Newcombe) and the five-year trend.

One vectorised pass per indicator, so that the build stays fast; the formulas are in intervals.py and
compare.py. A value whose flag is not '' / 'estimated' gets no interval and no code but
'nicht_verglichen' / 'nicht_berechenbar' — it is never read as 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.build import compare as cmp
from indicators.build.intervals import METHOD_WILSON, interval_columns, usable
from indicators.catalog import Catalog

CHANGE_YEARS = 2
CITY_LEVEL = "stadt"
INTERVAL_COLUMNS = ["ci95_low", "ci95_high", "ci998_low", "ci998_high", "ci_method", "small_count"]
STATISTICS_COLUMNS = INTERVAL_COLUMNS + [
    "compare_city", "compare_rest",
    "change_pp", "change_ci95_low", "change_ci95_high", "change_ci998_low", "change_ci998_high", "change_class",
    "trend_chi2", "trend_slope", "trend_class",
]


def interval_kind(indicator) -> str:
    """'wilson' for shares, 'poisson' where the catalog says so, '' for counts (no interval)."""
    if not indicator.is_rate:
        return ""
    return "poisson" if indicator.interval == "poisson" else METHOD_WILSON


class _Grid:
    """Dense area × year arrays of one indicator, so that shifted-year lookups are plain indexing."""

    def __init__(self, area, year):
        self.codes, self.areas = pd.factorize(np.asarray(area))
        self.year0 = int(np.min(year)) if len(year) else 0
        self.offset = np.asarray(year, dtype=int) - self.year0
        self.shape = (len(self.areas), int(self.offset.max()) + 1 if len(year) else 0)

    def put(self, values) -> np.ndarray:
        grid = np.full(self.shape, np.nan)
        grid[self.codes, self.offset] = values
        return grid

    def at(self, grid: np.ndarray, codes, offset) -> np.ndarray:
        """grid at (area code, year offset); NaN outside the years present or for code −1."""
        codes, offset = np.asarray(codes), np.asarray(offset)
        inside = (codes >= 0) & (offset >= 0) & (offset < self.shape[1])
        return np.where(inside, grid[np.where(inside, codes, 0), np.clip(offset, 0, max(self.shape[1] - 1, 0))],
                        np.nan)


def _one(rows: pd.DataFrame, kind: str, scale: float, change_years: int) -> dict:
    """The statistics columns for the rows of one indicator (all areas and years)."""
    size = len(rows)
    x = rows["numerator"].to_numpy(dtype=float)
    n = rows["denominator"].to_numpy(dtype=float)
    flag = rows["flag"].fillna("").to_numpy(dtype=object)
    out = interval_columns(x, n, flag, kind, scale)
    ok = usable(flag) & np.isfinite(x) & np.isfinite(n) & (n > 0) & (x >= 0) & (x <= n)
    # usable counts only: everything else is NaN and so yields no comparison, change or trend
    area, year = rows["area_id"].to_numpy(), rows["year"].to_numpy(dtype=int)
    grid = _Grid(area, year)
    gx, gn = grid.put(np.where(ok, x, np.nan)), grid.put(np.where(ok, n, np.nan))
    gv = grid.put(np.where(usable(flag), rows["value"].to_numpy(dtype=float), np.nan))
    is_city = rows["level"].eq(CITY_LEVEL).to_numpy()
    city_ids = pd.unique(area[is_city])
    city_code = int(np.flatnonzero(grid.areas == city_ids[0])[0]) if len(city_ids) else -1
    city = np.full(size, city_code)
    b = grid.at(gv, city, grid.offset)
    xc, nc = grid.at(gx, city, grid.offset), grid.at(gn, city, grid.offset)
    code = cmp.compare_with(b, out["ci95_low"], out["ci95_high"], out["ci998_low"], out["ci998_high"])
    out["compare_city"] = np.where(is_city, "", code).astype(object)
    x1, n1 = grid.at(gx, grid.codes, grid.offset), grid.at(gn, grid.codes, grid.offset)
    wilson_kind = kind == METHOD_WILSON
    if wilson_kind:
        rest = cmp.rest_compare(x1, n1, xc, nc)[0]
    else:
        rest = np.full(size, cmp.NICHT_VERGLICHEN, dtype=object)
    out["compare_rest"] = np.where(is_city, "", rest).astype(object)

    x0 = grid.at(gx, grid.codes, grid.offset - change_years)
    n0 = grid.at(gn, grid.codes, grid.offset - change_years)
    if not wilson_kind:
        x0 = np.full(size, np.nan)
    code, d, lo95, hi95, lo998, hi998 = cmp.change(x0, n0, x1, n1)
    out["change_pp"] = d * scale
    out["change_ci95_low"], out["change_ci95_high"] = lo95 * scale, hi95 * scale
    out["change_ci998_low"], out["change_ci998_high"] = lo998 * scale, hi998 * scale
    out["change_class"] = code

    window = range(cmp.TREND_YEARS - 1, -1, -1)           # oldest year first
    xs = np.stack([grid.at(gx, grid.codes, grid.offset - k) for k in window], axis=-1)
    ns = np.stack([grid.at(gn, grid.codes, grid.offset - k) for k in window], axis=-1)
    if not wilson_kind:
        xs[:] = np.nan
    code, chi, slope, _ = cmp.trend(xs, ns)
    out["trend_chi2"], out["trend_slope"], out["trend_class"] = chi, slope, code
    return out


def add_statistics(table: pd.DataFrame, catalog: Catalog, change_years: int = CHANGE_YEARS) -> pd.DataFrame:
    """The indicator table with STATISTICS_COLUMNS added (a new frame; the input is not changed)."""
    table = table.copy()
    positions, parts = [], []
    for iid, pos in table.groupby("indicator_id", sort=False).indices.items():
        ind = catalog.indicators[iid]
        positions.append(pos)
        parts.append(_one(table.iloc[pos], interval_kind(ind), ind.scale, change_years))
    order = np.concatenate(positions) if positions else np.array([], dtype=int)
    for col in STATISTICS_COLUMNS:
        if col == "small_count":
            values = np.zeros(len(table), dtype=bool)
        elif col in ("ci_method", "compare_city", "compare_rest", "change_class", "trend_class"):
            values = np.full(len(table), "", dtype=object)
        else:
            values = np.full(len(table), np.nan)
        if parts:
            values[order] = np.concatenate([np.asarray(p[col]) for p in parts])
        table[col] = values
    return table
