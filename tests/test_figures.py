"""indicators.figures: exact values in traces, colours by polarity, escaping, export annotations, PNGs."""

import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image

from indicators import figures, views
from indicators.build import pipeline
from indicators.geometry import build_schematic
from indicators.load import demo
from indicators.views import classify

FOCUS = ["kruppwerke", "hamme", "querenburg", "wattenscheid_mitte"]
EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def table():
    return pipeline.build(counts=demo.generate())


@pytest.fixture(scope="module")
def geo():
    return build_schematic()


def color_at(fig: go.Figure, z: int) -> str:
    """The colour the stepped colour scale of trace 0 gives to class index z."""
    trace = fig.data[0]
    pos = (z - trace.zmin) / (trace.zmax - trace.zmin)
    for (lo, color), (hi, _) in zip(trace.colorscale[:-1], trace.colorscale[1:]):
        if lo <= pos <= hi and lo != hi:
            return color
    raise AssertionError(f"no colour for z={z}")


def area_color(fig: go.Figure, area_id: str) -> str:
    trace = fig.data[0]
    return color_at(fig, trace.z[list(trace.locations).index(area_id)])


def test_map_trace_carries_exactly_the_slice_values(table, geo):
    fig = figures.map_figure(table, geo, "kinderarmut", 2018, focus_ids=FOCUS)
    rows = views.indicator_slice(table, "kinderarmut", 2018, "ortsteil")
    trace = fig.data[0]
    assert list(trace.locations) == rows["area_id"].tolist()
    assert [c[0] for c in trace.customdata] == rows["value"].tolist()
    assert trace.featureidkey == "id" and trace.geojson["features"][0]["id"] == geo["area_id"].iloc[0]
    assert fig.layout.meta["indicator_id"] == "kinderarmut" and fig.layout.meta["year"] == 2018
    assert fig.layout.separators == ",."
    other = figures.map_figure(table, geo, "kinderarmut", 2024)
    assert [c[0] for c in other.data[0].customdata] != [c[0] for c in trace.customdata]


def test_map_classes_legend_and_german_hover(table, geo):
    fig = figures.map_figure(table, geo, "kinderarmut", 2024, method="quantiles", k=5)
    legend = [t.name for t in fig.data if t.showlegend]
    labels = fig.layout.meta["class_labels"]
    assert len(labels) == 5 and legend[:6] == labels[::-1] + ["keine Daten"]
    assert all(" – " in lab and lab.endswith(" %") and "," in lab for lab in labels)
    row = views.indicator_slice(table, "kinderarmut", 2024).set_index("area_id").loc["hamme"]
    data = dict(zip(fig.data[0].locations, fig.data[0].customdata))["hamme"]
    assert data[2] == figures.fmt_value(row["value"], "percent", 1)
    assert data[3] == f"{int(row['numerator']):,}".replace(",", ".")
    assert data[5].startswith("+") and "Prozentpunkte" in data[5]
    assert "Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften: %{customdata[3]}" in fig.data[0].hovertemplate


def test_fixed_breaks_are_used_as_given(table, geo):
    breaks = classify.fixed_breaks(table, "kinderarmut", "equal_interval", 4)
    fig = figures.map_figure(table, geo, "kinderarmut", 2012, breaks=breaks)
    assert fig.layout.meta["breaks"] == breaks and fig.layout.meta["fixed_breaks"]
    values = [c[0] for c in fig.data[0].customdata]
    assert list(fig.data[0].z) == classify.assign_classes(values, breaks).tolist()


