"""WCAG 2.1 AA contrast of the theme and figure colours, and the palettes under colour vision deficiencies."""

import pytest

from indicators import figures
from indicators.views import classify
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
