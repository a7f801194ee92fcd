"""Plotly figure builders: pure functions (indicator table, options) -> go.Figure.

The pages and the exporters call the same builders, so what is exported is what is shown. Every
figure carries ``layout.meta`` (a dict with at least ``kind`` and ``indicator_id``) for tests and
exporters. Text a person reads is German by default (``lang='en'`` for English); numbers are
formatted in Python with indicators.formats and ``layout.separators`` gives German axis ticks.

Map convention: in ``map_figure`` the first trace holds every area; its ``z`` is the **class
index** (``-1`` = keine Daten) and ``customdata[:, 0]`` the **indicator value** (None when missing).
"""

from __future__ import annotations

import html
import textwrap
import urllib.parse
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from indicators import views
from indicators.areas import CITY_ID, area_names, parent_of
from indicators.catalog import Indicator, load_catalog, load_sources
from indicators.formats import MISSING_TEXT, fmt_date, fmt_number, fmt_pp, fmt_value
from indicators.views import classify, mapstyle, statwords
from indicators.views.comparison import row_statistics
from indicators.words import pick

# --- offline plotly ---
# The geo choropleth fetches a world topojson from a CDN even with our own GeoJSON; an empty
# topology as a data URL stops that in the browser (config) and in kaleido (pio.defaults).
EMPTY_TOPOJSON = "data:application/json," + urllib.parse.quote(
    '{"type":"Topology","objects":{},"arcs":[]}') + "#"
# No `locale`: plotly's 'de' locale is a separate JS bundle Streamlit does not ship; German
# numbers come from layout.separators and from the Python formatters.
PLOTLY_CONFIG = {
    "topojsonURL": EMPTY_TOPOJSON,
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "filename": "quartiersmonitor", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
}

# --- look ---
# quoted: an unquoted family name with a digit ("Source Sans 3") invalidates the whole CSS list
FONT_FAMILY = '"Source Sans Pro", "Source Sans 3", "Liberation Sans", Arial, "DejaVu Sans", sans-serif'
TEXT_COLOR = "#1a1a1a"
MUTED_TEXT = "#4d4d4d"
GRID_COLOR = "#e5e5e5"
SEPARATORS = {"de": ",.", "en": ".,"}
FONT_SIZE = {False: 13, True: 20}
TITLE_SIZE = {False: 17, True: 26}
LABEL_SIZE = {False: 10, True: 15}
LINE_SCALE = {False: 1.0, True: 1.7}
# Okabe-Ito, darkened where needed so every line reaches 3:1 on white (WCAG 1.4.11; #E69F00 and
# #56B4E9 had 2.3:1), the yellow replaced by a brown; still distinguishable with the common colour-vision
# deficiencies (tests/test_colours.py simulates them); none of them is grey.
LINE_COLORS = ["#0072B2", "#D55E00", "#007A5E", "#C0468F", "#7A4A00", "#3D3D8F"]
# marker shapes paired with LINE_COLORS ("diamond" is taken: published figures)
LINE_SYMBOLS = ["circle", "square", "triangle-up", "cross", "triangle-down", "star"]
CITY_COLOR = "#000000"
FOCUS_COLOR = "#D55E00"
OTHER_COLOR = "#5A8BBF"  # 3.6:1 on white (was #8DB8DA, 2.1:1)
NO_DATA_COLOR = classify.NO_DATA_COLOR
NO_DATA_TEXT_COLOR = "#6b6b6b"
AREA_BORDER = "#ffffff"
FOCUS_OUTLINE = "#000000"
SELECTED_OUTLINE = "#0072B2"
LOCATOR_BASE = "#dce6f0"  # pale blue, not grey: grey means "no data" only
LOCATOR_HIGHLIGHT = "#0072B2"
TRANSPARENT = "rgba(0,0,0,0)"
PUBLISHED_SYMBOL = "diamond"
BREAK_LINE_COLOR = "#555555"
DEMO_NOTE_BG = "#fff3cd"
DEMO_NOTE_BORDER = "#c69500"

MAP_HEIGHT = {False: 620, True: 820}
TREND_HEIGHT = {False: 460, True: 640}
BAR_ROW_PX = {False: 21, True: 30}
SPARK_HEIGHT = 60
LOCATOR_HEIGHT = 260
EXPORT_DEFAULT_HEIGHT = 600
EXPORT_WRAP_CHARS = 120
EXPORT_LINE_PX = 17
EXPORT_PAD_PX = 12
LABEL_WRAP_CHARS = 12
GEO_PAD = 0.02
MAP_DOMAIN_X = (0.0, 0.80)  # the right fifth holds the legend, so it never covers an area

WORDS = {
    "city": {"de": "Stadt Bochum", "en": "City of Bochum"},
    "city_average": {"de": "Stadtdurchschnitt", "en": "City average"},
    "focus": {"de": "Fokusquartier", "en": "Focus district"},
    "focus_group": {"de": "Fokusquartiere", "en": "Focus districts"},
    "rest_group": {"de": "Übrige Ortsteile", "en": "Other districts"},
    "n_ortsteile": {"de": "{n} Ortsteile", "en": "{n} districts"},
    "other": {"de": "Übrige Ortsteile", "en": "Other districts"},
    "selected": {"de": "Ausgewählt", "en": "Selected"},
    "no_data": MISSING_TEXT,
    "value_unit_percent": {"de": "Anteil in %", "en": "Share in %"},
    "value_unit_count": {"de": "Anzahl", "en": "Number"},
    "index": {"de": "Index ({year} = 100)", "en": "Index ({year} = 100)"},
    "gap": {"de": "Abstand zum Stadtdurchschnitt<br>(Prozentpunkte)",
            "en": "Gap to the city average<br>(percentage points)"},
    "gap_rates_only": {"de": "Der Abstand zum Stadtdurchschnitt ist nur für Quoten definiert.",
                       "en": "The gap to the city average is defined for rates only."},
    "deviation": {"de": "Abweichung vom Stadtdurchschnitt", "en": "Deviation from the city average"},
    "published": {"de": "veröffentlicht", "en": "published"},
    "published_on": {"de": "veröffentlicht: {value} am {date}", "en": "published: {value} on {date}"},
    "published_legend": {"de": "Veröffentlichte Werte (gleiche Definition)",
                         "en": "Published values (same definition)"},
    "source": {"de": "Quelle", "en": "Source"},
    "sources": {"de": "Quellen", "en": "Sources"},
    "reference_date": {"de": "Stichtag", "en": "reference date"},
    "classes": {"de": "Klassen", "en": "Classes"},
    "year": {"de": "Jahr", "en": "Year"},
    "missing_points": {"de": "{n} Ortsteile ohne Daten nicht dargestellt",
                       "en": "{n} districts without data not shown"},
    "note_schematic": {"de": "Geometrie schematisch (Kachelkarte: ein gleich großes Sechseck je Ortsteil, "
                             "keine amtlichen Grenzen)",
                       "en": "Schematic geometry (tile map: one equal hexagon per district, "
                             "not official boundaries)"},
    "note_demo": {"de": "Illustrative Demodaten – keine amtlichen Werte",
                  "en": "Illustrative demo data – not official figures"},
    "note_missing_map": {"de": "Grau: keine Daten (fehlend oder unterdrückt)",
                         "en": "Grey: no data (missing or suppressed)"},
    "note_missing": {"de": "Einzelne Werte fehlen oder sind unterdrückt (keine Daten).",
                     "en": "Some values are missing or suppressed (no data)."},
    "pooled": {"de": "gepoolt: Summe der Zähler / Summe der Nenner",
               "en": "pooled: sum of numerators / sum of denominators"},
}
METHOD_LABELS = {"de": classify.METHODS, "en": getattr(classify, "METHODS_EN", classify.METHODS)}


# --- small helpers ---


def apply_offline_defaults() -> None:
    """Make static exports (kaleido) use the empty topojson instead of fetching one from a CDN."""
    pio.defaults.topojson = EMPTY_TOPOJSON


def word(key: str, lang: str) -> str:
    """A UI word in the chosen language (German when missing)."""
    entry = WORDS[key]
    return pick(entry, lang)


def esc(text) -> str:
    """HTML-escape text that plotly renders (names can come from user files)."""
    return html.escape(str(text), quote=False)


def indicator(indicator_id: str) -> Indicator:
    """The catalog entry of an indicator."""
    return load_catalog().indicators[indicator_id]


def fmt_ind(x, ind: Indicator, lang: str) -> str:
    """A value formatted by the indicator's unit and decimals ('24,1 %', '15.389')."""
    return fmt_value(x, ind.unit, ind.decimals, lang)


def deviation_text(dev_pp, dev_pct, ind: Indicator, lang: str) -> str:
    """'+9,8 Prozentpunkte (+68,1 %)' for rates; '–' for counts."""
    if not ind.is_rate:
        return "–"
    if dev_pp is None or pd.isna(dev_pp):
        return MISSING_TEXT[lang]
    text = fmt_pp(dev_pp, ind.decimals, lang)
    if dev_pct is not None and not pd.isna(dev_pct):
        pct = round(float(dev_pct), 1)
        sign = "+" if pct > 0 else ("−" if pct < 0 else "")
        text += f" ({sign}{fmt_number(abs(pct), 1, lang)}{' %' if lang == 'de' else '%'})"
    return text


def variable_label(variable_id: str | None, lang: str) -> str:
    """The catalog title of a raw count variable."""
    if not variable_id:
        return ""
    var = load_catalog().variables.get(variable_id)
    return pick(var.title, lang) if var else variable_id


