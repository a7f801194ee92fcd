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


def _combine_text(a, b) -> np.ndarray:
    """Join two ';'-lists of ids elementwise, without duplicates ('' where both are empty).

    Each distinct pair is joined once (a build has a handful of source lists, thousands of rows).

    >>> _combine_text(np.array(["demo", "", "a;b"], dtype=object), np.array(["demo", "", "c;a"], dtype=object)).tolist()
    ['demo', '', 'a;b;c']
    """
    joined: dict = {}
    out = []
    for key in zip(a.tolist(), b.tolist()):
        text = joined.get(key)
        if text is None:
            text = joined[key] = ";".join(sorted({p for p in f"{key[0]};{key[1]}".split(";") if p}))
        out.append(text)
    return np.array(out, dtype=object)


def _text_columns(wide: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each variable's column of a text field (flag, source_id) as an object array, '' where empty.

    Plain object arrays once per build: per-indicator work on pandas string columns was most of the
    build time (METHODS benchmark, build_s < 0.5 s)."""
    cells = wide.to_numpy(dtype=object)
    cells[pd.isna(cells)] = ""
    return {str(col): cells[:, i] for i, col in enumerate(wide.columns)}


def _one_indicator(ind: Indicator, values: dict, flags: dict, sources: dict, size: int) -> dict:
    """Value, numerator, denominator, flag and sources of one indicator for every area and year
    (arrays in the row order of the wide frames)."""
    nothing = np.full(size, np.nan)
    num = values.get(ind.numerator, nothing)
    num_flag = flags.get(ind.numerator, np.full(size, "missing", dtype=object))
    num_src = sources.get(ind.numerator, np.full(size, "", dtype=object))
    if ind.is_rate:
        den = values.get(ind.denominator, nothing)
        den_flag = flags.get(ind.denominator, np.full(size, "missing", dtype=object))
        den_src = sources.get(ind.denominator, np.full(size, "", dtype=object))
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(den > 0, num / den * ind.scale, np.nan)
        flag = np.where(num_flag != "", num_flag, den_flag)
        flag = np.where((den == 0) & (flag == ""), FLAG_NO_DENOMINATOR, flag)
        source_ids = _combine_text(num_src, den_src)
    else:
        den = nothing
        value = num * ind.scale
        flag = num_flag
        source_ids = num_src
    flag = np.where(np.isnan(value), np.where(flag == "", "missing", flag), "").astype(object)
    return {"value": value, "numerator": num, "denominator": den, "flag": flag, "source_ids": source_ids}


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
    wide = _wide(counts_all_levels, "value").astype("float64")
    values = {str(col): wide[col].to_numpy(dtype=float) for col in wide.columns}
    flags = _text_columns(_wide(counts_all_levels, "flag").reindex(wide.index))
    sources = _text_columns(_wide(counts_all_levels, "source_id").reindex(wide.index))
    size, indicators = len(wide), list(catalog.indicators.values())
    parts = [_one_indicator(ind, values, flags, sources, size) for ind in indicators]
    columns = {
        "area_id": np.tile(wide.index.get_level_values("area_id").to_numpy(dtype=object), len(parts)),
        "year": np.tile(wide.index.get_level_values("year").to_numpy(), len(parts)),
        "indicator_id": np.repeat(np.array([ind.id for ind in indicators], dtype=object), size),
    }
    for col in ("value", "numerator", "denominator", "flag", "source_ids"):
        columns[col] = np.concatenate([part[col] for part in parts]) if parts else np.array([])
    table = pd.DataFrame(columns)
    table["year"] = table["year"].astype("int64")
    demo_lists = {ids: DEMO_SOURCE_ID in ids.split(";") for ids in table["source_ids"].unique()}
    table["is_demo"] = table["source_ids"].map(demo_lists).astype(bool)
    rates = {i.id for i in catalog.indicators.values() if i.is_rate}
    table = _add_references(table, areas, rates)
    table["change_since_base"] = change_since(table, base_year)
    # intervals, comparisons, change and trend (METHODS.md §2)
    from indicators.build.statistics import STATISTICS_COLUMNS, add_statistics
    return add_statistics(table[INDICATOR_COLUMNS], catalog)[INDICATOR_COLUMNS + STATISTICS_COLUMNS]
