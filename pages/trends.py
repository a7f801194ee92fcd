"""Trends: lines for the chosen Ortsteile, their Stadtbezirke and the city; absolute, indexed or gap."""

import streamlit as st

from indicators.build import compare as cmp
from indicators.load import published
from indicators.views import text, trendstats
from indicators.words import pick
from ui import data, url
from ui.components import (
    chart,
    demo_banner,
    export_menu,
    metadata_for,
    shared_dataframe,
    source_caption,
    table_downloads,
    view,
)
from ui.i18n import t
from ui.print import inject_print_css

MODES = ["absolute", "indexed", "gap"]
TEXT = {
    "choose": {"de": "Bitte in der Seitenleiste mindestens einen Ortsteil wählen.",
               "en": "Please choose at least one district in the sidebar."},
    "published": {"de": "Veröffentlichte Reihen mit eigener Definition",
                  "en": "Published series with their own definition"},
    "points": {"de": "Rauten: veröffentlichte Werte derselben Definition (echt, mit Quelle und Stichtag).",
               "en": "Diamonds: published values of the same definition (real, with source and date)."},
}
STATS_TEXT = {
    "heading": {"de": "Veränderung und Trend", "en": "Change and trend"},
    "start": {"de": "Veränderung ab Startjahr", "en": "Change from start year"},
    "method": {"de": "Veränderung vom Startjahr bis {latest}: Differenz der Anteile mit 95-%-Intervall nach Newcombe; "
                     "„gestiegen“/„gesunken“ nur, wenn das Intervall 0 ausschließt. Trend: Chi-Quadrat-Test auf "
                     "linearen Trend über die letzten fünf Jahre ({first}–{latest}), nur wenn auch jedes Weglassen "
                     "eines Jahres dieselbe Richtung ergibt.",
               "en": "Change from the start year to {latest}: difference of the shares with Newcombe's 95 % interval; "
                     "“increased”/“decreased” only if the interval excludes 0. Trend: chi-square test for a linear "
                     "trend over the last five years ({first}–{latest}), only if leaving out any one year gives the "
                     "same direction."},
    "not_shares": {"de": "Für diesen Indikator (kein Anteil) werden Veränderung und Trend nicht getestet.",
                   "en": "For this indicator (not a share) change and trend are not tested."},
    "break": {"de": "Reihenbruch {year}: {label}. Vergleiche über diesen Bruch hinweg sind nur eingeschränkt möglich.",
              "en": "Series break {year}: {label}. Comparisons across this break are of limited validity."},
}
SERIES = ["arbeitslosenquote_ba_dezember"]

v = view()
catalog = data.catalog()
ind = catalog.indicators[v.indicator]

st.title(f"{t('page_trends', v.lang)}: {ind.label(v.lang)}")
inject_print_css(v.lang)
url.init("modus", "absolute", MODES)
mode = st.radio(t("mode", v.lang), MODES, format_func=lambda m: t(f"mode_{m}", v.lang), key="modus",
                horizontal=True)
url.publish("modus", mode)
if not v.ortsteile:
    st.info(TEXT["choose"][v.lang])
    st.stop()

shown, wide = data.trend_page(v.indicator, v.ortsteile, mode)
demo_banner(shown, v.lang)
points = published.comparable_points(v.indicator)
chart(data.trend_figure(v.indicator, v.ortsteile, mode, v.lang), key="trend_chart",
      description=[data.derived(text.trend_sentence, v.indicator, a, v.year, v.lang) for a in v.ortsteile])
export_menu("trend", v.indicator, None, v.ortsteile, v.lang, key="trend_export", map_options={"mode": mode})
if mode == "absolute" and len(points):
    st.caption(TEXT["points"][v.lang])
st.caption(ind.definition.get(v.lang, "") + " " + ind.caveats.get(v.lang, ""))

st.dataframe(wide, width="stretch")
table_downloads(lambda: wide.reset_index(), f"trend_{v.indicator}_{mode}", v.lang,
                lambda: metadata_for(shown, [v.indicator], v.lang),
                key="trend_dl")
st.subheader(STATS_TEXT["heading"][v.lang])
starts = data.derived(trendstats.start_years, v.indicator)
url.init("start", starts[0], starts, cast=int)
start = st.selectbox(STATS_TEXT["start"][v.lang], starts, key="start")
url.publish("start", start)
stats, stats_table, stats_sentences = data.trend_statistics_view(v.indicator, v.ortsteile, start, v.lang)
latest = int(stats["year"].iloc[0])
shared_dataframe(stats_table)
table_downloads(stats_table, f"veraenderung_{v.indicator}_{start}_{latest}", v.lang,
                lambda: metadata_for(shown, [v.indicator], v.lang), key="trendstats_dl")
if stats_sentences:  # one list, one element
    st.markdown("\n".join("- " + sentence for sentence in stats_sentences))
st.caption(STATS_TEXT["method"][v.lang].format(first=latest - 4, latest=latest)
           + ("" if ind.is_rate and ind.interval != "poisson" else " " + STATS_TEXT["not_shares"][v.lang]))
for brk in ind.series_breaks:
    if cmp.series_break_within([brk], min(start, latest - 4), latest) is not None:
        st.caption(STATS_TEXT["break"][v.lang].format(year=brk["year"], label=pick(brk["label"], v.lang)))

source_caption(shown, v.lang)

with st.expander(TEXT["published"][v.lang], expanded=ind.theme == "langzeitarbeitslosigkeit"):
    st.caption(pick(catalog.methods["published_series"], v.lang))
    for measure in SERIES:
        if len(published.series(measure)):
            chart(data.published_series_figure(measure, v.lang), key=f"pub_{measure}")
