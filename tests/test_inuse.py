"""Real and demo counts never meet in one ratio: the data in use after an import (store/inuse.py, issue 10)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators import store
from indicators.build import pipeline
from indicators.paths import DATA_DIR_ENV
from indicators.schema import FLAG_INCOMPLETE, FLAG_NOT_MIXED
from indicators.store import inuse
from indicators.views import NOT_MIXED_NOTE, not_mixed_note

# the example: real long-term unemployed and SGB-II children for Hamme, nothing else
HAMME_CSV = (
    "Ortsteil;Jahr;Merkmal;Wert\n"
    "Hamme;2023;langzeitarbeitslose;300\n"
    "Hamme;2023;sgb2_kinder_u15;49923\n"
)
KINDERARMUT_NOTE = (
    "Für Hamme 2023 fehlt „Einwohner unter 15 Jahren“ aus echten Daten (importiert ist nur „Kinder unter 15 Jahren "
    "in SGB-II-Bedarfsgemeinschaften“); der Wert bleibt leer, statt echte und Demodaten zu mischen. Leer bleiben: "
    "Kinderarmut. Bitte auch „Einwohner unter 15 Jahren“ importieren, um die Werte zu sehen.")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def _row(table: pd.DataFrame, area: str, indicator: str, year: int = 2023) -> pd.Series:
    rows = table[(table["area_id"] == area) & (table["indicator_id"] == indicator) & (table["year"] == year)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_hamme_import_leaves_kinderarmut_empty_instead_of_2262_percent(data_dir):
    result = store.import_file(HAMME_CSV.encode("utf-8"), "hamme.csv")
    assert result.ok, result.message
    assert result.message == "„hamme.csv“ importiert: 2 Werte (2 Variablen, 1 Gebiet, 2023) als Version 0001. " \
                             "3 Hinweise, siehe Liste."
    assert [p.severity for p in result.problems] == ["warning"] * 3
    assert result.problems[2].message == KINDERARMUT_NOTE
    table = pipeline.build()
    hamme = _row(table, "hamme", "kinderarmut")
    assert math.isnan(hamme["value"])  # old code: 49.923 / 2.207 demo children = 2.262 %
    assert hamme["flag"] == FLAG_NOT_MIXED
    assert (hamme["numerator"], hamme["source_ids"], bool(hamme["is_demo"])) == (49923.0, "import_0001", False)
    assert math.isnan(hamme["denominator"])
    for parent in ("sb_mitte", "bochum"):  # old code: 135 % for the city
        row = _row(table, parent, "kinderarmut")
        assert math.isnan(row["value"]) and row["flag"] == FLAG_INCOMPLETE
    # the other Ortsteile keep their (demo) values: Riemke 292 / 931 children
    assert _row(table, "riemke", "kinderarmut")["value"] == pytest.approx(292 / 931 * 100, abs=1e-12)
    # the long-term share of the unemployed would be real 300 over demo 1.207: empty as well
    assert math.isnan(_row(table, "hamme", "langzeitarbeitslose_an_arbeitslosen")["value"])
    # a year without imports is untouched: demo over demo
    assert _row(table, "hamme", "kinderarmut", 2022)["flag"] == ""


def test_ba_fixture_hamme_2023_is_accepted_and_its_rates_are_real_only(data_dir):
    from tests.test_store import BA_CSV

    # Hamme 2023: 700 real unemployed, 708 demo „ohne Ausbildung“: accepted, the demo part is dropped
    result = store.import_file(BA_CSV.encode("utf-8"), "ba_2023.csv")
    assert result.ok, result.message
    table = pipeline.build()
    assert _row(table, "hamme", "langzeitarbeitslose_an_arbeitslosen")["value"] == pytest.approx(300 / 700 * 100,
                                                                                                abs=1e-12)
    share = _row(table, "hamme", "arbeitslose_ohne_ausbildung_anteil")
    assert math.isnan(share["value"]) and share["flag"] == FLAG_NOT_MIXED
    assert math.isnan(_row(table, "hamme", "arbeitslosenanteil")["value"])  # 700 real over demo residents


def test_a_refused_import_names_file_area_year_both_variables_and_values(data_dir):
    assert store.import_file(b"Ortsteil;Jahr;Merkmal;Wert\nHamme;2023;einwohner_u18;2000\n", "u18.csv").ok
    before = store.store_fingerprint()
    result = store.import_file(b"Ortsteil;Jahr;Merkmal;Wert\nHamme;2023;einwohner_u15;2207\n", "u15.csv")
    assert not result.ok
    assert [p.message for p in result.problems if p.is_error] == [
        "Nach dem Import wären in Hamme 2023 Einwohner unter 15 Jahren (2.207, aus „u15.csv“) mehr als Einwohner "
        "unter 18 Jahren (2.000, aus Version 0001). Ein Teil kann nicht größer sein als das Ganze: bitte beide "
        "Werte prüfen."]
    assert result.problems[0].file == "u15.csv"
    assert store.store_fingerprint() == before
    # the preview says the same before anything is stored
    errors = [p for p in store.validate_file(b"Ortsteil;Jahr;Merkmal;Wert\nHamme;2023;einwohner_u15;2207\n",
                                             "u15.csv") if p.is_error]
    assert [p.message for p in errors] == [p.message for p in result.problems if p.is_error]


def test_unmixed_drops_only_demo_partners():
    base = pd.DataFrame({"area_id": ["a", "a", "b"], "year": [2023] * 3,
                         "variable": ["einwohner_u15", "einwohner", "einwohner_u15"],
                         "value": [10.0, 100.0, 20.0], "flag": "", "source_id": ["demo", "demo", "kreis"]})
    imported = pd.DataFrame({"area_id": ["a", "b"], "year": [2023, 2023], "variable": ["sgb2_kinder_u15"] * 2,
                             "value": [5.0, 6.0], "flag": "", "source_id": "imp"})
    counts, dropped = inuse.unmixed(base, imported)
    rows = sorted(tuple(r) for r in counts.fillna(-1).itertuples(index=False))
    assert rows == [("a", 2023, "einwohner", 100.0, "", "demo"),
                    ("a", 2023, "einwohner_u15", -1.0, FLAG_NOT_MIXED, ""),
                    ("a", 2023, "sgb2_kinder_u15", 5.0, "", "imp"),
                    ("b", 2023, "einwohner_u15", 20.0, "", "kreis"),  # not demo: an official base stays
                    ("b", 2023, "sgb2_kinder_u15", 6.0, "", "imp")]
    assert dropped.to_dict("records") == [{"area_id": "a", "year": 2023, "variable": "einwohner_u15",
                                           "partners": "sgb2_kinder_u15"}]


def test_places_text_shortens_long_lists():
    frame = pd.DataFrame({"area_id": ["hamme"] * 3 + ["riemke", "grumme", "hordel", "hofstede", "querenburg"],
                          "year": [2020, 2021, 2023, 2023, 2023, 2023, 2023, 2023]})
    names = {"hamme": "Hamme", "riemke": "Riemke", "grumme": "Grumme", "hordel": "Hordel", "hofstede": "Hofstede",
             "querenburg": "Querenburg"}
    assert inuse.places_text(frame, names) == ("Grumme 2023, Hamme 2020–2021, 2023, Hofstede 2023, Hordel 2023, "
                                               "Querenburg 2023 und 1 weiteren Ortsteil")


def test_one_data_note_while_values_are_left_empty():
    assert not_mixed_note(pd.DataFrame({"flag": ["", FLAG_NOT_MIXED, FLAG_NOT_MIXED]}), "de") == NOT_MIXED_NOTE["de"]
    assert not_mixed_note(pd.DataFrame({"flag": ["", "missing"]}), "en") is None
