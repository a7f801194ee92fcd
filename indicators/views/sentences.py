"""Generated German summaries and alt text from the statistics codes (METHODS.md §4).

The older, position-only sentences stay in indicators/text.py; these templates are the ones that
carry counts, intervals and comparison words. Judgements („höher“, „deutlich“, „ähnlich“) come only
from the codes of indicators.build.compare, never from a raw gap.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from indicators.build import compare as cmp
from indicators.build.intervals import SMALL_COUNT_TEXT
from indicators.formats import fmt_number, fmt_value

MAX_WORDS = 25
T2 = {
    cmp.AEHNLICH: "Das ist statistisch nicht von Bochum insgesamt ({B}) zu unterscheiden.",
    cmp.HOEHER: "Das ist höher als in Bochum insgesamt ({B}).",
    cmp.DEUTLICH_HOEHER: "Das ist deutlich höher als in Bochum insgesamt ({B}).",
    cmp.NIEDRIGER: "Das ist niedriger als in Bochum insgesamt ({B}).",
    cmp.DEUTLICH_NIEDRIGER: "Das ist deutlich niedriger als in Bochum insgesamt ({B}).",
    cmp.NICHT_VERGLICHEN: "Ein Vergleich mit Bochum insgesamt ({B}) ist nicht möglich.",
}
T3_ADDITION = {
    cmp.KEINE_VERAENDERUNG: "; das liegt im Rahmen zufälliger Schwankungen",
    cmp.GESTIEGEN: " (statistisch gesichert, 95 %)", cmp.GESUNKEN: " (statistisch gesichert, 95 %)",
    cmp.DEUTLICH_GESTIEGEN: " (statistisch gesichert, 99,8 %)",
    cmp.DEUTLICH_GESUNKEN: " (statistisch gesichert, 99,8 %)",
}
CHART_TYPES = {"map": "Karte", "line": "Liniendiagramm", "bar": "Balkendiagramm", "scatter": "Streudiagramm"}
ALL_ORTSTEILE = "alle Ortsteile"


def word_count(text: str) -> int:
    return len(text.split())


def _value(value, indicator) -> str:
    return fmt_value(value, indicator.unit, indicator.decimals)


def value_sentence(area: str, year: int, indicator, num, den, value) -> str:
    """T1: „{Gebiet} {Jahr}: {sentence} ({Wert}).“ — the catalog's ``sentence.de`` or the fallback."""
    template = (indicator.sentence or {}).get("de") or "{short_title}: {num} von {den}"
    text = template.format(num=fmt_number(num), den=fmt_number(den), short_title=indicator.label("de", short=True))
    return f"{area} {year}: {text} ({_value(value, indicator)})."


def missing_sentence(area: str, year: int, suppressed: bool) -> str:
    """T5: a suppressed or missing value is said so, never read as 0."""
    return f"{area} {year}: Wert geheim (Datenschutz)." if suppressed else f"{area} {year}: keine Daten."


def city_sentence(code: str, city_value, indicator) -> str:
    """T2: the comparison with Bochum, worded only from the §2.3 code."""
    code = str(code)  # a 0-d array from the vectorised engine works too
    return T2[code].format(B=_value(city_value, indicator))


def _rounds_to_zero(x: float, decimals: int) -> bool:
    q = Decimal(repr(abs(float(x)))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return q == 0


def change_sentence(t1: int, value_t1, change_pp, code: str, indicator) -> str:
    """T3: the change since t1 in Prozentpunkte with the §2.4 code's addition."""
    code = str(code)
    start = f"Gegenüber {t1} ({_value(value_t1, indicator)})"
    if change_pp is None or (isinstance(change_pp, float) and math.isnan(change_pp)) or code == cmp.NICHT_BERECHENBAR:
        return f"{start} ist keine Aussage zur Veränderung möglich."
    if _rounds_to_zero(change_pp, indicator.decimals):
        return f"{start} ist der Anteil praktisch unverändert."
    direction = "gestiegen" if change_pp > 0 else "gesunken"
    amount = fmt_number(abs(change_pp), indicator.decimals)
    return f"{start} ist der Anteil um {amount} Prozentpunkte {direction}{T3_ADDITION.get(code, '')}."


def trend_sentence(t0: int, code: str, polarity: str, break_note: str = "") -> str:
    """T4: „Trend {t0−4}–{t0}: {Trendwort}{ Bewertung}.“ (plus the series-break note if any)."""
    code = str(code)
    extra = f", {break_note}" if break_note else ""
    return f"Trend {t0 - 4}–{t0}: {cmp.TREND_WORDS[code]}{cmp.trend_suffix(code, polarity)}{extra}."


def small_count_sentence() -> str:
    """T6."""
    return SMALL_COUNT_TEXT[0].upper() + SMALL_COUNT_TEXT[1:] + "."


def index_sentence(area: str, year: int, row) -> str:
    """The index summary of one Ortsteil (an excluded one says why)."""
    if row.get("excluded"):
        return f"{area} {year}: {row['excluded']}."
    text = (f"{area} {year}: Status {row['status_class']}, Dynamik {row['dynamics_class']} "
            f"(Gruppe {row['gesamt']}), Methode MSS Berlin.")
    return text + (" Grenzfall: nahe an einer Klassengrenze." if row.get("grenzfall") else "")


def peers_sentence(names) -> str:
    return f"Ähnlichste Ortsteile nach Bevölkerungsstruktur: {', '.join(names)}."


def alt_text(kind: str, short_title: str, area: str, period: str, sentences=()) -> str:
    """„{Diagrammtyp}: {short_title}, {Gebiet}, {Jahr oder Zeitraum}.“ followed by the summary sentences."""
    head = f"{CHART_TYPES[kind]}: {short_title}, {area}, {period}."
    return " ".join([head, *sentences])


def map_extremes(high_name: str, high_value: str, low_name: str, low_value: str, city_value: str) -> str:
    """The sentence maps add to their alt text (values already formatted)."""
    return (f"Höchster Wert: {high_name} ({high_value}). Niedrigster Wert: {low_name} ({low_value}). "
            f"Bochum insgesamt: {city_value}.")


def indicator_summary(table, area_id: str, area_name: str, year: int, indicator, city_id: str = "bochum",
                      change_years: int = 2) -> list[str]:
    """T1–T6 for one indicator, area and year from the indicator table's statistics columns."""
    def row(area, y):
        rows = table[(table["area_id"] == area) & (table["year"] == y) & (table["indicator_id"] == indicator.id)]
        return rows.iloc[0] if len(rows) else None

    now = row(area_id, year)
    if now is None or now["flag"] not in ("", "estimated"):
        return [missing_sentence(area_name, year, now is not None and now["flag"] == "suppressed")]
    out = [value_sentence(area_name, year, indicator, now["numerator"], now["denominator"], now["value"])]
    city = row(city_id, year)
    if area_id != city_id and city is not None:
        out.append(city_sentence(now["compare_city"], city["value"], indicator))
    before = row(area_id, year - change_years)
    if before is not None and before["flag"] in ("", "estimated"):
        out.append(change_sentence(year - change_years, before["value"], now["change_pp"], now["change_class"],
                                   indicator))
    if now["trend_class"] != cmp.NICHT_BERECHENBAR:
        note = cmp.break_note(indicator.series_breaks, year - 4, year)
        out.append(trend_sentence(year, now["trend_class"], indicator.polarity, note))
    if bool(now["small_count"]):
        out.append(small_count_sentence())
    return out
