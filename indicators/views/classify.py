"""Class breaks, class labels and colours for choropleth maps.

Breaks are class *edges*: ``[lower, b1, ..., bk]`` for k classes. Class 0 is ``[lower, b1]``,
class i is ``(b_i, b_{i+1}]`` (mapclassify's upper-bound convention with the minimum in front).
A class whose lower edge equals its upper edge holds a single value (few distinct values).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from indicators.formats import fmt_number

METHODS = {
    "quantiles": "Quantile",
    "natural_breaks": "Natürliche Brüche (Jenks)",
    "equal_interval": "Gleiche Intervalle",
    "std_mean": "Standardabweichung",
}
METHODS_EN = {
    "quantiles": "Quantiles",
    "natural_breaks": "Natural breaks (Jenks)",
    "equal_interval": "Equal intervals",
    "std_mean": "Standard deviation",
}
DEFAULT_METHOD = "quantiles"
DEFAULT_K = 5
NO_CLASS = -1
ORTSTEIL_LEVEL = "ortsteil"
RANGE_DASH = " – "
UNIT_SUFFIX = {"percent": {"de": " %", "en": "%"}}

# ColorBrewer sequential schemes (9 classes, light -> dark), both marked colour-blind safe.
# YlOrRd for indicators with a direction (the dark red end is always "worse"); Blues for neutral ones.
YLORRD_9 = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c",
            "#fc4e2a", "#e31a1c", "#bd0026", "#800026"]
BLUES_9 = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6",
           "#4292c6", "#2171b5", "#08519c", "#08306b"]
PALETTE_BY_POLARITY = {"higher_is_worse": YLORRD_9, "higher_is_better": YLORRD_9, "neutral": BLUES_9}
# The lightest step is skipped: it is hard to tell from the white page around the map.
PALETTE_FIRST_STEP = 1
# Grey means "no data" and nothing else: no palette above contains a grey. Light enough for 3:1 against
# the #737373 tile outline (mapstyle.BORDER_COLOUR; WCAG 1.4.11), the grey #bdbdbd had only 2.5:1, and
# further from BrBG's ochre under deuteranomaly (ΔE 7.0 instead of 4.0); the Ruhr heat map's grey too.
NO_DATA_COLOR = "#d9d9d9"


def clean_values(values) -> np.ndarray:
    """Finite float values only (NaN, None and ±inf dropped)."""
    arr = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(dtype=float)
    return arr[np.isfinite(arr)]


def _quantile_bins(y: np.ndarray, k: int) -> list[float]:
    """Upper bounds at the k quantiles (linear interpolation), ties collapsed."""
    return list(np.unique(np.quantile(y, np.arange(1, k + 1) / k)))


def _fisher_jenks_bins(y: np.ndarray, k: int) -> list[float]:
    """Upper bounds of the optimal Fisher-Jenks classes (mapclassify)."""
    import mapclassify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed": the pure-Python path is fast enough here
        return list(mapclassify.FisherJenks(y, k=k).bins)


def _equal_interval_bins(y: np.ndarray, k: int) -> list[float]:
    """Upper bounds of k classes of equal width."""
    lo, hi = float(y.min()), float(y.max())
    return [lo + (hi - lo) * i / k for i in range(1, k)] + [hi]


def std_multiples(k: int) -> list[float]:
    """Inner break positions in standard deviations around the mean: each inner class is 1 SD wide."""
    if k % 2 == 0:
        return [float(m) for m in range(-(k // 2 - 1), k // 2)]
    return [m + 0.5 for m in range(-(k // 2), k // 2)]


def _std_mean_bins(y: np.ndarray, k: int) -> list[float]:
    """Upper bounds at mean + m·SD (population SD); breaks outside the data range are dropped."""
    mean, sd = float(y.mean()), float(y.std())
    lo, hi = float(y.min()), float(y.max())
    inner = [mean + m * sd for m in std_multiples(k)]
    return [b for b in inner if lo < b < hi] + [hi]


BIN_FUNCTIONS = {
    "quantiles": _quantile_bins,
    "natural_breaks": _fisher_jenks_bins,
    "equal_interval": _equal_interval_bins,
    "std_mean": _std_mean_bins,
}


def class_breaks(values, method: str = DEFAULT_METHOD, k: int = DEFAULT_K) -> list[float]:
    """Class edges ``[min, b1, ..., max]``; NaN ignored, fewer classes when values are few or equal."""
    if method not in BIN_FUNCTIONS:
        raise ValueError(f"Unbekannte Klassifizierung „{method}“: erlaubt sind {', '.join(METHODS)}.")
    if k < 1:
        raise ValueError(f"Die Zahl der Klassen muss mindestens 1 sein, nicht {k}.")
    y = clean_values(values)
    if y.size == 0:
        return []
    distinct = np.unique(y)
    if distinct.size <= k:  # one class per distinct value
        return [float(distinct[0])] + [float(v) for v in distinct]
    bins = BIN_FUNCTIONS[method](y, k)
    return [float(y.min())] + [float(b) for b in bins]


def fixed_breaks(table: pd.DataFrame, indicator_id: str, method: str = DEFAULT_METHOD,
                 k: int = DEFAULT_K, level: str | None = ORTSTEIL_LEVEL) -> list[float]:
    """Breaks from one indicator's values of every year at one level (None: all rows), comparable across years."""
    rows = table[table["indicator_id"] == indicator_id]
    if level is not None:
        rows = rows[rows["level"] == level]
    return class_breaks(rows["value"], method, k)


