"""AppTest: the Sozialindex page renders every year, and its classes follow the configured indicators."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.build import sozialindex as si
from indicators.build.pipeline import build

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def page(**query) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/sozialindex.py").run()
    assert not at.exception, at.exception
    return at


def map_meta(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["meta"]


@pytest.fixture(scope="module")
def expected_2024():
    return si.index_for_year(build(), 2024).set_index("area_id")


def test_page_renders_every_year_with_data():
    at = page()
    years = at.selectbox(key="si_jahr").options
    assert [int(y) for y in years] == list(range(2014, 2025))
    for year in years:
        at.selectbox(key="si_jahr").set_value(int(year)).run()
        assert not at.exception, at.exception
        meta = map_meta(at)
        assert meta["year"] == int(year) and len(meta["area_ids"]) == 30
        assert not at.error


def test_map_groups_text_alternative_and_table_match_the_engine(expected_2024):
    at = page()
    at.selectbox(key="si_jahr").set_value(2024).run()
    meta = map_meta(at)
    assert dict(zip(meta["area_ids"], meta["tile_text"])) == expected_2024["gesamt"].to_dict()
    assert set(meta["focus_ids"]) == {"kruppwerke", "hamme", "querenburg", "wattenscheid_mitte"}
    text = " ".join(m.value for m in at.markdown)
    assert "Hamme 2024: Status sehr niedrig, Dynamik stabil (Gruppe 4+/-), Methode MSS Berlin." in text
    assert "Karte: Sozialindex (Methode MSS Berlin), alle Ortsteile, 2024." in text
    assert any(si.DYNAMICS_NOTE == c.value for c in at.caption)
    table = at.dataframe[0].value
    assert list(table["Gruppe"]) == list(expected_2024["gesamt"])
    at.radio(key="si_karte").set_value("dynamik").run()
    meta = map_meta(at)
    assert dict(zip(meta["area_ids"], meta["tile_text"])) == expected_2024["dynamics_class"].to_dict()


def test_changing_the_configured_indicators_changes_the_classes(monkeypatch, expected_2024):
    config = si.load_index_config().with_indicators(["langzeitarbeitslosenanteil", "kinderarmut"])
    monkeypatch.setattr(si, "load_index_config", lambda: config)
    at = page(si_jahr="2024")
    meta = map_meta(at)
    shown = dict(zip(meta["area_ids"], meta["tile_text"]))
    assert shown == si.index_for_year(build(), 2024, config).set_index("area_id")["gesamt"].to_dict()
    assert shown != expected_2024["gesamt"].to_dict()
    assert "Langzeitarbeitslosenanteil" in " ".join(m.value for m in at.markdown)
    assert "z Langzeitarbeitslosenanteil" in at.dataframe[0].value.columns
