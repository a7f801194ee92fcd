"""The tidy long tables that flow between stages, as column lists and small constructors."""

from __future__ import annotations

import pandas as pd

# counts: one row per area, year and raw variable; value NaN = missing (never 0), flag says why
COUNT_COLUMNS = ["area_id", "year", "variable", "value", "flag", "source_id"]
COUNT_KEY = ["area_id", "year", "variable"]  # one value per key; a later source replaces an earlier one

# the area levels, smallest first: Stadtbezirke and the city are aggregated from the Ortsteile
LEVEL_ORTSTEIL, LEVEL_STADTBEZIRK, LEVEL_STADT = "ortsteil", "stadtbezirk", "stadt"
LEVELS = (LEVEL_ORTSTEIL, LEVEL_STADTBEZIRK, LEVEL_STADT)

# flags on counts and indicator values
FLAG_SUPPRESSED = "suppressed"      # cell suppressed by the publisher (e.g. '*', fewer than 3 cases)
FLAG_MISSING = "missing"            # not delivered ('.', '-', '–', 'x', empty)
FLAG_ESTIMATED = "estimated"
FLAG_INCOMPLETE = "incomplete"      # an aggregate with a missing or suppressed component
FLAG_NO_DENOMINATOR = "zero_denominator"
FLAG_NOT_MIXED = "not_mixed"          # a demo count dropped: its partner in a ratio is imported (store/inuse.py)

# the indicator table: one row per area, year and indicator
INDICATOR_COLUMNS = [
    "area_id", "level", "year", "indicator_id",
    "value", "numerator", "denominator", "flag", "source_ids", "is_demo",
    "value_stadtbezirk", "value_stadt", "dev_pp", "dev_pct", "rank", "change_since_base",
]


def empty_counts() -> pd.DataFrame:
    """A counts table with no rows and the right dtypes."""
    return pd.DataFrame({
        "area_id": pd.Series(dtype=str), "year": pd.Series(dtype="int64"),
        "variable": pd.Series(dtype=str), "value": pd.Series(dtype="float64"),
        "flag": pd.Series(dtype=str), "source_id": pd.Series(dtype=str),
    })
