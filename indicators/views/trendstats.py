"""The Trends page's statistics (METHODS.md §2.4, §2.5): Newcombe change from a chosen start year to the
latest year and the chi-square trend class of the last five years, per Ortsteil, for people.

Words come only from the codes of indicators.build.compare; a missing or suppressed value gives
„nicht berechenbar“, never a change from 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.areas import area_names
from indicators.build import compare as cmp
from indicators.build.intervals import usable
from indicators.formats import fmt_number, fmt_pp, fmt_value
from indicators.views.sentences import change_sentence, missing_sentence, trend_sentence

CHANGE_WORDS = {
    cmp.DEUTLICH_GESTIEGEN: "deutlich gestiegen (99,8 %)",
    cmp.GESTIEGEN: "gestiegen (95 %)",
    cmp.KEINE_VERAENDERUNG: "keine gesicherte Veränderung",
    cmp.GESUNKEN: "gesunken (95 %)",
    cmp.DEUTLICH_GESUNKEN: "deutlich gesunken (99,8 %)",
    cmp.NICHT_BERECHENBAR: "nicht berechenbar",
}
COLUMNS = ["Ortsteil", "Start", "Aktuell", "Veränderung", "95-%-Intervall", "Veränderung (Test)", "Trend"]


def start_years(table: pd.DataFrame, indicator_id: str) -> list[int]:
    """The years a change can start from: every year of the indicator before the latest one."""
    years = sorted(int(y) for y in table.loc[table["indicator_id"] == indicator_id, "year"].unique())
    return years[:-1]


def _counts(rows: pd.DataFrame, area_ids, year: int):
    """numerator, denominator of usable rows of one year, NaN for missing/suppressed ones (never 0)."""
    sel = rows[rows["year"] == year].set_index("area_id").reindex(list(area_ids))
    ok = usable(sel["flag"].fillna("missing").to_numpy(dtype=object))
    x = np.where(ok, sel["numerator"].to_numpy(dtype=float), np.nan)
    n = np.where(ok, sel["denominator"].to_numpy(dtype=float), np.nan)
    v = np.where(ok, sel["value"].to_numpy(dtype=float), np.nan)
    return x, n, v, sel, sel["flag"].fillna("missing").to_numpy(dtype=object)


def trend_statistics(table: pd.DataFrame, indicator, area_ids, start_year: int) -> pd.DataFrame:
    """One row per area: values, Newcombe change start → latest year with 95 % interval and code, and the
    trend class of the last five years (with the leave-one-out check, computed in the build).

    Change and trend exist only for shares (Wilson); other indicators get 'nicht_berechenbar'.
    Columns: area_id, start_year, year, value_start, value, flag_start, flag, change_pp, change_ci95_low/high, change_class,
    trend_class.
    """
    rows = table[table["indicator_id"] == indicator.id]
    latest = int(rows["year"].max())
    area_ids = list(area_ids)
    x0, n0, v0, _, f0 = _counts(rows, area_ids, start_year)
    x1, n1, v1, now, f1 = _counts(rows, area_ids, latest)
    shares = indicator.is_rate and indicator.interval != "poisson"
    if not shares:
        x0 = np.full(len(area_ids), np.nan)
    code, d, lo95, hi95, _, _ = cmp.change(x0, n0, x1, n1)
    trend = now["trend_class"].fillna(cmp.NICHT_BERECHENBAR).to_numpy(dtype=object)
    return pd.DataFrame({
        "area_id": area_ids, "start_year": start_year, "year": latest, "value_start": v0, "value": v1,
        "flag_start": f0, "flag": f1,
        "change_pp": d * indicator.scale, "change_ci95_low": lo95 * indicator.scale,
        "change_ci95_high": hi95 * indicator.scale, "change_class": code,
        "trend_class": np.where(np.isfinite(v1), trend, cmp.NICHT_BERECHENBAR).astype(object),
    })


SUPPRESSED = "geheim"


def _shown(value, flag, indicator) -> str:
    """A value for people; a suppressed one reads „geheim“, a missing one „–“ (never 0)."""
    return SUPPRESSED if flag == "suppressed" else fmt_value(value, indicator.unit, indicator.decimals)


def _signed(value, decimals: int) -> str:
    """„−0,3“ with a typographic minus (the interval bounds of a change)."""
    return fmt_number(value, decimals).replace("-", "−")


def trend_table(stats: pd.DataFrame, indicator) -> pd.DataFrame:
    """The people's table of trend_statistics (German columns and words)."""
    names = area_names()
    dec = indicator.decimals
    return pd.DataFrame({
        "Ortsteil": [names.get(a, a) for a in stats["area_id"]],
        "Start": [_shown(v, f, indicator) for v, f in zip(stats["value_start"], stats["flag_start"])],
        "Aktuell": [_shown(v, f, indicator) for v, f in zip(stats["value"], stats["flag"])],
        "Veränderung": ["–" if pd.isna(d) else fmt_pp(d, dec) for d in stats["change_pp"]],
        "95-%-Intervall": ["–" if pd.isna(lo) else f"{_signed(lo, dec)} bis {_signed(hi, dec)} Pp."
                           for lo, hi in zip(stats["change_ci95_low"], stats["change_ci95_high"])],
        "Veränderung (Test)": [CHANGE_WORDS[c] for c in stats["change_class"]],
        "Trend": [cmp.TREND_WORDS[c] + cmp.trend_suffix(c, indicator.polarity) for c in stats["trend_class"]],
    }, columns=COLUMNS)


def trend_sentences(stats: pd.DataFrame, indicator) -> list[str]:
    """Per area: „{Ortsteil}: Gegenüber {Start} (…) ist der Anteil … Trend …–…: ….“ (T3, T4 of §4)."""
    names = area_names()
    out = []
    for row in stats.itertuples(index=False):
        start, latest = int(row.start_year), int(row.year)
        if pd.isna(row.value) or pd.isna(row.value_start):
            year = latest if pd.isna(row.value) else start
            out.append(missing_sentence(names.get(row.area_id, row.area_id), year,
                                        (row.flag if pd.isna(row.value) else row.flag_start) == "suppressed"))
            continue
        text = change_sentence(start, row.value_start, row.change_pp, row.change_class, indicator)
        note = cmp.break_note(indicator.series_breaks, start, latest)
        if note:
            text = text[:-1] + f", {note}."
        trend_note = cmp.break_note(indicator.series_breaks, latest - 4, latest)
        out.append(f"{names.get(row.area_id, row.area_id)}: {text} "
                   f"{trend_sentence(latest, row.trend_class, indicator.polarity, trend_note)}")
    return out