def value_axis_title(ind: Indicator, lang: str) -> str:
    """'Anteil in %' for rates, 'Anzahl' for counts."""
    return word("value_unit_percent" if ind.unit == "percent" else "value_unit_count", lang)


def percent_suffix(ind: Indicator, lang: str) -> str:
    """Tick suffix for percentage axes."""
    return (" %" if lang == "de" else "%") if ind.unit == "percent" else ""


def wrap_label(name: str, width: int = LABEL_WRAP_CHARS) -> str:
    """Break a long area name after '/', '-' or a space for a map label (already escaped text)."""
    if len(name) <= width:
        return name
    for sep in ("/", "-", " "):
        cut = name.find(sep, 3)
        if 0 < cut < len(name) - 2:
            keep = sep if sep != " " else ""
            return name[:cut] + keep + "<br>" + name[cut + 1:]
    return name


def name_margin(names, large_text: bool = False) -> int:
    """Left margin in px that fits the longest name as a tick label (bold, so generous)."""
    longest = max((len(str(n)) for n in names), default=10)
    return int(16 + longest * FONT_SIZE[large_text] * 0.58)


def wrap_text(text: str, width: int = EXPORT_WRAP_CHARS) -> list[str]:
    """Escaped lines of at most ``width`` characters."""
    return [esc(line) for line in textwrap.wrap(str(text), width=width)] or [""]


