"""The demo generator: determinism, completeness, nesting of counts and calibration targets.

Calibration checks read the committed data/demo_counts.csv, so they test what ships.
Targets are the published figures (see data/published.csv and the constants in demo.py).
"""

import numpy as np
import pandas as pd
import pytest

from indicators.areas import ortsteile
from indicators.catalog import load_catalog
from indicators.load import demo
from indicators.paths import DEMO_COUNTS_FILE
from indicators.schema import COUNT_COLUMNS

YEARS = list(range(2012, 2025))
FOCUS_TOP5 = ["kruppwerke", "hamme", "wattenscheid_mitte"]
# (part, whole): every part must stay at or below its whole in every area and year
HIERARCHIES = [
    ("langzeitarbeitslose", "arbeitslose"),
    ("arbeitslose_u25", "arbeitslose"),
    ("arbeitslose_ohne_ausbildung", "arbeitslose"),
    ("sgb2_kinder_u15", "einwohner_u15"),
    ("einwohner_u15", "einwohner_u18"),
    ("einwohner_u18", "einwohner"),
    ("einwohner_15_24", "einwohner_15_64"),
    ("einwohner_15_64", "einwohner_u65"),
    ("einwohner_u65", "einwohner"),
    ("schulabgaenger_ohne_abschluss", "schulabgaenger"),
    ("uebergang_ausbildung", "schulabgaenger"),
    ("sgb2_leistungsberechtigte", "einwohner_u65"),
    ("sgb2_kinder_u15", "sgb2_leistungsberechtigte"),   # children are recipients too
    ("arbeitslose", "einwohner_15_64"),
    ("sv_beschaeftigte", "einwohner_15_64"),
]


@pytest.fixture(scope="module")
def counts() -> pd.DataFrame:
    return pd.read_csv(DEMO_COUNTS_FILE, keep_default_na=False)


@pytest.fixture(scope="module")
def wide(counts) -> pd.DataFrame:
    """Ortsteil x year rows, one column per variable."""
    return counts.pivot(index=["area_id", "year"], columns="variable", values="value")


@pytest.fixture(scope="module")
def city(wide) -> pd.DataFrame:
    return wide.groupby(level="year").sum()


def _ratio(wide, num, den) -> pd.Series:
    return wide[num] / wide[den] * 100


def _ranks(values: pd.Series) -> pd.DataFrame:
    """Rank among the 30 Ortsteile per year, 1 = highest value; rows areas, columns years."""
    return values.groupby(level="year").rank(ascending=False, method="min").unstack("year")


# --- determinism -------------------------------------------------------------------------

def test_generate_twice_is_identical():
    first, second = demo.generate(), demo.generate()
    pd.testing.assert_frame_equal(first, second)
    assert demo.to_csv_bytes(first) == demo.to_csv_bytes(second)


def test_other_seed_gives_other_values():
    assert not demo.generate(seed=1)["value"].equals(demo.generate()["value"])


def test_committed_file_equals_fresh_generation_byte_for_byte():
    assert DEMO_COUNTS_FILE.read_bytes() == demo.to_csv_bytes(demo.generate())


def test_generate_returns_the_counts_schema():
    table = demo.generate()
    assert list(table.columns) == COUNT_COLUMNS
    assert table["value"].dtype == "float64"
    assert table["year"].dtype == "int64"


# --- completeness ------------------------------------------------------------------------

def test_every_ortsteil_year_variable_exactly_once(counts):
    expected = pd.MultiIndex.from_product(
        [ortsteile()["area_id"], YEARS, list(load_catalog().variables)],
        names=["area_id", "year", "variable"])
    got = pd.MultiIndex.from_frame(counts[["area_id", "year", "variable"]])
    assert len(counts) == 30 * 13 * 16 == 6240
    assert not got.duplicated().any()
    assert set(got) == set(expected)


