"""AppTest of "Bochum im Vergleich": official data (no demo banner), comparison sets, exact values in the charts."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.load import kreise
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


def expected_values(table, indicator_id, year, set_id="ruhr", picked=None) -> dict:
    ids = kreise.set_members(set_id, picked)
    rows = table[(table.indicator_id == indicator_id) & (table.year == year) & table.area_id.isin(ids)]
    return dict(zip(rows.area_id, rows.value))


def assert_same(shown: dict, expected: dict, n: int = 15):
    assert set(shown) == set(expected) and len(shown) == n
    for area_id, value in expected.items():
        assert shown[area_id] == pytest.approx(value), area_id


def query(at, key):
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def bochum_rank_is_consistent(at, n):
    """The ranking's Bochum rank equals 1 + the number of Kreise with a higher value, among n."""
    meta = charts(at)["ruhr_ranking"]["layout"]["meta"]
    values = dict(zip(meta["area_ids"], meta["values"]))
    assert len(values) == n
    ordered = [v for v in values.values() if v is not None]
    assert ordered == sorted(ordered, reverse=True)
    bochum = values[rv.BOCHUM_ID]
    assert meta["bochum_rank"] == 1 + sum(v > bochum for v in ordered)
    return meta["bochum_rank"]


def test_page_runs_with_official_data_and_no_demo_banner(table):
    at = ruhr_page()
    assert not at.exception, at.exception
    assert not any("Demodaten" in w.value for w in at.warning)
    assert not at.warning
    assert at.title[0].value == "Bochum im Vergleich"
    assert set(charts(at)) == {"ruhr_ranking", "ruhr_trend", "ruhr_position"}
    assert_same(ranking_values(at), expected_values(table, LZA, 2025))
    assert ranking_values(at)[rv.BOCHUM_ID] == pytest.approx(7296 / 18079 * 100)
    rank = bochum_rank_is_consistent(at, 15)
    assert any("Bochum 2025: 40,4 %" in m.value and f"Rang {rank} von 15 Ruhr-Kreisen" in m.value
               for m in at.markdown)
    captions = " ".join(c.value for c in at.caption)
    assert "Stand 26.02.2026" in captions and "Stand 10.10.2017" in captions and "dl-de/by-2-0" in captions
    assert "2021, 2022, 2024" in captions and f"Rang {rank} von 15" in captions  # gaps; text alternative
    notes = " ".join(m.value for m in at.markdown)
    assert "fetch genesis --table 13211-02-05-4" in notes and "2008–2013" in notes
    buttons = [b.key for b in at.get("download_button")]  # 3 table files; PNG/SVG/PDF of ranking and trend
    assert buttons[:3] == ["ruhr_dl_csv", "ruhr_dl_xlsx", "ruhr_dl_parquet"] and len(buttons) == 9
    assert query(at, "vgl") == "ruhr"


@pytest.mark.parametrize("set_id, n", [("nrw", 22), ("staedte", 33)])
def test_each_comparison_set_from_the_url_renders_with_its_n(table, set_id, n):
    at = ruhr_page(vgl=set_id, ruhr_ind="alq_alle", ruhr_jahr="2023")
    assert not at.exception, at.exception
    assert at.radio(key="vgl").value == set_id
    assert_same(ranking_values(at), expected_values(table, "alq_alle", 2023, set_id), n)
    rank = bochum_rank_is_consistent(at, n)
    assert any(f"Rang {rank} von {n}" in m.value for m in at.markdown)
    trend = charts(at)["ruhr_trend"]
    assert any(t.get("meta", {}).get("area_id") == "median" for t in trend["data"])
    assert query(at, "vgl") == set_id


def test_own_selection_from_the_url_and_switching_sets_writes_the_url(table):
    at = ruhr_page(vgl="auswahl", kreis=["05913", "05315"])
    assert not at.exception, at.exception
    assert at.multiselect(key="kreis").value == ["05913", "05315"]
    assert_same(ranking_values(at), expected_values(table, LZA, 2025, "auswahl", ["ags_05913", "ags_05315"]), 3)
    bochum_rank_is_consistent(at, 3)
    at.radio(key="vgl").set_value("nrw").run()
    assert not at.exception
    assert query(at, "vgl") == "nrw"
    bochum_rank_is_consistent(at, 22)


def test_kinderarmut_ends_2016_and_the_missing_years_are_named(table):
    at = ruhr_page(ruhr_ind="kinderarmut")
    assert not at.exception
    assert at.select_slider(key="ruhr_jahr").options == ["2015", "2016"]
    assert_same(ranking_values(at), expected_values(table, "kinderarmut", 2016))
    notes = " ".join(m.value for m in at.markdown)
    assert "Keine amtliche Datei für 2017–2025 (22811-02-02-4)" in notes
    assert not at.warning


def test_url_restores_the_view_and_bad_years_fall_back(table):
    at = ruhr_page(ruhr_ind="ohne_abschluss_quote", ruhr_jahr="2014")
    assert not at.exception
    assert charts(at)["ruhr_ranking"]["layout"]["meta"]["year"] == 2014
    assert_same(ranking_values(at), expected_values(table, "ohne_abschluss_quote", 2014))
    at = ruhr_page(ruhr_ind="kinderarmut", ruhr_jahr="2010")
    assert not at.exception
    assert charts(at)["ruhr_ranking"]["layout"]["meta"]["year"] == 2016


def test_english(table):
    at = ruhr_page(lang="en")
    assert not at.exception
    assert at.title[0].value == "Bochum compared"
    assert any("Bochum 2025: 40.4%" in m.value and "of 15 Ruhr districts" in m.value for m in at.markdown)
    assert charts(at)["ruhr_ranking"]["layout"]["separators"] == ".,"
