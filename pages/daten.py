"""Daten & Methoden: the indicator table with filters and downloads; definitions, formulas, sources."""

import streamlit as st

from indicators.areas import area_names
from indicators.safe_text import markdown_text
from indicators.words import pick
from ui import data
from ui.components import (
    demo_banner,
    indicator_downloads,
    metadata_for,
    shared_dataframe,
    source_text,
    table_downloads,
    view,
)
from ui.i18n import t

TEXT = {
    "table": {"de": "Indikatortabelle", "en": "Indicator table"},
    "filter_ind": {"de": "Indikatoren", "en": "Indicators"},
    "filter_level": {"de": "Ebenen", "en": "Levels"},
    "filter_years": {"de": "Jahre", "en": "Years"},
    "rows": {"de": "{n} Zeilen", "en": "{n} rows"},
    "dl_shown": {"de": "Angezeigte Zeilen herunterladen", "en": "Download the rows shown"},
    "dl_all": {"de": "Alles herunterladen (alle Indikatoren, Gebiete und Jahre, Rohwerte)",
               "en": "Download everything (all indicators, areas and years, raw values)"},
    "methods": {"de": "Definitionen und Formeln", "en": "Definitions and formulas"},
    "sources": {"de": "Quellen und Lizenzen", "en": "Sources and licences"},
    "formula": {"de": "Formel", "en": "Formula"},
    "unit": {"de": "Einheit", "en": "Unit"},
    "polarity": {"de": "Lesart", "en": "Reading"},
    "caveats": {"de": "Hinweise", "en": "Caveats"},
    "origin": {"de": "Datengrundlage", "en": "Data basis"},
}
LEVEL_LABELS = {"ortsteil": {"de": "Ortsteil", "en": "District"}, "stadtbezirk": {"de": "Stadtbezirk", "en": "Borough"},
                "stadt": {"de": "Stadt", "en": "City"}}
POLARITY = {"higher_is_worse": {"de": "höher = ungünstiger", "en": "higher = worse"},
            "higher_is_better": {"de": "höher = günstiger", "en": "higher = better"},
            "neutral": {"de": "ohne Wertung", "en": "neutral"}}

v = view()
catalog = data.catalog()
table = data.indicator_table()
years = sorted(table["year"].unique().tolist())

st.title(t("page_data", v.lang))
st.subheader(TEXT["table"][v.lang])
cols = st.columns([2, 1, 1.5])
chosen = cols[0].multiselect(TEXT["filter_ind"][v.lang], list(catalog.indicators), default=[v.indicator],
                             format_func=lambda i: catalog.indicators[i].label(v.lang, short=True), key="d_ind")
levels = cols[1].multiselect(TEXT["filter_level"][v.lang], list(LEVEL_LABELS), default=list(LEVEL_LABELS),
                             format_func=lambda x: LEVEL_LABELS[x][v.lang], key="d_level")
span = cols[2].select_slider(TEXT["filter_years"][v.lang], years, value=(v.year, v.year), key="d_years")

rows, display = data.filtered_display(tuple(chosen), tuple(levels), span[0], span[1], v.lang)
demo_banner(rows, v.lang)
st.caption(TEXT["rows"][v.lang].format(n=len(display)))
shared_dataframe(display, height=420)
st.markdown(f"**{TEXT['dl_shown'][v.lang]}**")
indicator_downloads(rows, chosen, "indikatoren_auswahl", v.lang, key="d_shown")
st.markdown(f"**{TEXT['dl_all'][v.lang]}**")
# everything in the tidy long form with ids (for analysts and scripts), names added for people
table_downloads(lambda: table.assign(name=table["area_id"].map(area_names())), "indikatoren_alle", v.lang,
                lambda: metadata_for(table, catalog.indicators, v.lang), key="d_all")

st.subheader(TEXT["methods"][v.lang])
st.caption(pick(catalog.methods["aggregation"], v.lang))
for theme_id, inds in catalog.indicators_by_theme().items():
    theme = catalog.themes[theme_id].title
    st.markdown(f"**{theme.get(v.lang, theme['de'])}**")
    for ind in inds:
        with st.expander(ind.label(v.lang)):
            num = catalog.variables[ind.numerator].title.get(v.lang)
            formula = num if not ind.is_rate else (
                f"{num} / {catalog.variables[ind.denominator].title.get(v.lang)} × {ind.scale:g}")
            st.markdown(
                f"{ind.definition.get(v.lang, '')}\n\n"
                f"- **{TEXT['formula'][v.lang]}:** {formula} (`{ind.numerator}`"
                + (f" / `{ind.denominator}`" if ind.is_rate else "") + ")\n"
                f"- **{TEXT['unit'][v.lang]}:** {'%' if ind.unit == 'percent' else ('Anzahl' if v.lang == 'de' else 'count')}\n"
                f"- **{TEXT['polarity'][v.lang]}:** {POLARITY[ind.polarity][v.lang]}\n"
                f"- **{TEXT['caveats'][v.lang]}:** {ind.caveats.get(v.lang, '–')}\n"
                f"- **{TEXT['origin'][v.lang]}:** {ind.source.get(v.lang, '–')}")

# METHODS.md §2.3: what the comparison with Bochum can and cannot say
STATISTICS_NOTES = {
    "heading": {"de": "Intervalle und Vergleiche mit Bochum", "en": "Intervals and comparisons with Bochum"},
    "body": {"de": "- Anteile erhalten ein Wilson-Intervall (95 % und 99,8 %); bei weniger als 10 Fällen oder einem "
                   "Nenner unter 100 steht der Hinweis „geringe Fallzahl – mit Vorsicht interpretieren“.\n"
                   "- Vergleich mit Bochum insgesamt über Konfidenzintervalle (95 % und 99,8 %), Verfahren wie PHE "
                   "Fingertips.\n"
                   "- Der Ortsteil ist selbst Teil der Stadt, mit der er verglichen wird.\n"
                   "- Bei 30 Ortsteilen unterscheiden sich allein durch Zufall etwa 1,5 bei 95 % von Bochum "
                   "(etwa 0,06 bei 99,8 %).\n"
                   "- Veränderungen über zwei Jahre: Newcombe-Intervall; weil dieselben Menschen in beiden Jahren "
                   "gezählt werden, ist es vorsichtig (eher zu breit).",
             "en": "- Shares get a Wilson interval (95 % and 99.8 %); with fewer than 10 cases or a denominator "
                   "below 100 the note “small numbers – interpret with caution” is shown.\n"
                   "- Comparison with Bochum as a whole by confidence intervals (95 % and 99.8 %), method as PHE "
                   "Fingertips.\n"
                   "- The district is itself part of the city it is compared with.\n"
                   "- Across 30 districts, chance alone makes about 1.5 differ from Bochum at 95 % "
                   "(about 0.06 at 99.8 %).\n"
                   "- Changes over two years: Newcombe interval; because the same people are counted in both "
                   "years, it is conservative (rather too wide)."},
}
with st.expander(STATISTICS_NOTES["heading"][v.lang]):
    st.markdown(STATISTICS_NOTES["body"][v.lang])

st.subheader(TEXT["sources"][v.lang])
for source_id, src in data.all_sources().items():
    url = src.get("url")
    # every part may come from an import form or a remote portal: plain text, the address not a live link
    line = markdown_text(source_text(source_id, v.lang))
    st.markdown(f"- {markdown_text(source_id)} ({markdown_text(src.get('kind', ''))}): {line}"
                + (f" – {markdown_text(url)}" if url else ""))
