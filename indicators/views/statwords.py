"""The people's words of the statistics codes (METHODS.md §2.3–2.5, §4) in German and English.

German is the contract's wording and stays in indicators.build.compare / intervals; this module adds the
English beside it, as the project's {key: {"de": …, "en": …}} tables, and picks by language. Every
judgement word comes from a code, never from a raw gap.
"""

from __future__ import annotations

from indicators.build import compare as cmp
from indicators.build.intervals import SMALL_COUNT_TEXT
from indicators.words import pick

COMPARE = {
    cmp.DEUTLICH_HOEHER: {"de": cmp.COMPARE_WORDS[cmp.DEUTLICH_HOEHER],
                          "en": "significantly higher than Bochum (99.8 %)"},
    cmp.HOEHER: {"de": cmp.COMPARE_WORDS[cmp.HOEHER], "en": "higher than Bochum (95 %)"},
    cmp.AEHNLICH: {"de": cmp.COMPARE_WORDS[cmp.AEHNLICH],
                   "en": "similar to Bochum (statistically indistinguishable)"},
    cmp.NIEDRIGER: {"de": cmp.COMPARE_WORDS[cmp.NIEDRIGER], "en": "lower than Bochum (95 %)"},
    cmp.DEUTLICH_NIEDRIGER: {"de": cmp.COMPARE_WORDS[cmp.DEUTLICH_NIEDRIGER],
                             "en": "significantly lower than Bochum (99.8 %)"},
    cmp.NICHT_VERGLICHEN: {"de": cmp.COMPARE_WORDS[cmp.NICHT_VERGLICHEN], "en": "no comparison possible"},
}
# „Rest der Stadt“: the same words with the other basis
REST_BASIS = {"de": ("Bochum", "der Rest der Stadt"), "en": ("Bochum", "the rest of the city")}
EVALUATION = {cmp.UNGUENSTIGER: {"de": cmp.UNGUENSTIGER, "en": "less favourable"},
              cmp.GUENSTIGER: {"de": cmp.GUENSTIGER, "en": "more favourable"}}
METHOD_LABELS = {
    "city": {"de": cmp.CITY_METHOD_LABEL,
             "en": "Comparison with Bochum as a whole by confidence intervals (95 % and 99.8 %), "
                   "method as PHE Fingertips"},
    "rest": {"de": cmp.REST_METHOD_LABEL, "en": "Comparison with the rest of the city (Newcombe interval)"},
}
CHANGE = {
    cmp.DEUTLICH_GESTIEGEN: {"de": "deutlich gestiegen (99,8 %)", "en": "significantly increased (99.8 %)"},
    cmp.GESTIEGEN: {"de": "gestiegen (95 %)", "en": "increased (95 %)"},
    cmp.KEINE_VERAENDERUNG: {"de": "keine gesicherte Veränderung", "en": "no significant change"},
    cmp.GESUNKEN: {"de": "gesunken (95 %)", "en": "decreased (95 %)"},
    cmp.DEUTLICH_GESUNKEN: {"de": "deutlich gesunken (99,8 %)", "en": "significantly decreased (99.8 %)"},
    cmp.NICHT_BERECHENBAR: {"de": "nicht berechenbar", "en": "not computable"},
}
TREND = {
    cmp.STEIGEND: {"de": cmp.TREND_WORDS[cmp.STEIGEND], "en": "rising"},
    cmp.FALLEND: {"de": cmp.TREND_WORDS[cmp.FALLEND], "en": "falling"},
    cmp.KEINE_VERAENDERUNG: {"de": cmp.TREND_WORDS[cmp.KEINE_VERAENDERUNG], "en": "no significant change"},
    cmp.NICHT_BERECHENBAR: {"de": cmp.TREND_WORDS[cmp.NICHT_BERECHENBAR], "en": "not computable"},
}
TREND_SUFFIX = {" (ungünstige Entwicklung)": {"de": " (ungünstige Entwicklung)", "en": " (unfavourable)"},
                " (günstige Entwicklung)": {"de": " (günstige Entwicklung)", "en": " (favourable)"}}
