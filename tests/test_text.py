"""indicators.views.text: generated sentences, German and English, exact wording."""

import numpy as np
import pandas as pd
import pytest

from indicators.areas import load_areas
from indicators.build import pipeline
from indicators.views import text

IDS = ["bochum", "sb_mitte", "sb_sued", "hamme", "kruppwerke", "stiepel"]
HAND = {  # arbeitslose, einwohner_15_64; None = suppressed
    2012: {"hamme": (10, 100), "kruppwerke": (30, 300), "stiepel": (6, 600)},
    2018: {"hamme": (8, 100), "kruppwerke": (20, 200), "stiepel": (7, 700)},
    2020: {"hamme": (12, 100), "kruppwerke": (20, 200), "stiepel": (None, 700)},
    2024: {"hamme": (24, 100), "kruppwerke": (30, 200), "stiepel": (7, 700)},
}
IND = "arbeitslosenanteil"


@pytest.fixture(scope="module")
def table():
    rows = []
    for year, areas in HAND.items():
        for area, (num, den) in areas.items():
            rows += [(area, year, "arbeitslose", num), (area, year, "einwohner_15_64", den)]
    counts = pd.DataFrame(rows, columns=["area_id", "year", "variable", "value"])
    counts["value"] = counts["value"].astype("float64")
    counts["flag"] = np.where(counts["value"].isna(), "suppressed", "")
    counts["source_id"] = "demo"
    areas = load_areas()
    return pipeline.build(counts=counts, areas=areas[areas["area_id"].isin(IDS)].reset_index(drop=True))


def test_above_and_gap_grown(table):
    assert text.deviation_sentence(table, IND, "hamme", 2024) == (
        "Hamme liegt 2024 mit 24,0 % um 17,9 Prozentpunkte über dem Stadtdurchschnitt; "
        "der Abstand ist seit 2012 gewachsen.")


def test_below_and_gap_grown(table):
    assert text.deviation_sentence(table, IND, "stiepel", 2024) == (
        "Stiepel liegt 2024 mit 1,0 % um 5,1 Prozentpunkte unter dem Stadtdurchschnitt; "
        "der Abstand ist seit 2012 gewachsen.")


def test_gap_shrunk(table):
    assert text.deviation_sentence(table, IND, "hamme", 2018) == (
        "Hamme liegt 2018 mit 8,0 % um 4,5 Prozentpunkte über dem Stadtdurchschnitt; "
        "der Abstand ist seit 2012 geschrumpft.")


def test_base_year_has_no_trend_clause(table):
    assert text.deviation_sentence(table, IND, "hamme", 2012) == (
        "Hamme liegt 2012 mit 10,0 % um 5,4 Prozentpunkte über dem Stadtdurchschnitt.")


def test_missing_value(table):
    assert text.deviation_sentence(table, IND, "stiepel", 2020) == (
        "Für Stiepel liegen 2020 keine Daten zu „Arbeitslosenanteil“ vor.")


def test_english(table):
    assert text.deviation_sentence(table, IND, "hamme", 2024, "en") == (
        "In 2024, Hamme is 17.9 percentage points above the city average at 24.0%; "
        "the gap has widened since 2012.")
    assert text.deviation_sentence(table, IND, "hamme", 2018, "en") == (
        "In 2018, Hamme is 4.5 percentage points above the city average at 8.0%; "
        "the gap has narrowed since 2012.")


def test_level_and_same_gap_phrases():
    assert text.position_phrase(0.04, 1) == "gleichauf mit dem Stadtdurchschnitt"
    assert text.position_phrase(-0.04, 1, "en") == "level with the city average"
    assert text.position_phrase(-2.25, 1) == "um 2,2 Prozentpunkte unter dem Stadtdurchschnitt"
    assert text.gap_change_phrase(3.01, -2.99, 2012, 1) == "der Abstand ist seit 2012 gleich geblieben"
    assert text.gap_change_phrase(3.0, 3.04, 2012, 1, "en") == "the gap has stayed the same since 2012"


def test_higher_is_better_uses_the_same_neutral_words(table):
    better = table[table["indicator_id"] == IND].assign(indicator_id="sv_beschaeftigungsquote")
    assert text.deviation_sentence(better, "sv_beschaeftigungsquote", "hamme", 2024) == (
        "Hamme liegt 2024 mit 24,0 % um 17,9 Prozentpunkte über dem Stadtdurchschnitt; "
        "der Abstand ist seit 2012 gewachsen.")


def test_profile_summary_de_and_en(table):
    assert text.profile_summary(table, "hamme", 2024) == (
        "Am weitesten über dem Stadtdurchschnitt liegt Hamme 2024 bei der Kennzahl „Arbeitslosenanteil“ "
        "(24,0 % gegenüber 6,1 % in der Stadt). "
        "Für Hamme liegen 2024 keine Daten zu „Kinderarmut“ vor.")
    assert text.profile_summary(table, "stiepel", 2024, "en") == (
        "It is furthest below the city average on “Unemployment share” (1.0% against 6.1%). "
        "There are no data on “Child poverty” for Stiepel in 2024.")


def test_profile_summary_with_child_poverty_and_trend(table):
    extra = table[table["indicator_id"] == IND]
    others = table[~table["indicator_id"].isin(["kinderarmut", "langzeitarbeitslosenanteil"])]
    full = pd.concat([others, extra.assign(indicator_id="kinderarmut"),
                      extra.assign(indicator_id="langzeitarbeitslosenanteil")], ignore_index=True)
    summary = text.profile_summary(full, "hamme", 2024)
    assert summary.count(". ") + 1 == 3  # nothing below the city: no "am weitesten darunter"
    assert ("Bei der Kennzahl „Kinderarmut“ liegt Hamme 2024 mit 24,0 % um 17,9 Prozentpunkte über dem "
            "Stadtdurchschnitt; der Abstand ist seit 2012 gewachsen.") in summary
    assert summary.endswith("Seit 2012 ist die Kennzahl „Langzeitarbeitslosenanteil“ in Hamme von 10,0 % auf "
                            "24,0 % gestiegen; in der Stadt von 4,6 % auf 6,1 %.")
