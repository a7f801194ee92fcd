"""Trends page statistics: Newcombe change from a chosen start year and the five-year trend class."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from indicators.build.pipeline import build
from indicators.catalog import load_catalog
from indicators.views import trendstats

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture(scope="module")
def table():
    return build()


def test_change_2018_to_2024_for_hamme_is_newcombe(table):
    ind = load_catalog().indicators["langzeitarbeitslosenanteil"]
    stats = trendstats.trend_statistics(table, ind, ["hamme"], 2018).iloc[0]
    # 545 of 10.676 (2018) -> 581 of 10.655 (2024)
    assert stats["change_pp"] == pytest.approx((581 / 10655 - 545 / 10676) * 100)
    assert stats["change_ci95_low"] == pytest.approx(-0.252677, abs=1e-6)
    assert stats["change_ci95_high"] == pytest.approx(0.949135, abs=1e-6)
    assert stats["change_class"] == "keine_gesicherte_veraenderung"
    assert stats["trend_class"] == "fallend"
    shown = trendstats.trend_table(trendstats.trend_statistics(table, ind, ["hamme"], 2018), ind).iloc[0]
    assert shown.to_dict() == {
        "Ortsteil": "Hamme", "Start": "5,1 %", "Aktuell": "5,5 %", "Veränderung": "+0,3 Prozentpunkte",
        "95-%-Intervall": "−0,3 bis 0,9 Pp.", "Veränderung (Test)": "keine gesicherte Veränderung",
        "Trend": "fallend (günstige Entwicklung)"}
    assert trendstats.trend_sentences(trendstats.trend_statistics(table, ind, ["hamme"], 2018), ind) == [
        "Hamme: Gegenüber 2018 (5,1 %) ist der Anteil um 0,3 Prozentpunkte gestiegen; das liegt im Rahmen "
        "zufälliger Schwankungen. Trend 2020–2024: fallend (günstige Entwicklung)."]


def test_series_break_is_named_in_the_sentences(table):
    ind = load_catalog().indicators["sgb2_quote"]
    sentences = trendstats.trend_sentences(trendstats.trend_statistics(table, ind, ["hamme"], 2018), ind)
    assert sentences[0].count("über den Reihenbruch 2023 hinweg") == 2
    after = trendstats.trend_sentences(trendstats.trend_statistics(table, ind, ["hamme"], 2023), ind)
    assert after[0].count("über den Reihenbruch 2023 hinweg") == 1   # only the 2020–2024 trend crosses it


def test_counts_and_suppressed_values_are_never_tested_or_zero(table):
    catalog = load_catalog()
    ein = catalog.indicators["einwohner"]
    stats = trendstats.trend_statistics(table, ein, ["hamme"], 2018)
    assert stats["change_class"].tolist() == ["nicht_berechenbar"]
    assert stats["trend_class"].tolist() == ["nicht_berechenbar"]
    ind = catalog.indicators["langzeitarbeitslosenanteil"]
    hidden = table.copy()
    mask = (hidden.area_id == "hamme") & (hidden.year == 2024) & (hidden.indicator_id == ind.id)
    hidden.loc[mask, ["value", "numerator"]] = np.nan
    hidden.loc[mask, "flag"] = "suppressed"
    stats = trendstats.trend_statistics(hidden, ind, ["hamme"], 2018)
    assert stats["change_class"].tolist() == ["nicht_berechenbar"]
    assert np.isnan(stats["change_pp"].iloc[0])
    row = trendstats.trend_table(stats, ind).iloc[0]
    assert (row["Aktuell"], row["Veränderung"], row["Trend"]) == ("geheim", "–", "nicht berechenbar")
    assert trendstats.trend_sentences(stats, ind) == ["Hamme 2024: Wert geheim (Datenschutz)."]


def test_start_years_are_all_but_the_latest(table):
    assert trendstats.start_years(table, "kinderarmut") == list(range(2012, 2024))


def test_trends_page_start_year_from_the_url_and_widget():
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.query_params["ind"] = "sgb2_quote"
    at.query_params["ot"] = ["hamme", "stiepel"]
    at.query_params["start"] = "2018"
    at.run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="start").value == 2018
    stats = at.dataframe[1].value
    assert stats["Ortsteil"].tolist() == ["Hamme", "Stiepel"]
    assert stats["Veränderung (Test)"].tolist() == ["keine gesicherte Veränderung"] * 2
    text = " ".join(m.value for m in at.markdown)
    assert "Hamme: Gegenüber 2018 (26,9 %) ist der Anteil um 0,3 Prozentpunkte gesunken" in text
    assert any(c.value.startswith("Reihenbruch 2023: Bürgergeld ersetzt ALG II/Sozialgeld") for c in at.caption)
    at.selectbox(key="start").set_value(2012).run()
    assert not at.exception, at.exception
    assert at.query_params["start"] == "2012"
    assert "Gegenüber 2012" in " ".join(m.value for m in at.markdown)
