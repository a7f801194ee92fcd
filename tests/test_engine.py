"""Aggregation, the indicator table, number formats, name matching, table exports."""

import io

import numpy as np
import pandas as pd
import pytest

from indicators.areas import load_areas, match_names
from indicators.build.aggregate import aggregate_all_levels
from indicators.build.compute import indicator_table
from indicators.catalog import load_catalog
from indicators.export.tables import to_excel_csv, to_xlsx
from indicators.formats import fmt_date, fmt_number, fmt_percent, fmt_pp

# a hand-made hierarchy: two Ortsteile in one Stadtbezirk, one in another, one city
AREAS = pd.DataFrame({
    "area_id": ["city", "sb_a", "sb_b", "ot_1", "ot_2", "ot_3"],
    "name": ["Stadt", "A", "B", "Eins", "Zwei", "Drei"],
    "level": ["stadt", "stadtbezirk", "stadtbezirk", "ortsteil", "ortsteil", "ortsteil"],
    "parent_id": ["", "city", "city", "sb_a", "sb_a", "sb_b"],
    "is_focus": [False, False, False, True, False, False],
    "code": ["", "", "", "", "", ""],
})


def counts(rows):
    frame = pd.DataFrame(rows, columns=["area_id", "year", "variable", "value"])
    frame["value"] = frame["value"].astype("float64")
    frame["flag"] = np.where(frame["value"].isna(), "suppressed", "")
    frame["source_id"] = "demo"
    return frame


HAND_MADE = counts([
    ("ot_1", 2020, "arbeitslose", 10), ("ot_1", 2020, "einwohner_15_64", 100),
    ("ot_2", 2020, "arbeitslose", 30), ("ot_2", 2020, "einwohner_15_64", 900),
    ("ot_3", 2020, "arbeitslose", 60), ("ot_3", 2020, "einwohner_15_64", 1000),
    ("ot_1", 2021, "arbeitslose", 20), ("ot_1", 2021, "einwohner_15_64", 100),
    ("ot_2", 2021, "arbeitslose", None), ("ot_2", 2021, "einwohner_15_64", 900),
    ("ot_3", 2021, "arbeitslose", 60), ("ot_3", 2021, "einwohner_15_64", 1000),
])


def _rate(table, area, year, indicator="arbeitslosenanteil"):
    row = table[(table.area_id == area) & (table.year == year) & (table.indicator_id == indicator)]
    return row.iloc[0]


def test_city_rate_is_sum_over_sum_not_mean_of_rates():
    table = indicator_table(aggregate_all_levels(HAND_MADE, AREAS), load_catalog(), AREAS)
    # (10 + 30 + 60) / (100 + 900 + 1000) = 5 %; the mean of the rates would be 6.33 %
    assert _rate(table, "city", 2020)["value"] == pytest.approx(5.0)
    assert _rate(table, "sb_a", 2020)["value"] == pytest.approx(4.0)
    assert _rate(table, "ot_1", 2020)["value_stadtbezirk"] == pytest.approx(4.0)
    assert _rate(table, "ot_1", 2020)["dev_pp"] == pytest.approx(5.0)
    assert _rate(table, "ot_1", 2020)["dev_pct"] == pytest.approx(100.0)
    assert _rate(table, "ot_3", 2020)["rank"] == 2
    assert _rate(table, "ot_1", 2020)["rank"] == 1
    assert _rate(table, "ot_2", 2020)["rank"] == 3


def test_suppressed_cell_stays_missing_and_flags_its_aggregates():
    all_levels = aggregate_all_levels(HAND_MADE, AREAS)
    table = indicator_table(all_levels, load_catalog(), AREAS)
    ot_2 = _rate(table, "ot_2", 2021)
    assert np.isnan(ot_2["value"]) and ot_2["flag"] == "suppressed"
    for area in ("sb_a", "city"):
        row = _rate(table, area, 2021)
        assert np.isnan(row["value"]) and row["flag"] == "incomplete"
    # the other Stadtbezirk is complete
    assert _rate(table, "sb_b", 2021)["value"] == pytest.approx(6.0)
    assert pd.isna(_rate(table, "ot_2", 2021)["rank"])


def test_a_child_without_any_row_makes_the_parent_incomplete():
    partial = HAND_MADE[~((HAND_MADE.area_id == "ot_2") & (HAND_MADE.year == 2020))]
    all_levels = aggregate_all_levels(partial, AREAS)
    sb_a = all_levels[(all_levels.area_id == "sb_a") & (all_levels.year == 2020)]
    assert sb_a["value"].isna().all() and set(sb_a["flag"]) == {"incomplete"}


