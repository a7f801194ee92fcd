"""Map hover and Überblick cards: count beside the rate, 95 % interval, the comparison code's words,
„geringe Fallzahl“, and „geheim“ for a suppressed value (never 0)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators import figures
from indicators.build import pipeline
from indicators.catalog import load_catalog
from indicators.views.comparison import row_statistics, value_with_count

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture(scope="module")
def table():
    return pipeline.build()


@pytest.fixture(scope="module")
def geo():
    return pipeline.geometry("ortsteil")


def _hover(fig, area_id):
    return dict(zip(fig.data[0].locations, fig.data[0].customdata))[area_id]


def test_map_hover_has_interval_and_comparison_words(table, geo):
    fig = figures.map_figure(table, geo, "kinderarmut", 2024)
    hamme = _hover(fig, "hamme")
    assert list(hamme[2:5]) == ["39,0 %", "863", "2.210"]
    assert list(hamme[8:]) == ["37,0 – 41,1 %", "deutlich höher als Bochum (99,8 %) – ungünstiger", ""]
    assert "95-%-Intervall: %{customdata[8]}<br>%{customdata[9]}%{customdata[10]}" in fig.data[0].hovertemplate
    assert fig.layout.meta["customdata"][8:] == ["interval_text", "comparison_text", "note"]


def test_map_hover_small_count_and_suppressed(table, geo):
    small = table[table.small_count & (table.level == "ortsteil")].iloc[0]
    fig = figures.map_figure(table, geo, small.indicator_id, int(small.year))
    assert _hover(fig, small.area_id)[10] == "<br>geringe Fallzahl – mit Vorsicht interpretieren"
    hidden = table.copy()
    hit = (hidden.area_id == "hamme") & (hidden.indicator_id == "kinderarmut") & (hidden.year == 2024)
    hidden.loc[hit, ["value", "numerator", "ci95_low", "ci95_high"]] = np.nan
    hidden.loc[hit, ["flag", "compare_city"]] = ["suppressed", "nicht_verglichen"]
    fig = figures.map_figure(hidden, geo, "kinderarmut", 2024)
    hamme = _hover(fig, "hamme")
    labels = next(t for t in fig.data if t.name == "labels")
    assert [x for x in labels.text if x.endswith("<br>geheim")] == ["Hamme<br>geheim"]
    assert "geheim (Datenschutz)" in [t.name for t in fig.data if t.showlegend]
    assert "geheim (Datenschutz)" not in [t.name for t in figures.map_figure(table, geo, "kinderarmut", 2024).data]
    assert hamme[0] is None and hamme[2] == "geheim"
    assert list(hamme[8:]) == ["–", "kein Vergleich möglich", "<br>geheim (Datenschutz)"]


def test_value_with_count_and_row_statistics(table):
    ind = load_catalog().indicators["kinderarmut"]
    row = table[(table.area_id == "hamme") & (table.indicator_id == ind.id) & (table.year == 2024)].iloc[0]
    assert value_with_count(row["value"], row["numerator"], row["denominator"], "", ind) == "39,0 % (863 von 2.210)"
    assert value_with_count(np.nan, np.nan, 2210, "suppressed", ind) == "geheim"
    assert value_with_count(np.nan, np.nan, np.nan, "missing", ind) == "keine Daten"
    assert row_statistics(row, ind) == {"interval": "37,0 – 41,1 %", "comparison": "deutlich höher als Bochum (99,8 %)",
                                        "evaluation": "ungünstiger", "note": ""}


def test_ueberblick_cards_show_count_and_comparison_words(table):
    catalog = load_catalog()
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.run()
    at.switch_page("pages/ueberblick.py").run()
    assert not at.exception, at.exception
    captions = caption_lines(at)
    from indicators.views.comparison import compare_words
    first_key = next(th.key_indicator for th in catalog.themes.values() if th.key_indicator)
    row = table[(table.area_id == "hamme") & (table.indicator_id == first_key) & (table.year == 2024)].iloc[0]
    expected = (f"{int(row.numerator):,} von {int(row.denominator):,}".replace(",", ".")
                + f" · {compare_words(row.compare_city)}")
    assert any(c.startswith(expected) for c in captions), (expected, captions[:8])


def test_table_downloads_carry_interval_comparison_and_note(table):
    from indicators import views
    from indicators.export import tables

    rows = table[(table.indicator_id == "kinderarmut") & (table.year == 2024) & table.area_id.isin(["hamme", "bochum"])]
    rows = rows.copy()
    frame = views.download_table(rows)
    hamme = frame[frame["Gebiet"] == "Hamme"].iloc[0]
    assert (hamme["Zähler"], hamme["Nenner"]) == (863, 2210)
    assert (hamme["95-%-Intervall untere Grenze"], hamme["95-%-Intervall obere Grenze"]) == (37.04, 41.1)
    assert hamme["Vergleich mit Bochum"] == "deutlich höher als Bochum (99,8 %)"
    assert hamme["Bewertung"] == "ungünstiger" and hamme["Fallzahl-Hinweis"] == ""
    assert frame[frame["Gebiet"] == "Bochum"].iloc[0]["Vergleich mit Bochum"] == ""
    csv = tables.to_excel_csv(frame).decode("utf-8-sig")
    assert "37,04;41,1;deutlich höher als Bochum (99,8 %);ungünstiger;" in csv
    hit = rows.area_id == "hamme"
    rows.loc[hit, ["value", "numerator", "ci95_low", "ci95_high"]] = np.nan
    rows.loc[hit, ["flag", "compare_city"]] = ["suppressed", "nicht_verglichen"]
    hidden = views.download_table(rows)
    hidden = hidden[hidden["Gebiet"] == "Hamme"].iloc[0]
    assert pd.isna(hidden["95-%-Intervall untere Grenze"]) and pd.isna(hidden["Zähler"])
    assert hidden["Vergleich mit Bochum"] == "kein Vergleich möglich"
    assert hidden["Fallzahl-Hinweis"] == "geheim (Datenschutz)"


def test_zip_bundle_tables_carry_the_statistics_columns(table, monkeypatch):
    import io
    import zipfile

    import indicators.export as export

    monkeypatch.setattr(export, "render", lambda fig, fmt, **kw: b"")   # the charts are tested elsewhere
    data = export.chart_bundle(table, "kinderarmut", 2024, ["hamme"], kinds=("ranking",))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        csv = archive.read("daten_kinderarmut_2024.csv").decode("utf-8-sig")
        xlsx = pd.read_excel(io.BytesIO(archive.read("daten_kinderarmut_2024.xlsx")), sheet_name="Daten")
    header = csv.splitlines()[0].split(";")
    assert header[-5:] == ["95-%-Intervall untere Grenze", "95-%-Intervall obere Grenze", "Vergleich mit Bochum",
                           "Bewertung", "Fallzahl-Hinweis"]
    hamme = xlsx[xlsx.iloc[:, 0] == "hamme"].iloc[0]
    assert hamme["95-%-Intervall untere Grenze"] == 37.04
    assert hamme["Vergleich mit Bochum"] == "deutlich höher als Bochum (99,8 %)"


def caption_lines(at: AppTest) -> list[str]:
    """Every line of every caption (a card's caption holds its „seit“ line and its count line)."""
    return [line for c in at.caption for line in c.value.split("  \n")]


def _app(page: str, **query) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_ueberblick_since_line_is_the_newcombe_change_with_its_words():
    """METHODS §2.4 on the cards: Querenburg's Langzeitarbeitslosenanteil 2012 → 2024 on the demo data."""
    de = caption_lines(_app("pages/ueberblick.py"))
    assert "seit 2012: −1,0 Prozentpunkte (−1,5 bis −0,5 Pp.) – deutlich gesunken (99,8 %)" in de
    assert "seit 2012: +0,3 Prozentpunkte (−0,4 bis 1,0 Pp.) – keine gesicherte Veränderung" in de   # Kruppwerke
    assert not [c for c in de if c.startswith("seit 2012:") and " – " not in c]     # never a bare difference
    en = caption_lines(_app("pages/ueberblick.py", lang="en"))
    assert "since 2012: −1.0 percentage points (−1.5 to −0.5 pp) – significantly decreased (99.8 %)" in en


def test_karte_table_and_downloads_share_the_statistics_columns(table):
    from indicators import views

    rows = views.indicator_slice(table, "kinderarmut", 2024, "ortsteil")
    screen, files = views.display_table(rows), views.people_table(rows)
    headers = ["95-%-Intervall untere Grenze", "95-%-Intervall obere Grenze", "Vergleich mit Bochum", "Bewertung",
               "Fallzahl-Hinweis"]
    assert list(screen.columns[-5:]) == headers == list(files.columns[-5:])
    hamme = screen[screen.iloc[:, 0] == "Hamme"].iloc[0]
    assert (hamme["95-%-Intervall untere Grenze"], hamme["95-%-Intervall obere Grenze"]) == ("37,0", "41,1")
    assert hamme["Vergleich mit Bochum"] == "deutlich höher als Bochum (99,8 %)" and hamme["Bewertung"] == "ungünstiger"
    at = _app("pages/karte.py", ind="kinderarmut", jahr="2024")
    shown = at.dataframe[0].value
    assert list(shown.columns[-5:]) == headers
    assert shown[shown.iloc[:, 0] == "Hamme"].iloc[0]["Vergleich mit Bochum"] == "deutlich höher als Bochum (99,8 %)"
    en = _app("pages/karte.py", ind="kinderarmut", jahr="2024", lang="en").dataframe[0].value
    assert list(en.columns[-5:]) == ["95 % interval lower limit", "95 % interval upper limit", "Comparison with Bochum",
                                     "Evaluation", "Small-number note"]
    assert en[en.iloc[:, 0] == "Hamme"].iloc[0]["Comparison with Bochum"] == "significantly higher than Bochum (99.8 %)"


GERMAN_STATISTICS_WORDS = ("Gegenüber", "Prozentpunkte", "gesichert", "Veränderung", "Schwankungen", "Reihenbruch",
                           "statistisch", "ähnlich", "höher als", "niedriger als", "geheim", "Fallzahl", "Ortsteil",
                           "Intervall", "gestiegen", "gesunken", "Bochum insgesamt")


def _german_in(texts) -> list[str]:
    return [t for t in texts if any(w in t for w in GERMAN_STATISTICS_WORDS)]


def test_english_trends_vergleich_and_steckbrief_show_no_german_sentence():
    at = _app("pages/trends.py", ind="sgb2_quote", ot=["hamme", "stiepel"], start="2018", lang="en")
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    texts += [str(c) for df in at.dataframe for c in df.value.columns]
    texts += [str(x) for x in at.dataframe[1].value.to_numpy().ravel()]
    assert _german_in(texts) == []
    assert any(t.startswith("- Hamme: Compared with 2018 (26.9%), the share has fallen by 0.3 percentage points; "
                            "this is within random variation") for t in texts), texts
    vergleich = _app("pages/vergleich.py", ind="kinderarmut", jahr="2024", lang="en")
    compared = vergleich.dataframe[0].value
    assert list(compared.columns) == ["District", "Value", "Cases", "95 % interval", "Comparison", "Evaluation", "Note"]
    assert _german_in([str(x) for x in compared.to_numpy().ravel()] + [c.value for c in vergleich.caption]) == []
    profile = _app("pages/steckbrief.py", gebiet="hamme", jahr="2024", lang="en")
    # the published figures keep their own (German) definitions; everything of issue 13 is English
    generated = [m.value for m in profile.markdown if "](http" not in m.value]
    assert _german_in(generated + [s.value for s in profile.subheader]) == []
    assert any(t.startswith("**Child poverty:** Hamme 2024: 863 of 2,210 children under 15 live in SGB II "
                            "benefit households (39.0%). This is significantly higher than in Bochum as a whole")
               for t in generated), generated


def test_english_daten_page_states_the_statistics_caveats_in_english():
    at = _app("pages/daten.py", lang="en")
    texts = [m.value for m in at.markdown]
    assert any(t.startswith("- Shares get a Wilson interval (95 % and 99.8 %)") for t in texts)
    assert not any("Wilson-Intervall" in t for t in texts)
