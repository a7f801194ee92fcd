"""Sozialindex (Methode MSS Berlin): status, dynamics and the 12 groups, with exclusions and z-components.

The page only shows what indicators.build.sozialindex computes; which indicators enter is configured
in data/catalog.yaml (block ``sozialindex``). The map's text alternative is the generated sentences
and the data table below it.
"""

import pandas as pd
import streamlit as st

from indicators.areas import area_names, focus_ids
from indicators.build import sozialindex as si
from indicators.figures import INDEX_MAP_MODES
from indicators.formats import fmt_number
from indicators.views import sentences
from ui import data, url
from ui.components import chart, demo_banner, figure_export_menu, metadata_for, source_caption, table_downloads, view
from ui.print import inject_print_css

# how the Bochum default indicators differ from the MSS 2021 ones (METHODS.md §1.1)
DIFFERENCES = {
    "arbeitslosenanteil": "zählt SGB II und SGB III; Nenner 15–64 Jahre",
    "sgb2_quote": "enthält arbeitslose SGB-II-Beziehende (überschneidet sich mit dem Arbeitslosenanteil); "
                  "ohne SGB XII; Nenner unter 65 Jahre",
    "kinderarmut": "inhaltlich gleich",
}
TEXT = {
    "year": "Berichtsjahr (Dynamik gegenüber {delta} Jahren vorher)",
    "mode": "Karte zeigt",
    "inputs": "Eingehende Indikatoren",
    "focus": "Fokusquartiere",
    "borderline": "Grenzfälle",
    "excluded": "Nicht berechnete Ortsteile",
    "text": "Karte als Text",
    "components": "z-Komponenten aller Ortsteile",
    "components_help": "z-Werte je Indikator (Status) und je Veränderung (Dynamik), ungerundet berechnet, "
                       "mit zwei Nachkommastellen angezeigt.",
    "none": "keine",
}

v = view()
table = data.indicator_table()
catalog = data.catalog()
config = si.load_index_config()
names = area_names()
years = si.index_years(table, config)

st.title(si.TITLE)
inject_print_css(v.lang)
demo_banner(table, v.lang)
st.caption(si.FOOTNOTE)
if not years:
    st.info(f"Kein Jahr hat Daten für das Berichtsjahr und {config.delta_years} Jahre davor.")
    st.stop()

url.init("si_jahr", v.year if v.year in years else years[-1], years, cast=int)
url.init("si_karte", "gesamt", INDEX_MAP_MODES)
controls = st.columns([1, 2])
year = controls[0].selectbox(TEXT["year"].format(delta=config.delta_years), years, key="si_jahr")
mode = controls[1].radio(TEXT["mode"], list(INDEX_MAP_MODES), format_func=INDEX_MAP_MODES.get, key="si_karte",
                         horizontal=True)
url.publish("si_jahr", year)
url.publish("si_karte", mode)

inputs = [catalog.indicators[i] for i in config.indicators if i in catalog.indicators]
st.markdown(f"**{TEXT['inputs']}:** " + "; ".join(
    f"{i.label('de', short=True)}" + (f" ({DIFFERENCES[i.id]})" if i.id in DIFFERENCES else "") for i in inputs))

index, problem = data.sozialindex(year, config.indicators)
if index is None:
    st.error(problem)
    st.stop()

focus = tuple(a for a in focus_ids() if a in set(index["area_id"]))
fig = data.sozialindex_map(year, config.indicators, mode, focus)
chart(fig, key="si_map")
figure_export_menu(fig, f"sozialindex_{year}_{mode}", v.lang, key="si_export")
st.caption(si.DYNAMICS_NOTE)
for note in si.break_notes(config, catalog, year):
    st.caption(note)

rows = index.set_index("area_id")
st.subheader(TEXT["focus"])
st.markdown("\n".join(f"- {sentences.index_sentence(names[a], year, rows.loc[a])}" for a in focus))

borderline = [names[a] for a in rows.index[rows["grenzfall"].astype(bool)]]
st.subheader(TEXT["borderline"])
if borderline:
    st.markdown(f"🔶 **{si.BORDERLINE_BADGE}:** " + ", ".join(borderline))
else:
    st.markdown(TEXT["none"])
excluded = rows[rows["excluded"] != ""]
st.subheader(TEXT["excluded"])
st.markdown("\n".join(f"- {names.get(a, a)}: {r}" for a, r in excluded["excluded"].items()) if len(excluded)
            else TEXT["none"])

with st.expander(TEXT["text"]):
    head = sentences.alt_text("map", "Sozialindex (Methode MSS Berlin)", sentences.ALL_ORTSTEILE, str(year))
    st.markdown(head)
    st.markdown("\n".join(f"- {sentences.index_sentence(names.get(a, a), year, rows.loc[a])}" for a in rows.index))


def components_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The z-components for people: German labels, two decimals, excluded rows with their reason."""
    out = pd.DataFrame({"Ortsteil": [names.get(a, a) for a in frame["area_id"]]})
    two = lambda col: [fmt_number(x, 2) if pd.notna(x) else "–" for x in frame[col]]  # noqa: E731
    for i in inputs:
        out[f"z {i.label('de', short=True)}"] = two(f"z_{i.id}")
    out["Status-Index"], out["Status"] = two("status_index"), frame["status_class"].to_numpy()
    for i in inputs:
        out[f"Dynamik-z {i.label('de', short=True)}"] = two(f"dz_{i.id}")
    out["Dynamik-Index"], out["Dynamik"] = two("dynamics_index"), frame["dynamics_class"].to_numpy()
    out["Gruppe"] = frame["gesamt"].to_numpy()
    out["Grenzfall"] = ["ja" if g else "" for g in frame["grenzfall"]]
    out["nicht berechnet"] = frame["excluded"].to_numpy()
    return out


st.subheader(TEXT["components"])
st.caption(TEXT["components_help"])
st.dataframe(components_table(index), hide_index=True, width="stretch")
download = index.assign(name=[names.get(a, a) for a in index["area_id"]])
table_downloads(download, f"sozialindex_{year}", v.lang, lambda: metadata_for(
    table[table["indicator_id"].isin(config.indicators) & (table["year"] == year)], config.indicators, v.lang),
    key="si_dl")
source_caption(table[table["indicator_id"].isin(config.indicators) & table["year"].isin([year, year - config.delta_years])],
               v.lang)
