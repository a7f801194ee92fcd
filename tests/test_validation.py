"""Validation: every problem is reported (not the first), with file, exact row and column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.catalog import load_catalog
from indicators.load.loaders import load_counts
from indicators.load.validation import (
    Problem,
    has_errors,
    part_whole_pairs,
    show_number,
    validate_counts,
)

ALL_PROBLEMS_CSV = """Ortsteil;Jahr;Merkmal;Wert
Hamme;2019;arbeitslose;100
Hamme;2019;langzeitarbeitslose;120
Hamme;2019;arbeitslose;101
Hamme;1985;arbeitslose;50
Hamme;2020;einwohner_u15;28,8
Hamme;2020;sgb2_kinder_u15;-3
Hamme;2020;Kinder gesamt;5
Hamme;2020;einwohner_u18;2.000
Hamme;2020;einwohner;1.500
"""


def counts_frame(rows: list[tuple]) -> pd.DataFrame:
    """A counts table from (area_id, year, variable, value) tuples."""
    return pd.DataFrame({
        "area_id": pd.array([r[0] for r in rows], dtype="str"),
        "year": np.array([r[1] for r in rows], dtype="int64"),
        "variable": pd.array([r[2] for r in rows], dtype="str"),
        "value": np.array([r[3] for r in rows], dtype="float64"),
        "flag": pd.array([""] * len(rows), dtype="str"),
        "source_id": pd.array(["test"] * len(rows), dtype="str"),
    })


def test_problem_str_names_file_row_and_column():
    problem = Problem("daten.csv", 5, "Wert", "Der Wert ist negativ.")
    assert str(problem) == "daten.csv, Zeile 5, Spalte 'Wert': Der Wert ist negativ."
    assert str(Problem("daten.csv", None, None, "Leer.")) == "daten.csv: Leer."
    assert str(Problem("daten.csv", 1, None, "Kopf.", "warning")) == "daten.csv, Zeile 1: Kopf."


def test_has_errors_ignores_warnings():
    assert not has_errors([Problem("a.csv", 2, "Wert", "x", "warning")])
    assert has_errors([Problem("a.csv", 2, "Wert", "x", "warning"), Problem("a.csv", 3, "Wert", "y")])


def test_every_problem_is_reported_with_exact_rows_and_columns():
    result = load_counts(ALL_PROBLEMS_CSV.encode("utf-8"), "alles.csv")
    assert not result.ok
    assert [(p.row, p.column, p.severity) for p in result.problems] == [
        (8, "Merkmal", "error"),   # unknown variable
        (5, "Jahr", "error"),      # 1985
        (7, "Wert", "error"),      # negative
        (6, "Wert", "error"),      # fractional
        (4, "Wert", "error"),      # duplicate of row 2
        (3, "Wert", "error"),      # Langzeitarbeitslose > Arbeitslose
        (9, "Wert", "error"),      # einwohner_u18 > einwohner
    ]
    assert len(result.counts) == 9  # problems are reported, the rows are still there for the preview


def test_problem_messages_say_what_to_do():
    problems = load_counts(ALL_PROBLEMS_CSV.encode("utf-8"), "alles.csv").problems
    assert [str(p) for p in problems] == [
        "alles.csv, Zeile 8, Spalte 'Merkmal': Merkmal 'kinder_gesamt' ist unbekannt. Meinten Sie: einwohner, "
        "sgb2_kinder_u15? Bitte ein Merkmal aus dem Katalog verwenden (z. B. 'arbeitslose', 'einwohner_15_64') oder die Spalte in der Zuordnung anpassen.",
        "alles.csv, Zeile 5, Spalte 'Jahr': Jahr 1985 ist unplausibel (erwartet 1990 bis "
        f"{pd.Timestamp.today().year + 1}). Bitte das Jahr prüfen und korrigieren.",
        "alles.csv, Zeile 7, Spalte 'Wert': Der Wert -3 ist negativ. Anzahlen können nicht negativ sein; "
        "bitte den Wert korrigieren oder die Zelle leer lassen.",
        "alles.csv, Zeile 6, Spalte 'Wert': Der Wert 28,8 ist keine ganze Zahl. Erwartet wird eine Anzahl "
        "(z. B. Personen), keine Quote und kein Anteil; bitte die Anzahl eintragen.",
        "alles.csv, Zeile 4, Spalte 'Wert': Doppelter Eintrag: Hamme, 2019, 'arbeitslose' steht schon in Zeile 2. "
        "Bitte nur einen Wert je Gebiet, Jahr und Merkmal angeben und die doppelte Zeile löschen.",
        "alles.csv, Zeile 3, Spalte 'Wert': Langzeitarbeitslose (120) sind mehr als Arbeitslose (100, Zeile 2) "
        "in Hamme 2019. Ein Teil kann nicht größer sein als das Ganze: bitte beide Werte prüfen.",
        "alles.csv, Zeile 9, Spalte 'Wert': Einwohner unter 18 Jahren (2.000) sind mehr als Einwohnerinnen und "
        "Einwohner (1.500, Zeile 10) in Hamme 2020. Ein Teil kann nicht größer sein als das Ganze: bitte beide "
        "Werte prüfen.",
    ]


def test_unknown_variable_gets_candidates():
    counts = counts_frame([("hamme", 2019, "langzeitarbeitslos_", 5.0)])
    problems = validate_counts(counts, "k.csv", current_year=2025)
    assert [(p.row, p.column) for p in problems] == [(2, "variable")]
    assert "Meinten Sie: langzeitarbeitslose, arbeitslose_u25, arbeitslose?" in problems[0].message


def test_default_rows_and_columns_follow_the_counts_table():
    counts = counts_frame([("hamme", 2019, "arbeitslose", 5.0), ("hamme", 2020, "arbeitslose", -1.0),
                           ("atlantis", 2020, "arbeitslose", 1.0), ("atlantis", 2021, "arbeitslose", 1.0)])
    problems = validate_counts(counts, "c.parquet", current_year=2025)
    assert problems == [
        Problem("c.parquet", 4, "area_id", "Gebiet 'atlantis' ist unbekannt (auch in 1 weiteren Zeile). "
                "Bitte den Namen korrigieren oder zuordnen."),
        Problem("c.parquet", 3, "value", "Der Wert -1 ist negativ. Anzahlen können nicht negativ sein; bitte den "
                "Wert korrigieren oder die Zelle leer lassen."),
    ]


def test_explicit_row_numbers_and_columns():
    counts = counts_frame([("hamme", 2019, "arbeitslose", 2.5)])
    problems = validate_counts(counts, "x.csv", row_numbers=[17], columns={"value": "Anzahl"}, current_year=2025)
    assert [(p.file, p.row, p.column) for p in problems] == [("x.csv", 17, "Anzahl")]


def test_implausible_years_both_ends():
    counts = counts_frame([("hamme", 1989, "arbeitslose", 1.0), ("hamme", 1990, "arbeitslose", 1.0),
                           ("hamme", 2026, "arbeitslose", 1.0), ("hamme", 2027, "arbeitslose", 1.0)])
    problems = validate_counts(counts, "j.csv", current_year=2025)
    assert [(p.row, p.column) for p in problems] == [(2, "year"), (5, "year")]
    assert problems[1].message.startswith("Jahr 2027 ist unplausibel (erwartet 1990 bis 2026).")


def test_missing_values_are_not_checked_as_numbers():
    counts = counts_frame([("hamme", 2019, "arbeitslose", np.nan), ("hamme", 2019, "langzeitarbeitslose", 5.0)])
    assert validate_counts(counts, "m.csv", current_year=2025) == []


def test_part_of_pairs_come_from_catalog_and_age_groups():
    pairs = part_whole_pairs(load_catalog())
    for pair in [("langzeitarbeitslose", "arbeitslose"), ("sgb2_kinder_u15", "einwohner_u15"),
                 ("einwohner_u15", "einwohner_u18"), ("einwohner_u18", "einwohner"),
                 ("einwohner_15_64", "einwohner"), ("einwohner_u65", "einwohner")]:
        assert pair in pairs


def test_part_larger_than_whole_in_every_pair():
    counts = counts_frame([
        ("hamme", 2019, "einwohner_u15", 100.0), ("hamme", 2019, "sgb2_kinder_u15", 101.0),
        ("hamme", 2019, "einwohner_u18", 90.0), ("hamme", 2019, "einwohner", 80.0),
        ("hamme", 2019, "einwohner_15_64", 81.0), ("hamme", 2019, "einwohner_u65", 79.0),
        ("hamme", 2020, "sgb2_kinder_u15", 500.0),  # no whole in 2020: nothing to compare
    ])
    problems = validate_counts(counts, "p.csv", current_year=2025)
    assert [(p.row, p.column) for p in problems] == [(3, "value"), (2, "value"), (4, "value"), (6, "value")]
    assert problems[0].message.startswith("Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften (101) sind mehr "
                                          "als Einwohner unter 15 Jahren (100, Zeile 2) in Hamme 2019.")


def test_duplicates_point_to_the_first_row():
    counts = counts_frame([("hamme", 2019, "arbeitslose", 1.0), ("hamme", 2020, "arbeitslose", 1.0),
                           ("hamme", 2019, "arbeitslose", 2.0), ("hamme", 2019, "arbeitslose", 3.0)])
    problems = validate_counts(counts, "d.csv", current_year=2025)
    assert [(p.row, p.column) for p in problems] == [(4, "value"), (5, "value")]
    assert all("steht schon in Zeile 2." in p.message for p in problems)


def test_duplicate_columns_in_a_wide_file_name_the_second_column():
    text = "Ortsteil;Jahr;Arbeitslose;ALO\nHamme;2019;10;11\n"
    problems = load_counts(text.encode("utf-8"), "w.csv").problems
    assert [(p.row, p.column) for p in problems] == [(2, "ALO")]
    assert problems[0].message.startswith("Doppelter Eintrag: Hamme, 2019, 'arbeitslose' steht schon in Zeile 2.")


def test_unknown_wide_column_is_reported_at_the_header():
    text = "Ortsteil;Jahr;Arbeitslose;Kinder gesamt\nHamme;2019;10;11\nHamme;2020;12;13\n"
    problems = load_counts(text.encode("utf-8"), "w.csv").problems
    assert [(p.row, p.column) for p in problems] == [(1, "Kinder gesamt")]
    assert problems[0].message.startswith("Merkmal 'kinder_gesamt' ist unbekannt.")


def test_implausible_year_column_in_years_across_is_reported_once():
    text = "Ortsteil;1985;2019\nHamme;10;11\nKruppwerke;12;13\n"
    problems = load_counts(text.encode("utf-8"), "y.csv", variable="arbeitslose").problems
    assert [(p.row, p.column) for p in problems] == [(1, "1985")]


def test_years_across_values_name_their_year_column():
    text = "Ortsteil;2019;2020\nHamme;10;-1\nKruppwerke;2,5;13\n"
    problems = load_counts(text.encode("utf-8"), "y.csv", variable="arbeitslose").problems
    assert [(p.row, p.column) for p in problems] == [(2, "2020"), (3, "2019")]


def test_many_rows_with_one_problem_are_capped_with_a_summary():
    counts = counts_frame([("hamme", 2000 + i, "arbeitslose", -1.0) for i in range(5)])
    problems = validate_counts(counts, "n.csv", current_year=2025, max_rows=2)
    assert [(p.row, p.column) for p in problems] == [(2, "value"), (3, "value"), (None, None)]
    assert problems[-1].message == "… und 3 weitere Zeilen mit demselben Problem (negativer Wert)."
    assert len(validate_counts(counts, "n.csv", current_year=2025, max_rows=None)) == 5


def test_empty_counts_have_no_problems():
    assert validate_counts(counts_frame([]), "e.csv") == []


def test_show_number_in_german():
    assert [show_number(v) for v in (15389.0, 28.8, -3.0, 1234.25)] == ["15.389", "28,8", "-3", "1.234,25"]


def test_validation_is_vectorised_for_large_tables():
    n_areas, years, variables = 2000, range(2005, 2025), ["arbeitslose", "langzeitarbeitslose"]
    area = np.repeat([f"g{i}" for i in range(n_areas)], len(years) * len(variables))
    counts = pd.DataFrame({
        "area_id": pd.array(area, dtype="str"),
        "year": np.tile(np.repeat(np.array(list(years), dtype="int64"), len(variables)), n_areas),
        "variable": pd.array(np.tile(variables, n_areas * len(years)), dtype="str"),
        "value": np.tile([10.0, 5.0], n_areas * len(years)),
        "flag": pd.array([""] * len(area), dtype="str"),
        "source_id": pd.array(["t"] * len(area), dtype="str"),
    })
    counts.loc[80001 - 2, "value"] = 11.0  # one long-term count above its whole, in the last area
    problems = validate_counts(counts, "gross.csv", check_area_ids=False, current_year=2025)
    assert [(p.row, p.column) for p in problems] == [(80001, "value")]
