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
from indicators.views import sentences, statwords
from ui import data, url
from ui.components import chart, demo_banner, figure_export_menu, metadata_for, source_caption, table_downloads, view
from ui.print import inject_print_css

# how the Bochum default indicators differ from the MSS 2021 ones (METHODS.md §1.1)
DIFFERENCES = {
    "arbeitslosenanteil": {"de": "zählt SGB II und SGB III; Nenner 15–64 Jahre",
                           "en": "counts SGB II and SGB III; denominator aged 15–64"},
    "sgb2_quote": {"de": "enthält arbeitslose SGB-II-Beziehende (überschneidet sich mit dem Arbeitslosenanteil); "
                         "ohne SGB XII; Nenner unter 65 Jahre",
                   "en": "includes unemployed SGB II recipients (overlaps the unemployment share); "
                         "no SGB XII; denominator under 65"},
    "kinderarmut": {"de": "inhaltlich gleich", "en": "the same in substance"},
}
TEXT = {
    "title": {"de": si.TITLE, "en": "Social index (MSS Berlin method)"},
    "footnote": {"de": si.FOOTNOTE, "en": "Computed with the method of Berlin's Monitoring Soziale Stadtentwicklung "
                                          "using Bochum indicators; not an official index."},
    "dynamics_note": {"de": si.DYNAMICS_NOTE,
                      "en": "Dynamics are relative to the average of the districts: “negative” can also mean that a "
                            "district improved less than the others."},
    "badge": {"de": si.BORDERLINE_BADGE, "en": "Borderline – close to a class boundary"},
    "break": {"de": "Dynamik über den Reihenbruch {b} hinweg", "en": "Dynamics across the series break of {b}"},
    "no_year": {"de": "Kein Jahr hat Daten für das Berichtsjahr und {delta} Jahre davor.",
                "en": "No year has data for the report year and {delta} years before."},
    "year": {"de": "Berichtsjahr (Dynamik gegenüber {delta} Jahren vorher)",
             "en": "Report year (dynamics against {delta} years before)"},
    "mode": {"de": "Karte zeigt", "en": "Map shows"},
    "inputs": {"de": "Eingehende Indikatoren", "en": "Indicators used"},
    "focus": {"de": "Fokusquartiere", "en": "Focus districts"},
    "borderline": {"de": "Grenzfälle", "en": "Borderline cases"},
    "excluded": {"de": "Nicht berechnete Ortsteile", "en": "Districts not computed"},
    "text": {"de": "Karte als Text", "en": "Map as text"},
    "components": {"de": "z-Komponenten aller Ortsteile", "en": "z components of all districts"},
    "components_help": {"de": "z-Werte je Indikator (Status) und je Veränderung (Dynamik), ungerundet berechnet, "
                              "mit zwei Nachkommastellen angezeigt.",
                        "en": "z values per indicator (status) and per change (dynamics), computed unrounded, "
                              "shown with two decimals."},
    "none": {"de": "keine", "en": "none"},
}
COMPONENT_HEADERS = {
    "name": {"de": "Ortsteil", "en": "District"}, "z": {"de": "z {label}", "en": "z {label}"},
    "status_index": {"de": "Status-Index", "en": "Status index"}, "status": {"de": "Status", "en": "Status"},
    "dz": {"de": "Dynamik-z {label}", "en": "Dynamics z {label}"},
    "dynamics_index": {"de": "Dynamik-Index", "en": "Dynamics index"}, "dynamics": {"de": "Dynamik", "en": "Dynamics"},
    "group": {"de": "Gruppe", "en": "Group"}, "borderline": {"de": "Grenzfall", "en": "Borderline"},
    "yes": {"de": "ja", "en": "yes"}, "excluded": {"de": "nicht berechnet", "en": "not computed"},
}


v = view()
table = data.indicator_table()
catalog = data.catalog()
config = si.load_index_config()
names = area_names()
years = si.index_years(table, config)

L = v.lang
st.title(TEXT["title"][L])
inject_print_css(v.lang)
demo_banner(table, v.lang)
st.caption(TEXT["footnote"][L])
if not years:
    st.info(TEXT["no_year"][L].format(delta=config.delta_years))
    st.stop()