def test_colours_follow_polarity(table, geo):
    worse = figures.map_figure(table, geo, "kinderarmut", 2024)
    rows = views.indicator_slice(table, "kinderarmut", 2024)
    darkest = classify.palette("higher_is_worse", 5)[-1]
    assert area_color(worse, rows.loc[rows["value"].idxmax(), "area_id"]) == darkest
    assert area_color(worse, rows.loc[rows["value"].idxmin(), "area_id"]) == classify.palette("higher_is_worse", 5)[0]
    better = figures.map_figure(table, geo, "sv_beschaeftigungsquote", 2024)
    rows = views.indicator_slice(table, "sv_beschaeftigungsquote", 2024)
    assert area_color(better, rows.loc[rows["value"].idxmin(), "area_id"]) == darkest  # reversed
    assert area_color(better, rows.loc[rows["value"].idxmax(), "area_id"]) == classify.palette("higher_is_worse", 5)[0]


def test_missing_area_is_grey_keine_daten(table, geo):
    broken = table.copy()
    hit = (broken.area_id == "hamme") & (broken.indicator_id == "kinderarmut") & (broken.year == 2024)
    broken.loc[hit, ["value", "numerator", "dev_pp", "dev_pct"]] = np.nan
    fig = figures.map_figure(broken, geo, "kinderarmut", 2024)
    trace = fig.data[0]
    i = list(trace.locations).index("hamme")
    assert trace.z[i] == -1 and trace.customdata[i][0] is None and trace.customdata[i][2] == "keine Daten"
    assert area_color(fig, "hamme") == classify.NO_DATA_COLOR
    swatch = [t for t in fig.data if t.name == "keine Daten"][0]
    assert swatch.marker.color == classify.NO_DATA_COLOR
    used = {area_color(fig, a) for a in trace.locations if a != "hamme"}
    assert classify.NO_DATA_COLOR not in used  # grey means no data and nothing else


def test_focus_outlined_and_labelled(table, geo):
    fig = figures.map_figure(table, geo, "kinderarmut", 2024, focus_ids=FOCUS, selected_id="laer")
    outline = fig.data[1]
    assert list(outline.locations) == FOCUS and outline.marker.line.width >= 3 and outline.hoverinfo == "skip"
    assert list(fig.data[2].locations) == ["laer"]
    labels = [t for t in fig.data if t.name == "labels"][0]
    assert len(labels.text) == 30 and "<b>Hamme</b>" in labels.text
    few = figures.map_figure(table, geo, "kinderarmut", 2024, focus_ids=FOCUS, label_all=False)
    assert len([t for t in few.data if t.name == "labels"][0].text) == 4
    big = figures.map_figure(table, geo, "kinderarmut", 2024, focus_ids=FOCUS, large_text=True)
    assert [t for t in big.data if t.name == "labels"][0].textfont.size > labels.textfont.size
    assert big.layout.font.size > fig.layout.font.size


def test_names_from_user_files_are_escaped(table, geo):
    evil = geo.copy()
    evil.loc[evil.area_id == "hamme", "name"] = EVIL
    fig = figures.map_figure(table, evil, "kinderarmut", 2024, focus_ids=["hamme"])
    data = dict(zip(fig.data[0].locations, fig.data[0].customdata))["hamme"]
    assert data[1] == "&lt;img src=x onerror=alert(1)&gt;"
    assert EVIL not in fig.to_json()


def test_stadtbezirk_level(table, geo):
    from indicators.geometry import dissolve_to_level

    bezirke = dissolve_to_level(geo, "stadtbezirk")
    fig = figures.map_figure(table, bezirke, "kinderarmut", 2024, k=3)
    rows = views.indicator_slice(table, "kinderarmut", 2024, "stadtbezirk")
    assert fig.layout.meta["level"] == "stadtbezirk"
    assert list(fig.data[0].locations) == rows["area_id"].tolist()
    assert [c[0] for c in fig.data[0].customdata] == rows["value"].tolist()


