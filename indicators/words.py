"""Words for people in two languages: one rule for picking a text, and the small word tables shared by
views, figures and exports.

Every text table has the shape ``{key: {"de": …, "en": …}}``; German is the fallback.
"""

from __future__ import annotations

LANGS = ("de", "en")

LEVEL_WORDS = {
    "ortsteil": {"de": "Ortsteil", "en": "District"},
    "stadtbezirk": {"de": "Stadtbezirk", "en": "Borough"},
    "stadt": {"de": "Stadt", "en": "City"},
}


def pick(texts, lang: str = "de", default: str = "") -> str:
    """The text in lang; the German one when lang has none or an empty one; a plain string as it is.

    >>> pick({"de": "Karte", "en": "Map"}, "en"), pick({"de": "Karte", "en": ""}, "en"), pick("Karte", "en")
    ('Map', 'Karte', 'Karte')
    >>> pick({}, "en", "kinderarmut"), pick(None, "en", "–")
    ('kinderarmut', '–')
    """
    if texts is None:
        return default
    if not isinstance(texts, dict):
        return str(texts)
    return texts.get(lang) or texts.get("de") or default


def in_lang(table: dict, lang: str = "de") -> dict:
    """A text table {key: {"de": …, "en": …}} read in one language, each text through pick.

    >>> in_lang({"map": {"de": "Karte", "en": "Map"}, "trend": {"de": "Entwicklung"}}, "en")
    {'map': 'Map', 'trend': 'Entwicklung'}
    """
    return {key: pick(texts, lang) for key, texts in table.items()}


def source_title(source: dict | None, source_id: str, lang: str = "de") -> str:
    """A source's title in lang, else its id.

    >>> source_title({"title": {"de": "Demodaten", "en": "Demo data"}}, "demo", "en"), source_title(None, "x")
    ('Demo data', 'x')
    """
    return pick((source or {}).get("title"), lang, source_id) or source_id
