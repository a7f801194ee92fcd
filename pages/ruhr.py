"""Bochum im Vergleich: Bochum against a comparison set of Kreise, NRW and Germany on official Kreis figures."""

import html

import pandas as pd
import streamlit as st

from indicators.load import kreise
from indicators.views import kreise as kreise_views
from indicators.views import ruhr as ruhr_views
from ui import data, url
from ui.components import EXPORT_TEXT, chart, demo_banner, export_available, shared_dataframe, table_downloads, view
from ui.i18n import t

DEFAULT_MEASURE = "langzeitarbeitslose_an_arbeitslosen"
TEXT = {
    "intro": {"de": "Amtliche Kreiswerte der Statistischen Ämter des Bundes und der Länder für jeden Kreis in "
                    "Deutschland: Bochum im Vergleich mit einer wählbaren Gruppe von Kreisen, mit Nordrhein-Westfalen "
                    "und Deutschland. Echte, veröffentlichte Zahlen – keine Demodaten.",
              "en": "Official district figures of the statistical offices for every district in Germany: Bochum "
                    "compared with a chosen group of districts, with North Rhine-Westphalia and Germany. Real "
                    "published figures – no demo data."},
    "set": {"de": "Vergleichsgruppe", "en": "Comparison group"},
    "pick": {"de": "Kreise auswählen (Name eintippen)", "en": "Pick districts (type a name)"},
    "pick_help": {"de": "Bochum ist immer dabei.", "en": "Bochum is always included."},
    "members": {"de": "{n} Kreise in der Gruppe: {names}", "en": "{n} districts in the group: {names}"},
    "computed": {"de": "Berechnet", "en": "Computed"},
    "official": {"de": "Amtlich veröffentlicht", "en": "Officially published"},
    "definition": {"de": "Definition", "en": "Definition"},
    "notes": {"de": "Hinweise zu diesen Daten", "en": "Notes on these figures"},
    "ranking": {"de": "Rangfolge in der Vergleichsgruppe", "en": "Ranking in the comparison group"},
    "trend": {"de": "Entwicklung mit dem Median der Gruppe", "en": "Trend with the group's median"},
    "one_year": {"de": "Für diesen Indikator liegt nur {year} vor – keine Zeitreihe.",
                 "en": "This indicator is available for {year} only – no time series."},
    "position": {"de": "Bochums Position über alle Quoten und Jahre", "en": "Bochum's position across all rates and years"},
    "position_help": {"de": "Rang 1 = höchster Wert in der Gruppe. Bei den Quoten dieser Seite bedeutet ein hoher Wert "
                            "eine ungünstigere Lage (außer beim Anteil unter 18, ohne Wertung).",
                      "en": "Rank 1 = highest value in the group. For the rates on this page a high value means a less "
                            "favourable situation (except the share under 18, which is neutral)."},
    "table": {"de": "Tabelle", "en": "Table"},
    "chart_data": {"de": "Daten des Diagramms als Tabelle", "en": "Chart data as a table"},
    "gaps": {"de": "Lücken in den Linien: Jahre ohne amtliche Datei ({years}) bzw. unterdrückte Werte – nichts ist "
                   "interpoliert. Gepunktet (grün, Dreiecke): Median der Gruppe.",
             "en": "Gaps in the lines: years without an official file ({years}) or suppressed values – nothing is "
                   "interpolated. Dotted (green, triangles): the group's median."},
    "median_only": {"de": "Gepunktet (grün, Dreiecke): Median der Gruppe.",
                    "en": "Dotted (green, triangles): the group's median."},
    "position_table": {"de": "Bochums Rang je Quote und Jahr als Tabelle", "en": "Bochum's rank per rate and year"},
}
SET_KEY, PICK_KEY, MEASURE_KEY, YEAR_KEY = "vgl", "kreis", "ruhr_ind", "ruhr_jahr"

v = view()
lang = v.lang
measures = data.kreis_measures()
ids = list(measures)
areas = data.kreis_areas()
names = dict(zip(areas["area_id"], areas["name"]))
kreis_rows = areas[areas["level"] == "kreis"]
ags_of = dict(zip(kreis_rows["area_id"], kreis_rows["ags"]))
all_ags = kreis_rows["ags"].tolist()


def _label(measure_id: str) -> str:
    m = measures[measure_id]
    kind = TEXT["computed" if m.kind == ruhr_views.KIND_INDICATOR else "official"][lang]
    return f"{kind} · {m.label(lang, short=True)} ({ruhr_views.year_span(m.years)})"


st.title(t("page_ruhr", lang))
st.caption(TEXT["intro"][lang])

url.init(SET_KEY, kreise.SET_RUHR, kreise.SETS)
set_id = st.radio(TEXT["set"][lang], kreise.SETS, key=SET_KEY, horizontal=False,
                  format_func=lambda s: kreise.SET_LABELS[s][lang])
