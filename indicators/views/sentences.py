"""Generated German summaries and alt text from the statistics codes (METHODS.md §4).

The older, position-only sentences stay in indicators/text.py; these templates are the ones that
carry counts, intervals and comparison words. Judgements („höher“, „deutlich“, „ähnlich“) come only
from the codes of indicators.build.compare, never from a raw gap.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from indicators.build import compare as cmp
from indicators.formats import fmt_number, fmt_value
from indicators.views import statwords
from indicators.words import pick

MAX_WORDS = 25
T2 = {
    cmp.AEHNLICH: {"de": "Das ist statistisch nicht von Bochum insgesamt ({B}) zu unterscheiden.",
                   "en": "This is statistically indistinguishable from Bochum as a whole ({B})."},
    cmp.HOEHER: {"de": "Das ist höher als in Bochum insgesamt ({B}).",
                 "en": "This is higher than in Bochum as a whole ({B})."},
    cmp.DEUTLICH_HOEHER: {"de": "Das ist deutlich höher als in Bochum insgesamt ({B}).",
                          "en": "This is significantly higher than in Bochum as a whole ({B})."},
    cmp.NIEDRIGER: {"de": "Das ist niedriger als in Bochum insgesamt ({B}).",
                    "en": "This is lower than in Bochum as a whole ({B})."},
    cmp.DEUTLICH_NIEDRIGER: {"de": "Das ist deutlich niedriger als in Bochum insgesamt ({B}).",
                             "en": "This is significantly lower than in Bochum as a whole ({B})."},
    cmp.NICHT_VERGLICHEN: {"de": "Ein Vergleich mit Bochum insgesamt ({B}) ist nicht möglich.",
                           "en": "A comparison with Bochum as a whole ({B}) is not possible."},
}
T3_ADDITION = {
    cmp.KEINE_VERAENDERUNG: {"de": "; das liegt im Rahmen zufälliger Schwankungen",
                             "en": "; this is within random variation"},
    cmp.GESTIEGEN: {"de": " (statistisch gesichert, 95 %)", "en": " (statistically significant, 95 %)"},
    cmp.GESUNKEN: {"de": " (statistisch gesichert, 95 %)", "en": " (statistically significant, 95 %)"},
    cmp.DEUTLICH_GESTIEGEN: {"de": " (statistisch gesichert, 99,8 %)", "en": " (statistically significant, 99.8 %)"},
    cmp.DEUTLICH_GESUNKEN: {"de": " (statistisch gesichert, 99,8 %)", "en": " (statistically significant, 99.8 %)"},
}
TEXT = {
    "fallback": {"de": "{short_title}: {num} von {den}", "en": "{short_title}: {num} of {den}"},
    "suppressed": {"de": "{area} {year}: Wert geheim (Datenschutz).",
                   "en": "{area} {year}: value confidential (data protection)."},
    "missing": {"de": "{area} {year}: keine Daten.", "en": "{area} {year}: no data."},
    "since": {"de": "Gegenüber {t1} ({value})", "en": "Compared with {t1} ({value})"},
    "no_change_statement": {"de": "{start} ist keine Aussage zur Veränderung möglich.",
                            "en": "{start}, no statement on the change is possible."},
    "unchanged": {"de": "{start} ist der Anteil praktisch unverändert.",
                  "en": "{start}, the share is practically unchanged."},
    "changed": {"de": "{start} ist der Anteil um {amount} Prozentpunkte {direction}{addition}.",
                "en": "{start}, the share has {direction} by {amount} percentage points{addition}."},
    "up": {"de": "gestiegen", "en": "risen"},
    "down": {"de": "gesunken", "en": "fallen"},
    "trend": {"de": "Trend {first}–{last}: {words}{extra}.", "en": "Trend {first}–{last}: {words}{extra}."},
    "index": {"de": "{area} {year}: Status {status}, Dynamik {dynamics} (Gruppe {group}), Methode MSS Berlin.",
              "en": "{area} {year}: status {status}, dynamics {dynamics} (group {group}), MSS Berlin method."},
    "borderline": {"de": " Grenzfall: nahe an einer Klassengrenze.", "en": " Borderline: close to a class boundary."},
    "peers": {"de": "Ähnlichste Ortsteile nach Bevölkerungsstruktur: {names}.",
              "en": "Most similar districts by population structure: {names}."},
    "extremes": {"de": "Höchster Wert: {hn} ({hv}). Niedrigster Wert: {ln} ({lv}). Bochum insgesamt: {city}.",
                 "en": "Highest value: {hn} ({hv}). Lowest value: {ln} ({lv}). Bochum as a whole: {city}."},
}
INDEX_WORDS = statwords.INDEX_WORDS
CHART_TYPES = {"map": {"de": "Karte", "en": "Map"}, "line": {"de": "Liniendiagramm", "en": "Line chart"},
               "bar": {"de": "Balkendiagramm", "en": "Bar chart"}, "scatter": {"de": "Streudiagramm", "en": "Scatter plot"}}
ALL_ORTSTEILE = "alle Ortsteile"
ALL_AREAS = {"de": ALL_ORTSTEILE, "en": "all districts"}


def word_count(text: str) -> int:
    return len(text.split())


def _value(value, indicator, lang: str = "de") -> str:
    return fmt_value(value, indicator.unit, indicator.decimals, lang)


_index_word = statwords.index_word


def value_sentence(area: str, year: int, indicator, num, den, value, lang: str = "de") -> str:
    """T1: „{Gebiet} {Jahr}: {sentence} ({Wert}).“ — the catalog's ``sentence`` or the fallback."""
    template = (indicator.sentence or {}).get(lang) or pick(TEXT["fallback"], lang)
    text = template.format(num=fmt_number(num, 0, lang), den=fmt_number(den, 0, lang),
                           short_title=indicator.label(lang, short=True))
    return f"{area} {year}: {text} ({_value(value, indicator, lang)})."