def test_change_since_base_year_and_zero_denominator():
    data = counts([("ot_1", 2020, "arbeitslose", 5), ("ot_1", 2020, "einwohner_15_64", 0),
                   ("ot_1", 2021, "arbeitslose", 5), ("ot_1", 2021, "einwohner_15_64", 50)])
    table = indicator_table(data, load_catalog(), AREAS)
    assert _rate(table, "ot_1", 2020)["flag"] == "zero_denominator"
    assert np.isnan(_rate(table, "ot_1", 2021)["change_since_base"])
    table = indicator_table(HAND_MADE, load_catalog(), AREAS)
    assert _rate(table, "ot_1", 2021)["change_since_base"] == pytest.approx(10.0)


def test_every_catalog_indicator_is_in_the_table():
    table = indicator_table(aggregate_all_levels(HAND_MADE, AREAS), load_catalog(), AREAS)
    assert set(table["indicator_id"]) == set(load_catalog().indicators)


def test_german_and_english_number_formats():
    assert fmt_number(15389) == "15.389"
    assert fmt_number(15389, lang="en") == "15,389"
    assert fmt_percent(28.8) == "28,8 %"
    assert fmt_percent(28.8, lang="en") == "28.8%"
    assert fmt_pp(9.8) == "+9,8 Prozentpunkte"
    assert fmt_pp(-0.04) == "0,0 Prozentpunkte"
    assert fmt_pp(-2.25, lang="en") == "−2.3 percentage points"  # half up, as people round
    assert fmt_percent(float("nan")) == "keine Daten"
    assert fmt_date("2018-12-31") == "31.12.2018"


def test_names_as_people_write_them_match_the_official_ortsteile():
    result = match_names(["Wattenscheid Mitte", "Harpen-Rosenberg", "Wiemelhausen / Brenschede",
                          "QUERENBURG", "Hoentrop", "Guennigfeld", "15", "Bochum-Hamme", "Kruppwerk"])
    assert result.matched == {
        "Wattenscheid Mitte": "wattenscheid_mitte", "Harpen-Rosenberg": "harpen_rosenberg",
        "Wiemelhausen / Brenschede": "wiemelhausen_brenschede", "QUERENBURG": "querenburg",
        "Hoentrop": "hoentrop", "Guennigfeld": "guennigfeld", "15": "kruppwerke", "Bochum-Hamme": "hamme"}
    assert result.unmatched == {"Kruppwerk": ["Kruppwerke"]}


def test_bochum_areas_are_30_ortsteile_in_6_stadtbezirke_with_4_focus():
    areas = load_areas()
    assert areas["level"].value_counts().to_dict() == {"ortsteil": 30, "stadtbezirk": 6, "stadt": 1}
    assert sorted(areas.loc[areas.is_focus, "name"]) == ["Hamme", "Kruppwerke", "Querenburg", "Wattenscheid-Mitte"]


def test_csv_for_german_excel_round_trips():
    frame = pd.DataFrame({"Ortsteil": ["Günnigfeld", "Höntrop"], "Wert": [28.8, 1234.5]})
    raw = to_excel_csv(frame)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Günnigfeld;28,8" in raw.decode("utf-8-sig")
    back = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(back, frame)


def test_xlsx_has_data_and_metadata_sheets():
    frame = pd.DataFrame({"a": [1]})
    book = pd.read_excel(io.BytesIO(to_xlsx(frame, pd.DataFrame({"Art": ["Quelle"]}))), sheet_name=None)
    assert list(book) == ["Daten", "Definitionen und Quellen"]


def test_downloads_keep_numbers_as_numbers_and_missing_as_empty():
    import io

    from indicators.export.tables import to_excel_csv
    from indicators.views import download_table

    table = indicator_table(aggregate_all_levels(HAND_MADE, AREAS), load_catalog(), AREAS)
    rows = table[(table.indicator_id == "arbeitslosenanteil") & (table.year == 2021)
                 & table.area_id.isin(["ot_1", "ot_2"])]
    back = pd.read_csv(io.BytesIO(to_excel_csv(download_table(rows))), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["Wert"].tolist()[0] == pytest.approx(20.0)
    assert np.isnan(back["Wert"].tolist()[1])  # suppressed: empty, never 0
    assert back["Zähler"].tolist()[0] == 20.0 and back["Nenner"].tolist()[0] == 100.0
