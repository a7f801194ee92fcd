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
from indicators.views import statwords
from indicators.views.sentences import change_sentence, missing_sentence, trend_sentence
from indicators.words import in_lang, pick

HEADERS = {
    "name": {"de": "Ortsteil", "en": "District"}, "start": {"de": "Start", "en": "Start"},
    "now": {"de": "Aktuell", "en": "Latest"}, "change": {"de": "Veränderung", "en": "Change"},
    "interval": statwords.INTERVAL_95, "test": {"de": "Veränderung (Test)", "en": "Change (test)"},
    "trend": {"de": "Trend", "en": "Trend"},
}
COLUMNS = list(in_lang(HEADERS, "de").values())
INTERVAL_RANGE = {"de": "{low} bis {high} Pp.", "en": "{low} to {high} pp"}
SINCE = {"de": "seit {year}: {change} ({interval}) – {words}", "en": "since {year}: {change} ({interval}) – {words}"}
SINCE_UNKNOWN = {"de": "seit {year}: {words}", "en": "since {year}: {words}"}


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


def _shown(value, flag, indicator, lang: str = "de") -> str:
    """A value for people; a suppressed one reads „geheim“, a missing one „–“ (never 0)."""
    if flag == "suppressed":
        return pick(statwords.SUPPRESSED, lang)
    return fmt_value(value, indicator.unit, indicator.decimals, lang)


def _signed(value, decimals: int, lang: str = "de") -> str:
    """„−0,3“ with a typographic minus (the interval bounds of a change)."""
    return fmt_number(value, decimals, lang).replace("-", "−")


def interval_range(low, high, decimals: int, lang: str = "de") -> str:
    """„−5,0 bis −1,4 Pp.“ (the 95 % interval of a change), „–“ without one."""
    if pd.isna(low) or pd.isna(high):
        return "–"
    return pick(INTERVAL_RANGE, lang).format(low=_signed(low, decimals, lang), high=_signed(high, decimals, lang))


def since_text(row, indicator, lang: str = "de") -> str:
    """One area's change since the start year for a card: „seit 2012: −3,2 Pp. (−5,0 bis −1,4 Pp.) –
    deutlich gesunken (99,8 %)“ — the Newcombe interval and the §2.4 code's words, never a bare gap."""
    words = statwords.change_words(row["change_class"], lang)
    if pd.isna(row["change_pp"]):
        return pick(SINCE_UNKNOWN, lang).format(year=int(row["start_year"]), words=words)
    return pick(SINCE, lang).format(
        year=int(row["start_year"]), change=fmt_pp(row["change_pp"], indicator.decimals, lang),
        interval=interval_range(row["change_ci95_low"], row["change_ci95_high"], indicator.decimals, lang),
        words=words)


def trend_table(stats: pd.DataFrame, indicator, lang: str = "de") -> pd.DataFrame:
    """The people's table of trend_statistics (columns and words in lang)."""
    names = area_names()
    dec = indicator.decimals
    h = in_lang(HEADERS, lang)
    return pd.DataFrame({
        h["name"]: [names.get(a, a) for a in stats["area_id"]],
        h["start"]: [_shown(v, f, indicator, lang) for v, f in zip(stats["value_start"], stats["flag_start"])],
        h["now"]: [_shown(v, f, indicator, lang) for v, f in zip(stats["value"], stats["flag"])],
        h["change"]: ["–" if pd.isna(d) else fmt_pp(d, dec, lang) for d in stats["change_pp"]],
        h["interval"]: [interval_range(lo, hi, dec, lang)
                        for lo, hi in zip(stats["change_ci95_low"], stats["change_ci95_high"])],
        h["test"]: [statwords.change_words(c, lang) for c in stats["change_class"]],
        h["trend"]: [statwords.trend_words(c, indicator.polarity, lang) for c in stats["trend_class"]],
    }, columns=list(h.values()))


def trend_sentences(stats: pd.DataFrame, indicator, lang: str = "de") -> list[str]:
    """Per area: „{Ortsteil}: Gegenüber {Start} (…) ist der Anteil … Trend …–…: ….“ (T3, T4 of §4)."""
    names = area_names()
    out = []
    for row in stats.itertuples(index=False):
        start, latest = int(row.start_year), int(row.year)
        if pd.isna(row.value) or pd.isna(row.value_start):
            year = latest if pd.isna(row.value) else start
            out.append(missing_sentence(names.get(row.area_id, row.area_id), year,
                                        (row.flag if pd.isna(row.value) else row.flag_start) == "suppressed", lang))
            continue
        text = change_sentence(start, row.value_start, row.change_pp, row.change_class, indicator, lang)
        note = statwords.break_note(indicator.series_breaks, start, latest, lang)
        if note:
            text = text[:-1] + f", {note}."
        trend_note = statwords.break_note(indicator.series_breaks, latest - 4, latest, lang)
        out.append(f"{names.get(row.area_id, row.area_id)}: {text} "
                   f"{trend_sentence(latest, row.trend_class, indicator.polarity, trend_note, lang)}")
    return out
