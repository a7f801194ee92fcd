"""Plotly builders for "Bochum im Ruhrgebiet": pure functions (Ruhr table, options) -> go.Figure.

Bochum is drawn in the project's focus colour (Okabe-Ito vermilion), the other Kreise light, NRW
(blue, dashed) and Germany (black, dash-dot) as reference lines: colour and line pattern both differ,
so the figures read with the common colour-vision deficiencies and in black and white. Numbers a
person reads are formatted with indicators.formats; ``layout.separators`` gives German axis ticks.
Every figure carries ``layout.meta`` (``kind``, ``indicator_id``, …) for tests and exporters.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.figures import (  # one look
    FOCUS_COLOR,
    FONT_SIZE,
    LINE_SCALE,
    NO_DATA_TEXT_COLOR,
    OTHER_COLOR,
    axis_style,
    base_layout,
    esc,
    title_dict,
)
from indicators.formats import MISSING_TEXT, fmt_number, fmt_pp, fmt_value
from indicators.views import ruhr as rv
from indicators.words import pick

BOCHUM_COLOR = FOCUS_COLOR        # Okabe-Ito vermilion, the project's focus colour
OTHER_BAR_COLOR = OTHER_COLOR     # the other Kreise in the ranking, as the other Ortsteile elsewhere
OTHER_LINE_COLOR = OTHER_BAR_COLOR  # thin context lines; not grey: grey means "no data" only
NRW_COLOR = "#0072B2"
DE_COLOR = "#000000"
NRW_DASH = "dash"
DE_DASH = "dashdot"
BREAK_LINE_COLOR = "#555555"
MEDIAN_COLOR = "#009E73"      # Okabe-Ito bluish green, dotted: the comparison set's median
MEDIAN_DASH = "dot"
NO_DATA_CELL = "#d9d9d9"      # grey means "no data" and nothing else
# sequential blues (ColorBrewer, colour-blind safe): rank 1 (highest value) darkest
RANK_SCALE = [[0.0, "#08306b"], [0.25, "#2171b5"], [0.5, "#6baed6"], [0.75, "#c6dbef"], [1.0, "#f7fbff"]]
BAR_ROW_PX = {False: 26, True: 36}
TREND_HEIGHT = {False: 480, True: 660}
HEAT_ROW_PX = {False: 38, True: 52}

WORDS = {
    "others": {"de": "Übrige Ruhr-Kreise", "en": "Other Ruhr districts"},
    "nrw": {"de": "NRW", "en": "NRW"},
    "de": {"de": "Deutschland", "en": "Germany"},
    "rank_of": {"de": "Rang {rank} von {n}", "en": "rank {rank} of {n}"},
    "rank_title": {"de": "Bochums Rang unter den Ruhr-Kreisen", "en": "Bochum's rank among the Ruhr districts"},
    "rank_sub": {"de": "Rang 1 = höchster Wert unter den 15 Kreisen und kreisfreien Städten; grau: keine Daten",
                 "en": "Rank 1 = highest value among the 15 districts and cities; grey: no data"},
    "rank_axis": {"de": "Rang", "en": "Rank"},
    "ranking_sub": {"de": "15 Kreise und kreisfreie Städte des Ruhrgebiets · Bochum: {pos}",
                    "en": "15 districts and cities of the Ruhr · Bochum: {pos}"},
    "trend_sub": {"de": "Bochum, die übrigen Ruhr-Kreise, NRW und Deutschland",
                  "en": "Bochum, the other Ruhr districts, NRW and Germany"},
    "trend_sub_count": {"de": "Bochum und die übrigen Ruhr-Kreise", "en": "Bochum and the other Ruhr districts"},
    "percent_axis": {"de": "Anteil in %", "en": "Share in %"},
    "count_axis": {"de": "Anzahl", "en": "Number"},
    "year": {"de": "Jahr", "en": "Year"},
    "numerator": {"de": "Zähler", "en": "Numerator"},
    "denominator": {"de": "Nenner", "en": "Denominator"},
    "gap_nrw": {"de": "Abstand zu NRW", "en": "Gap to NRW"},
    "one_year": {"de": "nur {year} berechenbar", "en": "{year} only"},
    "median": {"de": "Median der Auswahl", "en": "Median of the selection"},
}


def word(key: str, lang: str, words: dict | None = None) -> str:
    """A figure word in the chosen language (German when missing); ``words`` overrides (a comparison set's texts)."""
    if words and key in words:
        return words[key].get(lang) or words[key]["de"]
    entry = WORDS[key]
    return pick(entry, lang)


def _none_if_nan(x):
    return None if x is None or pd.isna(x) else float(x)


def fmt_measure(x, measure: rv.RuhrMeasure, lang: str) -> str:
    """'42,4 %' / '364.742' by the measure's unit and decimals."""
    return fmt_value(_none_if_nan(x), measure.unit, measure.decimals, lang)


def value_axis(measure: rv.RuhrMeasure, lang: str, large_text: bool, **extra) -> dict:
    """A value axis titled by unit; ' %' ticks for rates; from zero for rates."""
    extra.setdefault("title", {"text": word("percent_axis" if measure.is_rate else "count_axis", lang)})
    if measure.is_rate:
        extra.setdefault("ticksuffix", " %" if lang == "de" else "%")
        extra.setdefault("rangemode", "tozero")
    else:
        extra.setdefault("tickformat", ",d")  # '600.000', not plotly's '600k'
    return axis_style(large_text, **extra)


def _legend_line(name: str, color: str, dash: str, width: float) -> go.Scatter:
    """A legend entry for a line drawn as a shape."""
    return go.Scatter(x=[None], y=[None], mode="lines", name=name, line={"color": color, "dash": dash, "width": width},
                      hoverinfo="skip", showlegend=True)


def _reference_values(rows: pd.DataFrame) -> dict:
    """area_id -> value of NRW and Germany in a ranking slice."""
    refs = rows[rows["area_id"].isin(rv.REFERENCE_IDS)]
    return {a: _none_if_nan(v) for a, v in zip(refs["area_id"], refs["value"])}


def ranking_figure(table: pd.DataFrame, measure: rv.RuhrMeasure, year: int, lang: str = "de", *,
                   large_text: bool = False, words: dict | None = None) -> go.Figure:
    """The 15 Kreise as horizontal bars, highest on top, Bochum highlighted; NRW and Germany as lines (rates)."""
    rows = rv.ranking_slice(table, measure.id, year)
    kreise = rows[rows["level"] == rv.LEVEL_KREIS].reset_index(drop=True)
    ids = kreise["area_id"].tolist()
    names = dict(zip(kreise["area_id"], kreise["name"]))
    values = [_none_if_nan(v) for v in kreise["value"]]
    is_bochum = [a == rv.BOCHUM_ID for a in ids]
    ticktext = [f"<b>{esc(names[a])}</b>" if b else esc(names[a]) for a, b in zip(ids, is_bochum)]
    hover = []
    for r in kreise.itertuples(index=False):
        lines = [f"<b>{esc(r.name)}</b>", fmt_measure(r.value, measure, lang)]
        if pd.notna(r.rank):
            lines.append(word("rank_of", lang).format(rank=r.rank, n=r.n_ranked))
        if measure.kind == rv.KIND_INDICATOR and measure.is_rate and pd.notna(r.value):
            lines.append(f"{word('numerator', lang)}: {fmt_number(r.numerator, 0, lang)} · "
                         f"{word('denominator', lang)}: {fmt_number(r.denominator, 0, lang)}")
        if measure.is_rate and pd.notna(r.dev_nrw_pp):
            lines.append(f"{word('gap_nrw', lang)}: {fmt_pp(r.dev_nrw_pp, measure.decimals, lang)}")
        hover.append("<br>".join(lines))
    fig = go.Figure(go.Bar(
        x=values, y=ids, orientation="h", name=measure.label(lang, short=True), showlegend=False,
        marker={"color": [BOCHUM_COLOR if b else OTHER_BAR_COLOR for b in is_bochum], "line": {"width": 0}},
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
    ))
    # values in a column right of the plot, where no reference line can cross them
    for area_id, value, bold in zip(ids, values, is_bochum):
        if value is not None:
            label = fmt_measure(value, measure, lang)
            fig.add_annotation(x=1, xref="paper", xanchor="left", xshift=8, y=area_id, showarrow=False,
                               text=f"<b>{label}</b>" if bold else label)
    missing = [a for a, v in zip(ids, values) if v is None]
    if missing:
        fig.add_trace(go.Scatter(x=[0] * len(missing), y=missing, mode="text", textposition="middle right",
                                 text=[MISSING_TEXT[lang]] * len(missing), textfont={"color": NO_DATA_TEXT_COLOR},
                                 hoverinfo="skip", showlegend=False, name=MISSING_TEXT[lang]))
    width = 2 * LINE_SCALE[large_text]
    fig.add_trace(go.Bar(x=[None], y=[None], orientation="h", marker={"color": BOCHUM_COLOR}, name="Bochum",
                         hoverinfo="skip"))
    fig.add_trace(go.Bar(x=[None], y=[None], orientation="h", marker={"color": OTHER_BAR_COLOR},
                         name=word("others", lang, words), hoverinfo="skip"))
    refs = _reference_values(rows) if measure.is_rate else {}
    for area_id, color, dash, key in ((rv.NRW_ID, NRW_COLOR, NRW_DASH, "nrw"), (rv.DE_ID, DE_COLOR, DE_DASH, "de")):
        value = refs.get(area_id)
        if value is None:
            continue
        fig.add_shape(type="line", x0=value, x1=value, y0=0, y1=1, yref="paper", layer="above",
                      line={"color": color, "width": width, "dash": dash})
        fig.add_trace(_legend_line(f"{word(key, lang)}: {fmt_measure(value, measure, lang)}", color, dash, width))
    bochum = kreise[kreise["area_id"] == rv.BOCHUM_ID]
    pos = (word("rank_of", lang).format(rank=bochum["rank"].iloc[0], n=bochum["n_ranked"].iloc[0])
           if len(bochum) and pd.notna(bochum["rank"].iloc[0]) else MISSING_TEXT[lang])
    fig.update_layout(**base_layout(
        lang, large_text,
        title=title_dict(f"{measure.label(lang, short=True)} {year}", word("ranking_sub", lang, words).format(pos=pos),
                         large_text),
        barmode="overlay", bargap=0.25, height=len(ids) * BAR_ROW_PX[large_text] + 190,
        xaxis=value_axis(measure, lang, large_text),
        yaxis={"autorange": "reversed", "tickmode": "array", "tickvals": ids, "ticktext": ticktext,
               "type": "category", "showgrid": False, "ticks": ""},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "xanchor": "left", "traceorder": "normal"},
        margin={"l": 10, "r": 90 if measure.is_rate else 110, "t": 110 if not large_text else 150, "b": 60},
        meta={"kind": "ruhr_ranking", "indicator_id": measure.id, "year": int(year), "area_ids": ids,
              "values": values, "bochum_rank": None if not len(bochum) or pd.isna(bochum["rank"].iloc[0])
              else int(bochum["rank"].iloc[0]),
              "nrw_value": refs.get(rv.NRW_ID), "de_value": refs.get(rv.DE_ID), "is_demo": False},
    ))
    fig.update_yaxes(automargin=True)
    return fig