def missing_sentence(area: str, year: int, suppressed: bool, lang: str = "de") -> str:
    """T5: a suppressed or missing value is said so, never read as 0."""
    return pick(TEXT["suppressed" if suppressed else "missing"], lang).format(area=area, year=year)


def city_sentence(code: str, city_value, indicator, lang: str = "de") -> str:
    """T2: the comparison with Bochum, worded only from the §2.3 code."""
    code = str(code)  # a 0-d array from the vectorised engine works too
    return pick(T2[code], lang).format(B=_value(city_value, indicator, lang))


def _rounds_to_zero(x: float, decimals: int) -> bool:
    q = Decimal(repr(abs(float(x)))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return q == 0


def change_sentence(t1: int, value_t1, change_pp, code: str, indicator, lang: str = "de") -> str:
    """T3: the change since t1 in Prozentpunkte with the §2.4 code's addition."""
    code = str(code)
    start = pick(TEXT["since"], lang).format(t1=t1, value=_value(value_t1, indicator, lang))
    if change_pp is None or (isinstance(change_pp, float) and math.isnan(change_pp)) or code == cmp.NICHT_BERECHENBAR:
        return pick(TEXT["no_change_statement"], lang).format(start=start)
    if _rounds_to_zero(change_pp, indicator.decimals):
        return pick(TEXT["unchanged"], lang).format(start=start)
    direction = pick(TEXT["up" if change_pp > 0 else "down"], lang)
    amount = fmt_number(abs(change_pp), indicator.decimals, lang)
    addition = pick(T3_ADDITION[code], lang) if code in T3_ADDITION else ""
    return pick(TEXT["changed"], lang).format(start=start, amount=amount, direction=direction, addition=addition)


def trend_sentence(t0: int, code: str, polarity: str, break_note: str = "", lang: str = "de") -> str:
    """T4: „Trend {t0−4}–{t0}: {Trendwort}{ Bewertung}.“ (plus the series-break note if any)."""
    extra = f", {break_note}" if break_note else ""
    return pick(TEXT["trend"], lang).format(first=t0 - 4, last=t0, words=statwords.trend_words(code, polarity, lang),
                                            extra=extra)


def small_count_sentence(lang: str = "de") -> str:
    """T6."""
    text = pick(statwords.SMALL_COUNT, lang)
    return text[0].upper() + text[1:] + "."


def index_sentence(area: str, year: int, row, lang: str = "de") -> str:
    """The index summary of one Ortsteil (an excluded one says why)."""
    if row.get("excluded"):
        return f"{area} {year}: {_index_word(row['excluded'], lang)}."
    text = pick(TEXT["index"], lang).format(area=area, year=year, status=_index_word(row["status_class"], lang),
                                            dynamics=_index_word(row["dynamics_class"], lang), group=row["gesamt"])
    return text + (pick(TEXT["borderline"], lang) if row.get("grenzfall") else "")


def peers_sentence(names, lang: str = "de") -> str:
    return pick(TEXT["peers"], lang).format(names=", ".join(names))


def alt_text(kind: str, short_title: str, area: str, period: str, sentences=(), lang: str = "de") -> str:
    """„{Diagrammtyp}: {short_title}, {Gebiet}, {Jahr oder Zeitraum}.“ followed by the summary sentences."""
    head = f"{pick(CHART_TYPES[kind], lang)}: {short_title}, {area}, {period}."
    return " ".join([head, *sentences])


def map_extremes(high_name: str, high_value: str, low_name: str, low_value: str, city_value: str,
                 lang: str = "de") -> str:
    """The sentence maps add to their alt text (values already formatted)."""
    return pick(TEXT["extremes"], lang).format(hn=high_name, hv=high_value, ln=low_name, lv=low_value,
                                               city=city_value)


def indicator_summary(table, area_id: str, area_name: str, year: int, indicator, city_id: str = "bochum",
                      change_years: int = 2, lang: str = "de") -> list[str]:
    """T1–T6 for one indicator, area and year from the indicator table's statistics columns."""
    def row(area, y):
        rows = table[(table["area_id"] == area) & (table["year"] == y) & (table["indicator_id"] == indicator.id)]
        return rows.iloc[0] if len(rows) else None

    now = row(area_id, year)
    if now is None or now["flag"] not in ("", "estimated"):
        return [missing_sentence(area_name, year, now is not None and now["flag"] == "suppressed", lang)]
    out = [value_sentence(area_name, year, indicator, now["numerator"], now["denominator"], now["value"], lang)]
    city = row(city_id, year)
    if area_id != city_id and city is not None:
        out.append(city_sentence(now["compare_city"], city["value"], indicator, lang))
    before = row(area_id, year - change_years)
    if before is not None and before["flag"] in ("", "estimated"):
        out.append(change_sentence(year - change_years, before["value"], now["change_pp"], now["change_class"],
                                   indicator, lang))
    if now["trend_class"] != cmp.NICHT_BERECHENBAR:
        note = statwords.break_note(indicator.series_breaks, year - 4, year, lang)
        out.append(trend_sentence(year, now["trend_class"], indicator.polarity, note, lang))
    if bool(now["small_count"]):
        out.append(small_count_sentence(lang))
    return out