def relative_luminance(hex_color: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    rgb = [int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def label_color(fill: str) -> str:
    """Black text on light fills, white on dark ones (whichever contrasts more)."""
    lum = relative_luminance(fill)
    return "#ffffff" if (1.05 / (lum + 0.05)) > ((lum + 0.05) / 0.05) else TEXT_COLOR


def base_layout(lang: str, large_text: bool = False, **extra) -> dict:
    """Layout shared by all figures: fonts, separators, white background."""
    layout = {
        "separators": SEPARATORS.get(lang, SEPARATORS["de"]),
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE[large_text], "color": TEXT_COLOR},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": FONT_SIZE[large_text]}, "align": "left"},
    }
    layout.update(extra)
    return layout


def title_dict(text: str, subtitle: str | None, large_text: bool) -> dict:
    """A left-aligned title with an optional subtitle."""
    title = {"text": f"<b>{esc(text)}</b>", "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top",
             "yref": "container", "font": {"size": TITLE_SIZE[large_text]}}
    if subtitle:
        title["subtitle"] = {"text": esc(subtitle), "font": {"size": FONT_SIZE[large_text] - 1,
                                                              "color": MUTED_TEXT}}
    return title


def axis_style(large_text: bool, **extra) -> dict:
    """Light grid, no zero-line clutter."""
    style = {"gridcolor": GRID_COLOR, "zeroline": False, "linecolor": "#999999", "ticks": "outside",
             "tickcolor": "#999999", "title": {"font": {"size": FONT_SIZE[large_text]}}}
    style.update(extra)
    return style


def _names_from_geo(geo_gdf) -> dict:
    """area_id -> name, preferring the geometry's own names (user files), else areas.csv."""
    names = dict(area_names())
    if geo_gdf is not None and "name" in geo_gdf:
        names.update({a: str(n) for a, n in zip(geo_gdf["area_id"], geo_gdf["name"]) if n is not None})
    return names


def _none_if_nan(x):
    """JSON-friendly value: None for missing."""
    return None if x is None or pd.isna(x) else float(x)


# --- map ---


def infer_level(table: pd.DataFrame, geo_gdf) -> str:
    """The level of the geometry's areas according to the table ('ortsteil' if unknown)."""
    ids = set(geo_gdf["area_id"])
    levels = table.loc[table["area_id"].isin(ids), "level"]
    return str(levels.mode().iloc[0]) if len(levels) else "ortsteil"


def map_rows(table: pd.DataFrame, geo_gdf, indicator_id: str, year: int, level: str) -> pd.DataFrame:
    """The slice's rows for the areas that have a shape (area order), then shapes without a row (NaN)."""
    rows = views.indicator_slice(table, indicator_id, year, level)
    geo_ids = list(geo_gdf["area_id"])
    rows = rows[rows["area_id"].isin(set(geo_ids))]
    extra = [a for a in geo_ids if a not in set(rows["area_id"])]
    if extra:
        filler = pd.DataFrame({"area_id": extra, "indicator_id": indicator_id, "year": int(year),
                               "level": level, "is_demo": False})
        rows = pd.concat([rows, filler], ignore_index=True)
    return rows.reset_index(drop=True)


def map_classes(values, ind: Indicator, method: str, k: int, breaks, lang: str) -> dict:
    """Breaks, class index per value, labels and colours (palette direction from the polarity)."""
    if breaks is None or len(breaks) == 0:
        breaks = classify.class_breaks(values, method, k)
    breaks = [float(b) for b in breaks]
    labels = classify.class_labels(breaks, ind.decimals, ind.unit, lang)
    colors = classify.palette(ind.polarity, len(labels))
    classes = classify.assign_classes(values, breaks)
    return {"breaks": breaks, "labels": labels, "colors": colors, "classes": classes}


MAP_STYLES = ("classes", "deviation", "comparison")
STYLE_LABELS = {"deviation": {"de": "fünf Klassen um 0: ±0,5 und ±1,5 Standardabweichungen, über alle Jahre",
                              "en": "five classes around 0: ±0.5 and ±1.5 standard deviations, over all years"},
                "comparison": {"de": "95-%- und 99,8-%-Konfidenzintervall",
                               "en": "95 % and 99.8 % confidence intervals"}}
STYLE_TITLES = {"deviation": {"de": "Abweichung von Bochum", "en": "Deviation from Bochum"},
                "comparison": {"de": "Vergleich mit Bochum", "en": "Comparison with Bochum"}}


def style_classes(table: pd.DataFrame, rows: pd.DataFrame, ind: Indicator, style: str, level: str,
                  lang: str = "de") -> dict:
    """Classes of the deviation map (centred on 0, cuts ±0.5 s, ±1.5 s pooled over years) or of the
    comparison map (the five §2.3 codes), with the diverging palette of the polarity (METHODS §5)."""
    colors = mapstyle.diverging_palette(ind.polarity)
    if style == "deviation":
        pooled = table.loc[(table["indicator_id"] == ind.id) & (table["level"] == level), "dev_pp"]
        classes, cuts = mapstyle.deviation_classes(rows["dev_pp"], pooled)
        return {"breaks": [float(c) for c in cuts], "labels": mapstyle.deviation_labels(cuts, ind.decimals, lang),
                "colors": colors, "classes": np.array(classes)}
    codes = rows["compare_city"] if "compare_city" in rows else pd.Series([""] * len(rows))
    return {"breaks": [], "labels": mapstyle.comparison_labels(lang), "colors": colors,
            "classes": np.array(mapstyle.comparison_classes(codes.fillna("")))}


def discrete_colorscale(colors: list[str]) -> list:
    """A stepped colour scale for z in {-1 (keine Daten), 0, …, n-1}, with zmin=-1.5 and zmax=n-0.5."""
    steps = [NO_DATA_COLOR, *colors]
    scale = []
    for i, color in enumerate(steps):
        scale += [[i / len(steps), color], [(i + 1) / len(steps), color]]
    return scale


def _hover_template(ind: Indicator, year: int, lang: str) -> str:
    """Hover: name, value, numerator, denominator and deviation from the city (from customdata)."""
    lines = ["<b>%{customdata[1]}</b>", f"{esc(ind.label(lang, short=True))} {year}: %{{customdata[2]}}"]
    if ind.is_rate:
        lines += [f"{esc(variable_label(ind.numerator, lang))}: %{{customdata[3]}}",
                  f"{esc(variable_label(ind.denominator, lang))}: %{{customdata[4]}}",
                  f"{word('deviation', lang)}: %{{customdata[5]}}"]
    lines.append(f"{word('classes', lang)}: %{{customdata[6]}}")
    if ind.is_rate:   # METHODS §2.3: interval, the comparison code's words, the small-count note
        lines += [f"{pick(statwords.INTERVAL_95, lang)}: %{{customdata[8]}}", "%{customdata[9]}%{customdata[10]}"]
    return "<br>".join(lines) + "<extra></extra>"


def _map_customdata(rows: pd.DataFrame, names: dict, ind: Indicator, classes, labels, lang: str) -> np.ndarray:
    """Per area: [value, name, value text, numerator, denominator, deviation, class label, area_id,
    interval, comparison words, note] — a suppressed value reads „geheim“, never 0."""
    out = []
    for row, cls in zip(rows.itertuples(index=False), classes):
        stats = row_statistics(row, ind, lang)
        out.append([
            _none_if_nan(row.value),
            esc(names.get(row.area_id, row.area_id)),
            pick(statwords.SUPPRESSED, lang) if getattr(row, "flag", "") == "suppressed" else fmt_ind(row.value, ind, lang),
            fmt_number(getattr(row, "numerator", np.nan), 0, lang),
            fmt_number(getattr(row, "denominator", np.nan), 0, lang),
            deviation_text(getattr(row, "dev_pp", np.nan), getattr(row, "dev_pct", np.nan), ind, lang),
            labels[cls] if 0 <= cls < len(labels) else MISSING_TEXT[lang],
            row.area_id,
            stats["interval"],
            esc(" – ".join(x for x in (stats["comparison"], stats["evaluation"]) if x)),
            "<br>" + esc(stats["note"]) if stats["note"] else "",   # its own line only when there is a note
        ])
    return np.array(out, dtype=object).reshape(len(out), 11)


def _main_map_trace(rows, geojson, names, ind, year, cls, lang, large_text) -> go.Choropleth:
    """Every area coloured by its class (z = class index, customdata[:, 0] = value)."""
    n = len(cls["labels"])
    return go.Choropleth(
        geojson=geojson, locations=rows["area_id"].tolist(), featureidkey="id",
        z=[int(c) for c in cls["classes"]], zmin=-1.5, zmax=n - 0.5,
        colorscale=discrete_colorscale(cls["colors"]), showscale=False,
        # grey borders (METHODS §5): white ones would hide the near-white middle classes
        marker={"line": {"color": mapstyle.BORDER_COLOUR, "width": mapstyle.border_width(large_text)}},
        customdata=_map_customdata(rows, names, ind, cls["classes"], cls["labels"], lang),
        hovertemplate=_hover_template(ind, year, lang), name=ind.label(lang, short=True), showlegend=False,
    )


def _outline_trace(geojson, ids: list[str], color: str, width: float, name: str) -> go.Choropleth:
    """Transparent areas with a thick border (focus or selected), invisible to hover and clicks."""
    return go.Choropleth(
        geojson=geojson, locations=ids, featureidkey="id", z=[0] * len(ids), zmin=0, zmax=1,
        colorscale=[[0, TRANSPARENT], [1, TRANSPARENT]], showscale=False,
        marker={"line": {"color": color, "width": width}}, hoverinfo="skip", name=name, showlegend=False,
    )


def _legend_swatch(name: str, color: str, symbol: str = "square", line_color: str = "#7f7f7f",
                   line_width: float = 0.6, size: int = 14, group: str | None = None) -> go.Scattergeo:
    """A legend entry without data (plotly draws no legend for a single choropleth)."""
    return go.Scattergeo(lon=[None], lat=[None], mode="markers", name=name, showlegend=True,
                         legendgroup=group, hoverinfo="skip",
                         marker={"symbol": symbol, "size": size, "color": color,
                                 "line": {"color": line_color, "width": line_width}})


def _label_trace(geo_gdf, rows, names, fills: dict, focus: set, selected_id, label_all: bool,
                 large_text: bool, lang: str = "de") -> go.Scattergeo | None:
    """Area names at points inside the shapes (plotly draws none on choropleths)."""
    from indicators.geometry import label_points

    points = label_points(geo_gdf)
    wanted = points if label_all else points[points["area_id"].isin(focus | {selected_id})]
    if wanted.empty:
        return None
    texts, colors = [], []
    # METHODS §5: a choropleth cannot hatch, so a suppressed value is marked by the tile text „geheim“
    hidden = set(rows.loc[rows["flag"].eq("suppressed"), "area_id"]) if "flag" in rows else set()
    for area_id in wanted["area_id"]:
        label = wrap_label(esc(names.get(area_id, area_id))) + (f"<br>{pick(statwords.SUPPRESSED, lang)}" if area_id in hidden else "")
        texts.append(f"<b>{label}</b>" if area_id in focus or area_id == selected_id else label)
        colors.append(label_color(fills.get(area_id, NO_DATA_COLOR)))
    return go.Scattergeo(lon=wanted["lon"].tolist(), lat=wanted["lat"].tolist(), text=texts, mode="text",
                         textfont={"size": LABEL_SIZE[large_text], "color": colors, "family": FONT_FAMILY},
                         hoverinfo="skip", showlegend=False, name="labels")


def _geo_layout(geo_gdf=None, domain_x=(0.0, 1.0)) -> dict:
    """Geo axes for our own shapes: no base map, framed to the areas' bounds.

    Explicit lon/lat ranges (bounds + a small pad) instead of fitbounds='locations': fitbounds left
    about a third of the frame empty around the tile map. Without shapes, fitbounds is the fallback.
    """
    layout = {"visible": False, "projection": {"type": "mercator"}, "bgcolor": "rgba(0,0,0,0)",
              "domain": {"x": list(domain_x), "y": [0.0, 1.0]}}
    if geo_gdf is None or len(geo_gdf) == 0:
        return {**layout, "fitbounds": "locations"}
    minx, miny, maxx, maxy = (float(v) for v in geo_gdf.total_bounds)
    padx, pady = (maxx - minx) * GEO_PAD, (maxy - miny) * GEO_PAD
    return {**layout, "fitbounds": False, "lonaxis": {"range": [minx - padx, maxx + padx]},
            "lataxis": {"range": [miny - pady, maxy + pady]}}


def map_figure(table: pd.DataFrame, geo_gdf, indicator_id: str, year: int, *, method: str = "quantiles",
               k: int = 5, breaks=None, focus_ids=(), selected_id: str | None = None, label_all: bool = True,
               lang: str = "de", large_text: bool = False, level: str | None = None,
               style: str = "classes") -> go.Figure:
    """Choropleth of one indicator and year in discrete classes, focus outlined, areas labelled.

    ``style`` 'deviation' maps the deviation from Bochum in five classes centred on 0, 'comparison' the
    §2.3 comparison codes; both in the diverging palette. Large text (projector) uses the projector palette.

    Trace 0 holds every area with a shape: ``z`` = class index (-1 = keine Daten, grey),
    ``customdata[:, 0]`` = the indicator value of that year (None when missing), ``locations`` =
    area ids in area order. Pass ``breaks`` (class edges) to keep classes fixed across years.
    """
    from indicators.geometry import to_geojson_dict

    ind = indicator(indicator_id)
    level = level or infer_level(table, geo_gdf)
    rows = map_rows(table, geo_gdf, indicator_id, year, level)
    names = _names_from_geo(geo_gdf)
    if style == "classes":
        cls = map_classes(rows["value"], ind, method, k, breaks, lang)
        if large_text and ind.polarity != "neutral" and len(cls["labels"]) in mapstyle.ALLOWED_K:
            cls["colors"] = mapstyle.sequential_palette(ind.polarity, len(cls["labels"]), projector=True)
    else:
        cls = style_classes(table, rows, ind, style, level, lang)
    geojson = to_geojson_dict(geo_gdf)
    fills = {a: (cls["colors"][c] if c >= 0 else NO_DATA_COLOR) for a, c in zip(rows["area_id"], cls["classes"])}
    geo_ids = set(geo_gdf["area_id"])
    focus = [a for a in focus_ids if a in geo_ids]
    scale = LINE_SCALE[large_text]

    # the traces are collected and the figure made once with its layout: add_trace and update_layout on a
    # made figure re-validate it each time (about half of a new map view's cost)
    traces = [_main_map_trace(rows, geojson, names, ind, year, cls, lang, large_text)]
    if focus:
        traces.append(_outline_trace(geojson, focus, FOCUS_OUTLINE, 3.0 * scale, word("focus", lang)))
    if selected_id in geo_ids:
        traces.append(_outline_trace(geojson, [selected_id], SELECTED_OUTLINE, 4.5 * scale, word("selected", lang)))
    labels = _label_trace(geo_gdf, rows, names, fills, set(focus), selected_id, label_all, large_text, lang)
    if labels is not None:
        traces.append(labels)
    for label, color in reversed(list(zip(cls["labels"], cls["colors"]))):
        traces.append(_legend_swatch(label, color, group="classes"))
    traces.append(_legend_swatch(pick(mapstyle.NO_COMPARISON, lang) if style == "comparison" else word("no_data", lang),
                                 NO_DATA_COLOR, group="classes"))
    if "flag" in rows and rows["flag"].eq("suppressed").any():   # „geheim“: the same grey, its own entry
        traces.append(_legend_swatch(statwords.suppressed_note(lang), NO_DATA_COLOR, group="classes"))
    if focus:
        traces.append(_legend_swatch(word("focus", lang), FOCUS_OUTLINE, "square-open", FOCUS_OUTLINE, 2.5,
                                     group="outline"))
    if selected_id in geo_ids:
        traces.append(_legend_swatch(esc(names.get(selected_id, selected_id)), SELECTED_OUTLINE, "square-open",
                                     SELECTED_OUTLINE, 3, group="outline"))

    method_label = pick(STYLE_LABELS[style], lang) if style != "classes" else (
        METHOD_LABELS.get(lang, METHOD_LABELS["de"]).get(method, method)) if breaks is None else (
        f"{METHOD_LABELS.get(lang, METHOD_LABELS['de']).get(method, method)}, "
        + ("über alle Jahre fest" if lang == "de" else "fixed across years"))
    return go.Figure(data=traces, layout=base_layout(
        lang, large_text,
        title=title_dict(f"{ind.label(lang, short=True)} {year}", ind.label(lang), large_text),
        geo=_geo_layout(geo_gdf, MAP_DOMAIN_X), height=MAP_HEIGHT[large_text],
        margin={"l": 10, "r": 10, "t": 80 if not large_text else 110, "b": 10},
        legend={"title": {"text": f"{pick(STYLE_TITLES.get(style), lang) or value_axis_title(ind, lang)}"
                                  f"<br><sub>{esc(method_label)}</sub>"},
                "x": 1.0, "xanchor": "right", "y": 0.5, "yanchor": "middle", "itemclick": False,
                "itemdoubleclick": False, "bgcolor": "rgba(255,255,255,0.85)",
                "font": {"size": mapstyle.legend_font_px(large_text, FONT_SIZE[large_text])}},
        meta={"kind": "map", "indicator_id": indicator_id, "year": int(year), "level": level,
              "method": method, "k": int(k), "style": style, "fixed_breaks": breaks is not None, "breaks": cls["breaks"],
              "class_labels": cls["labels"], "class_colors": cls["colors"], "no_data_color": NO_DATA_COLOR,
              "z": "class index (-1 = keine Daten)", "customdata": ["value", "name", "value_text",
              "numerator_text", "denominator_text", "deviation_text", "class_label", "area_id",
              "interval_text", "comparison_text", "note"],
              "area_ids": rows["area_id"].tolist(), "focus_ids": focus,
              "geo_kind": str(geo_gdf["kind"].iloc[0]) if "kind" in geo_gdf and len(geo_gdf) else "",
              "is_demo": views.is_illustrative(rows)},
    ))


def map_animation_figure(table: pd.DataFrame, geo_gdf, indicator_id: str, *, method: str = "quantiles",
                         k: int = 5, breaks=None, focus_ids=(), lang: str = "de", large_text: bool = False,
                         level: str | None = None, style: str = "classes") -> go.Figure:
    """The map with a year slider and a play button; classes fixed over all years (same colours).

    ``style`` as in map_figure: the deviation classes are pooled over years already, so every frame of
    a deviation or comparison animation shares one legend."""
    level = level or infer_level(table, geo_gdf)
    rows_all = table[(table["indicator_id"] == indicator_id) & (table["level"] == level)]
    years = sorted(int(y) for y in rows_all["year"].unique())
    if breaks is None and style == "classes":
        breaks = classify.class_breaks(rows_all["value"], method, k)
    figs = {y: map_figure(table, geo_gdf, indicator_id, y, method=method, k=k, breaks=breaks,
                          focus_ids=focus_ids, label_all=True, lang=lang, large_text=large_text, level=level,
                          style=style)
            for y in years}
    fig = go.Figure(figs[years[-1]])
    fig.frames = [go.Frame(data=[figs[y].data[0]], traces=[0], name=str(y),
                           layout={"title": figs[y].layout.title}) for y in years]
    play = {"de": "▶ Abspielen", "en": "▶ Play"}[lang if lang in ("de", "en") else "de"]
    pause = {"de": "❚❚ Anhalten", "en": "❚❚ Pause"}[lang if lang in ("de", "en") else "de"]
    fig.update_layout(
        updatemenus=[{"type": "buttons", "direction": "left", "x": 0.0, "y": 0.0, "xanchor": "left",
                      "yanchor": "top", "pad": {"t": 10}, "showactive": False,
                      "buttons": [{"label": play, "method": "animate",
                                   "args": [None, {"frame": {"duration": 900, "redraw": True},
                                                   "transition": {"duration": 0}, "fromcurrent": True}]},
                                  {"label": pause, "method": "animate",
                                   "args": [[None], {"frame": {"duration": 0, "redraw": False},
                                                     "mode": "immediate"}]}]}],
        sliders=[{"active": len(years) - 1, "x": 0.18, "len": 0.8, "y": 0.0, "yanchor": "top",
                  "pad": {"t": 10}, "currentvalue": {"prefix": word("year", lang) + ": "},
                  "steps": [{"label": str(y), "method": "animate",
                             "args": [[str(y)], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate",
                                                 "transition": {"duration": 0}}]} for y in years]}],
        margin={"b": 90},
        meta={**fig.layout.meta, "kind": "map_animation", "years": years},
    )
    return fig