def test_trend_gap_mode_is_value_minus_city(table):
    fig = figures.trend_figure(table, "kinderarmut", ["hamme"], "gap")
    rows = table[(table.indicator_id == "kinderarmut") & (table.area_id == "hamme")].sort_values("year")
    hamme = [t for t in fig.data if t.meta and t.meta["area_id"] == "hamme"][0]
    assert list(hamme.x) == rows["year"].tolist()
    assert list(hamme.y) == pytest.approx((rows["value"] - rows["value_stadt"]).tolist())
    city = [t for t in fig.data if t.meta and t.meta["area_id"] == "bochum"][0]
    assert list(city.y) == [0.0] * len(rows) and city.line.color == "#000000"
    bezirk = [t for t in fig.data if t.meta and t.meta["area_id"] == "sb_mitte"][0]
    assert bezirk.line.dash == "dash"
    assert fig.layout.yaxis.title.text == "Abstand zum Stadtdurchschnitt<br>(Prozentpunkte)"
    indexed = figures.trend_figure(table, "kinderarmut", ["hamme"], "indexed")
    assert indexed.layout.yaxis.title.text == "Index (2012 = 100)"
    assert [t for t in indexed.data if t.meta and t.meta["area_id"] == "hamme"][0].y[0] == 100.0


def test_series_break_annotated(table):
    fig = figures.trend_figure(table, "kinderarmut", ["hamme"], "absolute")
    assert [s.x0 for s in fig.layout.shapes if s.line.dash == "dot"] == [2022.5]
    assert any("Bürgergeld ersetzt ALG II/Sozialgeld" in a.text for a in fig.layout.annotations)


def published_points() -> pd.DataFrame:
    return pd.DataFrame({
        "area_id": ["hamme", "hamme", "stiepel", "bochum"],
        "measure": ["kinder_published", "sgb2_quote_published", "kinder_published", "kinder_published"],
        "value": [28.8, 20.0, 3.2, 24.0],
        "unit": ["percent"] * 4,
        "reference_date": ["2018-12-31", "2018-12-31", "2017-12-31", "2007-02-28"],
        "comparable_indicator": ["kinderarmut", "", "kinderarmut", "kinderarmut"],
        "source_id": ["pub_sozialbericht_2018"] * 4,
        "source_url": ["https://example.org/a"] * 4,
    })


def test_published_points_only_where_comparable_and_in_absolute_mode(table):
    fig = figures.trend_figure(table, "kinderarmut", ["hamme"], "absolute", published=published_points())
    pub = [t for t in fig.data if t.marker.symbol == "diamond"]
    assert len(pub) == 1
    assert list(pub[0].y) == [28.8, 24.0]  # Hamme 2018 and the city 2007; not Stiepel, not the other measure
    assert pub[0].x[0] == 2018.0
    assert "veröffentlicht: 28,8 % am 31.12.2018" in pub[0].customdata[0]
    assert "Quelle: Sozialbericht Bochum 2018" in pub[0].customdata[0]
    assert pub[0].x[1] == pytest.approx(2007 - 306 / 365, abs=1e-3)  # 28.2.2007 sits before 31.12.2007
    assert fig.layout.xaxis.range[0] == 2005.5  # the early point widens the axis
    for mode in ("indexed", "gap"):
        other = figures.trend_figure(table, "kinderarmut", ["hamme"], mode, published=published_points())
        assert not [t for t in other.data if t.marker.symbol == "diamond"]


def test_ranking_has_30_sorted_bars_focus_highlighted(table):
    fig = figures.ranking_figure(table, "kinderarmut", 2024, FOCUS)
    bars = fig.data[0]
    rows = views.indicator_slice(table, "kinderarmut", 2024).set_index("area_id")
    assert len(bars.y) == 30
    assert list(bars.x) == sorted(rows["value"].tolist(), reverse=True)
    assert list(bars.x) == [rows.loc[a, "value"] for a in bars.y]
    colors = dict(zip(bars.y, bars.marker.color))
    assert {a for a, c in colors.items() if c == figures.FOCUS_COLOR} == set(FOCUS)
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext))
    assert ticks["hamme"] == "<b>Hamme</b>" and ticks["laer"] == "Laer"
    city = table[(table.indicator_id == "kinderarmut") & (table.year == 2024) & (table.area_id == "bochum")]
    assert fig.layout.shapes[0].x0 == city["value"].iloc[0]
    assert any((tr.name or "").startswith("Stadtdurchschnitt: ") for tr in fig.data)  # named in the legend