url.publish(SET_KEY, set_id)
picked = []
if set_id == kreise.SET_AUSWAHL:
    url.init(PICK_KEY, ["05911", "05913", "05113"], all_ags, many=True)
    label_of = dict(zip(kreis_rows["ags"], kreis_rows["name"] + " (" + kreis_rows["ags"] + ")"))
    picked = st.multiselect(TEXT["pick"][lang], all_ags, key=PICK_KEY, format_func=label_of.get,
                            help=TEXT["pick_help"][lang])
    url.publish(PICK_KEY, picked, many=True)
members = data.set_members(set_id, tuple(picked))
with st.expander(TEXT["members"][lang].format(n=len(members), names=", ".join(names[a] for a in members[:4]) + " …")):
    st.markdown(", ".join(html.escape(names[a]) for a in members))

url.init(MEASURE_KEY, DEFAULT_MEASURE, ids)
cols = st.columns([3, 2])
measure_id = cols[0].selectbox(t("indicator", lang), ids, key=MEASURE_KEY, format_func=_label)
measure = measures[measure_id]
years = list(measure.years)
url.init(YEAR_KEY, years[-1], years, cast=int)
if st.session_state[YEAR_KEY] not in years:  # the previous measure had other years
    st.session_state[YEAR_KEY] = years[-1]
year = int(cols[1].select_slider(t("year", lang), options=years, key=YEAR_KEY))
url.publish(MEASURE_KEY, measure_id)
url.publish(YEAR_KEY, year)

view_texts = data.kreis_view(set_id, tuple(members), measure_id, year, lang)
demo_banner(pd.DataFrame({"is_demo": [view_texts["is_demo"]]}), lang)  # official figures: no banner
st.markdown(view_texts["sentence"])
st.markdown(f"**{TEXT['definition'][lang]}:** {html.escape(measure.definition.get(lang, ''))}")
gap_years = view_texts["gap_years"]
with st.expander(TEXT["notes"][lang], expanded=len(years) == 1):
    st.markdown("\n".join(f"- {n}" if "`" in n else f"- {html.escape(n)}" for n in view_texts["notes"]))

st.subheader(TEXT["ranking"][lang])
chart(data.kreis_chart("ranking", set_id, tuple(members), measure_id, year, lang), key="ruhr_ranking")
st.caption(view_texts["text_alternative"])

st.subheader(TEXT["trend"][lang])
if len(years) > 1:
    chart(data.kreis_chart("trend", set_id, tuple(members), measure_id, None, lang), key="ruhr_trend")
    st.caption(TEXT["gaps"][lang].format(years=ruhr_views.year_span(gap_years) or "–") if gap_years
               or view_texts["has_missing"] else TEXT["median_only"][lang])
    with st.expander(TEXT["chart_data"][lang]):
        shared_dataframe(view_texts["trend_table"])
else:
    st.info(TEXT["one_year"][lang].format(year=years[0]))

st.subheader(TEXT["position"][lang])
chart(data.kreis_chart("position", set_id, tuple(members), "", None, lang), key="ruhr_position")
st.caption(TEXT["position_help"][lang])
with st.expander(TEXT["position_table"][lang]):
    shared_dataframe(data.kreis_position_table(set_id, tuple(members), lang))

st.subheader(TEXT["table"][lang])
shared_dataframe(view_texts["display"])
base = f"vergleich_{set_id}_{measure_id}_{year}"


def _export(fmt: str, kind: str = "ranking") -> bytes:
    """Made only when a button is clicked (the full Kreis table is needed then, not on every rerun)."""
    from indicators.export import kreise as kreise_export

    return kreise_export.export_bytes(fmt, data.set_table(set_id, tuple(members)), measures, measure_id, year, set_id, list(members),
                                      lang, kind=kind)


table_downloads(lambda: kreise_views.export_frame(data.set_table(set_id, tuple(members)), measure, year, members, names, lang), base,
                lang, data.kreis_metadata(set_id, tuple(members), measure_id, lang), key="ruhr_dl")
with st.expander(EXPORT_TEXT["menu"][lang]):  # keyboard-reachable, like ui.components.export_menu
    st.caption(EXPORT_TEXT["help"][lang])
    if export_available(lang):
        from indicators import export

        for kind in ("ranking", "trend"):
            for fmt in ("png", "svg", "pdf"):
                st.download_button(
                    f"{TEXT[kind][lang]} – " + EXPORT_TEXT["image"][lang].format(fmt=fmt.upper()),
                    lambda fmt=fmt, kind=kind: _export(fmt, kind), f"{base}_{kind}.{fmt}", export.MEDIA_TYPES[fmt],
                    key=f"ruhr_{kind}_{fmt}", on_click="ignore")
st.caption(f"{t('source_line', lang)}: {html.escape(view_texts['source_line'])}")