def locator_map_figure(geo_gdf, area_id: str, *, large_text: bool = False) -> go.Figure:
    """The whole city in light grey with one Ortsteil highlighted (for the Steckbrief)."""
    from indicators.geometry import label_points, to_geojson_dict

    geojson = to_geojson_dict(geo_gdf)
    ids = geo_gdf["area_id"].tolist()
    names = _names_from_geo(geo_gdf)
    fig = go.Figure(go.Choropleth(
        geojson=geojson, locations=ids, featureidkey="id", z=[1 if a == area_id else 0 for a in ids],
        zmin=0, zmax=1, colorscale=[[0, LOCATOR_BASE], [0.5, LOCATOR_BASE], [0.5, LOCATOR_HIGHLIGHT],
                                    [1, LOCATOR_HIGHLIGHT]],
        showscale=False, marker={"line": {"color": AREA_BORDER, "width": 1}},
        customdata=[esc(names.get(a, a)) for a in ids], hovertemplate="%{customdata}<extra></extra>",
    ))
    point = label_points(geo_gdf[geo_gdf["area_id"] == area_id])
    if len(point):
        fig.add_trace(go.Scattergeo(
            lon=point["lon"].tolist(), lat=point["lat"].tolist(), mode="text", hoverinfo="skip",
            text=[f"<b>{wrap_label(esc(names.get(area_id, area_id)))}</b>"], showlegend=False,
            textfont={"size": LABEL_SIZE[large_text] - 2, "color": label_color(LOCATOR_HIGHLIGHT)}))
    fig.update_layout(**base_layout("de", large_text, geo=_geo_layout(geo_gdf), height=LOCATOR_HEIGHT,
                                    margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False,
                                    meta={"kind": "locator", "area_id": area_id}))
    return fig


# --- trends ---


def area_colors(area_ids) -> dict:
    """A line colour per chosen Ortsteil; a Stadtbezirk takes the colour of its first chosen Ortsteil."""
    parents = parent_of()
    colors = {}
    for i, area_id in enumerate(dict.fromkeys(area_ids)):
        colors[area_id] = LINE_COLORS[i % len(LINE_COLORS)]
        colors.setdefault(parents.get(area_id, ""), colors[area_id])
    colors[CITY_ID] = CITY_COLOR
    return colors


def line_symbol(color: str) -> str:
    """A marker shape per line colour, so lines differ by shape too, not by colour alone (WCAG 1.4.1)."""
    return LINE_SYMBOLS[LINE_COLORS.index(color)] if color in LINE_COLORS else "circle"


def year_position(reference_date) -> float | None:
    """Position of a reference date on a year axis whose points are 31 December: 2018-12-31 -> 2018.0."""
    if reference_date is None or pd.isna(reference_date) or str(reference_date) == "":
        return None
    text = str(reference_date)
    if len(text) == 4 and text.isdigit():
        return float(text)
    date = pd.Timestamp(text)
    end = pd.Timestamp(year=date.year, month=12, day=31)
    return round(date.year - (end - date).days / 365.0, 3)


def source_name(source_id, source_url, lang: str = "de") -> str:
    """A readable source: the bundled source title, else the web site's host."""
    src = load_sources().get(str(source_id), {}) if source_id else {}
    title = src.get("title")
    if isinstance(title, dict):
        return pick(title, lang)
    if title:
        return str(title)
    host = urlparse(str(source_url or "")).netloc
    return host.removeprefix("www.") if host else str(source_id or "")


def comparable_published(published: pd.DataFrame | None, indicator_id: str, area_ids) -> pd.DataFrame:
    """Published points that measure the same thing as the indicator, for the areas on the chart."""
    if published is None or len(published) == 0:
        return pd.DataFrame()
    rows = published
    if "comparable_indicator" in rows:
        rows = rows[rows["comparable_indicator"].astype(str) == indicator_id]
    rows = rows[rows["area_id"].isin(set(area_ids))]
    rows = rows.assign(x=[year_position(d) for d in rows["reference_date"]])
    return rows[rows["x"].notna()]


def published_text(value, reference_date, ind: Indicator, lang: str = "de") -> str:
    """'veröffentlicht: 28,8 % am 31.12.2018' (a bare year: 'veröffentlicht: 7,8 % (2019)')."""
    date = str(reference_date or "")
    if len(date) == 10:
        return word("published_on", lang).format(value=fmt_ind(value, ind, lang), date=fmt_date(date, lang))
    return f"{word('published', lang)}: {fmt_ind(value, ind, lang)} ({date})"


def _published_trace(points: pd.DataFrame, ind: Indicator, colors: dict, lang: str,
                     large_text: bool) -> go.Scatter:
    """Published values as diamonds with value, date and source in the hover."""
    names = area_names()
    texts = []
    for row in points.itertuples(index=False):
        what = published_text(row.value, row.reference_date, ind, lang)
        src = source_name(getattr(row, "source_id", ""), getattr(row, "source_url", ""), lang)
        texts.append(f"<b>{esc(names.get(row.area_id, row.area_id))}</b><br>{esc(what)}<br>"
                     f"{word('source', lang)}: {esc(src)}")
    return go.Scatter(
        x=points["x"].tolist(), y=points["value"].astype(float).tolist(), mode="markers",
        name=word("published_legend", lang), customdata=texts, hovertemplate="%{customdata}<extra></extra>",
        marker={"symbol": PUBLISHED_SYMBOL, "size": 12 * LINE_SCALE[large_text],
                "color": [colors.get(a, CITY_COLOR) for a in points["area_id"]],
                "line": {"color": "#000000", "width": 1.2}})


def _series_break_shapes(fig: go.Figure, ind: Indicator, years: list[int], lang: str, large_text: bool) -> None:
    """A dotted vertical line with its label between the last year before and the first after a break."""
    for brk in ind.series_breaks:
        year = int(brk.get("year", 0))
        if not years or not (min(years) < year <= max(years)):
            continue
        label = brk.get("label", {})
        text = pick(label, lang) if isinstance(label, dict) else str(label)
        x = year - 0.5
        fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper",
                      line={"color": BREAK_LINE_COLOR, "width": 1.5 * LINE_SCALE[large_text], "dash": "dot"})
        fig.add_annotation(x=x, y=1, yref="paper", text=esc(text), showarrow=False, xanchor="right",
                           yanchor="top", align="right", font={"size": FONT_SIZE[large_text] - 2,
                                                               "color": BREAK_LINE_COLOR}, xshift=-4,
                           bgcolor="rgba(255,255,255,0.8)")


