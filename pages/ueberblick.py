"""Überblick: the four focus Ortsteile against the city on the key indicator of each theme."""

import pandas as pd
import streamlit as st

from indicators.areas import area_names, focus_ids
from indicators.export import deck
from indicators.formats import fmt_number, fmt_pp, fmt_value
from indicators.views import statwords, text, trendstats
from indicators.views.comparison import row_statistics
from ui import data
from ui.components import chart, chart_alternative, demo_banner, export_available, source_caption, view
from ui.i18n import t

GAP_HELP = {"de": "Abstand zum Stadtdurchschnitt in Prozentpunkten", "en": "Gap to the city average in percentage points"}
DECK = {"de": "Foliensatz „Fokusquartiere“ (PowerPoint, 14 Folien)",
        "en": "Slide deck “Focus districts” (PowerPoint, 14 slides)"}



def card_statistics(row, ind, lang: str = "de") -> str:
    """„863 von 2.210 · deutlich höher als Bochum (99,8 %)“ plus the small-count note (METHODS §2.3, §4)."""
    stats = row_statistics(row, ind, lang)
    parts = []
    if ind.is_rate and pd.notna(row["numerator"]) and pd.notna(row["denominator"]) and row["flag"] != "suppressed":
        of = "von" if lang == "de" else "of"
        parts.append(f"{fmt_number(row['numerator'], 0, lang)} {of} {fmt_number(row['denominator'], 0, lang)}")
    parts += [stats["comparison"], stats["note"]]
    return " · ".join(p for p in parts if p)


v = view()
catalog = data.catalog()
official_lines = data.kreis_overview(v.lang)  # theme -> Bochum's newest official Kreis value, NRW, Germany
table = data.indicator_table()
names = area_names()
year = int(table["year"].max())
first_year = int(table["year"].min())

st.title(t("app_title", v.lang))
st.markdown(t("app_subtitle", v.lang))
key_ids = [theme.key_indicator for theme in catalog.themes.values() if theme.key_indicator]
shown = table[table["indicator_id"].isin(key_ids) & table["area_id"].isin(focus_ids() + ["bochum"])]
demo_banner(shown, v.lang)

intro = {"de": f"Stand {year}: die Schlüsselindikatoren der vier Fokusquartiere von „Zusammen im Quartier“ "
               f"im Vergleich zum Stadtdurchschnitt, Entwicklung seit {first_year}.",
         "en": f"{year}: the key indicators of the four focus districts of “Zusammen im Quartier” "
               f"against the city average, change since {first_year}."}
st.caption(intro[v.lang])

for theme in catalog.themes.values():
    if not theme.key_indicator:
        continue
    ind = catalog.indicators[theme.key_indicator]
    rows = table[(table["indicator_id"] == ind.id) & (table["year"] == year)].set_index("area_id")
    # „seit <Jahr>“: the Newcombe change from the first year with its §2.4 words (as on the Trends page)
    since = data.derived(trendstats.trend_statistics, ind, tuple(focus_ids()), first_year).set_index("area_id")
    st.subheader(f"{theme.title.get(v.lang, theme.title['de'])} – {ind.label(v.lang, short=True)}")
    st.caption(ind.definition.get(v.lang, ""))
    city_value = rows.loc["bochum", "value"] if "bochum" in rows.index else float("nan")
    columns = st.columns(len(focus_ids()) + 1)
    for col, area_id in zip(columns, focus_ids()):
        row = rows.loc[area_id]
        delta_color = "inverse" if ind.polarity == "higher_is_worse" else (
            "normal" if ind.polarity == "higher_is_better" else "off")
        with col:
            suppressed = row["flag"] == "suppressed"
            st.metric(names[area_id], statwords.SUPPRESSED[v.lang] if suppressed else fmt_value(row["value"], ind.unit,
                                                                                  ind.decimals, v.lang),
                      delta=fmt_pp(row["dev_pp"], ind.decimals, v.lang), delta_color=delta_color,
                      help=GAP_HELP[v.lang])
            st.caption(trendstats.since_text(since.loc[area_id], ind, v.lang))
            stats_line = card_statistics(row, ind, v.lang)
            if stats_line:
                st.caption(stats_line)
            chart(data.figure("sparkline_figure", ind.id, area_id, v.lang), key=f"spark_{ind.id}_{area_id}",
                  alternative=False)
    columns[-1].metric(t("city_average", v.lang), fmt_value(city_value, ind.unit, ind.decimals, v.lang))
    for area_id in focus_ids():
        st.markdown("- " + data.derived(text.deviation_sentence, ind.id, area_id, year, v.lang))
    # one text alternative for the theme's four sparklines: their series as a table, with trend sentences
    chart_alternative(data.trend_figure(ind.id, tuple(focus_ids()), "absolute", v.lang),
                      [data.derived(text.trend_sentence, ind.id, a, year, v.lang) for a in focus_ids()], v.lang)
    official = official_lines.get(theme.id)
    if official is not None:
        st.markdown(official[2])
    links = st.columns([1, 1, 2, 2])
    links[0].page_link("pages/karte.py", label="🗺️ " + t("page_map", v.lang), query_params={"ind": ind.id})
    links[1].page_link("pages/trends.py", label="📈 " + t("page_trends", v.lang), query_params={"ind": ind.id})
    if official is not None:
        links[2].page_link("pages/ruhr.py", label="🏙️ " + t("page_ruhr", v.lang),
                           query_params={"ruhr_ind": official[0], "ruhr_jahr": str(official[1])})
    st.divider()

source_caption(shown, v.lang)
if export_available(v.lang):
    st.download_button(DECK[v.lang], lambda: deck.focus_deck(table, v.lang), "fokusquartiere.pptx",
                       "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key="deck", on_click="ignore", icon="🖥️")