def test_ranking_missing_is_keine_daten_not_zero(table):
    broken = table.copy()
    broken.loc[(broken.area_id == "laer") & (broken.indicator_id == "kinderarmut"), "value"] = np.nan
    fig = figures.ranking_figure(broken, "kinderarmut", 2024, FOCUS)
    assert fig.data[0].y[-1] == "laer" and fig.data[0].x[-1] is None
    assert list(fig.data[1].text) == ["keine Daten"] and list(fig.data[1].y) == ["laer"]


def test_groups_scatter_sparkline_profile_locator(table, geo):
    pooled = views.pooled_groups(table, "kinderarmut", 2024, FOCUS)
    groups = figures.groups_figure(pooled, "kinderarmut")
    assert list(groups.data[0].y) == pooled["value"].tolist()
    assert groups.data[0].marker.color[0] == figures.FOCUS_COLOR
    scatter = figures.scatter_figure(table, "kinderarmut", "ohne_abschluss_quote", 2024, FOCUS)
    assert sum(len(t.x) for t in scatter.data[:2]) == 30
    assert sorted(scatter.data[1].meta["area_ids"]) == sorted(FOCUS)
    assert scatter.data[2].name == "Stadt Bochum"
    spark = figures.sparkline_figure(table, "kinderarmut", "hamme")
    assert spark.layout.height == 60 and not spark.layout.xaxis.visible
    assert spark.layout.template.layout.to_plotly_json() == {}  # no default template sent with each sparkline
    prof = figures.profile_bars_figure(views.profile(table, "hamme", 2024))
    assert "einwohner" not in list(prof.data[0].y) and len(prof.data[0].y) == 11
    locator = figures.locator_map_figure(geo, "hamme")
    z = dict(zip(locator.data[0].locations, locator.data[0].z))
    assert z["hamme"] == 1 and sum(z.values()) == 1


def test_published_series_has_its_own_definition(table):
    series = pd.DataFrame({"area_id": "bochum", "area_name": "Bochum", "measure": "arbeitslosenquote_ba_dezember",
                           "value": [9.4, 8.7], "unit": "percent", "reference_date": ["2010-12-31", "2025-12-31"],
                           "definition_de": "Arbeitslose je 100 zivile Erwerbspersonen", "source_id": "x",
                           "source_url": "https://statistik.arbeitsagentur.de/a"})
    fig = figures.published_series_figure(series, "Arbeitslosenquote der BA (Dezember)", "de")
    assert list(fig.data[0].y) == [9.4, None, 8.7]  # the years between are missing, not interpolated
    assert "Arbeitslose je 100 zivile Erwerbspersonen" in fig.layout.title.subtitle.text
    assert "statistik.arbeitsagentur.de" in fig.layout.title.subtitle.text
    assert list(fig.data[0].customdata)[0] == "31.12.2010: 9,4 %"


def test_export_annotations_carry_title_source_and_notes(table, geo):
    fig = figures.map_figure(table, geo, "kinderarmut", 2024, focus_ids=FOCUS)
    rows = views.indicator_slice(table, "kinderarmut", 2024, None)
    notes = figures.figure_notes(rows, "schematic", "de")
    assert notes == ["Geometrie schematisch (Kachelkarte: ein gleich großes Sechseck je Ortsteil, "
                     "keine amtlichen Grenzen)", "Illustrative Demodaten – keine amtlichen Werte"]
    line = figures.source_line(rows, "kinderarmut", "de")
    assert line.startswith("Quelle: Demodaten (illustrativ, nicht amtlich), Quartiersmonitor Bochum, "
                           "Stichtag 31.12.2024")
    out = figures.add_export_annotations(fig, title="Kinderarmut 2024",
                                         subtitle=figures.export_subtitle("kinderarmut", 2024), source_line=line,
                                         notes=notes)
    texts = " ".join(a.text for a in out.layout.annotations)
    assert "Kinderarmut 2024" in out.layout.title.text
    assert out.layout.title.subtitle.text.endswith("je 100 Kinder unter 15 Jahren. – 2024")
    assert "Quelle: Demodaten" in texts and "Illustrative Demodaten – keine amtlichen Werte" in texts
    assert "Geometrie schematisch" in texts
    assert out.layout.margin.b > fig.layout.margin.b and out.layout.height > fig.layout.height
    assert not fig.layout.annotations and "export" not in fig.layout.meta  # the original is untouched
    assert out.layout.meta["export"]["notes"] == notes