def _trend_hover(frame: pd.DataFrame, ind: Indicator, mode: str, lang: str) -> list[str]:
    """Pre-formatted hover text per point."""
    out = []
    for name, year, value in zip(frame["name"], frame["year"], frame["value"]):
        if mode == "absolute":
            text = fmt_ind(value, ind, lang)
        elif mode == "indexed":
            text = fmt_number(value, 1, lang)
        else:
            text = fmt_pp(value, ind.decimals, lang)
        out.append(f"{esc(name)} {year}: {text}")
    return out


def trend_figure(table: pd.DataFrame, indicator_id: str, area_ids, mode: str = "absolute", *,
                 published: pd.DataFrame | None = None, lang: str = "de", large_text: bool = False) -> go.Figure:
    """Lines over all years: chosen Ortsteile (solid), their Stadtbezirke (dashed), the city (black, thick).

    Published comparable values appear as diamonds in mode 'absolute' only; catalog series breaks
    as a dotted vertical line with their label.
    """
    ind = indicator(indicator_id)
    frame = views.trend_frame(table, indicator_id, area_ids, mode)
    years = sorted(int(y) for y in table.loc[table["indicator_id"] == indicator_id, "year"].unique())
    colors = area_colors(area_ids)
    scale = LINE_SCALE[large_text]
    fig = go.Figure()
    for area_id, part in frame.groupby("area_id", sort=False):
        kind = part["kind"].iloc[0]
        width = {"ortsteil": 2.5, "stadtbezirk": 1.8, "stadt": 3.5}.get(kind, 2.0) * scale
        fig.add_trace(go.Scatter(
            x=part["year"].tolist(), y=part["value"].tolist(), mode="lines+markers",
            name=word("city", lang) if kind == "stadt" else esc(part["name"].iloc[0]),
            line={"color": colors.get(area_id, CITY_COLOR), "width": width,
                  "dash": "dash" if kind == "stadtbezirk" else "solid"},
            marker={"size": (6 if kind != "stadtbezirk" else 4) * scale,
                    "symbol": line_symbol(colors.get(area_id, CITY_COLOR))},
            customdata=_trend_hover(part, ind, mode, lang), hovertemplate="%{customdata}<extra></extra>",
            meta={"area_id": area_id, "kind": kind}, connectgaps=False,
        ))
    points = comparable_published(published, indicator_id, frame["area_id"].unique()) if mode == "absolute" else (
        pd.DataFrame())
    if len(points):
        fig.add_trace(_published_trace(points, ind, colors, lang, large_text))
    _series_break_shapes(fig, ind, years, lang, large_text)
    if mode == "gap" and not ind.is_rate:
        fig.add_annotation(x=0.5, y=0.5, xref="paper", yref="paper", text=word("gap_rates_only", lang),
                           showarrow=False, font={"color": MUTED_TEXT})

    # published points before the first or after the last year widen the axis: they are real context
    xs = years + ([float(x) for x in points["x"]] if len(points) else [])
    x_lo, x_hi = (int(np.floor(min(xs))), int(np.ceil(max(xs)))) if xs else (0, 0)
    x_span = x_hi - x_lo + 1
    y_title = {"absolute": value_axis_title(ind, lang),
               "indexed": word("index", lang).format(year=years[0] if years else ""),
               "gap": word("gap", lang)}[mode]
    yaxis = axis_style(large_text, title={"text": y_title}, ticksuffix=percent_suffix(ind, lang) if mode == "absolute" else "")
    if mode == "gap":
        yaxis.update(zeroline=True, zerolinecolor="#000000", zerolinewidth=1)
    fig.update_layout(**base_layout(
        lang, large_text,
        title=title_dict(ind.label(lang, short=True), ind.label(lang), large_text),
        xaxis=axis_style(large_text, dtick=1 if x_span <= 14 else 2, tickformat="d",
                         range=[x_lo - 0.5, x_hi + 0.5] if years else None, showgrid=False),
        yaxis=yaxis, height=TREND_HEIGHT[large_text], hovermode="closest",
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.12, "yanchor": "top",
                "font": {"size": FONT_SIZE[large_text]}},
        margin={"l": 90 if mode == "gap" else 70, "r": 20, "t": 80 if not large_text else 110,
                "b": 110 if not large_text else 150},
        meta={"kind": "trend", "indicator_id": indicator_id, "mode": mode, "area_ids": list(area_ids),
              "years": years, "published_points": int(len(points)),
              "is_demo": views.is_illustrative(table[(table["indicator_id"] == indicator_id)
                                                     & table["area_id"].isin(frame["area_id"].unique())])},
    ))
    return fig


def published_series_figure(series_df: pd.DataFrame, measure_label: str, lang: str = "de", *,
                            large_text: bool = False) -> go.Figure:
    """A published series (e.g. the December Arbeitslosenquote of the BA) on its own axis and definition."""
    series_df = series_df.sort_values("reference_date")
    fig = go.Figure()
    names = area_names()
    percent = str(series_df["unit"].iloc[0]) == "percent" if len(series_df) else False
    for i, (area_id, part) in enumerate(series_df.groupby("area_id", sort=False)):
        xs, values, texts = [], [], []
        for date, value in zip(part["reference_date"], part["value"].astype(float)):
            x = year_position(date)
            if xs and x is not None and xs[-1] is not None and x - xs[-1] > 1.5:  # a missing year breaks the line
                xs.append(None), values.append(None), texts.append("")
            xs.append(x), values.append(value)
            texts.append(f"{fmt_date(str(date), lang)}: " + (fmt_number(value, 1, lang) + (" %" if lang == "de" else "%")
                                                          if percent else fmt_number(value, 0, lang)))
        name = part["area_name"].iloc[0] if "area_name" in part else names.get(area_id, area_id)
        fig.add_trace(go.Scatter(
            x=xs, y=values, mode="lines+markers", name=esc(name), connectgaps=False,
            line={"color": CITY_COLOR if area_id == CITY_ID else LINE_COLORS[i % len(LINE_COLORS)],
                  "width": 2.5 * LINE_SCALE[large_text]},
            marker={"symbol": PUBLISHED_SYMBOL, "size": 8 * LINE_SCALE[large_text]},
            customdata=texts, hovertemplate="%{customdata}<extra>" + esc(name) + "</extra>"))
    definition = str(series_df["definition_de"].iloc[0]) if "definition_de" in series_df and len(series_df) else ""
    sources = sorted({source_name(s, u, lang) for s, u in zip(series_df.get("source_id", []),
                                                               series_df.get("source_url", []))} - {""})
    subtitle = " · ".join(p for p in [definition, f"{word('source', lang)}: {', '.join(sources)}" if sources else ""] if p)
    subtitle_html = "<br>".join(wrap_text(subtitle, 130))
    fig.update_layout(**base_layout(
        lang, large_text, title={**title_dict(measure_label, None, large_text),
                                 "subtitle": {"text": subtitle_html, "font": {"size": FONT_SIZE[large_text] - 1,
                                                                              "color": MUTED_TEXT}}},
        xaxis=axis_style(large_text, showgrid=False, tickformat="d", dtick=1 if len(series_df) <= 16 else 2),
        yaxis=axis_style(large_text, ticksuffix=(" %" if lang == "de" else "%") if percent else "",
                         title={"text": word("value_unit_percent" if percent else "value_unit_count", lang)}),
        height=TREND_HEIGHT[large_text], showlegend=series_df["area_id"].nunique() > 1,
        margin={"l": 70, "r": 20, "t": 80 + 16 * (subtitle_html.count("<br>")), "b": 50},
        meta={"kind": "published_series", "measure": str(series_df["measure"].iloc[0]) if len(series_df) else "",
              "is_demo": False},
    ))
    return fig


# --- comparison ---


