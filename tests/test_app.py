"""AppTest: every page from the page list dashboard.py uses; interactions change what is shown."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from indicators.build.pipeline import build
from ui.state import PAGES

TIMEOUT = 60
DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture(scope="module")
def table():
    return build()


def app(**query) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def chart_specs(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def map_trace_values(at):
    """area_id -> value carried by the map's choropleth traces."""
    spec = chart_specs(at)[0]
    values = {}
    for trace in spec["data"]:
        if trace.get("type") == "choropleth" and trace.get("customdata") is not None:
            for loc, custom in zip(trace["locations"], trace["customdata"]):
                values[loc] = custom[0]
    return values


# pages that show no demo value: real official figures, or no figures at all
PAGES_WITHOUT_DEMO_VALUES = {"pages/ruhr.py", "pages/importieren.py", "pages/barrierefreiheit.py"}


@pytest.mark.parametrize("path", [p[0] for p in PAGES])
def test_every_page_runs_and_shows_the_demo_banner_exactly_where_demo_values_are(path):
    at = app()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    has_banner = any("Demodaten" in w.value for w in at.warning)
    assert has_banner == (path not in PAGES_WITHOUT_DEMO_VALUES), path


def test_choosing_indicator_and_year_puts_exactly_those_values_into_the_map(table):
    at = app()
    at.switch_page("pages/karte.py").run()
    at.selectbox(key="ind").set_value("kinderarmut").run()
    at.select_slider(key="jahr").set_value(2018).run()
    assert not at.exception
    expected = table[(table.indicator_id == "kinderarmut") & (table.year == 2018) & (table.level == "ortsteil")]
    shown = map_trace_values(at)
    assert len(shown) == 30
    for row in expected.itertuples():
        assert shown[row.area_id] == pytest.approx(row.value)


def test_trend_gap_mode_is_value_minus_city(table):
    at = app()
    at.switch_page("pages/trends.py").run()
    at.radio(key="modus").set_value("gap").run()
    assert not at.exception
    spec = chart_specs(at)[0]
    hamme = next(tr for tr in spec["data"] if tr.get("name") == "Hamme")
    rows = table[(table.indicator_id == "langzeitarbeitslosenanteil") & (table.area_id == "hamme")].sort_values("year")
    expected = (rows["value"] - rows["value_stadt"]).to_numpy()
    assert np.allclose(np.array(hamme["y"], dtype=float), expected)


def test_url_query_parameters_restore_the_view():
    at = app(ind="kinderarmut", jahr="2016", ot=["hamme", "stiepel"], lang="en")
    at.switch_page("pages/trends.py").run()
    assert not at.exception
    assert at.selectbox(key="ind").value == "kinderarmut"
    assert at.select_slider(key="jahr").value == 2016
    assert at.multiselect(key="ot").value == ["hamme", "stiepel"]
    assert at.radio(key="lang").value == "en"
    assert "Trends: Child poverty" in at.title[0].value


def test_without_chromium_the_export_menu_says_how_to_install_it(monkeypatch):
    from indicators import export

    monkeypatch.setattr(export.images, "browser_path", lambda: None)  # the owning submodule
    at = app()
    at.switch_page("pages/karte.py").run()
    assert not at.exception
    infos = [i.value for i in at.info]
    assert any("sudo apt-get install -y chromium" in text for text in infos), infos
    # the chart itself is still there (and with it the browser's own PNG download in its toolbar)
    assert map_trace_values(at)


def test_method_prose_comes_from_the_catalog_methods_block():
    at = app()
    at.switch_page("pages/daten.py").run()
    assert not at.exception, at.exception
    assert ("Stadtbezirke und Stadt werden als Summe der Zähler geteilt durch Summe der Nenner berechnet. Fehlt ein "
            "Ortsteilwert oder ist er unterdrückt, bleibt der Gesamtwert leer („unvollständig“) statt zu niedrig "
            "auszufallen.") in [c.value for c in at.caption]
    at.switch_page("pages/trends.py").run()
    assert not at.exception, at.exception
    assert ("Amtliche bzw. veröffentlichte Werte, deren Definition von den Indikatoren dieses Monitors abweicht. Sie "
            "stehen deshalb in eigenen Diagrammen und nie auf der Achse eines anderen Indikators.") in [
        c.value for c in at.caption]
