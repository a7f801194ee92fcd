"""Steckbrief: one Ortsteil on one page – every indicator against its Stadtbezirk and the city."""

import html

import streamlit as st

from indicators.areas import area_names, focus_ids, ortsteile, parent_of
from indicators.export import report
from indicators.formats import fmt_date, fmt_number
from indicators.load import published
from indicators.views import peers, sentences, text
from ui import data, url
from ui.components import (
    chart,
    demo_banner,
    export_available,
    indicator_downloads,
    shared_dataframe,
    source_caption,
    view,
)
from ui.i18n import t
from ui.state import shared_selectbox

LOCATOR = {"de": "Lageplan: {name} (Stadtbezirk {bezirk}) ist in der Übersichtskarte aller Ortsteile Bochums hervorgehoben.",
           "en": "Locator: {name} (borough {bezirk}) is highlighted on the overview map of all districts of Bochum."}
TEXT = {
    "pdf": {"de": "Steckbrief als PDF (2 Seiten A4)", "en": "Profile as PDF (2 A4 pages)"},
    "choose": {"de": "Ortsteil", "en": "District"},
    "in": {"de": "Stadtbezirk", "en": "Borough"},
    "summary": {"de": "Kurzfassung", "en": "Summary"},
    "where": {"de": "Lage im Stadtgebiet", "en": "Location in the city"},
    "all": {"de": "Alle Indikatoren im Vergleich", "en": "All indicators compared"},
    "trends": {"de": "Entwicklung in den Themenfeldern", "en": "Trends by theme"},
    "published": {"de": "Veröffentlichte Zahlen zu diesem Ortsteil", "en": "Published figures on this district"},
    "published_none": {"de": "Für diesen Ortsteil wurden keine veröffentlichten Zahlen gefunden.",
                       "en": "No published figures were found for this district."},
    "statistics": {"de": "Statistisch eingeordnet: die Schlüsselindikatoren",
                   "en": "In statistical context: the key indicators"},
    "open_peer": {"de": "Steckbrief dieses Ortsteils öffnen", "en": "Open this district's profile"},
    "distance": {"de": "Abstand", "en": "Distance"},
    "published_help": {"de": "Echte, veröffentlichte Werte mit eigener Definition und Stichtag – nicht Teil der Demodaten.",
                       "en": "Real published values with their own definition and date – not part of the demo data."},
}

v = view()
catalog = data.catalog()
table = data.indicator_table()
names = area_names()
ids = ortsteile()["area_id"].tolist()
url.init("gebiet", (list(v.ortsteile) or focus_ids())[0], ids)
if st.session_state.get("gebiet") not in ids:  # e.g. nothing selected on the map
    st.session_state["gebiet"] = (list(v.ortsteile) or focus_ids())[0]
area_id = shared_selectbox(TEXT["choose"][v.lang], ids, state_key="gebiet", widget_key="steckbrief_gebiet",
                          format_func=names.get)
url.publish("gebiet", area_id)
bezirk = parent_of()[area_id]

badge = " · Fokusquartier „Zusammen im Quartier“" if area_id in focus_ids() and v.lang == "de" else (
    " · focus district" if area_id in focus_ids() else "")
st.title(f"{t('page_profile', v.lang)}: {names[area_id]}")
st.markdown(f"{TEXT['in'][v.lang]} {names[bezirk]}{badge} · {t('year', v.lang)} {v.year}")
shown = data.rows_of_areas((area_id, bezirk, "bochum"))
demo_banner(shown, v.lang)
if export_available(v.lang):
    st.download_button(TEXT["pdf"][v.lang], lambda: report.report_pdf(table, area_id, v.year, v.lang),
                       report.report_filename(area_id, v.year), "application/pdf", key="steckbrief_pdf",
                       on_click="ignore", icon="📄")

left, right = st.columns([2, 1])
with left:
    st.subheader(TEXT["summary"][v.lang])
    st.markdown(data.derived(text.profile_summary, area_id, v.year, v.lang))
with right:
    st.subheader(TEXT["where"][v.lang])
    chart(data.locator_map(area_id), key="locator",
          description=LOCATOR[v.lang].format(name=names.get(area_id, area_id), bezirk=names[bezirk]))

st.subheader(TEXT["all"][v.lang])
chart(data.profile_bars(area_id, v.year, v.lang), key="profile_bars")
rows = data.area_rows(area_id, v.year)
shared_dataframe(data.area_display(area_id, v.year, v.lang))
indicator_downloads(rows, catalog.indicators, f"steckbrief_{area_id}_{v.year}", v.lang, key="steckbrief_dl")


# the template sentences of METHODS.md §4: count, interval-based comparison, change and trend of each
# theme's key indicator
st.subheader(TEXT["statistics"][v.lang])
for theme in catalog.themes.values():
    if theme.key_indicator:
        key_ind = catalog.indicators[theme.key_indicator]
        st.markdown(f"**{key_ind.label(v.lang, short=True)}:** " + " ".join(
            data.derived(sentences.indicator_summary, area_id, names[area_id], v.year, key_ind, lang=v.lang)))


def _open_profile(peer_id: str) -> None:
    """A peer's button opens that Ortsteil's Steckbrief (the shared choice every page reads)."""
    st.session_state["gebiet"] = peer_id


def peers_section(area: str, year: int) -> None:
    """„Die 5 ähnlichsten Ortsteile“ by population structure (METHODS.md §3)."""
    found = data.peers(year, area)
    st.subheader(peers.heading(year, v.lang))
    labels = peers.variable_labels(v.lang)
    if found["peers"].empty:
        st.caption(found["note"])
        return
    for row in found["peers"].itertuples(index=False):
        cols = st.columns([1.4, 3.6, 1])
        cols[0].button(f"{row.rank}. {names[row.area_id]}", key=f"peer_{row.area_id}", on_click=_open_profile,
                       args=(row.area_id,), help=TEXT["open_peer"][v.lang])
        cols[1].markdown(f"{peers.row_text(labels[row.similar_by], labels[row.differs_by], v.lang)} · "
                         f"{TEXT['distance'][v.lang]} {fmt_number(row.distance, 2, v.lang)}")
        badge_text = peers.badge(row.stabil, v.lang)
        if badge_text:
            cols[2].markdown(f"**{badge_text}**")
    st.caption(peers.fixed_note([labels[k] for k in found["variables"]], v.lang)
               + (" " + found["note"] if found["note"] else ""))


peers_section(area_id, v.year)

st.subheader(TEXT["trends"][v.lang])
key_ids = [th.key_indicator for th in catalog.themes.values() if th.key_indicator]
cols = st.columns(2)
for i, indicator_id in enumerate(key_ids):
    with cols[i % 2]:
        chart(data.trend_figure(indicator_id, [area_id], "absolute", v.lang), key=f"steckbrief_trend_{indicator_id}",
              description=data.derived(text.trend_sentence, indicator_id, area_id, v.year, v.lang))

st.subheader(TEXT["published"][v.lang])
facts = published.for_area(area_id)
if facts.empty:
    st.caption(TEXT["published_none"][v.lang])
else:
    st.caption(TEXT["published_help"][v.lang])
    labels = published.measure_labels()
    for row in facts.itertuples():
        value = published.format_value(row.value, row.unit, v.lang)  # as in the PDF report
        st.markdown(f"- **{html.escape(labels.get(row.measure, row.measure))}**: {value} "
                    f"({fmt_date(row.reference_date, v.lang)}) – {html.escape(str(row.definition_de))} "
                    f"[{t('source_line', v.lang)}]({row.source_url})")
source_caption(shown, v.lang)
