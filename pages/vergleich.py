"""Vergleich: all Ortsteile ranked, focus group pooled against the rest and the city, two-indicator scatter."""

import streamlit as st

from indicators import views
from indicators.areas import focus_ids
from indicators.views import comparison
from ui import data, url
from ui.components import chart, demo_banner, export_menu, indicator_downloads, source_caption, view
from ui.i18n import t

TEXT = {
    "ranking": {"de": "Rangfolge der 30 Ortsteile", "en": "Ranking of the 30 districts"},
    "groups": {"de": "Fokusquartiere zusammen gegen die übrigen 26 Ortsteile und die Stadt",
               "en": "Focus districts pooled against the other 26 and the city"},
    "groups_help": {"de": "Gepoolt: Summe der Zähler geteilt durch Summe der Nenner – nicht der Mittelwert der Quoten.",
                    "en": "Pooled: sum of numerators over sum of denominators – not the mean of rates."},
    "scatter": {"de": "Zwei Indikatoren im Zusammenhang", "en": "Two indicators together"},
    "x": {"de": "x-Achse", "en": "x axis"},
    "y": {"de": "y-Achse", "en": "y axis"},
    "compare": {"de": "Vergleich mit Bochum (Konfidenzintervalle)", "en": "Comparison with Bochum (confidence intervals)"},
    "basis": {"de": "Verglichen mit", "en": "Compared with"},
}

v = view()
catalog = data.catalog()
ind = catalog.indicators[v.indicator]
table = data.indicator_table()

st.title(f"{t('page_compare', v.lang)}: {ind.label(v.lang)} {v.year}")
shown = data.derived(views.indicator_slice, v.indicator, v.year, None)
demo_banner(shown, v.lang)

st.subheader(TEXT["ranking"][v.lang])
chart(data.figure("ranking_figure", v.indicator, v.year, tuple(focus_ids()), v.lang), key="ranking")
export_menu("ranking", v.indicator, v.year, focus_ids(), v.lang, key="ranking_export")

if ind.is_rate:
    # the comparison words come only from the codes in the indicator table (METHODS.md §2.3)
    st.subheader(TEXT["compare"][v.lang])
    url.init("basis", "city", comparison.BASES)
    basis = st.radio(TEXT["basis"][v.lang], list(comparison.BASES), format_func=lambda b: comparison.BASES[b][v.lang],
                     key="basis", horizontal=True)
    url.publish("basis", basis)
    compared = comparison.comparison_table(data.derived(views.indicator_slice, v.indicator, v.year, "ortsteil"), ind,
                                           basis, v.lang)
    st.dataframe(compared.drop(columns="code"), hide_index=True, width="stretch")
    st.caption(comparison.METHOD_LABELS[basis][v.lang])

if ind.is_rate:
    st.subheader(TEXT["groups"][v.lang])
    chart(data.groups_figure(v.indicator, v.year, tuple(focus_ids()), v.lang), key="groups")
    st.caption(TEXT["groups_help"][v.lang])



@st.fragment
def scatter():
    """The scatter plot and its two axes: choosing an axis reruns only this part of the page."""
    st.subheader(TEXT["scatter"][v.lang])
    rates = [i for i, x in catalog.indicators.items() if x.is_rate]
    url.init("x", "kinderarmut", rates)
    url.init("y", "ohne_abschluss_quote", rates)
    cols = st.columns(2)
    x_id = cols[0].selectbox(TEXT["x"][v.lang], rates, key="x",
                             format_func=lambda i: catalog.indicators[i].label(v.lang, short=True))
    y_id = cols[1].selectbox(TEXT["y"][v.lang], rates, key="y",
                             format_func=lambda i: catalog.indicators[i].label(v.lang, short=True))
    url.publish("x", x_id)
    url.publish("y", y_id)
    chart(data.figure("scatter_figure", x_id, y_id, v.year, tuple(focus_ids()), v.lang), key="scatter")


scatter()

ortsteil_rows = data.derived(views.indicator_slice, v.indicator, v.year, "ortsteil")
indicator_downloads(ortsteil_rows, [v.indicator], f"vergleich_{v.indicator}_{v.year}", v.lang, key="vergleich_dl")
source_caption(shown, v.lang)
