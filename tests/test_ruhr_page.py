"""AppTest of "Bochum im Ruhrgebiet": official data (no demo banner), own controls, exact values in the charts."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.views import ruhr as rv

TIMEOUT = 60
DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGE = "pages/ruhr.py"
LZA = "langzeitarbeitslose_an_arbeitslosen"


@pytest.fixture(scope="module")
def table():
    return rv.ruhr_indicator_table()


def ruhr_page(**query) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    return at


def charts(at) -> dict:
    """layout.meta.kind -> the chart's plotly JSON."""
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return {s["layout"]["meta"]["kind"]: s for s in specs}


def ranking_values(at) -> dict:
    """area_id -> value carried by the ranking chart's bar trace."""
    bars = charts(at)["ruhr_ranking"]["data"][0]
    return dict(zip(bars["y"], bars["x"]))


def expected_values(table, indicator_id, year) -> dict:
    rows = table[(table.indicator_id == indicator_id) & (table.year == year) & (table.level == "kreis")]
    return dict(zip(rows.area_id, rows.value))


def assert_same(shown: dict, expected: dict):
    assert set(shown) == set(expected) and len(shown) == 15
    for area_id, value in expected.items():
        assert shown[area_id] == pytest.approx(value), area_id


def test_page_runs_with_official_data_and_no_demo_banner(table):
    at = ruhr_page()
    assert not at.exception, at.exception
    assert not any("Demodaten" in w.value for w in at.warning)
    assert not at.warning
    assert at.title[0].value == "Bochum im Ruhrgebiet"
    assert set(charts(at)) == {"ruhr_ranking", "ruhr_trend", "ruhr_position"}
    assert_same(ranking_values(at), expected_values(table, LZA, 2016))
    assert ranking_values(at)[rv.BOCHUM_ID] == pytest.approx(8017 / 18891 * 100)
    assert any("Bochum 2016: 42,4 %" in m.value and "Rang 12 von 15" in m.value for m in at.markdown)
    captions = " ".join(c.value for c in at.caption)
    assert "Stand 10.10.2017" in captions and "dl-de/by-2-0" in captions
    assert len(at.get("download_button")) == 3


def test_choosing_indicator_and_year_puts_exactly_those_values_into_the_ranking(table):
    at = ruhr_page()
    at.selectbox(key="ruhr_ind").set_value(LZA).run()
    at.select_slider(key="ruhr_jahr").set_value(2009).run()
    assert not at.exception
    assert charts(at)["ruhr_ranking"]["layout"]["meta"]["year"] == 2009
    assert_same(ranking_values(at), expected_values(table, LZA, 2009))


def test_kinderarmut_offers_only_2015_and_says_why(table):
    at = ruhr_page()
    at.selectbox(key="ruhr_ind").set_value("kinderarmut").run()
    assert not at.exception
    assert at.select_slider(key="ruhr_jahr").options == ["2015"]
    assert_same(ranking_values(at), expected_values(table, "kinderarmut", 2015))
    assert "ruhr_trend" not in charts(at)
    assert any("nur 2015" in i.value for i in at.info)
    assert not at.warning


def test_official_rate_as_its_own_indicator(table):
    at = ruhr_page()
    at.selectbox(key="ruhr_ind").set_value("alq_alle").run()
    at.select_slider(key="ruhr_jahr").set_value(2012).run()
    assert not at.exception
    assert_same(ranking_values(at), expected_values(table, "alq_alle", 2012))
    assert any("zivilen Erwerbspersonen" in m.value for m in at.markdown)


def test_url_restores_the_view_and_bad_years_fall_back(table):
    at = ruhr_page(ruhr_ind="ohne_abschluss_quote", ruhr_jahr="2014")
    assert not at.exception
    assert charts(at)["ruhr_ranking"]["layout"]["meta"]["year"] == 2014
    assert_same(ranking_values(at), expected_values(table, "ohne_abschluss_quote", 2014))
    at = ruhr_page(ruhr_ind="kinderarmut", ruhr_jahr="2010")
    assert not at.exception
    assert charts(at)["ruhr_ranking"]["layout"]["meta"]["year"] == 2015


def test_english(table):
    at = ruhr_page(lang="en")
    assert not at.exception
    assert at.title[0].value == "Bochum in the Ruhr"
    assert any("Bochum 2016: 42.4%" in m.value and "rank 12 of 15" in m.value for m in at.markdown)
    assert charts(at)["ruhr_ranking"]["layout"]["separators"] == ".,"
