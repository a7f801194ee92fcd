"""Class breaks, labels and colours for the maps."""

import math

import numpy as np
import pandas as pd
import pytest

from indicators.views.classify import (
    METHODS,
    NO_DATA_COLOR,
    assign_classes,
    class_breaks,
    class_colors,
    class_labels,
    fixed_breaks,
    palette,
    std_multiples,
)

NAN = float("nan")
VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 50, NAN]  # 12 values and one missing


def test_methods_have_german_labels():
    assert METHODS == {
        "quantiles": "Quantile",
        "natural_breaks": "Natürliche Brüche (Jenks)",
        "equal_interval": "Gleiche Intervalle",
        "std_mean": "Standardabweichung",
    }


def test_quantile_breaks_interpolate_linearly():
    # positions (n-1)·q over 12 sorted values: 2.75 -> 3.75, 5.5 -> 6.5, 8.25 -> 9.25
    assert class_breaks(VALUES, "quantiles", 4) == [1.0, 3.75, 6.5, 9.25, 50.0]


def test_natural_breaks_are_fisher_jenks():
    assert class_breaks(VALUES, "natural_breaks", 4) == [1.0, 5.0, 10.0, 20.0, 50.0]


def test_equal_interval_breaks():
    assert class_breaks(VALUES, "equal_interval", 4) == [1.0, 13.25, 25.5, 37.75, 50.0]


def test_std_mean_breaks_drop_positions_outside_the_data():
    mean = 125 / 12
    sd = math.sqrt(3285 / 12 - mean**2)  # population SD: sum of squares 3285
    # k=4 -> mean-1sd, mean, mean+1sd; mean-1sd = -2.44 lies below the minimum and is dropped
    assert class_breaks(VALUES, "std_mean", 4) == pytest.approx([1.0, mean, mean + sd, 50.0], rel=1e-12)


def test_std_multiples_make_one_sd_wide_inner_classes():
    assert std_multiples(3) == [-0.5, 0.5]
    assert std_multiples(4) == [-1.0, 0.0, 1.0]
    assert std_multiples(5) == [-1.5, -0.5, 0.5, 1.5]


def test_few_distinct_values_give_one_class_each():
    assert class_breaks([1, 2, 2, 3, NAN], "natural_breaks", 5) == [1.0, 1.0, 2.0, 3.0]
    assert assign_classes([1, 2, 3, NAN], [1.0, 1.0, 2.0, 3.0]).tolist() == [0, 1, 2, -1]


@pytest.mark.parametrize("method", list(METHODS))
def test_all_equal_values_give_one_class(method):
    breaks = class_breaks([4.2, 4.2, NAN, 4.2], method, 5)
    assert breaks == [4.2, 4.2]
    assert assign_classes([4.2, NAN], breaks).tolist() == [0, -1]
    assert class_labels(breaks, 1, "percent") == ["4,2 %"]


@pytest.mark.parametrize("method", list(METHODS))
def test_no_values_give_no_breaks(method):
    assert class_breaks([NAN, None], method, 5) == []
    assert assign_classes([1.0, NAN], []).tolist() == [-1, -1]


def test_unknown_method_is_refused_in_german():
    with pytest.raises(ValueError, match="Unbekannte Klassifizierung „jenks“"):
        class_breaks(VALUES, "jenks", 4)


def test_assign_classes_upper_bound_inclusive_nan_minus_one():
    breaks = [1.0, 3.75, 6.5, 9.25, 50.0]
    got = assign_classes(VALUES, breaks)
    assert got.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, -1]
    # values of another year outside the range are clipped into the end classes
    assert assign_classes([0.5, 3.75, 3.76, 60.0, None], breaks).tolist() == [0, 0, 1, 3, -1]


def test_fixed_breaks_use_every_year_of_the_ortsteile_only():
    table = pd.DataFrame({
        "area_id": ["hamme", "hamme", "grumme", "grumme", "bochum", "hamme"],
        "level": ["ortsteil", "ortsteil", "ortsteil", "ortsteil", "stadt", "ortsteil"],
        "year": [2020, 2021, 2020, 2021, 2021, 2021],
        "indicator_id": ["sgb2", "sgb2", "sgb2", "sgb2", "sgb2", "other"],
        "value": [10.0, 30.0, 20.0, NAN, 99.0, 1000.0],
    })
    # 10, 30, 20 from two years; the city's 99 and the other indicator's 1000 are left out
    assert fixed_breaks(table, "sgb2", "equal_interval", 2) == [10.0, 20.0, 30.0]
    assert fixed_breaks(table, "sgb2", "equal_interval", 2, level="stadt") == [99.0, 99.0]

def test_fixed_breaks_equal_interval_over_years():
    years = {2020: [10.0, 12.0, 14.0], 2021: [20.0, 22.0, 30.0]}
    rows = [(f"ot{i}", "ortsteil", y, "sgb2", v) for y, vals in years.items() for i, v in enumerate(vals)]
    table = pd.DataFrame(rows, columns=["area_id", "level", "year", "indicator_id", "value"])
    breaks = fixed_breaks(table, "sgb2", "equal_interval", 4)
    assert breaks == [10.0, 15.0, 20.0, 25.0, 30.0]
    # the same breaks colour both years: 2020 stays in the low classes, 2021 in the high ones
    assert assign_classes(years[2020], breaks).tolist() == [0, 0, 0]
    assert assign_classes(years[2021], breaks).tolist() == [1, 2, 3]


def test_german_and_english_labels():
    breaks = [12.3, 15.0, 20.25, 28.8]
    assert class_labels(breaks, 1, "percent", "de") == ["12,3 – 15,0 %", "15,0 – 20,3 %", "20,3 – 28,8 %"]
    assert class_labels(breaks, 1, "percent", "en") == ["12.3 – 15.0%", "15.0 – 20.3%", "20.3 – 28.8%"]
    assert class_labels([1200.0, 15389.0], 0, "count", "de") == ["1.200 – 15.389"]


def test_palette_dark_end_is_the_worse_end():
    worse = palette("higher_is_worse", 5)
    assert worse == ["#ffeda0", "#feb24c", "#fd8d3c", "#e31a1c", "#800026"]
    assert palette("higher_is_better", 5) == worse[::-1]
    assert palette("neutral", 3) == ["#deebf7", "#6baed6", "#08306b"]
    assert palette("higher_is_worse", 1) == ["#fd8d3c"]


def test_grey_is_reserved_for_missing_values():
    colors = palette("higher_is_worse", 3)
    assert class_colors(np.array([0, 2, -1]), colors) == ["#ffeda0", "#800026", NO_DATA_COLOR]
    every = {c for pol in ("higher_is_worse", "higher_is_better", "neutral") for k in range(1, 8)
             for c in palette(pol, k)}
    assert NO_DATA_COLOR not in every
