"""The statistics columns of the indicator table (METHODS.md §2): intervals, comparison with Bochum and
with the rest of the city, change over two years (Newcombe) and the five-year trend.

One vectorised pass over all indicators at once, so that the build stays fast; the formulas are in intervals.py and
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
    """Dense series × year arrays (a series is one indicator in one area), so that shifted-year lookups
    are plain indexing for every indicator at once."""

    def __init__(self, series_codes, n_series: int, year):
        self.codes = np.asarray(series_codes)
        self.year0 = int(np.min(year)) if len(year) else 0
        self.offset = np.asarray(year, dtype=int) - self.year0
        self.shape = (n_series, int(self.offset.max()) + 1 if len(year) else 0)

    def put(self, values) -> np.ndarray:
        grid = np.full(self.shape, np.nan)
        grid[self.codes, self.offset] = values
        return grid

    def at(self, grid: np.ndarray, codes, offset) -> np.ndarray:
        """grid at (series code, year offset); NaN outside the years present or for code −1."""
        codes, offset = np.asarray(codes), np.asarray(offset)
        inside = (codes >= 0) & (offset >= 0) & (offset < self.shape[1])
        return np.where(inside, grid[np.where(inside, codes, 0), np.clip(offset, 0, max(self.shape[1] - 1, 0))],
                        np.nan)


def _intervals(x, n, flag, kind, scale) -> dict:
    """The §2.1 columns, computed once per interval kind (at most three calls per build)."""
    size = len(x)
    out = {col: np.full(size, np.nan) for col in INTERVAL_COLUMNS[:4]}
    out["ci_method"] = np.full(size, "", dtype=object)
    out["small_count"] = np.zeros(size, dtype=bool)
    for k in pd.unique(kind):
        rows = kind == k
        part = interval_columns(x[rows], n[rows], flag[rows], k, scale[rows])
        for col, values in part.items():
            out[col][rows] = values
    return out


def _statistics(table: pd.DataFrame, kind: np.ndarray, scale: np.ndarray, change_years: int) -> dict:
    """The statistics columns for every row of the table, all indicators in one vectorised pass.

    A series is one indicator in one area; the city's series of the same indicator gives B, and the
    shifted years of the same series give change and trend.
    """
    size = len(table)
    x = table["numerator"].to_numpy(dtype=float)
    n = table["denominator"].to_numpy(dtype=float)
    flag = table["flag"].fillna("").to_numpy(dtype=object)
    out = _intervals(x, n, flag, kind, scale)
    fit = usable(flag)
    ok = fit & np.isfinite(x) & np.isfinite(n) & (n > 0) & (x >= 0) & (x <= n)
    # usable counts only: everything else is NaN and so yields no comparison, change or trend
    ind_codes, indicators = pd.factorize(table["indicator_id"].to_numpy(dtype=object))
    area_codes, areas = pd.factorize(table["area_id"].to_numpy(dtype=object))
    series = ind_codes * len(areas) + area_codes
    grid = _Grid(series, len(indicators) * len(areas), table["year"].to_numpy(dtype=int))
    gx, gn = grid.put(np.where(ok, x, np.nan)), grid.put(np.where(ok, n, np.nan))
    gv = grid.put(np.where(fit, table["value"].to_numpy(dtype=float), np.nan))
    is_city = table["level"].eq(CITY_LEVEL).to_numpy()
    city_ids = pd.unique(table["area_id"].to_numpy(dtype=object)[is_city])
    city = ind_codes * len(areas) + int(np.flatnonzero(areas == city_ids[0])[0]) if len(city_ids) else np.full(size, -1)
    b = grid.at(gv, city, grid.offset)
    xc, nc = grid.at(gx, city, grid.offset), grid.at(gn, city, grid.offset)
    code = cmp.compare_with(b, out["ci95_low"], out["ci95_high"], out["ci998_low"], out["ci998_high"])
    out["compare_city"] = np.where(is_city, "", code).astype(object)
    wilson_kind = kind == METHOD_WILSON
    x1, n1 = grid.at(gx, series, grid.offset), grid.at(gn, series, grid.offset)
    rest = np.where(wilson_kind, cmp.rest_compare(x1, n1, xc, nc)[0], cmp.NICHT_VERGLICHEN)
    out["compare_rest"] = np.where(is_city, "", rest).astype(object)

    # change and trend exist for shares only: other kinds get NaN counts and so 'nicht_berechenbar'
    x0 = np.where(wilson_kind, grid.at(gx, series, grid.offset - change_years), np.nan)
    n0 = grid.at(gn, series, grid.offset - change_years)
    code, d, lo95, hi95, lo998, hi998 = cmp.change(x0, n0, x1, n1)
    out["change_pp"] = d * scale
    out["change_ci95_low"], out["change_ci95_high"] = lo95 * scale, hi95 * scale
    out["change_ci998_low"], out["change_ci998_high"] = lo998 * scale, hi998 * scale
    out["change_class"] = code

    window = range(cmp.TREND_YEARS - 1, -1, -1)           # oldest year first
    xs = np.stack([grid.at(gx, series, grid.offset - k) for k in window], axis=-1)
    ns = np.stack([grid.at(gn, series, grid.offset - k) for k in window], axis=-1)
    xs[~wilson_kind] = np.nan
    code, chi, slope, _ = cmp.trend(xs, ns)
    out["trend_chi2"], out["trend_slope"], out["trend_class"] = chi, slope, code
    return out


def add_statistics(table: pd.DataFrame, catalog: Catalog, change_years: int = CHANGE_YEARS) -> pd.DataFrame:
    """The indicator table with STATISTICS_COLUMNS added (a new frame; the input is not changed)."""
    ids = table["indicator_id"].to_numpy(dtype=object)
    known = {iid: catalog.indicators[iid] for iid in pd.unique(ids)}
    kind = np.array([interval_kind(known[i]) for i in ids], dtype=object)
    scale = np.array([known[i].scale for i in ids], dtype=float)
    out = _statistics(table, kind, scale, change_years)
    added = pd.DataFrame({col: out[col] for col in STATISTICS_COLUMNS}, index=table.index)
    return pd.concat([table, added], axis=1)
