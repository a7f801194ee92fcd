"""views.overview: the Überblick's cards and sentences, made in one pass from the indicator table."""

from __future__ import annotations

import numpy as np
import pytest

from indicators.build import pipeline
from indicators.views import overview

FOCUS = ("kruppwerke", "hamme", "wattenscheid_mitte", "querenburg")


@pytest.fixture(scope="module")
def table():
    return pipeline.build()


def test_span_and_key_rows(table):
    assert overview.year_span(table) == (2012, 2024)
    rows = overview.key_rows(table, FOCUS)
    # four key indicators x (four focus Ortsteile + the city) x 13 years
    assert len(rows) == 260 and set(rows["area_id"]) == set(FOCUS) | {"bochum"}


def test_theme_cards_on_the_demo_data(table):
    cards = overview.theme_cards(table, "kinderarmut", FOCUS, 2024, 2012)
    assert (cards.indicator_id, cards.heading, cards.delta_colour, cards.city_value) == (
        "kinderarmut", "Kinderarmut – Kinderarmut", "inverse", "26,8 %")
    assert cards.cards[1] == overview.Card(
        name="Hamme", value="39,0 %", delta="+12,2 Prozentpunkte",
        since="seit 2012: +3,5 Prozentpunkte (0,6 bis 6,4 Pp.) – gestiegen (95 %)",
        statistics="863 von 2.210 · deutlich höher als Bochum (99,8 %)")
    assert cards.deviations[1] == ("Hamme liegt 2024 mit 39,0 % um 12,2 Prozentpunkte über dem Stadtdurchschnitt; "
                                   "der Abstand ist seit 2012 geschrumpft.")
    assert cards.trends[1] == ("Seit 2012 ist die Kennzahl „Kinderarmut“ in Hamme von 35,5 % auf 39,0 % gestiegen; "
                               "in der Stadt von 22,7 % auf 26,8 %.")
    assert len(cards.cards) == len(cards.deviations) == len(cards.trends) == 4


def test_english_and_every_theme_in_catalog_order(table):
    themes = overview.overview_themes(table, FOCUS, "en")
    assert [t.theme_id for t in themes] == ["langzeitarbeitslosigkeit", "kinderarmut", "qualifizierung",
                                            "uebergang_schule_beruf"]
    querenburg = themes[0].cards[3]
    assert (querenburg.value, querenburg.since) == (
        "4.5%", "since 2012: −1.0 percentage points (−1.5 to −0.5 pp) – significantly decreased (99.8 %)")


def test_a_suppressed_value_is_shown_as_secret_never_as_a_number(table):
    hidden = table.copy()
    hit = ((hidden["area_id"] == "hamme") & (hidden["indicator_id"] == "kinderarmut") & (hidden["year"] == 2024))
    hidden.loc[hit, ["value", "numerator", "dev_pp"]] = np.nan
    hidden.loc[hit, ["flag", "compare_city"]] = ["suppressed", "nicht_verglichen"]
    card = overview.theme_cards(hidden, "kinderarmut", FOCUS, 2024, 2012).cards[1]
    assert (card.value, card.delta) == ("geheim", "keine Daten")
    assert card.statistics == "kein Vergleich möglich · geheim (Datenschutz)"
