"""The shared view (indicator, year, Ortsteile, language) and the page list; all of it lives in the URL."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from indicators.areas import focus_ids, ortsteile
from indicators.catalog import load_catalog
from ui import url
from ui.i18n import LANGUAGES, t

DEFAULT_INDICATOR = "langzeitarbeitslosenanteil"
# the map style chosen on the Karte page ('classes', 'deviation', 'comparison'); the presentation's map
# slides follow it (a plain key: a widget's own value is forgotten when its page is left)
MAP_STYLE_KEY = "map_style"

# (script, title key, icon, url path); emoji icons only: Material icons load a web font
PAGES = [
    ("pages/ueberblick.py", "page_overview", "🏠", "ueberblick"),
    ("pages/karte.py", "page_map", "🗺️", "karte"),
    ("pages/trends.py", "page_trends", "📈", "trends"),
    ("pages/vergleich.py", "page_compare", "📊", "vergleich"),
    ("pages/steckbrief.py", "page_profile", "📄", "steckbrief"),
    ("pages/sozialindex.py", "page_index", "🧭", "sozialindex"),
    ("pages/ruhr.py", "page_ruhr", "🏙️", "ruhr"),
    ("pages/daten.py", "page_data", "🗂️", "daten"),
    ("pages/importieren.py", "page_import", "📥", "importieren"),
    ("pages/barrierefreiheit.py", "page_a11y", "♿", "barrierefreiheit"),
    # last: it hides the sidebar (projector mode), and the browser test walks the links in this order
    ("pages/praesentation.py", "page_present", "🖥️", "praesentation"),
]


@dataclass(frozen=True)
class View:
    """What the user is looking at; every page reads it, the sidebar writes it."""

    indicator: str
    year: int
    ortsteile: tuple[str, ...]
    lang: str


EDITOR_PAGES = ("pages/importieren.py",)  # hidden from viewers' navigation (the page itself refuses them too)
IMPORT_PAGE = "importieren"  # url path of the import page


def page_objects(lang: str, can_edit: bool = True) -> list:
    """st.Page objects for st.navigation, from the one page list.

    For a viewer the import page is hidden, not left out: its URL still opens it, and the page
    explains in German why it may not be used, instead of Streamlit's English "page not found".
    """
    return [st.Page(path, title=t(key, lang), icon=icon, url_path=slug, default=(i == 0),
                    visibility="visible" if can_edit or path not in EDITOR_PAGES else "hidden")
            for i, (path, key, icon, slug) in enumerate(PAGES)]


def current_lang() -> str:
    """The chosen language (the sidebar's radio; German until it has run)."""
    return st.session_state.get("lang", "de")


def _indicator_label(indicator_id: str, lang: str) -> str:
    catalog = load_catalog()
    ind = catalog.indicators[indicator_id]
    theme = catalog.themes[ind.theme].title
    return f"{theme.get(lang, theme['de'])} · {ind.label(lang, short=True)}"


def sidebar(years: list[int]) -> View:
    """Render the shared sidebar and return the view it describes."""
    catalog = load_catalog()
    names = dict(zip(ortsteile()["area_id"], ortsteile()["name"]))
    url.init("lang", "de", LANGUAGES)
    url.init("ind", DEFAULT_INDICATOR, catalog.indicators)
    url.init("jahr", years[-1], years, cast=int)
    url.init("ot", focus_ids(), names, many=True)
    with st.sidebar:
        lang = st.radio(t("language", current_lang()), list(LANGUAGES), key="lang",
                        format_func=LANGUAGES.get, horizontal=True)
        indicator = st.selectbox(t("indicator", lang), list(catalog.indicators), key="ind",
                                 format_func=lambda i: _indicator_label(i, lang))
        year = st.select_slider(t("year", lang), options=years, key="jahr")
        chosen = st.multiselect(t("ortsteile", lang), list(names), key="ot",
                                format_func=names.get, help=t("ortsteile_help", lang))
    url.publish("lang", lang)
    url.publish("ind", indicator)
    url.publish("jahr", year)
    url.publish("ot", chosen, many=True)
    return View(indicator=indicator, year=int(year), ortsteile=tuple(chosen), lang=lang)


def _adopt(widget_key: str, state_key: str) -> None:
    st.session_state[state_key] = st.session_state[widget_key]


def shared_selectbox(label: str, options: list, *, state_key: str, widget_key: str, container=st, **kwargs):
    """A select box whose value is shared by several pages (e.g. the chosen Ortsteil).

    Streamlit forgets a widget's value when its page is left, so the value lives under a plain
    session key; each page's own widget starts from it and writes back to it when changed.
    """
    st.session_state[widget_key] = st.session_state.get(state_key)
    value = container.selectbox(label, options, key=widget_key, on_change=_adopt,
                                args=(widget_key, state_key), **kwargs)
    st.session_state[state_key] = value
    return value
