"""METHODS §5 on the Karte: the deviation map centred on 0, the comparison map, the projector palette."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from indicators import figures
from indicators.build import pipeline
from indicators.build.sozialindex import index_for_year
from indicators.views import mapstyle

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture(scope="module")
def table():
    return pipeline.build()


@pytest.fixture(scope="module")
def geo():
    return pipeline.geometry("ortsteil")


def test_deviation_classes_follow_the_methods_example():
    dev = [-6.2, -3.1, -1.0, -0.4, 0.3, 1.2, 2.5, 4.8, 7.9, 12.0]
    classes, cuts = mapstyle.deviation_classes([*dev, np.nan], dev)
    assert classes == [1, 1, 2, 2, 2, 2, 2, 3, 4, 4, -1]
    assert cuts == pytest.approx([-7.5604, -2.5201, 2.5201, 7.5604], abs=1e-4)
    assert mapstyle.deviation_labels(cuts, 1) == ["unter −7,6 Pp.", "−7,6 bis unter −2,5 Pp.", "−2,5 bis +2,5 Pp.",
                                                  "über +2,5 bis +7,6 Pp.", "über +7,6 Pp."]
    assert mapstyle.comparison_classes(["deutlich_hoeher", "aehnlich", "nicht_verglichen", ""]) == [4, 2, -1, -1]


def test_deviation_map_is_centred_on_zero(table, geo):
    fig = figures.map_figure(table, geo, "kinderarmut", 2024, style="deviation")
    meta = fig.layout.meta
    pooled = table.loc[(table.indicator_id == "kinderarmut") & (table.level == "ortsteil"), "dev_pp"]
    s = float(pooled.std(ddof=0))
    assert meta["breaks"] == pytest.approx([-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s])
    assert meta["class_colors"] == ["#0571b0", "#92c5de", "#f7f7f7", "#f4a582", "#ca0020"]   # higher_is_worse
    rows = table[(table.indicator_id == "kinderarmut") & (table.year == 2024) & (table.level == "ortsteil")]
    z = dict(zip(fig.data[0].locations, fig.data[0].z))
    for row in rows.itertuples():
        assert z[row.area_id] == mapstyle.deviation_class(row.dev_pp, meta["breaks"])
    assert fig.layout.legend.title.text.startswith("Abweichung von Bochum")


def test_comparison_map_uses_the_codes(table, geo):
    fig = figures.map_figure(table, geo, "sv_beschaeftigungsquote", 2024, style="comparison")
    rows = table[(table.indicator_id == "sv_beschaeftigungsquote") & (table.year == 2024) & (table.level == "ortsteil")]
    z = dict(zip(fig.data[0].locations, fig.data[0].z))
    for row in rows.itertuples():
        assert z[row.area_id] == mapstyle.comparison_classes([row.compare_city])[0]
    assert fig.layout.meta["class_colors"] == mapstyle.RDBU5      # higher_is_better: red = low = ungünstiger
    assert [t.name for t in fig.data if t.showlegend][-1] == "kein Vergleich möglich"


def test_large_text_uses_the_projector_palette(table, geo):
    assert figures.map_figure(table, geo, "kinderarmut", 2024, large_text=True).layout.meta["class_colors"] == [
        "#d4b9da", "#c994c7", "#df65b0", "#dd1c77", "#980043"]
    assert figures.map_figure(table, geo, "sv_beschaeftigungsquote", 2024, large_text=True).layout.meta[
        "class_colors"] == ["#980043", "#dd1c77", "#df65b0", "#c994c7", "#d4b9da"]


def test_karte_deviation_option_from_the_url():
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.query_params["ind"] = "kinderarmut"
    at.query_params["darstellung"] = "deviation"
    at.run()
    at.switch_page("pages/karte.py").run()
    assert not at.exception, at.exception
    assert at.radio(key="darstellung").value == "deviation"
    assert any("Rot heißt ungünstiger" in c.value for c in at.caption)
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["meta"]["style"] == "deviation"
    at.radio(key="darstellung").set_value("comparison").run()
    assert not at.exception, at.exception
    assert at.query_params["darstellung"] == "comparison"
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["meta"]["style"] == "comparison"


def test_export_keeps_the_chosen_map_style(table, geo):
    from indicators import export

    fig = export.chart_figure("map", table, "kinderarmut", 2024, ["hamme"], geo=geo,
                              map_options={"method": "quantiles", "k": 5, "style": "deviation"})
    assert fig.layout.meta["style"] == "deviation"
    assert fig.layout.meta["class_labels"][2].endswith("Pp.")


# --- §5 Rendering: borders and projector legend; the chosen style in animation and presentation ---


def test_borders_are_grey_half_a_pixel_and_one_and_a_half_in_projector_mode(table, geo):
    screen = figures.map_figure(table, geo, "kinderarmut", 2024)
    projector = figures.map_figure(table, geo, "kinderarmut", 2024, large_text=True)
    assert (screen.data[0].marker.line.color, screen.data[0].marker.line.width) == ("#737373", 0.5)
    assert (projector.data[0].marker.line.color, projector.data[0].marker.line.width) == ("#737373", 1.5)
    assert screen.layout.legend.font.size == 13
    assert projector.layout.legend.font.size == 24          # 18 pt = 24 px
    index = figures.index_map_figure(index_for_year(table, 2024), geo, 2024, large_text=True)
    assert (index.data[0].marker.line.width, index.layout.legend.font.size) == (1.5, 24)


def test_presentation_map_slide_has_projector_borders_and_legend(table, geo):
    from indicators.figures import presentation

    step = next(s for s in presentation.sequence(pipeline.load_catalog()) if s.kind == "map")
    fig = presentation.step_figure(step, table, geo)
    assert (fig.data[0].marker.line.color, fig.data[0].marker.line.width) == ("#737373", 1.5)
    assert fig.layout.legend.font.size >= 24


def test_animation_keeps_the_deviation_style_in_every_frame(table, geo):
    fig = figures.map_animation_figure(table, geo, "kinderarmut", style="deviation", level="ortsteil")
    still = figures.map_figure(table, geo, "kinderarmut", 2016, style="deviation", level="ortsteil")
    assert fig.layout.meta["style"] == "deviation"
    assert fig.layout.meta["class_colors"] == ["#0571b0", "#92c5de", "#f7f7f7", "#f4a582", "#ca0020"]
    frame = next(f for f in fig.frames if f.name == "2016")
    assert list(frame.data[0].z) == list(still.data[0].z)
    assert list(frame.data[0].z) != list(figures.map_figure(table, geo, "kinderarmut", 2016, level="ortsteil",
                                                            breaks=fig.layout.meta["breaks"]).data[0].z)
    assert [t.name for t in fig.data if t.showlegend][:5] == list(reversed(still.layout.meta["class_labels"]))


def test_presentation_map_slide_follows_the_deviation_choice(table, geo):
    from indicators.figures import presentation

    step = next(s for s in presentation.sequence(pipeline.load_catalog()) if s.kind == "map")
    fig = presentation.step_figure(step, table, geo, style="deviation")
    assert fig.layout.meta["style"] == "deviation"
    assert fig.layout.meta["class_colors"] == mapstyle.diverging_palette(figures.indicator(step.indicator_id).polarity)
    with pytest.raises(ValueError, match="Unbekannte Kartendarstellung"):
        presentation.step_figure(step, table, geo, style="bunt")


def test_presentation_page_uses_the_style_chosen_on_the_karte_page():
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.query_params["darstellung"] = "deviation"
    at.run()
    at.switch_page("pages/karte.py").run()
    assert not at.exception, at.exception
    at.switch_page("pages/praesentation.py").run()
    assert not at.exception, at.exception
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["meta"]["style"] == "deviation"
    assert any("Abweichung von Bochum in Prozentpunkten" in c.value for c in at.caption)


def test_index_map_in_english_has_no_german_class_words(table, geo):
    index = index_for_year(table, 2024)
    fig = figures.index_map_figure(index, geo, 2024, mode="status", lang="en")
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend[:5] == ["Status very low", "Status low", "Status medium", "Status high", "not computed"]
    assert fig.layout.title.text == "<b>Social index (MSS Berlin method) 2024: Status index</b>"
    assert "Dynamics:" in fig.data[0].hovertemplate and "Dynamik" not in fig.data[0].hovertemplate
    assert set(fig.layout.meta["tile_text"]) <= {"high", "medium", "low", "very low", "n/c"}
