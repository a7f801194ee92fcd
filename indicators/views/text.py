"""Generated plain-language sentences about the indicator table (German by default, English on request).

The wording describes positions, never judges them: "über/unter dem Stadtdurchschnitt" is said
the same way for indicators where higher is better and where higher is worse.
"""

from __future__ import annotations

import pandas as pd

from indicators.catalog import load_catalog
from indicators.formats import fmt_number, fmt_value
from indicators.views import is_rate, name_of

KINDERARMUT_ID = "kinderarmut"
TREND_THEME = "langzeitarbeitslosigkeit"

POSITION = {
    "above": {"de": "um {gap} über dem Stadtdurchschnitt", "en": "{gap} above the city average"},
    "below": {"de": "um {gap} unter dem Stadtdurchschnitt", "en": "{gap} below the city average"},
    "level": {"de": "gleichauf mit dem Stadtdurchschnitt", "en": "level with the city average"},
}
GAP_CHANGE = {
    "grown": {"de": "der Abstand ist seit {base} gewachsen", "en": "the gap has widened since {base}"},
    "shrunk": {"de": "der Abstand ist seit {base} geschrumpft", "en": "the gap has narrowed since {base}"},
    "same": {"de": "der Abstand ist seit {base} gleich geblieben", "en": "the gap has stayed the same since {base}"},
}
VALUE_CHANGE = {"up": {"de": "gestiegen", "en": "risen"}, "down": {"de": "gesunken", "en": "fallen"},
                "same": {"de": "gleich geblieben", "en": "stayed the same"}}
PP_UNIT = {"de": ("Prozentpunkt", "Prozentpunkte"), "en": ("percentage point", "percentage points")}
TEMPLATES = {
    "deviation": {"de": "{name} liegt {year} mit {value} {position}",
                  "en": "In {year}, {name} is {position} at {value}"},
    "deviation_labelled": {"de": "Bei der Kennzahl „{label}“ liegt {name} {year} mit {value} {position}",
                           "en": "On “{label}”, {name} is {position} in {year} at {value}"},
    "no_data": {"de": "Für {name} liegen {year} keine Daten zu „{label}“ vor.",
                "en": "There are no data on “{label}” for {name} in {year}."},
    "count": {"de": "{label} in {name} {year}: {value}.", "en": "{label} in {name} in {year}: {value}."},
    "most_above": {"de": "Am weitesten über dem Stadtdurchschnitt liegt {name} {year} bei der Kennzahl "
                         "„{label}“ ({value} gegenüber {city} in der Stadt).",
                   "en": "In {year}, {name} is furthest above the city average on “{label}” "
                         "({value} against {city} in the city)."},
    "most_below": {"de": "Am weitesten darunter liegt {name} bei der Kennzahl „{label}“ "
                         "({value} gegenüber {city}).",
                   "en": "It is furthest below the city average on “{label}” ({value} against {city})."},
    "all_level": {"de": "{name} liegt {year} bei allen Kennzahlen nahe am Stadtdurchschnitt.",
                  "en": "In {year}, {name} is close to the city average on every indicator."},
    "trend": {"de": "Seit {base} ist die Kennzahl „{label}“ in {name} von {v0} auf {v1} {change}; "
                    "in der Stadt von {c0} auf {c1}.",
              "en": "Since {base}, “{label}” in {name} has {change} from {v0} to {v1}; "
                    "in the city from {c0} to {c1}."},
}


def _series(table: pd.DataFrame, indicator_id: str, area_id: str) -> pd.DataFrame:
    """One indicator's values and city values for one area, indexed by year (only the columns the
    sentences read: taking rows of the whole table copies every column)."""
    rows = table.loc[(table["indicator_id"] == indicator_id) & (table["area_id"] == area_id),
                     ["year", "value", "value_stadt"]]
    return rows.set_index("year")


def _at(series: pd.DataFrame, year: int) -> pd.Series | None:
    """The row of one year (None if absent)."""
    return series.loc[int(year)] if int(year) in series.index else None


def fmt_pp_amount(x: float, decimals: int = 1, lang: str = "de") -> str:
    """An unsigned amount of percentage points: '9,8 Prozentpunkte', '1 Prozentpunkt'."""
    x = abs(round(float(x), decimals))
    singular, plural = PP_UNIT[lang]
    if x == 1 and decimals == 0:
        return f"1 {singular}"
    return f"{fmt_number(x, decimals, lang)} {plural}"


def position_phrase(gap: float, decimals: int, lang: str = "de") -> str:
    """'um 9,8 Prozentpunkte über dem Stadtdurchschnitt' / '… unter …' / 'gleichauf mit …'."""
    rounded = round(float(gap), decimals)
    if rounded == 0:
        return POSITION["level"][lang]
    key = "above" if rounded > 0 else "below"
    return POSITION[key][lang].format(gap=fmt_pp_amount(rounded, decimals, lang))


def gap_change_phrase(gap_then: float, gap_now: float, base_year: int, decimals: int,
                      lang: str = "de") -> str:
    """Compares the size of the gap (|value − city|) in the base year and now, at display precision."""
    then, now = round(abs(float(gap_then)), decimals), round(abs(float(gap_now)), decimals)
    key = "grown" if now > then else ("shrunk" if now < then else "same")
    return GAP_CHANGE[key][lang].format(base=base_year)