def _year_axis(years: list[int], large_text: bool) -> dict:
    """Whole years only; every year labelled when there are few."""
    extra = {"title": {"text": ""}, "tickformat": "d"}
    if len(years) <= 12:
        extra.update(tickmode="array", tickvals=years)
    if len(years) == 1:
        extra["range"] = [years[0] - 1, years[0] + 1]
    return axis_style(large_text, showgrid=False, **extra)


def trend_figure(table: pd.DataFrame, measure: rv.RuhrMeasure, lang: str = "de", *,
                 large_text: bool = False, words: dict | None = None, median: pd.DataFrame | None = None) -> go.Figure:
    """Every Kreis over the years: Bochum bold, the others thin light blue; NRW and Germany dashed (rates only)."""
    rows = rv.trend_slice(table, measure.id)
    rows = rows[rows["year"].isin(sorted(rows.loc[rows["value"].notna(), "year"].unique()))]
    years = sorted(int(y) for y in rows["year"].unique())
    # every year from the first to the last: a year without an official file is a gap, never bridged
    all_years = list(range(years[0], years[-1] + 1)) if years else []
    scale = LINE_SCALE[large_text]
    mode = "lines+markers" if len(years) <= 3 else "lines"
    fig = go.Figure()

    def series(area_id):
        s = rows[rows["area_id"] == area_id].sort_values("year")
        name = s["name"].iloc[0] if len(s) else ""
        if not len(s):
            return [], [], name
        by_year = dict(zip(s["year"].astype(int), s["value"]))
        return all_years, [_none_if_nan(by_year.get(y, float("nan"))) for y in all_years], name

    def hover(name):
        return f"<b>{esc(name)}</b> %{{x}}<br>%{{customdata}}<extra></extra>"

    others = [a for a in dict.fromkeys(rows.loc[rows["level"] == rv.LEVEL_KREIS, "area_id"]) if a != rv.BOCHUM_ID]
    for i, area_id in enumerate(others):
        x, y, name = series(area_id)
        fig.add_trace(go.Scatter(
            x=x, y=y, mode=mode, name=word("others", lang, words), legendgroup="others", showlegend=i == 0,
            line={"color": OTHER_LINE_COLOR, "width": 1.2 * scale}, marker={"size": 5 * scale},
            customdata=[fmt_measure(v, measure, lang) for v in y], hovertemplate=hover(name), meta={"area_id": area_id},
        ))
    refs = [(rv.NRW_ID, NRW_COLOR, NRW_DASH, "nrw"), (rv.DE_ID, DE_COLOR, DE_DASH, "de")] if measure.is_rate else []
    for area_id, color, dash, key in refs:
        x, y, _ = series(area_id)
        if x:
            fig.add_trace(go.Scatter(
                x=x, y=y, mode=mode, name=word(key, lang), line={"color": color, "width": 2.2 * scale, "dash": dash},
                marker={"size": 7 * scale, "symbol": "square" if key == "nrw" else "diamond"},
                customdata=[fmt_measure(v, measure, lang) for v in y], hovertemplate=hover(word(key, lang)),
                meta={"area_id": area_id},
            ))
    if median is not None and len(median):
        by_year = dict(zip(median["year"].astype(int), median["value"]))
        y = [_none_if_nan(by_year.get(yr, float("nan"))) for yr in all_years]
        fig.add_trace(go.Scatter(
            x=all_years, y=y, mode=mode, name=word("median", lang, words),
            line={"color": MEDIAN_COLOR, "width": 2.2 * scale, "dash": MEDIAN_DASH},
            marker={"size": 7 * scale, "symbol": "triangle-up"},
            customdata=[fmt_measure(v, measure, lang) for v in y], hovertemplate=hover(word("median", lang, words)),
            meta={"area_id": "median"},
        ))
    x, y, _ = series(rv.BOCHUM_ID)
    fig.add_trace(go.Scatter(
        x=x, y=y, mode="lines+markers", name="<b>Bochum</b>", line={"color": BOCHUM_COLOR, "width": 4 * scale},
        marker={"size": 8 * scale}, customdata=[fmt_measure(v, measure, lang) for v in y],
        hovertemplate=hover("Bochum"), meta={"area_id": rv.BOCHUM_ID},
    ))
    for x_break, label in measure.series_breaks:
        if years and years[0] < x_break < years[-1]:
            fig.add_vline(x=x_break, line={"color": BREAK_LINE_COLOR, "width": 1, "dash": "dot"})
            # inside the plot, right of the line: above it sits the legend
            fig.add_annotation(x=x_break, y=0.02, yref="paper", yanchor="bottom", xanchor="left", xshift=4,
                               showarrow=False, bgcolor="rgba(255,255,255,0.85)",
                               text=esc(pick(label, lang)), font={"size": FONT_SIZE[large_text] - 2,
                                                                                "color": BREAK_LINE_COLOR})
    subtitle = word("trend_sub" if measure.is_rate else "trend_sub_count", lang, words)
    if len(years) == 1:
        subtitle += " · " + word("one_year", lang).format(year=years[0])
    fig.update_layout(**base_layout(
        lang, large_text, title=title_dict(measure.label(lang, short=True), subtitle, large_text),
        height=TREND_HEIGHT[large_text], hovermode="closest",
        xaxis=_year_axis(all_years, large_text), yaxis=value_axis(measure, lang, large_text),
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "xanchor": "left", "traceorder": "normal"},
        margin={"l": 70, "r": 30, "t": 120 if not large_text else 160, "b": 50},
        meta={"kind": "ruhr_trend", "indicator_id": measure.id, "years": years, "is_demo": False},
    ))
    return fig