def ranking_figure(table: pd.DataFrame, indicator_id: str, year: int, focus_ids=(), lang: str = "de", *,
                   large_text: bool = False) -> go.Figure:
    """All Ortsteile as horizontal bars, highest on top; focus in its own colour and bold; city as a line."""
    ind = indicator(indicator_id)
    rows = views.indicator_slice(table, indicator_id, year, "ortsteil")
    rows = pd.concat([rows[rows["value"].notna()].sort_values("value", ascending=False, kind="stable"),
                      rows[rows["value"].isna()]], ignore_index=True)
    names = area_names()
    focus = set(focus_ids)
    ids = rows["area_id"].tolist()
    ticktext = [f"<b>{esc(names.get(a, a))}</b>" if a in focus else esc(names.get(a, a)) for a in ids]
    colors = [FOCUS_COLOR if a in focus else OTHER_COLOR for a in ids]
    hover = [f"<b>{esc(names.get(a, a))}</b><br>{fmt_ind(v, ind, lang)}<br>{word('deviation', lang)}: "
             f"{deviation_text(d, p, ind, lang)}" for a, v, d, p in zip(ids, rows["value"], rows["dev_pp"], rows["dev_pct"])]
    values = [_none_if_nan(v) for v in rows["value"]]
    fig = go.Figure(go.Bar(
        x=values, y=ids, orientation="h", marker={"color": colors, "line": {"width": 0}},
        text=[fmt_ind(v, ind, lang) if v is not None else "" for v in values], textposition="outside",
        cliponaxis=False, customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        name=ind.label(lang, short=True), showlegend=False,
    ))
    missing = [a for a, v in zip(ids, values) if v is None]
    if missing:
        fig.add_trace(go.Scatter(x=[0] * len(missing), y=missing, mode="text", text=[word("no_data", lang)] * len(missing),
                                 textposition="middle right", textfont={"color": NO_DATA_TEXT_COLOR},
                                 hoverinfo="skip", showlegend=False, name=word("no_data", lang)))
    fig.add_trace(go.Bar(x=[None], y=[None], marker={"color": FOCUS_COLOR}, name=word("focus", lang),
                         orientation="h", showlegend=bool(focus & set(ids)), hoverinfo="skip"))
    fig.add_trace(go.Bar(x=[None], y=[None], marker={"color": OTHER_COLOR}, name=word("other", lang),
                         orientation="h", showlegend=bool(focus & set(ids)), hoverinfo="skip"))
    city = table[(table["indicator_id"] == indicator_id) & (table["year"] == int(year))
                 & (table["level"] == "stadt")]["value"]
    city_value = float(city.iloc[0]) if len(city) and pd.notna(city.iloc[0]) and ind.is_rate else None
    if city_value is not None:
        fig.add_shape(type="line", x0=city_value, x1=city_value, y0=0, y1=1, yref="paper", layer="below",
                      line={"color": CITY_COLOR, "width": 2 * LINE_SCALE[large_text], "dash": "dash"})
        # named in the legend rather than over the line, where it collided with the legend row
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", hoverinfo="skip",
                                 name=f"{word('city_average', lang)}: {fmt_ind(city_value, ind, lang)}",
                                 line={"color": CITY_COLOR, "width": 2 * LINE_SCALE[large_text], "dash": "dash"}))
    row_px = BAR_ROW_PX[large_text]
    fig.update_layout(**base_layout(
        lang, large_text, title=title_dict(f"{ind.label(lang, short=True)} {year}", ind.label(lang), large_text),
        barmode="overlay", bargap=0.25, height=len(ids) * row_px + 170,
        xaxis=axis_style(large_text, ticksuffix=percent_suffix(ind, lang), title={"text": value_axis_title(ind, lang)},
                         rangemode="tozero"),
        yaxis={"autorange": "reversed", "tickmode": "array", "tickvals": ids, "ticktext": ticktext,
               "type": "category", "showgrid": False, "ticks": ""},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "xanchor": "left",
                "traceorder": "normal"},
        margin={"l": name_margin((names.get(a, a) for a in ids), large_text), "r": 70,
                "t": 110 if not large_text else 150, "b": 60},
        meta={"kind": "ranking", "indicator_id": indicator_id, "year": int(year), "area_ids": ids,
              "focus_ids": [a for a in ids if a in focus], "city_value": city_value,
              "is_demo": views.is_illustrative(rows)},
    ))
    fig.update_yaxes(automargin=True)
    return fig


def scatter_text_position(x: float, all_x: pd.Series) -> str:
    """Labels of points in the right fifth go to the left, so they are not cut off."""
    lo, hi = float(all_x.min()), float(all_x.max())
    return "top left" if hi > lo and (x - lo) / (hi - lo) > 0.8 else "top center"


def group_labels(pooled: pd.DataFrame, lang: str) -> list[str]:
    """'Fokusquartiere (4 Ortsteile)', 'Übrige Ortsteile (26 Ortsteile)', 'Stadt Bochum'."""
    out = []
    for group, n in zip(pooled["group"], pooled["n_areas"]):
        if group == views.GROUP_CITY:
            out.append(word("city", lang))
        else:
            key = "focus_group" if group == views.GROUP_FOCUS else "rest_group"
            out.append(f"{word(key, lang)}<br>({word('n_ortsteile', lang).format(n=int(n))})")
    return out


def groups_figure(pooled: pd.DataFrame, indicator_id: str, lang: str = "de", *, large_text: bool = False) -> go.Figure:
    """Focus group pooled vs. the other Ortsteile vs. the city (bars with German values)."""
    ind = indicator(indicator_id)
    labels = group_labels(pooled, lang)
    colors = {views.GROUP_FOCUS: FOCUS_COLOR, views.GROUP_REST: OTHER_COLOR, views.GROUP_CITY: CITY_COLOR}
    values = [_none_if_nan(v) for v in pooled["value"]]
    hover = [f"<b>{lab.replace('<br>', ' ')}</b><br>{fmt_ind(v, ind, lang)}<br>"
             f"{esc(variable_label(ind.numerator, lang))}: {fmt_number(n, 0, lang)}<br>"
             f"{esc(variable_label(ind.denominator, lang))}: {fmt_number(d, 0, lang)}"
             for lab, v, n, d in zip(labels, pooled["value"], pooled["numerator"], pooled["denominator"])]
    fig = go.Figure(go.Bar(
        x=labels, y=values, marker={"color": [colors.get(g, OTHER_COLOR) for g in pooled["group"]]},
        text=[fmt_ind(v, ind, lang) if v is not None else "" for v in values], textposition="outside",
        cliponaxis=False, customdata=hover, hovertemplate="%{customdata}<extra></extra>", showlegend=False,
        textfont={"size": FONT_SIZE[large_text] + 1},
    ))
    for label, value in zip(labels, values):
        if value is None:
            fig.add_annotation(x=label, y=0, yanchor="bottom", showarrow=False, text=word("no_data", lang),
                               font={"color": NO_DATA_TEXT_COLOR})
    fig.update_layout(**base_layout(
        lang, large_text, title=title_dict(ind.label(lang, short=True), word("pooled", lang), large_text),
        yaxis=axis_style(large_text, ticksuffix=percent_suffix(ind, lang), rangemode="tozero",
                         title={"text": value_axis_title(ind, lang)}),
        xaxis={"showgrid": False}, height=TREND_HEIGHT[large_text], bargap=0.45,
        margin={"l": 70, "r": 20, "t": 80, "b": 70},
        meta={"kind": "groups", "indicator_id": indicator_id, "groups": pooled["group"].tolist(),
              "values": values, "is_demo": bool(pooled["is_demo"].any()) if "is_demo" in pooled else False},
    ))
    return fig


def scatter_figure(table: pd.DataFrame, x_indicator: str, y_indicator: str, year: int, focus_ids=(),
                   lang: str = "de", *, large_text: bool = False) -> go.Figure:
    """The 30 Ortsteile on two indicators; focus labelled, the city marked, city values as dotted lines."""
    xi, yi = indicator(x_indicator), indicator(y_indicator)
    xs = views.indicator_slice(table, x_indicator, year, "ortsteil")[["area_id", "value"]]
    ys = views.indicator_slice(table, y_indicator, year, "ortsteil")[["area_id", "value"]]
    both = xs.merge(ys, on="area_id", suffixes=("_x", "_y"))
    ok = both[both["value_x"].notna() & both["value_y"].notna()]
    names = area_names()
    focus = set(focus_ids)
    fig = go.Figure()
    for is_focus, part in ((False, ok[~ok["area_id"].isin(focus)]), (True, ok[ok["area_id"].isin(focus)])):
        hover = [f"<b>{esc(names.get(a, a))}</b><br>{esc(xi.label(lang, short=True))}: {fmt_ind(x, xi, lang)}<br>"
                 f"{esc(yi.label(lang, short=True))}: {fmt_ind(y, yi, lang)}"
                 for a, x, y in zip(part["area_id"], part["value_x"], part["value_y"])]
        fig.add_trace(go.Scatter(
            x=part["value_x"].tolist(), y=part["value_y"].tolist(),
            mode="markers+text" if is_focus else "markers",
            text=[f"<b>{esc(names.get(a, a))}</b>" for a in part["area_id"]] if is_focus else None,
            textposition=[scatter_text_position(x, ok["value_x"]) for x in part["value_x"]], cliponaxis=False,
            customdata=hover, hovertemplate="%{customdata}<extra></extra>",
            name=word("focus", lang) if is_focus else word("other", lang),
            marker={"size": (13 if is_focus else 10) * LINE_SCALE[large_text],
                    "color": FOCUS_COLOR if is_focus else OTHER_COLOR, "line": {"color": "#ffffff", "width": 1}},
            meta={"area_ids": part["area_id"].tolist()}))
    city = {}
    for key, iid in (("x", x_indicator), ("y", y_indicator)):
        rows = table[(table["indicator_id"] == iid) & (table["year"] == int(year)) & (table["level"] == "stadt")]
        city[key] = float(rows["value"].iloc[0]) if len(rows) and pd.notna(rows["value"].iloc[0]) else None
    if city["x"] is not None and city["y"] is not None:
        for axis in ("x", "y"):
            line = dict(type="line", line={"color": CITY_COLOR, "width": 1, "dash": "dot"})
            if axis == "x":
                fig.add_shape(**line, x0=city["x"], x1=city["x"], y0=0, y1=1, yref="paper")
            else:
                fig.add_shape(**line, y0=city["y"], y1=city["y"], x0=0, x1=1, xref="paper")
        fig.add_trace(go.Scatter(
            x=[city["x"]], y=[city["y"]], mode="markers+text", text=[word("city", lang)], textposition="bottom right",
            name=word("city", lang), marker={"symbol": "x", "size": 14 * LINE_SCALE[large_text], "color": CITY_COLOR},
            hovertemplate=f"<b>{word('city', lang)}</b><br>{esc(xi.label(lang, short=True))}: "
                          f"{fmt_ind(city['x'], xi, lang)}<br>{esc(yi.label(lang, short=True))}: "
                          f"{fmt_ind(city['y'], yi, lang)}<extra></extra>"))
    n_missing = len(both) - len(ok)
    if n_missing:
        fig.add_annotation(x=1, y=0, xref="paper", yref="paper", xanchor="right", yanchor="bottom", showarrow=False,
                           text=word("missing_points", lang).format(n=n_missing), font={"color": MUTED_TEXT})
    fig.update_layout(**base_layout(
        lang, large_text, title=title_dict(f"{xi.label(lang, short=True)} und {yi.label(lang, short=True)}, {year}"
                                           if lang == "de" else
                                           f"{xi.label(lang, short=True)} and {yi.label(lang, short=True)}, {year}",
                                           None, large_text),
        xaxis=axis_style(large_text, title={"text": esc(xi.label(lang, short=True))}, ticksuffix=percent_suffix(xi, lang)),
        yaxis=axis_style(large_text, title={"text": esc(yi.label(lang, short=True))}, ticksuffix=percent_suffix(yi, lang)),
        height=TREND_HEIGHT[large_text] + 40, legend={"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top"},
        margin={"l": 70, "r": 20, "t": 60, "b": 100},
        meta={"kind": "scatter", "indicator_id": y_indicator, "x_indicator": x_indicator, "y_indicator": y_indicator,
              "year": int(year), "n_points": int(len(ok)), "n_missing": int(n_missing),
              "is_demo": views.is_illustrative(table[table["indicator_id"].isin([x_indicator, y_indicator])
                                                     & (table["year"] == int(year))])},
    ))
    return fig


