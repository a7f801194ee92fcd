"""The indicator table: every catalog indicator for every area and year, with reference values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.catalog import Catalog, Indicator
from indicators.schema import FLAG_NO_DENOMINATOR, INDICATOR_COLUMNS

DEMO_SOURCE_ID = "demo"
KEY = ["area_id", "year"]


def _wide(counts: pd.DataFrame, column: str) -> pd.DataFrame:
    """One column per variable for one field of the counts (value, flag or source_id)."""
    return counts.pivot(index=KEY, columns="variable", values=column)


def _root_of(areas: pd.DataFrame) -> dict[str, str]:
    """area_id -> the top of its hierarchy (the city for Bochum's areas)."""
    parent = {a: p for a, p in zip(areas["area_id"], areas["parent_id"]) if p}
    roots = {}
    for area in areas["area_id"]:
        top = area
        while top in parent:
            top = parent[top]
        roots[area] = top
    return roots


def _combine_text(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Join two ';'-lists of ids elementwise, without duplicates ('' where both are empty)."""
    pairs = pd.DataFrame({"a": a.fillna("").astype(str).to_numpy(), "b": b.fillna("").astype(str).to_numpy()})
    unique = pairs.drop_duplicates()
    joined = {
        (x, y): ";".join(sorted({p for p in f"{x};{y}".split(";") if p}))
        for x, y in zip(unique["a"], unique["b"])
    }
    return np.array([joined[k] for k in zip(pairs["a"], pairs["b"])], dtype=object)


def _one_indicator(ind: Indicator, values, flags, sources) -> pd.DataFrame:
    """Value, numerator, denominator, flag and sources of one indicator for every area and year."""
    index = values.index
    missing_col = pd.Series(np.nan, index=index)
    num = values[ind.numerator] if ind.numerator in values else missing_col
    num_flag = flags[ind.numerator] if ind.numerator in flags else pd.Series("missing", index=index)
    num_src = sources[ind.numerator] if ind.numerator in sources else pd.Series("", index=index)
    if ind.is_rate:
        den = values[ind.denominator] if ind.denominator in values else missing_col
        den_flag = flags[ind.denominator] if ind.denominator in flags else pd.Series("missing", index=index)
        den_src = sources[ind.denominator] if ind.denominator in sources else pd.Series("", index=index)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(den.to_numpy() > 0, num.to_numpy() / den.to_numpy() * ind.scale, np.nan)
        flag = num_flag.fillna("").where(num_flag.fillna("") != "", den_flag.fillna(""))
        flag = flag.where(~(den.eq(0) & flag.eq("")), FLAG_NO_DENOMINATOR)
        source_ids = _combine_text(num_src, den_src)
    else:
        den = missing_col
        value = num.to_numpy() * ind.scale
        flag = num_flag.fillna("")
        source_ids = num_src.fillna("").astype(str).to_numpy()
    flag = np.where(np.isnan(value), np.where(flag.to_numpy() == "", "missing", flag.to_numpy()), "")
    frame = index.to_frame(index=False)
    frame["indicator_id"] = ind.id
    frame["value"] = value
    frame["numerator"] = num.to_numpy()
    frame["denominator"] = den.to_numpy()
    frame["flag"] = flag
    frame["source_ids"] = source_ids
    return frame


def _add_references(table: pd.DataFrame, areas: pd.DataFrame, rates: set[str]) -> pd.DataFrame:
    """Reference values (Stadtbezirk, city), deviations, rank among Ortsteile, change since base."""
    level = dict(zip(areas["area_id"], areas["level"]))
    parent = {a: p for a, p in zip(areas["area_id"], areas["parent_id"]) if p}
    root = _root_of(areas)
    table["level"] = table["area_id"].map(level).fillna("")
    lookup = table.set_index(["area_id", "year", "indicator_id"])["value"]

    def ref(ids: pd.Series) -> np.ndarray:
        keys = pd.MultiIndex.from_arrays([ids, table["year"], table["indicator_id"]])
        return lookup.reindex(keys).to_numpy()

    is_ortsteil = table["level"].eq("ortsteil").to_numpy()
    table["value_stadtbezirk"] = np.where(is_ortsteil, ref(table["area_id"].map(parent)), np.nan)
    table["value_stadt"] = ref(table["area_id"].map(root))
    is_rate = table["indicator_id"].isin(rates).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        table["dev_pp"] = np.where(is_rate, table["value"] - table["value_stadt"], np.nan)
        table["dev_pct"] = np.where(is_rate, (table["value"] / table["value_stadt"] - 1) * 100, np.nan)
    ortsteile = table[is_ortsteil]
    ranks = ortsteile.groupby(["year", "indicator_id"])["value"].rank(ascending=False, method="min")
    table["rank"] = pd.Series(ranks, index=ortsteile.index).reindex(table.index).astype("Int64")
    return table


def change_since(table: pd.DataFrame, base_year: int | None = None) -> pd.Series:
    """Value minus the same area's value in the base year (default: the first year of the table)."""
    base_year = int(table["year"].min()) if base_year is None else base_year
    base = table[table["year"] == base_year].set_index(["area_id", "indicator_id"])["value"]
    keys = pd.MultiIndex.from_arrays([table["area_id"], table["indicator_id"]])
    return pd.Series(table["value"].to_numpy() - base.reindex(keys).to_numpy(), index=table.index)


def indicator_table(counts_all_levels: pd.DataFrame, catalog: Catalog, areas: pd.DataFrame,
                    base_year: int | None = None) -> pd.DataFrame:
    """The long indicator table (schema.INDICATOR_COLUMNS) from counts of every level."""
    values = _wide(counts_all_levels, "value").astype("float64")
    flags = _wide(counts_all_levels, "flag")
    sources = _wide(counts_all_levels, "source_id")
    parts = [_one_indicator(ind, values, flags, sources) for ind in catalog.indicators.values()]
    table = pd.concat(parts, ignore_index=True)
    table["year"] = table["year"].astype("int64")
    demo_lists = {ids: DEMO_SOURCE_ID in ids.split(";") for ids in table["source_ids"].unique()}
    table["is_demo"] = table["source_ids"].map(demo_lists).astype(bool)
    rates = {i.id for i in catalog.indicators.values() if i.is_rate}
    table = _add_references(table, areas, rates)
    table["change_since_base"] = change_since(table, base_year)
    # intervals, comparisons, change and trend (METHODS.md §2)
    from indicators.build.statistics import STATISTICS_COLUMNS, add_statistics
    return add_statistics(table[INDICATOR_COLUMNS], catalog)[INDICATOR_COLUMNS + STATISTICS_COLUMNS]
