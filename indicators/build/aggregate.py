"""Aggregation of counts from Ortsteil to Stadtbezirk and city: sums, missing stays missing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.schema import COUNT_COLUMNS, COUNT_KEY, FLAG_INCOMPLETE

KEY = COUNT_KEY


def _joined(ids: pd.Series) -> str:
    """'demo', 'imp_1;demo' -> 'demo;imp_1'."""
    return ";".join(sorted({part for text in ids for part in text.split(";") if part}))


def aggregate_to_parents(counts: pd.DataFrame, parent: dict[str, str]) -> pd.DataFrame:
    """Sum child counts into their parents; a parent with any missing child is missing and flagged.

    Missing children would make the sum silently too low, so such an aggregate is NaN with
    the flag 'incomplete' rather than a number.
    """
    children = counts[counts["area_id"].isin(parent.keys())]
    if children.empty:
        return counts.iloc[0:0][COUNT_COLUMNS].copy()
    frame = pd.DataFrame({
        "area_id": children["area_id"].map(parent),
        "year": children["year"],
        "variable": children["variable"],
        "value": children["value"],
        "is_missing": children["value"].isna(),
        "source_id": children["source_id"].astype(str),
    })
    grouped = frame.groupby(KEY, sort=False, observed=True)
    out = grouped.agg(value=("value", "sum"), n_missing=("is_missing", "sum"),
                      n_rows=("is_missing", "size")).reset_index()
    # a child with no row at all is as missing as a child with an empty cell
    n_children = pd.Series(list(parent.values())).value_counts()
    out["n_missing"] += out["area_id"].map(n_children).to_numpy() - out["n_rows"].to_numpy()
    if frame["source_id"].nunique() == 1:  # the common case; a per-group join is slow at scale
        out["source_id"] = _joined(frame["source_id"].iloc[:1])
    else:
        out["source_id"] = grouped["source_id"].agg(_joined).to_numpy()
    incomplete = out["n_missing"].to_numpy() > 0
    out["value"] = np.where(incomplete, np.nan, out["value"].to_numpy())
    out["flag"] = np.where(incomplete, FLAG_INCOMPLETE, "")
    return out[COUNT_COLUMNS]


def aggregate_all_levels(counts: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Counts for every level: the given (lowest-level) counts plus every ancestor, bottom-up."""
    parent = {a: p for a, p in zip(areas["area_id"], areas["parent_id"]) if p}
    levels = [counts[COUNT_COLUMNS]]
    current = counts
    while True:
        up = aggregate_to_parents(current, parent)
        if up.empty:
            break
        levels.append(up)
        current = up
    return pd.concat(levels, ignore_index=True)