def n_classes(breaks) -> int:
    """Number of classes described by a list of edges."""
    return max(len(breaks) - 1, 0)


def assign_classes(values, breaks) -> np.ndarray:
    """Class index per value (0 = lowest class); NaN and empty breaks give -1, out-of-range values are clipped."""
    arr = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(dtype=float)
    out = np.full(arr.shape, NO_CLASS, dtype=int)
    k = n_classes(breaks)
    if k == 0:
        return out
    ok = np.isfinite(arr)
    upper = np.asarray(breaks[1:], dtype=float)
    out[ok] = np.minimum(np.searchsorted(upper, arr[ok], side="left"), k - 1)
    return out


def class_labels(breaks, decimals: int = 1, unit: str = "percent", lang: str = "de") -> list[str]:
    """One label per class, e.g. '12,3 – 15,0 %'; a one-value class shows just the value."""
    suffix = UNIT_SUFFIX.get(unit, {}).get(lang, "")
    labels = []
    for lo, hi in zip(breaks[:-1], breaks[1:]):
        lo_text, hi_text = fmt_number(lo, decimals, lang), fmt_number(hi, decimals, lang)
        text = hi_text if lo == hi else f"{lo_text}{RANGE_DASH}{hi_text}"
        labels.append(text + suffix)
    return labels


def palette(polarity: str, k: int) -> list[str]:
    """k colours for classes 0..k-1; the dark end is always the worse end (reversed for higher_is_better)."""
    if polarity not in PALETTE_BY_POLARITY:
        raise ValueError(f"Unbekannte Polarität „{polarity}“: erlaubt sind {', '.join(PALETTE_BY_POLARITY)}.")
    if k < 1:
        return []
    base = PALETTE_BY_POLARITY[polarity]
    last = len(base) - 1
    if k == 1:
        steps = [(PALETTE_FIRST_STEP + last) // 2]
    else:
        steps = np.rint(np.linspace(PALETTE_FIRST_STEP, last, min(k, last - PALETTE_FIRST_STEP + 1))).astype(int)
    colors = [base[s] for s in steps]
    return colors[::-1] if polarity == "higher_is_better" else colors


def class_colors(classes, colors: list[str]) -> list[str]:
    """Colour per class index; -1 (no data) is NO_DATA_COLOR."""
    return [colors[c] if 0 <= c < len(colors) else NO_DATA_COLOR for c in np.asarray(classes, dtype=int)]
