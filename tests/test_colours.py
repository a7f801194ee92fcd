"""WCAG 2.1 AA contrast of the theme and figure colours, and the palettes under colour vision deficiencies."""

import pytest

from indicators import figures
from indicators.views import classify, mapstyle
from scripts.colour_check import CVD_TYPES, PALETTES, blend, closest_pair, contrast, lightness_order, theme

WHITE, SIDEBAR = "#ffffff", "#f0f2f6"  # Streamlit's light background and secondary (sidebar) background


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert blend("#000000", "#ffffff", 0.6) == "#666666"


@pytest.mark.parametrize("key", ["textColor", "primaryColor", "linkColor", "redTextColor", "orangeTextColor",
                                 "yellowTextColor", "blueTextColor", "greenTextColor", "violetTextColor",
                                 "grayTextColor"])
def test_theme_text_colours_reach_4_5_to_1_on_white_and_on_the_sidebar(key):
    colour = theme()[key]
    assert contrast(colour, WHITE) >= 4.5 and contrast(colour, SIDEBAR) >= 4.5, (key, colour)


def test_captions_faded_from_the_text_colour_stay_readable():
    caption = blend(theme()["textColor"], WHITE, 0.6)  # Streamlit draws captions at 60 % of textColor
    assert contrast(caption, WHITE) >= 4.5
    assert contrast(blend(theme()["textColor"], SIDEBAR, 0.6), SIDEBAR) >= 4.5


def test_white_text_on_primary_buttons():
    assert contrast("#ffffff", theme()["primaryColor"]) >= 4.5


@pytest.mark.parametrize("name", list(PALETTES))
def test_every_chart_colour_reaches_3_to_1_on_white(name):
    assert min(contrast(c, WHITE) for c in PALETTES[name]) >= 3.0


@pytest.mark.parametrize("polarity", list(classify.PALETTE_BY_POLARITY))
def test_area_labels_on_every_map_class_reach_4_5_to_1(polarity):
    palette = [*classify.PALETTE_BY_POLARITY[polarity], classify.NO_DATA_COLOR]
    assert min(contrast(c, figures.label_color(c)) for c in palette) >= 4.5


def test_figure_text_colours():
    for colour in (figures.TEXT_COLOR, figures.MUTED_TEXT, figures.NO_DATA_TEXT_COLOR, figures.BREAK_LINE_COLOR):
        assert contrast(colour, WHITE) >= 4.5, colour


@pytest.mark.parametrize("name", list(PALETTES))
@pytest.mark.parametrize("cvd", [None, *CVD_TYPES])
def test_palettes_stay_distinguishable_with_colour_vision_deficiencies(name, cvd):
    distance, a, b = closest_pair(PALETTES[name], cvd)
    assert distance >= 6.0, (name, cvd, a, b, round(distance, 1))


@pytest.mark.parametrize("polarity", list(classify.PALETTE_BY_POLARITY))
@pytest.mark.parametrize("cvd", CVD_TYPES)
def test_map_classes_keep_their_light_to_dark_order(polarity, cvd):
    steps = classify.PALETTE_BY_POLARITY[polarity][classify.PALETTE_FIRST_STEP:]
    lightness = lightness_order(steps, cvd)
    assert lightness == sorted(lightness, reverse=True)


# WCAG 1.4.11: a map tile is a graphical object. Its light fills (the lightest class, the no-data grey) are
# close to the white page, so the tile is made visible by its #737373 outline (METHODS §5): the outline
# reaches 3:1 against the page and against those fills.
MAP_OUTLINE = mapstyle.BORDER_COLOUR


@pytest.fixture(scope="module")
def map_table():
    from indicators.build import pipeline
    from indicators.load import demo

    return pipeline.build(counts=demo.generate())


def map_fills(fig) -> set[str]:
    """Every fill the built map can give a tile: the steps of its main choropleth's colour scale."""
    main = next(t for t in fig.data if t.type == "choropleth" and t.hoverinfo != "skip")
    return {colour for _, colour in main.colorscale}


@pytest.mark.parametrize(("indicator_id", "lightest", "ratio"), [
    ("arbeitslosenanteil", "#ffeda0", 4.04),       # higher_is_worse: YlOrRd from its second step
    ("sv_beschaeftigungsquote", "#ffeda0", 4.04),  # higher_is_better: the same, reversed
    ("anteil_u18", "#deebf7", 3.91),               # neutral: Blues from its second step
])
def test_lightest_map_class_and_no_data_grey_reach_3_to_1_against_the_tile_outline(map_table, indicator_id,
                                                                                    lightest, ratio):
    from indicators.geometry import build_schematic

    fills = map_fills(figures.map_figure(map_table, build_schematic(), indicator_id, 2024))
    assert classify.NO_DATA_COLOR in fills
    assert max(fills - {classify.NO_DATA_COLOR}, key=figures.relative_luminance) == lightest
    assert contrast(MAP_OUTLINE, WHITE) == pytest.approx(4.74, abs=0.01)
    assert contrast(lightest, MAP_OUTLINE) == pytest.approx(ratio, abs=0.01)
    assert contrast(classify.NO_DATA_COLOR, MAP_OUTLINE) == pytest.approx(3.36, abs=0.01)


# Not the projector palette: it leaves out PuRd's lightest colours on purpose (a projector washes them
# out), and its lightest, #d4b9da, has 2.65:1 against the outline (open, for the METHODS owner).
@pytest.mark.parametrize("palette", [mapstyle.PURD[5], mapstyle.YLGN[5], mapstyle.RDBU5, mapstyle.BRBG5])
def test_the_lightest_colour_of_every_methods_palette_and_the_grey_reach_3_to_1_against_the_outline(palette):
    lightest = max(palette, key=figures.relative_luminance)
    assert min(contrast(lightest, MAP_OUTLINE), contrast(mapstyle.NO_DATA_COLOUR, MAP_OUTLINE)) >= 3.0


@pytest.mark.parametrize("palette", [classify.palette(p, 5) for p in classify.PALETTE_BY_POLARITY]
                         + [mapstyle.PURD[5], mapstyle.YLGN[5], mapstyle.RDBU5, mapstyle.BRBG5])
@pytest.mark.parametrize("cvd", [None, *CVD_TYPES])
def test_the_no_data_grey_stays_apart_from_every_map_class_with_colour_vision_deficiencies(palette, cvd):
    distance, a, b = closest_pair([*palette, classify.NO_DATA_COLOR], cvd)
    assert distance >= 6.0, (cvd, a, b, round(distance, 1))
