"""Comparison with Bochum, with the rest of the city, change between two years and the five-year trend
(METHODS.md §2.3–2.5). Pure functions on numbers or numpy arrays; proportions in, codes out.
"""

from __future__ import annotations

import numpy as np

from indicators.build.intervals import CHI2_TREND, Z95, Z998, wilson

# §2.3 comparison codes, in the order of the test
AEHNLICH = "aehnlich"
HOEHER = "hoeher"
NIEDRIGER = "niedriger"
DEUTLICH_HOEHER = "deutlich_hoeher"
DEUTLICH_NIEDRIGER = "deutlich_niedriger"
NICHT_VERGLICHEN = "nicht_verglichen"
COMPARE_CODES = (DEUTLICH_HOEHER, HOEHER, AEHNLICH, NIEDRIGER, DEUTLICH_NIEDRIGER, NICHT_VERGLICHEN)

COMPARE_WORDS = {
    DEUTLICH_HOEHER: "deutlich höher als Bochum (99,8 %)",
    HOEHER: "höher als Bochum (95 %)",
    AEHNLICH: "ähnlich wie Bochum (statistisch nicht zu unterscheiden)",
    NIEDRIGER: "niedriger als Bochum (95 %)",
    DEUTLICH_NIEDRIGER: "deutlich niedriger als Bochum (99,8 %)",
    NICHT_VERGLICHEN: "kein Vergleich möglich",
}
CITY_METHOD_LABEL = ("Vergleich mit Bochum insgesamt über Konfidenzintervalle (95 % und 99,8 %), "
                     "Verfahren wie PHE Fingertips")
REST_METHOD_LABEL = "Vergleich mit dem Rest der Stadt (Newcombe-Intervall)"
UNGUENSTIGER = "ungünstiger"
GUENSTIGER = "günstiger"

# §2.4 change codes
DEUTLICH_GESTIEGEN = "deutlich_gestiegen"
GESTIEGEN = "gestiegen"
KEINE_VERAENDERUNG = "keine_gesicherte_veraenderung"
GESUNKEN = "gesunken"
DEUTLICH_GESUNKEN = "deutlich_gesunken"
NICHT_BERECHENBAR = "nicht_berechenbar"
# §2.5 trend codes and words
STEIGEND = "steigend"
FALLEND = "fallend"
TREND_WORDS = {STEIGEND: "steigend", FALLEND: "fallend",
               KEINE_VERAENDERUNG: "keine gesicherte Veränderung", NICHT_BERECHENBAR: "nicht berechenbar"}
TREND_YEARS = 5


def evaluation(code: str, polarity: str) -> str:
    """'ungünstiger' / 'günstiger' / '' for a comparison code and the indicator's polarity (§2.3)."""
    if polarity == "neutral" or code not in (DEUTLICH_HOEHER, HOEHER, NIEDRIGER, DEUTLICH_NIEDRIGER):
        return ""
    higher = code in (DEUTLICH_HOEHER, HOEHER)
    return UNGUENSTIGER if higher == (polarity == "higher_is_worse") else GUENSTIGER


def compare_with(b, l95, u95, l998, u998) -> np.ndarray:
    """§2.3 code of an area against a reference value B (the Fingertips single-CI rule at two levels).

    All arguments in the same unit. NaN anywhere (no usable interval or B) gives 'nicht_verglichen'.
    """
    b, l95, u95, l998, u998 = (np.asarray(v, dtype=float) for v in (b, l95, u95, l998, u998))
    valid = np.isfinite(b) & np.isfinite(l95) & np.isfinite(u95) & np.isfinite(l998) & np.isfinite(u998)
    code = np.select(
        [~valid, (l95 <= b) & (b <= u95), (l998 <= b) & (b < l95), (u95 < b) & (b <= u998), b < l998],
        [NICHT_VERGLICHEN, AEHNLICH, HOEHER, NIEDRIGER, DEUTLICH_HOEHER],
        default=DEUTLICH_NIEDRIGER)
    return code.astype(object)


def newcombe(x0, n0, x1, n1, z: float = Z95):
    """Newcombe's hybrid score interval of p1 − p0 (proportions): (d, low, high).

    Equals statsmodels confint_proportions_2indep(x1, n1, x0, n0, method="newcomb").
    """
    x0, n0, x1, n1 = (np.asarray(v, dtype=float) for v in (x0, n0, x1, n1))
    l0, u0 = wilson(x0, n0, z)
    l1, u1 = wilson(x1, n1, z)
    with np.errstate(divide="ignore", invalid="ignore"):
        p0, p1 = x0 / n0, x1 / n1
    d = p1 - p0
    low = d - np.hypot(p1 - l1, u0 - p0)
    high = d + np.hypot(u1 - p1, p0 - l0)
    ok = np.isfinite(low) & np.isfinite(high)
    return np.where(ok, d, np.nan), np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def _difference_code(d, lo95, hi95, lo998, hi998, up, down, strong_up, strong_down, same, none):
    """Shared rule of §2.3 (Rest der Stadt) and §2.4: 99.8 % excludes 0, else 95 % excludes 0, else same."""
    d, lo95, hi95, lo998, hi998 = (np.asarray(v, dtype=float) for v in (d, lo95, hi95, lo998, hi998))
    valid = np.isfinite(lo95) & np.isfinite(hi95) & np.isfinite(lo998) & np.isfinite(hi998)
    strong = (lo998 > 0) | (hi998 < 0)
    weak = (lo95 > 0) | (hi95 < 0)
    code = np.select([~valid, strong & (d > 0), strong, weak & (d > 0), weak],
                     [none, strong_up, strong_down, up, down], default=same)
    return code.astype(object)