url.init("si_jahr", v.year if v.year in years else years[-1], years, cast=int)
url.init("si_karte", "gesamt", INDEX_MAP_MODES)
controls = st.columns([1, 2])
year = controls[0].selectbox(TEXT["year"][L].format(delta=config.delta_years), years, key="si_jahr")
mode = controls[1].radio(TEXT["mode"][L], list(INDEX_MAP_MODES), key="si_karte", horizontal=True,
                         format_func=(statwords.INDEX_MAP_MODES_EN if L == "en" else INDEX_MAP_MODES).get)
url.publish("si_jahr", year)
url.publish("si_karte", mode)

inputs = [catalog.indicators[i] for i in config.indicators if i in catalog.indicators]
st.markdown(f"**{TEXT['inputs'][L]}:** " + "; ".join(
    f"{i.label(L, short=True)}" + (f" ({DIFFERENCES[i.id][L]})" if i.id in DIFFERENCES else "") for i in inputs))

index, problem = data.sozialindex(year, config.indicators)
if index is None:
    st.error(problem)
    st.stop()

focus = tuple(a for a in focus_ids() if a in set(index["area_id"]))
fig = data.sozialindex_map(year, config.indicators, mode, focus, L)
chart(fig, key="si_map")
figure_export_menu(fig, f"sozialindex_{year}_{mode}", v.lang, key="si_export")
st.caption(TEXT["dynamics_note"][L])
for b in si.dynamics_break_years(config, catalog, year):
    st.caption(TEXT["break"][L].format(b=b))

rows = index.set_index("area_id")
st.subheader(TEXT["focus"][L])
st.markdown("\n".join(f"- {sentences.index_sentence(names[a], year, rows.loc[a], L)}" for a in focus))

borderline = [names[a] for a in rows.index[rows["grenzfall"].astype(bool)]]
st.subheader(TEXT["borderline"][L])
if borderline:
    st.markdown(f"🔶 **{TEXT['badge'][L]}:** " + ", ".join(borderline))
else:
    st.markdown(TEXT["none"][L])
excluded = rows[rows["excluded"] != ""]
st.subheader(TEXT["excluded"][L])
st.markdown("\n".join(f"- {sentences.index_sentence(names.get(a, a), year, r, L)}" for a, r in excluded.iterrows())
            if len(excluded) else TEXT["none"][L])

with st.expander(TEXT["text"][L]):
    head = sentences.alt_text("map", TEXT["title"][L], sentences.ALL_AREAS[L], str(year), lang=L)
    st.markdown(head)
    st.markdown("\n".join(f"- {sentences.index_sentence(names.get(a, a), year, rows.loc[a], L)}" for a in rows.index))


def components_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The z-components for people: labels in the UI language, two decimals, excluded rows with their reason."""
    h = {k: w[L] for k, w in COMPONENT_HEADERS.items()}
    out = pd.DataFrame({h["name"]: [names.get(a, a) for a in frame["area_id"]]})
    two = lambda col: [fmt_number(x, 2, L) if pd.notna(x) else "–" for x in frame[col]]  # noqa: E731
    words = lambda col: [statwords.index_word(c, L) for c in frame[col]]  # noqa: E731
    for i in inputs:
        out[h["z"].format(label=i.label(L, short=True))] = two(f"z_{i.id}")
    out[h["status_index"]], out[h["status"]] = two("status_index"), words("status_class")
    for i in inputs:
        out[h["dz"].format(label=i.label(L, short=True))] = two(f"dz_{i.id}")
    out[h["dynamics_index"]], out[h["dynamics"]] = two("dynamics_index"), words("dynamics_class")
    out[h["group"]] = frame["gesamt"].to_numpy()
    out[h["borderline"]] = [h["yes"] if g else "" for g in frame["grenzfall"]]
    out[h["excluded"]] = words("excluded")
    return out


st.subheader(TEXT["components"][L])
st.caption(TEXT["components_help"][L])
st.dataframe(components_table(index), hide_index=True, width="stretch")
download = index.assign(name=[names.get(a, a) for a in index["area_id"]])
table_downloads(download, f"sozialindex_{year}", v.lang, lambda: metadata_for(
    table[table["indicator_id"].isin(config.indicators) & (table["year"] == year)], config.indicators, v.lang),
    key="si_dl")
source_caption(table[table["indicator_id"].isin(config.indicators) & table["year"].isin([year, year - config.delta_years])],
               v.lang)