def test_offline_defaults_and_config():
    import plotly.io as pio

    figures.apply_offline_defaults()
    assert pio.defaults.topojson == figures.EMPTY_TOPOJSON
    assert figures.EMPTY_TOPOJSON.startswith("data:application/json,")
    assert figures.PLOTLY_CONFIG["topojsonURL"] == figures.EMPTY_TOPOJSON
    assert "locale" not in figures.PLOTLY_CONFIG and figures.PLOTLY_CONFIG["displaylogo"] is False


def test_animation_keeps_classes_fixed(table, geo):
    fig = figures.map_animation_figure(table, geo, "kinderarmut", focus_ids=FOCUS)
    assert [f.name for f in fig.frames] == [str(y) for y in range(2012, 2025)]
    assert fig.frames[0].data[0].zmax == fig.frames[-1].data[0].zmax
    first = views.indicator_slice(table, "kinderarmut", 2012)
    assert [c[0] for c in fig.frames[0].data[0].customdata] == first["value"].tolist()


@pytest.mark.skipif(not __import__("shutil").which("chromium"), reason="Chromium fehlt (apt-get install chromium)")
def test_map_and_trend_render_to_png(table, geo, tmp_path):
    import kaleido
    import plotly.io as pio

    figures.apply_offline_defaults()
    kaleido.start_sync_server(mathjax=False)
    for name, fig in {"map": figures.map_figure(table, geo, "kinderarmut", 2024, focus_ids=FOCUS),
                      "trend": figures.trend_figure(table, "kinderarmut", FOCUS, "absolute")}.items():
        path = tmp_path / f"{name}.png"
        pio.write_image(fig, path, width=1000, scale=1)
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
        # the content, not only the format: the map's class colours fill areas, the trend's lines are drawn
        image = Image.open(io.BytesIO(data)).convert("RGB")
        pixels = {"#{:02x}{:02x}{:02x}".format(*rgb): n for n, rgb in image.getcolors(maxcolors=1 << 24)}
        if name == "map":
            colours = [fig.data[0].colorscale[2 * (z + 1)][1] for z in sorted(set(fig.data[0].z))]
            assert len(set(colours)) == 5
            assert all(pixels.get(c, 0) > 500 for c in colours), {c: pixels.get(c, 0) for c in colours}
        else:
            colours = {t.line.color.lower() for t in fig.data if t.line.color and str(t.line.color).startswith("#")}
            assert len(colours) >= 2
            assert all(pixels.get(c, 0) > 100 for c in colours), {c: pixels.get(c, 0) for c in colours}


def test_demo_values_are_dated_by_their_own_year():
    from indicators.catalog import load_sources

    demo = load_sources()["demo"]
    one_year = pd.DataFrame({"year": [2015, 2015]})
    assert figures.reference_text(demo, one_year) == "Stichtag 31.12.2015"
    assert figures.reference_text(demo, pd.DataFrame({"year": [2012, 2024]})) == "Stichtage 31.12.2012–31.12.2024"
    official = {"kind": "official", "reference_date": "2017-10-10"}
    assert figures.reference_text(official, one_year) == "Stand 10.10.2017"
