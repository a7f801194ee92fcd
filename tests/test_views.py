"""indicators.views: slices, trend modes, pooled groups, profile and the German display table."""

import math

import numpy as np
import pandas as pd
import pytest

from indicators import views
from indicators.areas import load_areas
from indicators.build import pipeline

IDS = ["bochum", "sb_mitte", "sb_sued", "hamme", "kruppwerke", "stiepel"]
# arbeitslose / einwohner_15_64 per Ortsteil and year; None = suppressed
HAND = {
    2012: {"hamme": (10, 100), "kruppwerke": (30, 300), "stiepel": (6, 600)},
    2018: {"hamme": (8, 100), "kruppwerke": (20, 200), "stiepel": (7, 700)},
    2020: {"hamme": (12, 100), "kruppwerke": (20, 200), "stiepel": (None, 700)},
    2024: {"hamme": (24, 100), "kruppwerke": (30, 200), "stiepel": (7, 700)},
}


def hand_made_table() -> pd.DataFrame:
    """Three Ortsteile in two Stadtbezirke; Stiepel's count is suppressed in 2020."""
    rows = []
    for year, areas in HAND.items():
        for area, (num, den) in areas.items():
            rows.append((area, year, "arbeitslose", num))
            rows.append((area, year, "einwohner_15_64", den))
    counts = pd.DataFrame(rows, columns=["area_id", "year", "variable", "value"])
    counts["value"] = counts["value"].astype("float64")
    counts["flag"] = np.where(counts["value"].isna(), "suppressed", "")
    counts["source_id"] = "demo"
    areas = load_areas()
    return pipeline.build(counts=counts, areas=areas[areas["area_id"].isin(IDS)].reset_index(drop=True))


@pytest.fixture(scope="module")
def table():
    return hand_made_table()


IND = "arbeitslosenanteil"


def test_slice_is_one_indicator_year_and_level_in_area_order(table):
    rows = views.indicator_slice(table, IND, 2024)
    assert rows["area_id"].tolist() == ["kruppwerke", "hamme", "stiepel"]  # order of data/areas.csv
    assert rows["value"].tolist() == pytest.approx([15.0, 24.0, 1.0])
    assert len(views.indicator_slice(table, IND, 2024, None)) == 6
    assert len(views.indicator_slice(table, IND, None, "stadt")) == 4


def test_trend_absolute_has_ortsteile_then_stadtbezirk_then_city(table):
    frame = views.trend_frame(table, IND, ["hamme", "kruppwerke"], "absolute")
    assert list(frame.columns) == ["area_id", "name", "year", "value", "kind"]
    assert list(dict.fromkeys(frame["area_id"])) == ["hamme", "kruppwerke", "sb_mitte", "bochum"]
    assert list(dict.fromkeys(frame["kind"])) == ["ortsteil", "stadtbezirk", "stadt"]
    assert frame[frame.area_id == "bochum"]["name"].iloc[0] == "Bochum"
    city = frame[frame.area_id == "bochum"]["value"].tolist()
    assert city[0] == pytest.approx(4.6) and city[1] == pytest.approx(3.5)
    assert math.isnan(city[2])  # 2020: Stiepel suppressed -> the city is incomplete, not too low
    assert city[3] == pytest.approx(6.1)


def test_trend_indexed_base_year_is_100(table):
    frame = views.trend_frame(table, IND, ["hamme"], "indexed")
    hamme = frame[frame.area_id == "hamme"]["value"].tolist()
    assert hamme == pytest.approx([100.0, 80.0, 120.0, 240.0])
    city = frame[frame.area_id == "bochum"]["value"].tolist()
    assert city[0] == 100.0
    assert city[1] == pytest.approx(3.5 / 4.6 * 100)
    assert math.isnan(city[2])
    assert city[3] == pytest.approx(6.1 / 4.6 * 100)


def test_trend_gap_is_value_minus_city_in_percentage_points(table):
    frame = views.trend_frame(table, IND, ["hamme"], "gap").set_index(["area_id", "year"])["value"]
    assert frame[("hamme", 2012)] == pytest.approx(10.0 - 4.6)
    assert frame[("hamme", 2024)] == pytest.approx(24.0 - 6.1)
    assert frame[("sb_mitte", 2024)] == pytest.approx(54 / 300 * 100 - 6.1)
    assert frame[("bochum", 2024)] == 0.0
    assert math.isnan(frame[("hamme", 2020)])  # no city value, no gap


