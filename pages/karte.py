"""Karte: choropleth of any indicator and year, classes fixed over years, focus outlined, click to select."""

import streamlit as st

from indicators import views
from indicators.areas import area_names, focus_ids
from indicators.views import classify, mapstyle, text
from ui import data, url
from ui.components import chart, demo_banner, export_menu, indicator_downloads, shared_dataframe, source_caption, view
from ui.i18n import t
from ui.print import inject_print_css
from ui.state import MAP_STYLE_KEY, shared_selectbox
from ui.warmup import MAP_DEFAULTS  # the views computed ahead of the first click

LEVELS = {"ortsteil": {"de": "Ortsteile", "en": "Districts"},
          "stadtbezirk": {"de": "Stadtbezirke", "en": "Boroughs"}}
TEXT = {
    "level": {"de": "Ebene", "en": "Level"},
    "method": {"de": "Klassifikation", "en": "Classification"},
    "k": {"de": "Anzahl Klassen", "en": "Number of classes"},
    "fixed": {"de": "Klassen über alle Jahre festhalten", "en": "Keep classes fixed across years"},
    "fixed_help": {"de": "Gleiche Farben bedeuten in jedem Jahr dieselben Werte.",
                   "en": "The same colour means the same values in every year."},
    "animate": {"de": "Zeitverlauf abspielen", "en": "Play through the years"},
    "select": {"de": "Ortsteil auswählen (oder in der Karte anklicken)",
               "en": "Select a district (or click it on the map)"},
    "table": {"de": "Werte der Karte", "en": "Mapped values"},
    "style": {"de": "Darstellung", "en": "Display"},
}
STYLE_NOTE = {"de": "Klassifikation und Anzahl Klassen gelten nur für „Werte in Klassen“. Rot heißt ungünstiger, "
                    "Blau günstiger als Bochum; die Klasse steht auch im Tooltip.",
              "en": "Classification and number of classes apply to “Values in classes” only. Red means less "
                    "favourable, blue more favourable than Bochum; the class is also in the tooltip."}
STYLES = {"classes": {"de": "Werte in Klassen", "en": "Values in classes"},
          "deviation": {"de": "Abweichung von Bochum (Prozentpunkte)", "en": "Deviation from Bochum (pp)"},
          "comparison": {"de": "Vergleich mit Bochum (Konfidenzintervalle)", "en": "Comparison with Bochum"}}


def _select_from_map():
    """A click on the map selects that Ortsteil for every view (the select box stays the primary control)."""
    selection = st.session_state.get("karte_map", {}).get("selection", {})
    points = selection.get("points", []) if selection else []
    area_id = points[0].get("location") if points else None
    if area_id in area_names() and not area_id.startswith("sb_"):
        st.session_state["gebiet"] = st.session_state["karte_gebiet"] = area_id
        if area_id not in st.session_state.get("ot", []):
            st.session_state["ot"] = [*st.session_state.get("ot", []), area_id]


v = view()
catalog = data.catalog()
ind = catalog.indicators[v.indicator]
table = data.indicator_table()
names = area_names()

st.title(f"{t('page_map', v.lang)}: {ind.label(v.lang)}")
inject_print_css(v.lang)
ortsteil_ids = list(data.derived(views.indicator_slice, v.indicator, v.year, "ortsteil")["area_id"])
url.init("ebene", MAP_DEFAULTS["level"], LEVELS)
url.init("klassen", MAP_DEFAULTS["method"], classify.METHODS)
url.init("k", MAP_DEFAULTS["k"], range(3, 8), cast=int)
url.init("gebiet", None, ortsteil_ids)
url.init("darstellung", MAP_DEFAULTS["style"], STYLES)
style = st.radio(TEXT["style"][v.lang], list(STYLES), format_func=lambda x: STYLES[x][v.lang], key="darstellung",
                 horizontal=True)
controls = st.columns([1.2, 1.6, 1, 1.4])
level = controls[0].radio(TEXT["level"][v.lang], list(LEVELS), format_func=lambda x: LEVELS[x][v.lang],
                          key="ebene", horizontal=True)
method = controls[1].selectbox(TEXT["method"][v.lang], list(classify.METHODS), key="klassen",
                               format_func=lambda m: (classify.METHODS if v.lang == "de" else classify.METHODS_EN)[m])
k = controls[2].slider(TEXT["k"][v.lang], 3, 7, key="k")
fixed = controls[3].toggle(TEXT["fixed"][v.lang], value=MAP_DEFAULTS["fixed"], key="fix", help=TEXT["fixed_help"][v.lang])
selected = shared_selectbox(TEXT["select"][v.lang], [None, *ortsteil_ids], state_key="gebiet",
                           widget_key="karte_gebiet", format_func=lambda a: "–" if a is None else names[a],
                           placeholder="–")
# a plain session key outlives this page's widgets: the presentation's map slides follow the choice
st.session_state[MAP_STYLE_KEY] = style
for key, value in (("ebene", level), ("klassen", method), ("k", k), ("gebiet", selected), ("darstellung", style)):
    url.publish(key, value)

shown = data.derived(views.indicator_slice, v.indicator, v.year, level)
demo_banner(shown, v.lang)
geo = data.geometry(level)
geo_kind = geo["kind"].iloc[0] if len(geo) else "schematic"
st.caption(t("geometry_schematic" if geo_kind == "schematic" else "geometry_official", v.lang))
partial = mapstyle.partial_map_note(data.geometry("ortsteil")["area_id"], v.lang)  # a confirmed partial import
if partial:
    st.info(partial, icon="ℹ️")

focus = focus_ids() if level == "ortsteil" else ()
fig = data.map_figure(v.indicator, v.year, level=level, method=method, k=k, fixed=fixed, focus=focus,
                      selected=selected, lang=v.lang, style=style)
if style != "classes":
    st.caption(STYLE_NOTE[v.lang])
# the text alternative names the focus and the selected Ortsteil in sentences (map tiles carry no text for a screen reader)
described = [a for a in (*focus, selected) if a] if level == "ortsteil" else []
chart(fig, key="karte_map", on_select=_select_from_map, selection_mode="points",
      description=[data.derived(text.deviation_sentence, v.indicator, a, v.year, v.lang)
                   for a in dict.fromkeys(described)])
export_menu("map", v.indicator, v.year, focus, v.lang, key="karte_export",
            map_options={"method": method, "k": k, "selected_id": selected, "level": level, "style": style,
                         "breaks": data.derived(classify.fixed_breaks, v.indicator, method, k, level=level)
                         if fixed else None})


@st.fragment
def animation():
    """The play-through map: its toggle reruns only this part of the page."""
    if st.toggle(TEXT["animate"][v.lang], key="animation"):
        chart(data.map_animation(v.indicator, level=level, method=method, k=k, focus=focus, lang=v.lang,
                                 style=style), key="karte_animation")


animation()

st.subheader(TEXT["table"][v.lang])
display = data.indicator_display(v.indicator, v.year, level, v.lang)
shared_dataframe(display)
indicator_downloads(shown, [v.indicator], f"karte_{v.indicator}_{v.year}", v.lang, key="karte_dl")
source_caption(shown, v.lang)
