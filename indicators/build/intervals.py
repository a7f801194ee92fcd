"""Confidence intervals for small-area shares and rates (METHODS.md §2.1–2.2).

Shares get the Wilson score interval, rates whose numerator is not part of the denominator the
exact Poisson interval below 10 events and Byar's approximation from 10 on (as PHE Fingertips).
Every function takes plain numbers or numpy arrays and returns proportions (or events); NaN marks
"no interval" (n = 0, x > n, negative or missing input), never 0.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

Z95 = 1.959963984540054      # Φ⁻¹(0.975)
Z998 = 3.090232306167813     # Φ⁻¹(0.999)
CHI2_TREND = Z998 ** 2       # 9.54953570608324
LEVELS = {"95": Z95, "998": Z998}
ALPHA = {Z95: 0.05, Z998: 0.002}
USABLE_FLAGS = ("", "estimated")
SMALL_COUNT_X = 10
SMALL_COUNT_N = 100
BYAR_FROM = 10
SMALL_COUNT_TEXT = "geringe Fallzahl – mit Vorsicht interpretieren"

METHOD_WILSON = "wilson"
METHOD_EXACT = "exact_poisson"
METHOD_BYAR = "byar"


def _alpha(z: float) -> float:
    """The two-sided error level belonging to z (exact for the two levels used here)."""
    if z in ALPHA:
        return ALPHA[z]
    from scipy.stats import norm
    return float(2 * norm.sf(z))


def wilson(x, n, z: float = Z95):
    """Wilson score limits (proportions) of x successes in n; NaN where no interval exists.

    At x = 0 the lower limit is exactly 0 and at x = n the upper limit exactly 1 (the closed
    form gives these up to rounding; the edges are set so that shares never leave [0, 1]).
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    ok = np.isfinite(x) & np.isfinite(n) & (n > 0) & (x >= 0) & (x <= n)
    xs, ns = np.where(ok, x, 0.0), np.where(ok, n, 1.0)
    zz = z * z
    centre = 2 * xs + zz
    half = z * np.sqrt(np.maximum(zz + 4 * xs * (1 - xs / ns), 0.0))
    denom = 2 * (ns + zz)
    low = np.where(xs == 0, 0.0, (centre - half) / denom)
    high = np.where(xs == ns, 1.0, (centre + half) / denom)
    nan = np.nan
    return np.where(ok, low, nan), np.where(ok, high, nan)


def exact_poisson(o, z: float = Z95):
    """Exact (Garwood) limits in events; L = 0 at O = 0 (chi2.ppf(q, 0) would be NaN)."""
    o = np.asarray(o, dtype=float)
    a = _alpha(z)
    with np.errstate(invalid="ignore"):
        low = np.where(o > 0, chi2.ppf(a / 2, 2 * np.maximum(o, 1e-300)) / 2, 0.0)
        high = chi2.ppf(1 - a / 2, 2 * o + 2) / 2
    bad = ~np.isfinite(o) | (o < 0)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def byar(o, z: float = Z95):
    """Byar's approximation to the exact Poisson limits, in events (meant for O ≥ 10)."""
    o = np.asarray(o, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        high = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    bad = ~np.isfinite(o) | (o < 0)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def poisson(o, z: float = Z95):
    """(method, low, high) in events: exact below 10 events, Byar from 10 (PHEindicatormethods phe_rate)."""
    o = np.asarray(o, dtype=float)
    el, eh = exact_poisson(o, z)
    bl, bh = byar(np.maximum(o, 1), z)
    use_byar = o >= BYAR_FROM
    method = np.where(use_byar, METHOD_BYAR, METHOD_EXACT)
    return method, np.where(use_byar, bl, el), np.where(use_byar, bh, eh)


def poisson_rate(o, n, z: float = Z95, scale: float = 100.0):
    """(method, low, high) of the rate o/n in the catalog unit (× scale)."""
    method, low, high = poisson(o, z)
    n = np.asarray(n, dtype=float)
    ok = np.isfinite(n) & (n > 0)
    safe = np.where(ok, n, 1.0)
    return method, np.where(ok, low / safe * scale, np.nan), np.where(ok, high / safe * scale, np.nan)


def usable(flag) -> np.ndarray:
    """True where a flag allows a value to be used ('' or 'estimated')."""
    flag = np.asarray(flag, dtype=object)
    return np.isin(np.where(flag == None, "", flag), USABLE_FLAGS)  # noqa: E711 (elementwise None test)


def small_count(x, n) -> np.ndarray:
    """The small-numbers warning: fewer than 10 cases or a denominator below 100."""
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    return (x < SMALL_COUNT_X) | (n < SMALL_COUNT_N)


def interval_columns(x, n, flag, kind: str = METHOD_WILSON, scale: float = 100.0) -> dict:
    """The §2.1 columns for arrays of counts of one indicator.

    kind is 'wilson' (shares), 'poisson' (rates, catalog ``interval: poisson``) or '' (counts:
    no interval). Rows with an unusable flag, n = 0 or x > n get NaN limits, ci_method '' and
    small_count False.
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    size = x.shape[0]
    ok = usable(flag) & np.isfinite(x) & np.isfinite(n) & (n > 0) & (x >= 0)
    out = {}
    if kind == METHOD_WILSON:
        ok &= x <= n
        for name, z in LEVELS.items():
            low, high = wilson(np.where(ok, x, np.nan), n, z)
            out[f"ci{name}_low"], out[f"ci{name}_high"] = low * scale, high * scale
        method = np.where(ok, METHOD_WILSON, "")
    elif kind == "poisson":
        method = np.full(size, "", dtype=object)
        for name, z in LEVELS.items():
            m, low, high = poisson_rate(np.where(ok, x, np.nan), n, z, scale)
            out[f"ci{name}_low"], out[f"ci{name}_high"] = np.where(ok, low, np.nan), np.where(ok, high, np.nan)
            method = np.where(ok, m, "")
    else:
        ok = np.zeros(size, dtype=bool)
        for name in LEVELS:
            out[f"ci{name}_low"] = np.full(size, np.nan)
            out[f"ci{name}_high"] = np.full(size, np.nan)
        method = np.full(size, "", dtype=object)
    out["ci_method"] = np.asarray(method, dtype=object)
    out["small_count"] = ok & small_count(x, n)
    return out