def position_figure(position: pd.DataFrame, measures: dict, lang: str = "de", *,
                    large_text: bool = False, words: dict | None = None) -> go.Figure:
    """Bochum's rank among the Kreise per measure (rows) and year (columns); grey cells: no data."""
    ids = [m for m in dict.fromkeys(position["indicator_id"]) if m in measures]
    years = sorted(int(y) for y in position.loc[position["rank"].notna(), "year"].unique())
    lookup = position.set_index(["indicator_id", "year"])
    z, text, hover = [], [], []
    for m in ids:
        measure = measures[m]
        z_row, t_row, h_row = [], [], []
        for year in years:
            r = lookup.loc[(m, year)] if (m, year) in lookup.index else None
            if r is None or pd.isna(r["rank"]):
                z_row.append(None), t_row.append(""), h_row.append("")
                continue
            z_row.append(int(r["rank"]))
            t_row.append(str(int(r["rank"])))
            h_row.append(f"<b>{esc(measure.label(lang, short=True))}</b><br>Bochum {year}: "
                         f"{fmt_measure(r['value'], measure, lang)}<br>"
                         + word("rank_of", lang).format(rank=int(r["rank"]), n=int(r["n_ranked"])))
        z.append(z_row), text.append(t_row), hover.append(h_row)
    labels = [esc(measures[m].label(lang, short=True)) for m in ids]
    n_max = int(position["n_ranked"].max()) if position["n_ranked"].notna().any() else 15
    ticks = sorted({1, max(1, n_max // 3), max(1, 2 * n_max // 3), n_max})
    fig = go.Figure(go.Heatmap(
        z=z, x=years, y=labels, text=text, texttemplate="%{text}", customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", colorscale=RANK_SCALE, zmin=1, zmax=n_max, xgap=2, ygap=2,
        colorbar={"title": {"text": word("rank_axis", lang), "side": "top"}, "tickvals": ticks, "len": 0.8,
                  "ypad": 20},
        hoverongaps=False,
    ))
    fig.update_layout(**base_layout(
        lang, large_text, title=title_dict(word("rank_title", lang, words), word("rank_sub", lang, words), large_text),
        height=max(len(ids), 3) * HEAT_ROW_PX[large_text] + 170, plot_bgcolor=NO_DATA_CELL,
        xaxis=axis_style(large_text, showgrid=False, tickformat="d", dtick=1, title={"text": ""}, side="top",
                         tickangle=0 if len(years) <= 10 else -45),
        yaxis={"autorange": "reversed", "showgrid": False, "ticks": "", "automargin": True},
        margin={"l": 10, "r": 20, "t": 140 if not large_text else 180, "b": 20},
        meta={"kind": "ruhr_position", "indicator_ids": ids, "years": years,
              "ranks": [[v for v in row] for row in z], "is_demo": False},
    ))
    return fig

