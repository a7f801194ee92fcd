"""Text alternatives for charts (WCAG 1.1.1): the figure's title, sentences and its data as a table.

Pure functions over a built plotly figure, so every chart that goes through ``ui.components.chart``
gets the same alternative without each builder having to describe itself. Traces that carry no data
of their own (legend swatches, outline overlays, area-name labels) are left out.
"""

from __future__ import annotations

import re

import pandas as pd

from indicators.formats import fmt_number
from indicators.safe_text import plain_text

TEXT = {
    "summary": {"de": "Diagramm als Text und Tabelle", "en": "Chart as text and table"},
    "area": {"de": "Gebiet", "en": "Area"},
    "value": {"de": "Wert", "en": "Value"},
    "class": {"de": "Klasse", "en": "Class"},
    "category": {"de": "Kategorie", "en": "Category"},
    "empty": {"de": "Das Diagramm enthält keine Werte.", "en": "The chart contains no values."},
    "missing": {"de": "keine Daten", "en": "no data"},
}


plain = plain_text  # the exports' alt text uses the same conversion (indicators.safe_text)


def figure_title(fig) -> str:
    """The chart's title as plain text ('' when it has none)."""
    title = fig.layout.title.text if fig.layout.title else None
    return plain(title) if title else ""


def _has_values(values) -> bool:
    return values is not None and any(v is not None for v in values)


def _cell(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return TEXT["missing"][lang]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt_number(value, 1 if float(value) % 1 else 0, lang)
    return plain(value)


def _choropleth_table(trace, lang: str) -> pd.DataFrame | None:
    """The main map trace: area name, value text and class from its customdata (see map_figure)."""
    data = trace.customdata
    if data is None or len(data) == 0 or isinstance(data[0], str) or len(data[0]) < 3:
        return None
    rows = {TEXT["area"][lang]: [plain(r[1]) for r in data], TEXT["value"][lang]: [plain(r[2]) for r in data]}
    if len(data[0]) > 6:
        rows[TEXT["class"][lang]] = [plain(r[6]) for r in data]
    return pd.DataFrame(rows)


def _tick_names(axis) -> dict:
    """Category ids on an axis to the names it shows (ranking and profile bars label ids by ticktext)."""
    if axis is None or axis.tickvals is None or axis.ticktext is None:
        return {}
    return {str(v): plain(t) for v, t in zip(axis.tickvals, axis.ticktext)}


def _point_name(trace, i: int) -> str:
    """A scatter point's name: its text label, else the first line of its hover text."""
    for source in (trace.text, trace.customdata, trace.hovertext):
        if source is not None and not isinstance(source, str) and i < len(source) and source[i]:
            item = source[i][0] if not isinstance(source[i], str) else source[i]
            return plain(re.split(r"<br\s*/?>", str(item), flags=re.I)[0])
    return plain(trace.name)


def _points_table(fig, lang: str) -> pd.DataFrame:
    """A scatter plot: one row per point with its name, group and both values."""
    x_title = plain(fig.layout.xaxis.title.text) or "x"
    y_title = plain(fig.layout.yaxis.title.text) or "y"
    rows = []
    for trace in fig.data:
        if trace.type != "scatter" or trace.hoverinfo == "skip" or trace.x is None:
            continue
        for i, (x, y) in enumerate(zip(trace.x, trace.y)):
            rows.append({TEXT["area"][lang]: _point_name(trace, i), TEXT["category"][lang]: plain(trace.name),
                         x_title: _cell(x, lang), y_title: _cell(y, lang)})
    return pd.DataFrame(rows)


def figure_table(fig, lang: str = "de") -> pd.DataFrame:
    """The data a chart shows as a table of strings: one row per category, one column per series."""
    for trace in fig.data:
        if trace.type == "choropleth" and trace.hoverinfo != "skip":
            table = _choropleth_table(trace, lang)
            if table is not None:
                return table
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    if meta.get("kind") == "scatter":
        return _points_table(fig, lang)
    series: dict[str, dict] = {}
    order: list = []
    for i, trace in enumerate(fig.data):
        if trace.type not in ("bar", "scatter", "scattergl") or trace.hoverinfo == "skip":
            continue
        if getattr(trace, "mode", None) == "text":
            continue
        horizontal = getattr(trace, "orientation", None) == "h"
        categories, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
        ticks = _tick_names(fig.layout.yaxis if horizontal else fig.layout.xaxis)
        if not _has_values(values) or categories is None:
            continue
        name = plain(trace.name) or f"{TEXT['value'][lang]} {i + 1}"
        column = series.setdefault(name, {})
        for category, value in zip(categories, values):
            key = ticks.get(str(category), plain(category))
            if key not in order:
                order.append(key)
            column[key] = _cell(value, lang)
    if not series:
        return pd.DataFrame()
    table = pd.DataFrame({name: [col.get(c, "") for c in order] for name, col in series.items()})
    table.insert(0, TEXT["category"][lang], order)
    return table