def rest_compare(x, n, x_city, n_city):
    """§2.3 option „Rest der Stadt“: (code, d, low95, high95, low998, high998) of p_area − p_rest."""
    x, n, x_city, n_city = (np.asarray(v, dtype=float) for v in (x, n, x_city, n_city))
    xr, nr = x_city - x, n_city - n
    d, lo95, hi95 = newcombe(xr, nr, x, n, Z95)
    _, lo998, hi998 = newcombe(xr, nr, x, n, Z998)
    code = _difference_code(d, lo95, hi95, lo998, hi998, HOEHER, NIEDRIGER, DEUTLICH_HOEHER,
                            DEUTLICH_NIEDRIGER, AEHNLICH, NICHT_VERGLICHEN)
    return code, d, lo95, hi95, lo998, hi998


def change(x0, n0, x1, n1):
    """§2.4 change from year t1 (x0/n0) to t0 (x1/n1): (code, d, low95, high95, low998, high998)."""
    d, lo95, hi95 = newcombe(x0, n0, x1, n1, Z95)
    _, lo998, hi998 = newcombe(x0, n0, x1, n1, Z998)
    code = _difference_code(d, lo95, hi95, lo998, hi998, GESTIEGEN, GESUNKEN, DEUTLICH_GESTIEGEN,
                            DEUTLICH_GESUNKEN, KEINE_VERAENDERUNG, NICHT_BERECHENBAR)
    return code, d, lo95, hi95, lo998, hi998


def _slope(t, y, w):
    """Weighted (0/1) least-squares slopes along the last axis."""
    sw, st, sy = w.sum(-1), (w * t).sum(-1), (w * y).sum(-1)
    stt, sty = (w * t * t).sum(-1), (w * t * y).sum(-1)
    return (sw * sty - st * sy) / (sw * stt - st * st)


def trend(x, n):
    """§2.5 chi-square trend with the leave-one-out check for rows of 5 consecutive years.

    x and n have shape (..., 5), oldest year first. Returns (code, chi2, slope of all 5 points,
    the six slopes with shape (..., 6)). Rows with a missing value, x = 0 or x = n give
    'nicht_berechenbar' and NaN statistics.
    """
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    t = np.arange(1, TREND_YEARS + 1, dtype=float)
    ok = (np.isfinite(x) & np.isfinite(n) & (x > 0) & (x < n)).all(-1)
    xs = np.where(ok[..., None], x, 1.0)
    ns = np.where(ok[..., None], n, 3.0)
    big_n, big_x = ns.sum(-1), xs.sum(-1)
    num = big_n * (big_n * (xs * t).sum(-1) - big_x * (ns * t).sum(-1)) ** 2
    den = big_x * (big_n - big_x) * (big_n * (ns * t * t).sum(-1) - (ns * t).sum(-1) ** 2)
    chi = num / den
    logit = np.log(xs / (ns - xs))
    weights = np.vstack([np.ones(TREND_YEARS), 1 - np.eye(TREND_YEARS)])  # all points, then leave-one-out
    slopes = np.stack([_slope(t, logit, w) for w in weights], axis=-1)
    same_sign = (slopes < 0).all(-1) | (slopes > 0).all(-1)
    significant = ok & (chi > CHI2_TREND) & same_sign
    code = np.where(~ok, NICHT_BERECHENBAR,
                    np.where(significant, np.where(slopes[..., 0] < 0, FALLEND, STEIGEND), KEINE_VERAENDERUNG))
    nan = np.nan
    return (code.astype(object), np.where(ok, chi, nan), np.where(ok, slopes[..., 0], nan),
            np.where(ok[..., None], slopes, nan))


def trend_suffix(code: str, polarity: str) -> str:
    """The evaluation suffix of §2.5 („ (ungünstige Entwicklung)“ …); '' for neutral indicators."""
    if polarity == "neutral" or code not in (STEIGEND, FALLEND):
        return ""
    bad = (code == STEIGEND) == (polarity == "higher_is_worse")
    return " (ungünstige Entwicklung)" if bad else " (günstige Entwicklung)"


def series_break_within(breaks, first_year: int, last_year: int) -> int | None:
    """The first catalog series break b with first_year < b ≤ last_year (None if none)."""
    years = sorted(int(b["year"]) for b in breaks if first_year < int(b["year"]) <= last_year)
    return years[0] if years else None


def break_note(breaks, first_year: int, last_year: int) -> str:
    """„über den Reihenbruch {b} hinweg“ when a series break falls inside the window, else ''."""
    b = series_break_within(breaks, first_year, last_year)
    return "" if b is None else f"über den Reihenbruch {b} hinweg"