BREAK_NOTE = {"de": "über den Reihenbruch {b} hinweg", "en": "across the series break of {b}"}
SMALL_COUNT = {"de": SMALL_COUNT_TEXT, "en": "small numbers – interpret with caution"}
SUPPRESSED = {"de": "geheim", "en": "confidential"}
PRIVACY = {"de": "Datenschutz", "en": "data protection"}
INTERVAL_95 = {"de": "95-%-Intervall", "en": "95 % interval"}
PP = {"de": "Pp.", "en": "pp"}
# the Sozialindex classes and exclusion reasons of indicators.build.sozialindex, in English
INDEX_WORDS = {"hoch": "high", "mittel": "medium", "niedrig": "low", "sehr niedrig": "very low",
               "positiv": "positive", "stabil": "stable", "negativ": "negative", "nicht berechnet": "not computed",
               "nicht berechnet (< 300 EW)": "not computed (< 300 residents)",
               "nicht berechnet (Ausreißer)": "not computed (outlier)",
               "nicht berechnet (Daten fehlen)": "not computed (data missing)"}
INDEX_MAP = {
    "title": {"de": "Sozialindex (Methode MSS Berlin) {year}: {mode}", "en": "Social index (MSS Berlin method) {year}: {mode}"},
    "demo": {"de": "Illustrative Demodaten", "en": "Illustrative demo data"},
    "official": {"de": "Berechnet mit Bochumer Indikatoren; kein amtlicher Index",
                 "en": "Computed with Bochum indicators; not an official index"},
    "status": {"de": "Status", "en": "Status"}, "dynamics": {"de": "Dynamik", "en": "Dynamics"},
    "group": {"de": "Gruppe", "en": "Group"}, "borderline": {"de": "Grenzfall", "en": "borderline"},
    "not_computed_short": {"de": "n. b.", "en": "n/c"},
}
INDEX_MAP_MODES_EN = {"gesamt": "Overall index (status and dynamics)", "status": "Status index",
                      "dynamik": "Dynamics index"}


def compare_words(code: str, basis: str = "city", lang: str = "de") -> str:
    """The words of a §2.3 code against Bochum or against the rest of the city.

    >>> compare_words("hoeher", lang="en"), compare_words("hoeher", "rest")
    ('higher than Bochum (95 %)', 'höher als der Rest der Stadt (95 %)')
    """
    words = pick(COMPARE.get(code, COMPARE[cmp.NICHT_VERGLICHEN]), lang)
    return words.replace(*REST_BASIS.get(lang, REST_BASIS["de"])) if basis == "rest" else words


def evaluation_words(code: str, polarity: str, lang: str = "de") -> str:
    """'ungünstiger' / 'günstiger' (or English) / '' from a §2.3 code and the polarity."""
    word = cmp.evaluation(code, polarity)
    return pick(EVALUATION[word], lang) if word else ""


def change_words(code: str, lang: str = "de") -> str:
    """The §2.4 change code in words („deutlich gesunken (99,8 %)“)."""
    return pick(CHANGE.get(str(code), CHANGE[cmp.NICHT_BERECHENBAR]), lang)


def trend_words(code: str, polarity: str, lang: str = "de") -> str:
    """The §2.5 trend word with its evaluation suffix („fallend (günstige Entwicklung)“)."""
    code = str(code)
    suffix = cmp.trend_suffix(code, polarity)
    return pick(TREND[code], lang) + (pick(TREND_SUFFIX[suffix], lang) if suffix else "")


def break_note(breaks, first_year: int, last_year: int, lang: str = "de") -> str:
    """„über den Reihenbruch {b} hinweg“ when a series break falls inside the window, else ''."""
    b = cmp.series_break_within(breaks, first_year, last_year)
    return "" if b is None else pick(BREAK_NOTE, lang).format(b=b)


def index_word(word: str, lang: str = "de") -> str:
    """A Sozialindex class or exclusion reason in lang („niedrig“ → „low“)."""
    return INDEX_WORDS.get(word, word) if lang == "en" else word


def suppressed_note(lang: str = "de") -> str:
    """„geheim (Datenschutz)“."""
    return f"{pick(SUPPRESSED, lang)} ({pick(PRIVACY, lang)})"
