"""Bochum im Ruhrgebiet: Bochum against the other Ruhr Kreise, NRW and Germany on official Kreis figures."""

import html

import streamlit as st

from indicators.views import ruhr as ruhr_views
from ui import data, url
from ui.components import chart, demo_banner, table_downloads, view
from ui.i18n import t

DEFAULT_MEASURE = "langzeitarbeitslose_an_arbeitslosen"
TEXT = {
    "intro": {"de": "Amtliche Kreiswerte der Regionaldatenbank Deutschland: Bochum im Vergleich mit den übrigen "
                    "14 Kreisen und kreisfreien Städten des Ruhrgebiets, Nordrhein-Westfalen und Deutschland. "
                    "Echte, veröffentlichte Zahlen – keine Demodaten.",
              "en": "Official district figures from the Regional Database Germany: Bochum compared with the other "
                    "14 districts and cities of the Ruhr, North Rhine-Westphalia and Germany. Real published "
                    "figures – no demo data."},
    "computed": {"de": "Berechnet", "en": "Computed"},
    "official": {"de": "Amtlich veröffentlicht", "en": "Officially published"},
    "definition": {"de": "Definition", "en": "Definition"},
    "notes": {"de": "Hinweise zu diesen Daten", "en": "Notes on these figures"},
    "ranking": {"de": "Rangfolge der Ruhr-Kreise", "en": "Ranking of the Ruhr districts"},
    "trend": {"de": "Entwicklung", "en": "Trend"},
    "one_year": {"de": "Für diesen Indikator lässt sich aus den Ruhr-Daten nur {year} berechnen – keine Zeitreihe.",
                 "en": "From the Ruhr data this indicator can be computed for {year} only – no time series."},
    "position": {"de": "Bochums Position über alle Quoten und Jahre", "en": "Bochum's position across all rates and years"},
    "position_help": {"de": "Rang 1 = höchster Wert unter den 15 Kreisen. Bei den Quoten dieser Seite bedeutet ein "
                            "hoher Wert eine ungünstigere Lage (außer beim Anteil unter 18, ohne Wertung).",
                      "en": "Rank 1 = highest value among the 15 districts. For the rates on this page a high value "
                            "means a less favourable situation (except the share under 18, which is neutral)."},
    "table": {"de": "Tabelle", "en": "Table"},
    "gaps": {"de": "Lücken in den Linien: Werte unterdrückt bzw. nicht veröffentlicht.",
             "en": "Gaps in the lines: values suppressed or not published."},
}

v = view()
table = data.ruhr_table()
measures = data.ruhr_measures()
ids = list(measures)


def _label(measure_id: str) -> str:
    m = measures[measure_id]
    kind = TEXT["computed" if m.kind == ruhr_views.KIND_INDICATOR else "official"][v.lang]
    return f"{kind} · {m.label(v.lang, short=True)} ({ruhr_views.year_span(m.years)})"


st.title(t("page_ruhr", v.lang))
st.caption(TEXT["intro"][v.lang])

url.init("ruhr_ind", DEFAULT_MEASURE, ids)
cols = st.columns([3, 2])
measure_id = cols[0].selectbox(t("indicator", v.lang), ids, key="ruhr_ind", format_func=_label)
measure = measures[measure_id]
years = list(measure.years)
url.init("ruhr_jahr", years[-1], years, cast=int)
if st.session_state["ruhr_jahr"] not in years:  # the previous measure had other years
    st.session_state["ruhr_jahr"] = years[-1]
year = int(cols[1].select_slider(t("year", v.lang), options=years, key="ruhr_jahr"))
url.publish("ruhr_ind", measure_id)
url.publish("ruhr_jahr", year)

shown = table[table["indicator_id"] == measure_id]
demo_banner(shown, v.lang)  # official figures: is_demo is False, so no banner
st.markdown(data.ruhr_summary(measure_id, year, v.lang))
st.markdown(f"**{TEXT['definition'][v.lang]}:** {html.escape(measure.definition.get(v.lang, ''))}")
with st.expander(TEXT["notes"][v.lang], expanded=len(years) == 1):
    st.markdown("\n".join(f"- {html.escape(n)}" for n in measure.notes.get(v.lang, [])))

# one chart per row: side by side the legends and the long Kreis names leave too little room
st.subheader(TEXT["ranking"][v.lang])
chart(data.ruhr_chart("ranking", measure_id, year, v.lang), key="ruhr_ranking")
st.subheader(TEXT["trend"][v.lang])
if len(years) > 1:
    chart(data.ruhr_chart("trend", measure_id, None, v.lang), key="ruhr_trend")
    if shown["value"].isna().any():
        st.caption(TEXT["gaps"][v.lang])
else:
    st.info(TEXT["one_year"][v.lang].format(year=years[0]))

st.subheader(TEXT["position"][v.lang])
chart(data.ruhr_chart("position", "", None, v.lang), key="ruhr_position")
st.caption(TEXT["position_help"][v.lang])

st.subheader(TEXT["table"][v.lang])
display = data.ruhr_display(measure_id, year, v.lang)
st.dataframe(display, hide_index=True, width="stretch")
table_downloads(display, f"ruhr_{measure_id}_{year}", v.lang, ruhr_views.metadata_frame(measure, v.lang),
                key="ruhr_dl")
st.caption(f"{t('source_line', v.lang)}: {html.escape(ruhr_views.source_line(measure, v.lang))}")