def test_no_missing_no_flags_only_demo_source(counts):
    assert list(counts.columns) == COUNT_COLUMNS
    assert counts["value"].notna().all()
    assert (counts["flag"] == "").all()
    assert (counts["source_id"] == "demo").all()


def test_values_are_non_negative_integers(counts):
    assert counts["value"].dtype == "int64"
    assert (counts["value"] >= 0).all()


def test_no_zero_denominators(wide):
    # every indicator must be computable for every Ortsteil and year
    for ind in load_catalog().indicators.values():
        if ind.denominator:
            assert (wide[ind.denominator] > 0).all(), ind.id


@pytest.mark.parametrize(("part", "whole"), HIERARCHIES)
def test_part_never_exceeds_whole(wide, part, whole):
    assert (wide[part] <= wide[whole]).all()


def test_age_groups_add_up(wide):
    assert (wide["einwohner_u15"] + wide["einwohner_15_64"] == wide["einwohner_u65"]).all()


# --- calibration: population ---------------------------------------------------------------

@pytest.mark.parametrize(("year", "published"), [
    (2012, 362_213), (2016, 364_920), (2022, 365_742), (2023, 366_385)])
def test_city_population_follows_itnrw_within_one_percent(city, year, published):
    assert city.loc[year, "einwohner"] == pytest.approx(published, rel=0.01)


@pytest.mark.parametrize(("area", "year", "published"), [
    ("hamme", 2016, 15_389), ("querenburg", 2017, 20_958),
    ("wattenscheid_mitte", 2023, 23_205), ("stiepel", 2022, 11_268),
    ("altenbochum", 2018, 12_029), ("werne", 2023, 15_056), ("langendreer", 2023, 25_438)])
def test_known_ortsteil_sizes_within_three_percent(wide, area, year, published):
    assert wide.loc[(area, year), "einwohner"] == pytest.approx(published, rel=0.03)


def test_city_under_18_share_about_15_percent(city):
    share = city["einwohner_u18"] / city["einwohner"] * 100
    assert share.between(14.0, 15.5).all()
    assert share[2020] == pytest.approx(14.8, abs=0.2)
    assert share[2022] == pytest.approx(15.1, abs=0.2)


# --- calibration: unemployment -------------------------------------------------------------

BA_DECEMBER_RATE = {2012: 9.4, 2013: 10.1, 2014: 9.4, 2015: 9.6, 2017: 9.1, 2018: 8.1,
                    2019: 8.2, 2020: 9.3, 2021: 8.4, 2022: 8.4, 2023: 8.5, 2024: 9.0}
BA_DECEMBER_COUNT = {2014: 17_511, 2015: 17_946, 2017: 17_252, 2019: 15_873, 2020: 17_995,
                     2021: 16_433, 2022: 16_205, 2024: 17_863}


def test_city_unemployed_proportional_to_ba_december_rate(city):
    # count / rate = civilian labour force per rate point: steady, slowly growing, no jumps
    per_point = pd.Series({y: city.loc[y, "arbeitslose"] / r for y, r in BA_DECEMBER_RATE.items()})
    assert per_point.between(1_830, 1_990).all()
    assert per_point.is_monotonic_increasing
    assert per_point.max() / per_point.min() < 1.08


@pytest.mark.parametrize(("year", "published"), sorted(BA_DECEMBER_COUNT.items()))
def test_city_unemployed_match_published_december_counts(city, year, published):
    assert city.loc[year, "arbeitslose"] == pytest.approx(published, rel=0.02)


def test_city_unemployed_move_with_the_rate(city):
    for year, rate in BA_DECEMBER_RATE.items():
        prev = BA_DECEMBER_RATE.get(year - 1)
        if prev is not None and prev != rate:
            change = city.loc[year, "arbeitslose"] - city.loc[year - 1, "arbeitslose"]
            assert np.sign(change) == np.sign(rate - prev), year