# --- small multiples for the overview and the Steckbrief ---


def sparkline_figure(table: pd.DataFrame, indicator_id: str, area_id: str, lang: str = "de") -> go.Figure:
    """A ~60 px line of one Ortsteil over all years, with the city as a thin black dashed line."""
    ind = indicator(indicator_id)
    fig = go.Figure()
    for aid, color, width, dash in ((CITY_ID, CITY_COLOR, 1.2, "dot"), (area_id, LINE_COLORS[0], 2.2, "solid")):
        rows = table[(table["indicator_id"] == indicator_id) & (table["area_id"] == aid)].sort_values("year")
        name = area_names().get(aid, aid)
        fig.add_trace(go.Scatter(
            x=rows["year"].tolist(), y=rows["value"].tolist(), mode="lines", name=esc(name),
            line={"color": color, "width": width, "dash": dash},
            customdata=[f"{esc(name)} {y}: {fmt_ind(v, ind, lang)}" for y, v in zip(rows["year"], rows["value"])],
            hovertemplate="%{customdata}<extra></extra>"))
        if aid == area_id and len(rows):
            fig.add_trace(go.Scatter(x=[rows["year"].iloc[-1]], y=[rows["value"].iloc[-1]], mode="markers",
                                     marker={"color": color, "size": 6}, hoverinfo="skip", showlegend=False))
    # template "none": every setting plotly's default template would give is set here or hidden (axes), and
    # its 7 KB were 80 % of each of the Überblick's 16 sparklines sent on every rerun
    fig.update_layout(**base_layout(
        lang, False, height=SPARK_HEIGHT, margin={"l": 2, "r": 6, "t": 4, "b": 4}, showlegend=False,
        xaxis={"visible": False}, yaxis={"visible": False}, hovermode="x unified", template="none",
        meta={"kind": "sparkline", "indicator_id": indicator_id, "area_id": area_id},
    ))
    return fig


def profile_bars_figure(profile_df: pd.DataFrame, lang: str = "de", *, large_text: bool = False) -> go.Figure:
    """Every rate of one Ortsteil (bars) against its Stadtbezirk (bars) and the city (black tick)."""
    catalog = load_catalog()
    rows = profile_df[profile_df["indicator_id"].map(lambda i: i in catalog.indicators and catalog.indicators[i].is_rate)]
    ids = rows["indicator_id"].tolist()
    names = area_names()
    area_id = str(rows["area_id"].iloc[0]) if len(rows) else ""
    bezirk_id = str(rows["stadtbezirk_id"].iloc[0]) if len(rows) else ""
    ticktext = [esc(catalog.indicators[i].label(lang, short=True)) for i in ids]
    fmt = [catalog.indicators[i] for i in ids]
    fig = go.Figure()
    for column, name, color in (("value", names.get(area_id, area_id), LINE_COLORS[0]),
                                ("value_stadtbezirk", names.get(bezirk_id, bezirk_id), LINE_COLORS[5])):
        values = [_none_if_nan(v) for v in rows[column]]
        fig.add_trace(go.Bar(
            y=ids, x=values, orientation="h", name=esc(name), marker={"color": color},
            text=[fmt_ind(v, ind, lang) if v is not None else word("no_data", lang) for v, ind in zip(values, fmt)],
            textposition="outside", cliponaxis=False,
            customdata=[f"<b>{esc(name)}</b><br>{t}: {fmt_ind(v, ind, lang)}" for v, t, ind in zip(values, ticktext, fmt)],
            hovertemplate="%{customdata}<extra></extra>"))
    city = [_none_if_nan(v) for v in rows["value_stadt"]]
    fig.add_trace(go.Scatter(
        y=ids, x=city, mode="markers", name=word("city", lang),
        marker={"symbol": "line-ns", "size": 26 * LINE_SCALE[large_text], "line": {"color": CITY_COLOR, "width": 3}},
        customdata=[f"<b>{word('city', lang)}</b><br>{t}: {fmt_ind(v, ind, lang)}" for v, t, ind in zip(city, ticktext, fmt)],
        hovertemplate="%{customdata}<extra></extra>"))
    year = int(rows["year"].iloc[0]) if len(rows) else None
    fig.update_layout(**base_layout(
        lang, large_text, barmode="group", bargap=0.3, bargroupgap=0.05,
        title=title_dict(f"{names.get(area_id, area_id)} {year or ''}".strip(), None, large_text),
        height=len(ids) * (2.4 * BAR_ROW_PX[large_text]) + 160,
        xaxis=axis_style(large_text, ticksuffix=" %" if lang == "de" else "%", rangemode="tozero",
                         title={"text": word("value_unit_percent", lang)}),
        yaxis={"autorange": "reversed", "tickmode": "array", "tickvals": ids, "ticktext": ticktext,
               "type": "category", "showgrid": False},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        margin={"l": 10, "r": 70, "t": 90, "b": 50},
        meta={"kind": "profile", "area_id": area_id, "indicator_ids": ids, "year": year,
              "is_demo": views.is_illustrative(rows)},
    ))
    fig.update_yaxes(automargin=True)
    return fig


# --- export texts and annotations ---


def figure_notes(table_slice: pd.DataFrame, geo_kind: str | None = None, lang: str = "de") -> list[str]:
    """Notes an exported figure must carry: schematic geometry, demo data, missing values."""
    notes = []
    if geo_kind == "schematic":
        notes.append(word("note_schematic", lang))
    if views.is_illustrative(table_slice):
        notes.append(word("note_demo", lang))
    if "value" in table_slice and table_slice["value"].isna().any():
        notes.append(word("note_missing_map" if geo_kind else "note_missing", lang))
    return notes


def export_subtitle(indicator_id: str, year: int | None = None, lang: str = "de") -> str:
    """The indicator's definition and the year(s) shown."""
    ind = indicator(indicator_id)
    definition = pick(ind.definition, lang)
    return f"{definition} – {year}" if year is not None else definition


def reference_text(source: dict, table_slice: pd.DataFrame, lang: str = "de") -> str:
    """'Stichtag 31.12.2015' for the values shown.

    Demo counts describe 31 December of their own year, so a 2015 map says 31.12.2015 rather
    than the demo set's latest date; other sources keep the date they were published with.
    """
    years = sorted(table_slice["year"].dropna().unique()) if "year" in table_slice else []
    if source.get("kind") == "demo" and years:
        first, last = int(years[0]), int(years[-1])
        if first == last:
            return f"{word('reference_date', lang)} {fmt_date(f'{first}-12-31', lang)}"
        dates = {"de": f"Stichtage 31.12.{first}–31.12.{last}", "en": f"reference dates 31 Dec {first}–{last}"}
        return dates[lang]
    if source.get("reference_date"):
        # an official table's date is the state of the database (Stand), not the values' Stichtag
        label = {"de": "Stand", "en": "as of"}[lang] if source.get("kind") == "official" else word("reference_date", lang)
        return f"{label} {fmt_date(source['reference_date'], lang)}"
    return ""


def source_line(table_slice: pd.DataFrame, indicator_id: str | None = None, lang: str = "de",
                sources: dict | None = None) -> str:
    """'Quelle: <title> (<publisher>), Stichtag 31.12.2024; Datengrundlage: <catalog source>'."""
    sources = load_sources() if sources is None else sources
    parts = []
    for sid in views.source_ids_of(table_slice):
        src = sources.get(sid, {})
        title = src.get("title", sid)
        title = (title.get(lang) or title.get("de", sid)) if isinstance(title, dict) else str(title)
        if src.get("publisher") and src["publisher"] not in title:
            title += f", {src['publisher']}"
        reference = reference_text(src, table_slice, lang)
        title += f", {reference}" if reference else ""
        parts.append(title)
    line = f"{word('sources' if len(parts) > 1 else 'source', lang)}: " + "; ".join(parts) if parts else ""
    if indicator_id:
        basis = indicator(indicator_id).source
        basis_text = pick(basis, lang) if isinstance(basis, dict) else str(basis or "")
        if basis_text:
            line += (" · " if line else "") + ("Datengrundlage: " if lang == "de" else "Data basis: ") + basis_text
    return line