def deviation_sentence(table: pd.DataFrame, indicator_id: str, area_id: str, year: int,
                       lang: str = "de", with_label: bool = False) -> str:
    """e.g. 'Hamme liegt 2024 mit 24,1 % um 9,8 Prozentpunkte über dem Stadtdurchschnitt; der Abstand
    ist seit 2012 gewachsen.' (with_label names the indicator: 'Bei der Kennzahl „…“ liegt …')."""
    ind = load_catalog().indicators[indicator_id]
    name, label = name_of(area_id), ind.label(lang, short=True)
    series = _series(table, indicator_id, area_id)
    row = _at(series, year)
    if row is None or pd.isna(row["value"]):
        return TEMPLATES["no_data"][lang].format(name=name, year=year, label=label)
    value = fmt_value(row["value"], ind.unit, ind.decimals, lang)
    if not is_rate(indicator_id) or pd.isna(row["value_stadt"]):
        return TEMPLATES["count"][lang].format(label=label, name=name, year=year, value=value)
    gap = float(row["value"]) - float(row["value_stadt"])
    sentence = TEMPLATES["deviation_labelled" if with_label else "deviation"][lang].format(
        name=name, year=year, value=value, label=label, position=position_phrase(gap, ind.decimals, lang))
    base_year = int(series.index.min())
    base = _at(series, base_year)
    if base_year < int(year) and base is not None and pd.notna(base["value"]) and pd.notna(base["value_stadt"]):
        then = float(base["value"]) - float(base["value_stadt"])
        sentence += "; " + gap_change_phrase(then, gap, base_year, ind.decimals, lang)
    return sentence + "."


def _extremes_sentences(table: pd.DataFrame, area_id: str, year: int, lang: str) -> list[str]:
    """Where the Ortsteil is furthest above and below the city (relative deviation, rates only)."""
    catalog = load_catalog()
    rows = table[(table["area_id"] == area_id) & (table["year"] == int(year))
                 & table["indicator_id"].isin([i for i, x in catalog.indicators.items() if x.is_rate])
                 & table["dev_pct"].notna()]
    if rows.empty:
        return []
    name = name_of(area_id)

    def describe(key: str, row) -> str:
        ind = catalog.indicators[row.indicator_id]
        return TEMPLATES[key][lang].format(
            name=name, year=year, label=ind.label(lang, short=True),
            value=fmt_value(row.value, ind.unit, ind.decimals, lang),
            city=fmt_value(row.value_stadt, ind.unit, ind.decimals, lang))

    top = rows.loc[rows["dev_pct"].idxmax()]
    low = rows.loc[rows["dev_pct"].idxmin()]
    decimals = catalog.indicators[top.indicator_id].decimals
    sentences = []
    if round(float(top.dev_pp), decimals) > 0:
        sentences.append(describe("most_above", top))
    if round(float(low.dev_pp), catalog.indicators[low.indicator_id].decimals) < 0:
        sentences.append(describe("most_below", low))
    if not sentences:
        sentences.append(TEMPLATES["all_level"][lang].format(name=name, year=year))
    return sentences


def trend_sentence(table: pd.DataFrame, indicator_id: str, area_id: str, year: int, lang: str = "de") -> str:
    """'Seit 2012 ist die Kennzahl „…“ in Hamme von 5,1 % auf 6,2 % gestiegen; in der Stadt von … auf ….'"""
    ind = load_catalog().indicators[indicator_id]
    series = _series(table, indicator_id, area_id)
    if series.empty:
        return ""
    base_year = int(series.index.min())
    now, then = _at(series, year), _at(series, base_year)
    if base_year >= int(year) or now is None or then is None or pd.isna(now["value"]) or pd.isna(then["value"]):
        return ""
    delta = round(float(now["value"]), ind.decimals) - round(float(then["value"]), ind.decimals)
    change = "up" if round(delta, ind.decimals) > 0 else ("down" if round(delta, ind.decimals) < 0 else "same")
    fmt = lambda x: fmt_value(x, ind.unit, ind.decimals, lang)  # noqa: E731
    return TEMPLATES["trend"][lang].format(
        base=base_year, label=ind.label(lang, short=True), name=name_of(area_id),
        v0=fmt(then["value"]), v1=fmt(now["value"]), change=VALUE_CHANGE[change][lang],
        c0=fmt(then["value_stadt"]), c1=fmt(now["value_stadt"]))


def profile_summary(table: pd.DataFrame, area_id: str, year: int, lang: str = "de") -> str:
    """Two to four sentences for a district profile: extremes against the city, child poverty, a trend."""
    catalog = load_catalog()
    sentences = _extremes_sentences(table, area_id, year, lang)
    if KINDERARMUT_ID in catalog.indicators:
        sentences.append(deviation_sentence(table, KINDERARMUT_ID, area_id, year, lang, with_label=True))
    key = catalog.themes[TREND_THEME].key_indicator if TREND_THEME in catalog.themes else None
    if key:
        trend = trend_sentence(table, key, area_id, year, lang)
        if trend:
            sentences.append(trend)
    return " ".join(sentences[:4])