def test_city_unemployed_in_published_range(city):
    assert city["arbeitslose"].between(15_000, 19_500).all()


# --- calibration: SGB II -------------------------------------------------------------------

@pytest.mark.parametrize(("area", "published"), [
    ("wattenscheid_mitte", 28.8), ("querenburg", 21.1),
    ("wiemelhausen_brenschede", 5.6), ("stiepel", 2.4)])
def test_sgb2_share_of_all_residents_2018(wide, area, published):
    # the published quota (Ortsteile kompakt) is per ALL residents, not per residents < 65
    share = _ratio(wide, "sgb2_leistungsberechtigte", "einwohner")
    assert share[(area, 2018)] == pytest.approx(published, abs=0.3)


def test_wattenscheid_mitte_highest_sgb2_share_2018(wide):
    ranks = _ranks(_ratio(wide, "sgb2_leistungsberechtigte", "einwohner"))
    assert ranks.loc["wattenscheid_mitte", 2018] == 1


@pytest.mark.parametrize(("area", "published"), [("wattenscheid_mitte", 45.6), ("stiepel", 3.2)])
def test_children_in_sgb2_2017(wide, area, published):
    assert _ratio(wide, "sgb2_kinder_u15", "einwohner_u15")[(area, 2017)] == pytest.approx(published, abs=0.5)


def test_wattenscheid_mitte_highest_child_poverty_2017(wide):
    ranks = _ranks(_ratio(wide, "sgb2_kinder_u15", "einwohner_u15"))
    assert ranks.loc["wattenscheid_mitte", 2017] == 1


@pytest.mark.parametrize(("num", "den"), [
    ("sgb2_leistungsberechtigte", "einwohner_u65"),   # catalog sgb2_quote
    ("sgb2_kinder_u15", "einwohner_u15")])            # catalog kinderarmut
def test_focus_hotspots_top5_and_stiepel_last_every_year(wide, num, den):
    ranks = _ranks(_ratio(wide, num, den))
    assert (ranks.loc[FOCUS_TOP5] <= 5).all().all()
    assert (ranks.loc["stiepel"] == 30).all()


def test_city_sgb2_recipients_follow_regionaldatenbank(city):
    published = {2012: 38_090, 2013: 38_973, 2014: 39_301, 2015: 40_820, 2016: 43_639}
    for year, value in published.items():
        assert city.loc[year, "sgb2_leistungsberechtigte"] == pytest.approx(value, rel=0.01)


def test_city_children_in_sgb2_follow_published_counts(city):
    # Regionaldatenbank 22811 (2012-2016) and Sozialbericht 2018 (2017)
    published = {2012: 9_641, 2013: 9_947, 2014: 10_054, 2015: 10_575, 2016: 11_368, 2017: 12_489}
    for year, value in published.items():
        assert city.loc[year, "sgb2_kinder_u15"] == pytest.approx(value, rel=0.01)


def test_city_child_poverty_quota_range(city):
    # 24 % (2007) and 22.8 % (2009) published; the official counts above imply ~23-29 % later
    quota = city["sgb2_kinder_u15"] / city["einwohner_u15"] * 100
    assert quota.between(22.0, 29.0).all()
    assert quota[2012] == pytest.approx(22.7, abs=0.5)


# --- calibration: schools ------------------------------------------------------------------

def test_city_school_leavers(city):
    assert city["schulabgaenger"].between(3_300, 4_000).all()
    assert city.loc[2020, "schulabgaenger"] == pytest.approx(3_335, rel=0.01)
    assert city.loc[2015, "schulabgaenger"] == pytest.approx(3_921, rel=0.01)


def test_city_share_without_qualification(city):
    share = city["schulabgaenger_ohne_abschluss"] / city["schulabgaenger"] * 100
    assert share.between(6.0, 8.0).all()
    assert share[2020] == pytest.approx(7.8, abs=0.2)
    assert share[2019] == pytest.approx(7.8, abs=0.2)