def add_export_annotations(fig: go.Figure, *, title: str, subtitle: str = "", source_line: str = "",
                           notes: list[str] | tuple = ()) -> go.Figure:
    """A copy of the figure with title, subtitle, source line and notes drawn inside the image.

    The bottom margin grows by the lines added and the notes sit in that new space (positioned in
    pixels below the plot area, so a different export width does not move them); the demo note is
    drawn on a yellow background so it cannot be missed.
    """
    out = go.Figure(fig)
    large = (out.layout.font.size or FONT_SIZE[False]) >= FONT_SIZE[True]
    base_size = FONT_SIZE[large] - 2
    line_px = EXPORT_LINE_PX * (1.4 if large else 1.0)
    margin = out.layout.margin
    old_t, old_b, old_l = (margin.t if margin.t is not None else 80), (margin.b or 0), (margin.l or 0)
    sub_lines = wrap_text(subtitle) if subtitle else []
    title_px = TITLE_SIZE[large] + 14 + len(sub_lines) * line_px + 12
    legend_on_top = (out.layout.legend.y is not None and out.layout.legend.y >= 1
                     and out.layout.legend.yanchor == "bottom")
    new_t = title_px + (28 * (1.4 if large else 1) if legend_on_top else 0) + 10
    lines = []
    if source_line:
        lines += [(text, False) for text in wrap_text(source_line)]
    demo_words = {word("note_demo", "de"), word("note_demo", "en")}
    for note in notes:
        lines += [(text, note in demo_words) for text in wrap_text(note)]
    add_b = int(EXPORT_PAD_PX + len(lines) * (line_px + 3) + EXPORT_PAD_PX) if lines else 0
    title_lines = wrap_text(title, EXPORT_WRAP_CHARS - 40)
    title_px += (len(title_lines) - 1) * (TITLE_SIZE[large] + 6)
    new_t = title_px + (28 * (1.4 if large else 1) if legend_on_top else 0) + 10
    title = {"text": "<br>".join(f"<b>{t}</b>" for t in title_lines), "x": 0.0, "xref": "container", "xanchor": "left", "y": 1.0,
             "yref": "container", "yanchor": "top", "pad": {"t": 12, "l": 14},
             "font": {"size": TITLE_SIZE[large] + 1, "color": TEXT_COLOR},
             "subtitle": {"text": "<br>".join(sub_lines), "font": {"size": base_size + 1, "color": MUTED_TEXT}}}
    height = out.layout.height or EXPORT_DEFAULT_HEIGHT
    out.update_layout(title=title, margin={"t": new_t, "b": old_b + add_b},
                      height=int(height - old_t + new_t + add_b))
    for i, (text, is_demo) in enumerate(lines):
        out.add_annotation(
            x=0, xref="paper", xanchor="left", xshift=-old_l + 12, y=0, yref="paper", yanchor="top",
            yshift=-(old_b + EXPORT_PAD_PX + i * (line_px + 3)), showarrow=False, align="left",
            text=f"<b>{text}</b>" if is_demo else text,
            font={"size": base_size, "color": "#5c3d00" if is_demo else MUTED_TEXT},
            bgcolor=DEMO_NOTE_BG if is_demo else None, bordercolor=DEMO_NOTE_BORDER if is_demo else None,
            borderwidth=1 if is_demo else 0, borderpad=2 if is_demo else 0,
            name="export_note")
    meta = dict(out.layout.meta or {}) if isinstance(out.layout.meta, dict) else {}
    meta["export"] = {"title": title["text"], "subtitle": subtitle, "source_line": source_line,
                      "notes": list(notes)}
    out.update_layout(meta=meta)
    return out


# --- Sozialindex map (METHODS.md §1, §5): status, dynamics or the 12 groups, on the same tiles ---

INDEX_MAP_MODES = {"gesamt": "Gesamtindex (Status und Dynamik)", "status": "Status-Index", "dynamik": "Dynamik-Index"}


def index_map_figure(index: pd.DataFrame, geo_gdf, year: int, *, mode: str = "gesamt", focus_ids=(),
                     demo: bool = False, large_text: bool = False, lang: str = "de") -> go.Figure:
    """Choropleth of a Sozialindex table (one year, from indicators.build.sozialindex).

    Fill: the status colour (modes 'gesamt' and 'status') or the dynamics colour; grey for
    „nicht berechnet“. The class is also written on every tile (colour is never the only cue):
    the group code such as „3+“ in mode 'gesamt', else the class word. Borders are grey (white
    would hide the near-white middle classes) and focus Ortsteile get a black outline.
    """
    from indicators.build.sozialindex import NOT_COMPUTED
    from indicators.geometry import label_points, to_geojson_dict
    from indicators.views.mapstyle import (
        BORDER_COLOUR,
        DYNAMICS_COLOURS,
        FOCUS_BORDER_WIDTH,
        NO_DATA_COLOUR,
        STATUS_COLOURS,
        border_width,
    )

    words = {k: pick(v, lang) for k, v in statwords.INDEX_MAP.items()}
    iw = lambda w: statwords.index_word(w, lang)  # noqa: E731
    colours = DYNAMICS_COLOURS if mode == "dynamik" else STATUS_COLOURS
    column = "dynamics_class" if mode == "dynamik" else "status_class"
    names = _names_from_geo(geo_gdf)
    rows = index.set_index("area_id").reindex(list(geo_gdf["area_id"]))
    classes = list(colours)
    z, custom, fills, tile_text = [], [], {}, {}
    for area_id, row in rows.iterrows():
        cls = row.get(column) if isinstance(row.get(column), str) else ""
        computed = cls in colours
        z.append(classes.index(cls) if computed else -1)
        fills[area_id] = colours[cls] if computed else NO_DATA_COLOUR
        excluded = iw(row.get("excluded") if isinstance(row.get("excluded"), str) and row.get("excluded")
                      else NOT_COMPUTED)
        status = f"{iw(row['status_class'])} ({fmt_number(row['status_index'], 2, lang)})" if computed else excluded
        dynamics = f"{iw(row['dynamics_class'])} ({fmt_number(row['dynamics_index'], 2, lang)})" if computed else excluded
        border = f" · {words['borderline']}" if computed and bool(row.get("grenzfall")) else ""
        custom.append([esc(names.get(area_id, area_id)), status, dynamics,
                       (row["gesamt"] if computed else "–") + border, area_id])
        tile_text[area_id] = (row["gesamt"] if mode == "gesamt" else iw(cls)) if computed else words["not_computed_short"]
    geojson = to_geojson_dict(geo_gdf)
    width = border_width(large_text)
    fig = go.Figure(go.Choropleth(
        geojson=geojson, locations=list(rows.index), featureidkey="id", z=z, zmin=-1.5,
        zmax=len(classes) - 0.5, colorscale=discrete_colorscale([colours[c] for c in classes]), showscale=False,
        marker={"line": {"color": BORDER_COLOUR, "width": width}}, customdata=custom,
        hovertemplate=(f"<b>%{{customdata[0]}}</b><br>{words['status']}: %{{customdata[1]}}<br>"
                       f"{words['dynamics']}: %{{customdata[2]}}<br>{words['group']}: %{{customdata[3]}}<extra></extra>"),
        name="Sozialindex", showlegend=False))
    focus = [a for a in focus_ids if a in set(geo_gdf["area_id"])]
    if focus:
        fig.add_trace(_outline_trace(geojson, focus, FOCUS_OUTLINE, FOCUS_BORDER_WIDTH * LINE_SCALE[large_text],
                                     word("focus", lang)))
    points = label_points(geo_gdf)
    texts = [f"{wrap_label(esc(names.get(a, a)))}<br><b>{esc(tile_text.get(a, ''))}</b>" for a in points["area_id"]]
    fig.add_trace(go.Scattergeo(lon=points["lon"].tolist(), lat=points["lat"].tolist(), text=texts, mode="text",
                                textfont={"size": LABEL_SIZE[large_text], "family": FONT_FAMILY,
                                          "color": [label_color(fills.get(a, NO_DATA_COLOUR)) for a in points["area_id"]]},
                                hoverinfo="skip", showlegend=False, name="labels"))
    prefix = words["dynamics"] if mode == "dynamik" else words["status"]
    for cls in reversed(classes):
        fig.add_trace(_legend_swatch(f"{prefix} {iw(cls)}", colours[cls], line_color=BORDER_COLOUR, group="classes"))
    fig.add_trace(_legend_swatch(iw(NOT_COMPUTED), NO_DATA_COLOUR, line_color=BORDER_COLOUR, group="classes"))
    if focus:
        fig.add_trace(_legend_swatch(word("focus", lang), FOCUS_OUTLINE, "square-open", FOCUS_OUTLINE, 2.5,
                                     group="outline"))
    modes = statwords.INDEX_MAP_MODES_EN if lang == "en" else INDEX_MAP_MODES
    title = words["title"].format(year=year, mode=modes.get(mode, mode))
    fig.update_layout(**base_layout(
        lang, large_text, title=title_dict(title, words["demo"] if demo else words["official"], large_text),
        geo=_geo_layout(geo_gdf, MAP_DOMAIN_X), height=MAP_HEIGHT[large_text],
        margin={"l": 10, "r": 10, "t": 80 if not large_text else 110, "b": 10},
        legend={"x": 1.0, "xanchor": "right", "y": 0.5, "yanchor": "middle", "itemclick": False,
                "itemdoubleclick": False, "bgcolor": "rgba(255,255,255,0.85)",
                "font": {"size": mapstyle.legend_font_px(large_text, FONT_SIZE[large_text])}},
        meta={"kind": "index_map", "year": int(year), "mode": mode, "area_ids": list(rows.index),
              "tile_text": [tile_text.get(a, "") for a in rows.index], "focus_ids": focus, "is_demo": demo},
    ))
    return fig
