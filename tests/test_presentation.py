"""Meeting mode: the step-through sequence (pure) and the Präsentation page (AppTest); the print stylesheet."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.areas import CITY_ID, focus_ids
from indicators.build.pipeline import build
from indicators.build.pipeline import geometry as load_geometry
from indicators.catalog import load_catalog
from indicators.figures import presentation
from indicators.views import classify
from ui.print import print_css

TIMEOUT = 60
DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGE = "pages/praesentation.py"


@pytest.fixture(scope="module")
def table():
    return build()


@pytest.fixture(scope="module")
def geo():
    return load_geometry("ortsteil")


@pytest.fixture(scope="module")
def steps():
    return presentation.sequence(load_catalog())


# --- the sequence (pure) ------------------------------------------------------------------------


def test_sequence_is_map_trend_ranking_for_each_theme_with_a_key_indicator(steps):
    catalog = load_catalog()
    themes = [t for t in catalog.themes.values() if t.key_indicator]
    assert len(themes) == 4
    assert len(steps) == 13
    assert [s.kind for s in steps] == ["map", "trend", "ranking"] * 4 + ["index"]
    assert steps[-1].title("de") == "Sozialindex – Gesamtindex der Ortsteile"
    assert [s.theme for s in steps[:12:3]] == [t.id for t in themes]
    for i, theme in enumerate(themes):
        assert {s.indicator_id for s in steps[3 * i:3 * i + 3]} == {theme.key_indicator}
        assert all(theme.title["de"] in s.title_de and theme.title["en"] in s.title_en for s in steps[3 * i:3 * i + 3])
    assert steps[0].title("de") == "Langzeitarbeitslosigkeit – Karte der Ortsteile"
    assert steps[0].title("en") == "Long-term unemployment – map of the districts"


def test_every_step_figure_uses_large_text(steps, table, geo):
    for step in steps:
        fig = presentation.step_figure(step, table, geo, "de")
        assert fig.layout.font.size >= 18, step
        assert fig.layout.meta["kind"] == step.kind
        assert fig.layout.meta["indicator_id"] == step.indicator_id
        assert fig.layout.height == presentation.SLIDE_HEIGHT


def test_map_steps_use_breaks_fixed_over_all_years_and_label_all_ortsteile(steps, table, geo):
    for step in (s for s in steps if s.kind == "map"):
        fig = presentation.step_figure(step, table, geo, "de")
        meta = fig.layout.meta
        assert meta["fixed_breaks"] is True
        expected = classify.fixed_breaks(table, step.indicator_id, presentation.METHOD, presentation.K,
                                         level="ortsteil")
        assert meta["breaks"] == pytest.approx(expected)
        assert meta["year"] == int(table["year"].max())
        labels = next(tr for tr in fig.data if tr.name == "labels")
        assert len(labels.text) == len(geo) == 30
        assert labels.textfont.size >= 18
        assert set(meta["focus_ids"]) == set(focus_ids())


def test_map_classes_of_another_year_use_the_same_breaks(table, geo):
    step = presentation.Step("kinderarmut", "kinderarmut", "map", "", "")
    breaks = classify.fixed_breaks(table, "kinderarmut", presentation.METHOD, presentation.K, level="ortsteil")
    rows = table[(table.indicator_id == "kinderarmut") & (table.level == "ortsteil")]
    # the fixed breaks span every year's values, not just the latest one's
    assert breaks[0] == pytest.approx(rows["value"].min())
    assert breaks[-1] == pytest.approx(rows["value"].max())
    assert presentation.step_figure(step, table, geo).layout.meta["breaks"] == pytest.approx(breaks)


def test_trend_step_shows_the_four_focus_ortsteile_and_the_city_only(steps, table, geo):
    fig = presentation.step_figure(steps[1], table, geo, "de")
    lines = [tr.meta["area_id"] for tr in fig.data if tr.meta and "area_id" in tr.meta]
    assert lines == [*focus_ids(), CITY_ID]
    assert all(tr.line.width >= 4 for tr in fig.data if tr.meta and "area_id" in tr.meta)


def test_ranking_step_has_all_ortsteile_with_the_focus_highlighted(steps, table, geo):
    fig = presentation.step_figure(steps[2], table, geo, "de")
    assert len(fig.layout.meta["area_ids"]) == 30
    assert set(fig.layout.meta["focus_ids"]) == set(focus_ids())
    assert fig.data[0].textfont.size >= 18


def test_step_rows_and_subtitle(steps, table):
    last = int(table["year"].max())
    map_rows = presentation.step_rows(steps[0], table)
    assert set(map_rows["year"]) == {last} and len(map_rows[map_rows.level == "ortsteil"]) == 30
    trend_rows = presentation.step_rows(steps[1], table)
    assert set(trend_rows["area_id"]) == {*focus_ids(), CITY_ID}
    assert presentation.step_subtitle(steps[0], table, "de").startswith(f"Langzeitarbeitslosenanteil {last} · ")
    assert f"{int(table['year'].min())}–{last}" in presentation.step_subtitle(steps[1], table, "de")


def test_unknown_step_kind_is_refused_in_german(table, geo):
    with pytest.raises(ValueError, match="Unbekannte Folienart"):
        presentation.step_figure(presentation.Step("x", "kinderarmut", "pie", "", ""), table, geo)


def test_print_css_is_a4_landscape_and_hides_the_chrome():
    css = print_css()
    assert css.startswith("@media print")
    assert "size: A4 landscape; margin: 12mm" in css
    for hidden in ('[data-testid="stSidebar"]', 'header[data-testid="stHeader"]', '[data-testid="stToolbar"]',
                   ".stButton", ".stSelectbox", ".stDownloadButton"):
        assert hidden in css


# --- the page (AppTest) ---------------------------------------------------------------------------


def app(**query) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def present(**query) -> AppTest:
    at = app(**query)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def chart_meta(at) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(specs) == 1
    return specs[0]["layout"]["meta"]


def test_page_runs_and_shows_slide_1_of_13(steps):
    at = present()
    assert "Folie 1 von 13" in texts(at)
    assert at.title[0].value == steps[0].title_de
    assert chart_meta(at)["kind"] == "map"
    assert any("Demodaten" in w.value for w in at.warning)
    assert any("Quellen:" in c.value for c in at.caption)
    assert at.button(key="folie_zurueck").disabled
    assert at.button(key="folie_weiter").label == "Weiter ▶"


def test_next_shows_step_2_with_its_chart_and_puts_it_into_the_url(steps):
    at = present()
    at.button(key="folie_weiter").click().run()
    assert not at.exception
    assert "Folie 2 von 13" in texts(at)
    assert at.title[0].value == steps[1].title_de
    meta = chart_meta(at)
    assert (meta["kind"], meta["indicator_id"]) == ("trend", steps[1].indicator_id)
    assert at.query_params["folie"] in ("2", ["2"])
    at.button(key="folie_zurueck").click().run()
    assert "Folie 1 von 13" in texts(at)
    assert chart_meta(at)["kind"] == "map"


def test_a_link_with_folie_5_opens_step_5(steps):
    at = present(folie="5")
    assert "Folie 5 von 13" in texts(at)
    assert at.title[0].value == steps[4].title_de
    meta = chart_meta(at)
    assert (meta["kind"], meta["indicator_id"]) == (steps[4].kind, steps[4].indicator_id)


def test_invalid_slide_in_the_url_falls_back_to_slide_1():
    assert "Folie 1 von 13" in texts(present(folie="99"))
    assert "Folie 1 von 13" in texts(present(folie="abc"))


def test_last_slide_disables_next():
    at = present(folie="13")
    assert "Folie 13 von 13" in texts(at)
    assert at.button(key="folie_weiter").disabled
    meta = chart_meta(at)
    assert (meta["kind"], meta["year"]) == ("index", 2024)
    assert any("Demodaten" in w.value for w in at.warning)


def test_sidebar_is_hidden_by_css_and_the_page_links_back_to_the_overview():
    at = present()
    bodies = [h.proto.body for h in at.get("html")]
    assert any('[data-testid="stSidebar"]' in b and "display: none" in b for b in bodies)
    assert any("@page { size: A4 landscape" in b for b in bodies)
    links = at.get("page_link")
    end = [link.proto for link in links if "Präsentation beenden" in link.proto.label]
    assert len(end) == 1 and not end[0].external and end[0].page_script_hash


def test_english_slide_texts():
    at = present(lang="en", folie="3")
    assert "Slide 3 of 13" in texts(at)
    assert at.title[0].value.endswith("ranking of the districts")
    assert at.button(key="folie_weiter").label == "Next ▶"


@pytest.mark.parametrize("path", ["pages/karte.py", "pages/trends.py"])
def test_map_and_trend_pages_inject_the_print_layout(path):
    at = app()
    at.switch_page(path).run()
    assert not at.exception
    bodies = [h.proto.body for h in at.get("html")]
    assert any("@page { size: A4 landscape" in b for b in bodies)
    assert any("Drucken: Strg+P – die Druckansicht ist auf A4 quer eingerichtet." in b for b in bodies)
