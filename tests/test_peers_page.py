"""AppTest: the Steckbrief lists the 5 most similar Ortsteile, and a click opens a peer's Steckbrief."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from indicators.areas import ortsteile
from indicators.build.pipeline import ortsteil_counts
from indicators.views.peers import find_peers, peer_variables

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def test_steckbrief_shows_five_peers_and_opens_one():
    expected = find_peers(peer_variables(ortsteil_counts(), 2024, ortsteile()["area_id"].tolist()), "hamme")["peers"]
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.query_params["gebiet"] = "hamme"
    at.query_params["jahr"] = "2024"
    at.run()
    at.switch_page("pages/steckbrief.py").run()
    assert not at.exception, at.exception
    assert any(h.value == "Die 5 ähnlichsten Ortsteile (Bevölkerungsstruktur 2024)" for h in at.subheader)
    buttons = [b for b in at.button if b.key and b.key.startswith("peer_")]
    assert [b.key for b in buttons] == [f"peer_{a}" for a in expected["area_id"]]
    assert len(buttons) == 5
    text = " ".join(m.value for m in at.markdown)
    assert text.count("größter Unterschied bei") == 5 and "Abstand " in text
    assert "Hamme 2024: 863 von 2.210 Kindern unter 15 Jahren leben in SGB-II-Bedarfsgemeinschaften (39,0 %). " \
           "Das ist deutlich höher als in Bochum insgesamt (26,8 %)." in text
    assert any("Über Ursachen sagt das nichts." in c.value for c in at.caption)
    first = expected["area_id"].iloc[0]
    buttons[0].click().run()
    assert not at.exception, at.exception
    assert at.title[0].value.endswith(at.selectbox(key="steckbrief_gebiet").format_func(first))
    assert at.selectbox(key="steckbrief_gebiet").value == first


def test_vergleich_words_match_the_codes_in_the_table():
    from indicators.build.compare import COMPARE_WORDS
    from indicators.build.pipeline import build

    table = build()
    rows = table[(table.indicator_id == "langzeitarbeitslosenanteil") & (table.year == 2024) & (table.level == "ortsteil")]
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.query_params["ind"] = "langzeitarbeitslosenanteil"
    at.query_params["jahr"] = "2024"
    at.run()
    at.switch_page("pages/vergleich.py").run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    names = dict(zip(ortsteile()["name"], ortsteile()["area_id"]))
    codes = dict(zip(rows["area_id"], rows["compare_city"]))
    assert len(shown) == 30
    for name, words in zip(shown["Ortsteil"], shown["Vergleich"]):
        assert words == COMPARE_WORDS[codes[names[name]]]
    assert any("Verfahren wie PHE Fingertips" in c.value for c in at.caption)
    at.radio(key="basis").set_value("rest").run()
    rest = dict(zip(rows["area_id"], rows["compare_rest"]))
    shown = at.dataframe[0].value
    for name, words in zip(shown["Ortsteil"], shown["Vergleich"]):
        assert words == COMPARE_WORDS[rest[names[name]]].replace("Bochum", "der Rest der Stadt")