def test_trend_rejects_unknown_mode(table):
    with pytest.raises(ValueError):
        views.trend_frame(table, IND, ["hamme"], "relative")


def test_pooled_groups_are_sum_over_sum(table):
    pooled = views.pooled_groups(table, IND, 2024, ["hamme", "kruppwerke"]).set_index("group")
    assert pooled.loc["focus", "value"] == pytest.approx((24 + 30) / (100 + 200) * 100)  # 18.0, not mean 19.5
    assert pooled.loc["focus", "numerator"] == 54.0 and pooled.loc["focus", "denominator"] == 300.0
    assert pooled.loc["rest", "value"] == pytest.approx(1.0)
    assert pooled.loc["city", "value"] == pytest.approx(6.1)
    assert pooled["n_areas"].tolist() == [2, 1, 3]


def test_pooled_missing_component_stays_missing(table):
    pooled = views.pooled_groups(table, IND, 2020, ["hamme", "kruppwerke"]).set_index("group")
    assert pooled.loc["focus", "value"] == pytest.approx(32 / 300 * 100)
    assert math.isnan(pooled.loc["rest", "value"]) and math.isnan(pooled.loc["rest", "numerator"])
    assert math.isnan(pooled.loc["city", "value"])


def test_display_table_is_german_text(table):
    rows = views.indicator_slice(table, IND, 2024)
    shown = views.display_table(rows, "de").set_index("Gebiet")
    hamme = shown.loc["Hamme"]
    assert hamme["Wert"] == "24,0 %"
    assert hamme["Zähler"] == "24" and hamme["Nenner"] == "100"
    assert hamme["Stadtwert"] == "6,1 %"
    assert hamme["Abweichung vom Stadtwert (Prozentpunkte)"] == "+17,9"
    assert hamme["Abweichung vom Stadtwert (%)"] == "+293,4 %"
    assert hamme["Rang (von 30)"] == 1
    assert hamme["Quelle"] == "Demodaten (illustrativ, nicht amtlich)"
    assert shown.loc["Stiepel", "Abweichung vom Stadtwert (Prozentpunkte)"] == "−5,1"


def test_display_table_flags_in_words_and_missing_as_keine_daten(table):
    shown = views.display_table(views.indicator_slice(table, IND, 2020, None), "de").set_index("Gebiet")
    assert shown.loc["Stiepel", "Hinweis"] == "unterdrückt"
    assert shown.loc["Stiepel", "Wert"] == "keine Daten"
    assert shown.loc["Bochum", "Hinweis"] == "unvollständig"
    english = views.display_table(views.indicator_slice(table, IND, 2020, None), "en").set_index("Area")
    assert english.loc["Stiepel", "Note"] == "suppressed"
    assert english.loc["Hamme", "Value"] == "12.0%"


def test_display_table_large_numbers_use_thousands_dot():
    frame = pd.DataFrame([{"area_id": "hamme", "level": "ortsteil", "year": 2024, "indicator_id": "einwohner",
                           "value": 15389.0, "numerator": 15389.0, "denominator": np.nan, "flag": "",
                           "source_ids": "demo", "is_demo": True, "value_stadtbezirk": np.nan,
                           "value_stadt": 364454.0, "dev_pp": np.nan, "dev_pct": np.nan, "rank": 3,
                           "change_since_base": 0.0}])
    row = views.display_table(frame, "de").iloc[0]
    assert row["Wert"] == "15.389" and row["Stadtwert"] == "364.454"
    assert row["Nenner"] == "–" and row["Abweichung vom Stadtwert (Prozentpunkte)"] == "–"


def test_profile_compares_with_stadtbezirk_and_city(table):
    prof = views.profile(table, "hamme", 2024).set_index("indicator_id")
    row = prof.loc[IND]
    assert row["stadtbezirk_id"] == "sb_mitte"
    assert row["value"] == pytest.approx(24.0)
    assert row["value_stadtbezirk"] == pytest.approx(18.0)
    assert row["value_stadt"] == pytest.approx(6.1)
    assert row["dev_pp"] == pytest.approx(17.9)
    assert row["dev_pct"] == pytest.approx((24.0 / 6.1 - 1) * 100)


def test_is_illustrative(table):
    assert views.is_illustrative(table)
    assert not views.is_illustrative(table.assign(is_demo=False))
    assert not views.is_illustrative(pd.DataFrame({"value": [1.0]}))
