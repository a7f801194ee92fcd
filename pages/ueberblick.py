"""Überblick: the four focus Ortsteile against the city on the key indicator of each theme."""

import streamlit as st

from indicators.areas import focus_ids
from indicators.export import deck
from ui import data
from ui.components import chart, chart_alternative, demo_banner, export_available, source_caption, view
from ui.i18n import t

GAP_HELP = {"de": "Abstand zum Stadtdurchschnitt in Prozentpunkten", "en": "Gap to the city average in percentage points"}
DECK = {"de": "Foliensatz „Fokusquartiere“ (PowerPoint, 14 Folien)",
        "en": "Slide deck “Focus districts” (PowerPoint, 14 slides)"}

v = view()
official_lines = data.kreis_overview(v.lang)  # theme -> Bochum's newest official Kreis value, NRW, Germany
# every text and figure of the page comes ready from one cache (views.overview): a rerun only writes
page = data.overview(focus_ids(), v.lang)
year, first_year, shown = page["year"], page["first_year"], page["rows"]
table = data.indicator_table()  # for the slide deck, made only on click

st.title(t("app_title", v.lang))
st.markdown(t("app_subtitle", v.lang))
demo_banner(shown, v.lang)

intro = {"de": f"Stand {year}: die Schlüsselindikatoren der vier Fokusquartiere von „Zusammen im Quartier“ "
               f"im Vergleich zum Stadtdurchschnitt, Entwicklung seit {first_year}.",
         "en": f"{year}: the key indicators of the four focus districts of “Zusammen im Quartier” "
               f"against the city average, change since {first_year}."}
st.caption(intro[v.lang])

for theme in page["themes"]:
    sparklines, trend = page["figures"][theme.theme_id]
    st.subheader(theme.heading)
    st.caption(theme.definition)
    columns = st.columns(len(theme.cards) + 1)
    for col, card, spark, area_id in zip(columns, theme.cards, sparklines, focus_ids()):
        with col:
            st.metric(card.name, card.value, delta=card.delta, delta_color=theme.delta_colour, help=GAP_HELP[v.lang])
            # „seit <Jahr>“ (the Newcombe change with its §2.4 words, as on the Trends page) and the count with
            # the comparison words: two lines of one caption (a Markdown line break), one element fewer per card
            st.caption("  \n".join(line for line in (card.since, card.statistics) if line))
            chart(spark, key=f"spark_{theme.indicator_id}_{area_id}", alternative=False)
    columns[-1].metric(t("city_average", v.lang), theme.city_value)
    st.markdown("\n".join("- " + sentence for sentence in theme.deviations))  # one list of four sentences
    # one text alternative for the theme's four sparklines: their series as a table, with trend sentences
    chart_alternative(trend, list(theme.trends), v.lang)
    official = official_lines.get(theme.theme_id)
    if official is not None:
        st.markdown(official[2])
    links = st.container(horizontal=True)  # side by side, wrapping on a narrow screen: one block, not five
    links.page_link("pages/karte.py", label="🗺️ " + t("page_map", v.lang), query_params={"ind": theme.indicator_id})
    links.page_link("pages/trends.py", label="📈 " + t("page_trends", v.lang), query_params={"ind": theme.indicator_id})
    if official is not None:
        links.page_link("pages/ruhr.py", label="🏙️ " + t("page_ruhr", v.lang),
                        query_params={"ruhr_ind": official[0], "ruhr_jahr": str(official[1])})
    st.divider()

source_caption(shown, v.lang)
if export_available(v.lang):
    st.download_button(DECK[v.lang], lambda: deck.focus_deck(table, v.lang), "fokusquartiere.pptx",
                       "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key="deck", on_click="ignore", icon="🖥️")
