"""Loaders: every German-format variant of the same small table loads to exactly the same counts."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from indicators.load.loaders import (
    LAYOUT_LONG,
    LAYOUT_WIDE,
    LAYOUT_YEARS_ACROSS,
    LoadInfo,
    LoadResult,
    detect_decimal,
    load_counts,
    normalize_variable,
    parse_german_number,
    read_table,
    year_of,
)
from indicators.load.validation import Problem
from indicators.paths import DATA_DIR
from indicators.schema import COUNT_COLUMNS

# (name as written in the file, area_id, year, variable, text in the file, value, flag)
CELLS = [
    ("Höntrop", "hoentrop", 2019, "einwohner", "15.389", 15389.0, ""),
    ("Höntrop", "hoentrop", 2019, "arbeitslose", "612", 612.0, ""),
    ("Höntrop", "hoentrop", 2020, "einwohner", "15.412", 15412.0, ""),
    ("Höntrop", "hoentrop", 2020, "arbeitslose", "*", np.nan, "suppressed"),
    ("Hamme", "hamme", 2019, "einwohner", "11.020", 11020.0, ""),
    ("Hamme", "hamme", 2019, "arbeitslose", "1.234", 1234.0, ""),
    ("Hamme", "hamme", 2020, "einwohner", "11.105", 11105.0, ""),
    ("Hamme", "hamme", 2020, "arbeitslose", "1.301", 1301.0, ""),
    ("Wattenscheid-Mitte", "wattenscheid_mitte", 2019, "einwohner", "20.417", 20417.0, ""),
    ("Wattenscheid-Mitte", "wattenscheid_mitte", 2019, "arbeitslose", "1.905", 1905.0, ""),
    ("Wattenscheid-Mitte", "wattenscheid_mitte", 2020, "einwohner", "20.388", 20388.0, ""),
    ("Wattenscheid-Mitte", "wattenscheid_mitte", 2020, "arbeitslose", "1.877", 1877.0, ""),
]
NAMES = ["Höntrop", "Hamme", "Wattenscheid-Mitte"]
YEARS = [2019, 2020]
VARIABLES = ["einwohner", "arbeitslose"]


def expected_counts(source_id: str = "imported") -> pd.DataFrame:
    """The counts every variant must load to, sorted by key."""
    frame = pd.DataFrame({
        "area_id": pd.array([c[1] for c in CELLS], dtype="str"),
        "year": np.array([c[2] for c in CELLS], dtype="int64"),
        "variable": pd.array([c[3] for c in CELLS], dtype="str"),
        "value": np.array([c[5] for c in CELLS], dtype="float64"),
        "flag": pd.array([c[6] for c in CELLS], dtype="str"),
        "source_id": pd.array([source_id] * len(CELLS), dtype="str"),
    })
    return _sorted(frame)


def _sorted(counts: pd.DataFrame) -> pd.DataFrame:
    return counts.sort_values(["area_id", "year", "variable"]).reset_index(drop=True)


def _text(name: str, year: int, variable: str) -> str:
    return next(c[4] for c in CELLS if c[0] == name and c[2] == year and c[3] == variable)


def long_csv(sep: str = ";", header: str = "Ortsteil;Jahr;Merkmal;Wert", names=None, years=None,
             variables=None, newline: str = "\n") -> str:
    names = names or {n: n for n in NAMES}
    years = years or {y: str(y) for y in YEARS}
    variables = variables or {v: v for v in VARIABLES}
    lines = [header.replace(";", sep)]
    for name, area_id, year, variable, text, _, _ in CELLS:
        lines.append(sep.join([names[name], years[year], variables[variable], text]))
    return newline.join(lines) + newline


def wide_csv() -> str:
    lines = ["Ortsteil;Jahr;Einwohner;Arbeitslose"]
    for name in NAMES:
        for year in YEARS:
            lines.append(";".join([name, str(year)] + [_text(name, year, v) for v in VARIABLES]))
    return "\n".join(lines) + "\n"


def years_across_csv(variable: str | None = None) -> str:
    """With a Merkmal column (both variables) or, given a variable, only that variable."""
    if variable:
        lines = ["Ortsteil;2019;2020"] + [";".join([n] + [_text(n, y, variable) for y in YEARS]) for n in NAMES]
    else:
        lines = ["Ortsteil;Merkmal;2019;2020"] + [
            ";".join([n, v] + [_text(n, y, v) for y in YEARS]) for n in NAMES for v in VARIABLES
        ]
    return "\n".join(lines) + "\n"


def xlsx_bytes(title_rows: int = 0) -> bytes:
    """Numbers as real numbers, '*' as text, optionally with title rows above the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    for i in range(title_rows):
        sheet.append(["Arbeitslose und Einwohner nach Ortsteilen" if i == 0 else None])
    sheet.append(["Ortsteil", "Jahr", "Merkmal", "Wert"])
    for name, _, year, variable, text, value, _ in CELLS:
        sheet.append([name, year, variable, text if np.isnan(value) else int(value)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parquet_bytes() -> bytes:
    frame = pd.DataFrame({
        "Ortsteil": [c[0] for c in CELLS],
        "Jahr": np.array([c[2] for c in CELLS], dtype="int64"),
        "Merkmal": [c[3] for c in CELLS],
        "Wert": [c[4] for c in CELLS],
    })
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


VARIANTS = {
    "semicolon_utf8": lambda: (long_csv().encode("utf-8"), "t.csv"),
    "comma_utf8": lambda: (long_csv(sep=",").encode("utf-8"), "t.csv"),
    "tab_utf8": lambda: (long_csv(sep="\t").encode("utf-8"), "t.tsv"),
    "utf8_bom": lambda: (long_csv().encode("utf-8-sig"), "t.csv"),
    "cp1252_umlauts": lambda: (long_csv(newline="\r\n").encode("cp1252"), "t.csv"),
    "german_headers_and_spellings": lambda: (long_csv(
        header="Stadtteil;Stichtag;Indikator;Anzahl",
        names={"Höntrop": "HOENTROP", "Hamme": "Bochum-Hamme", "Wattenscheid-Mitte": "Wattenscheid Mitte"},
        years={2019: "31.12.2019", 2020: "31.12.2020"},
        variables={"einwohner": " Einwohner insgesamt ", "arbeitslose": "ARBEITSLOSE"},
    ).encode("utf-8"), "t.csv"),
    "wide": lambda: (wide_csv().encode("utf-8"), "t.csv"),
    "years_across_with_merkmal": lambda: (years_across_csv().encode("utf-8"), "t.csv"),
    "xlsx": lambda: (xlsx_bytes(), "t.xlsx"),
    "xlsx_with_title_rows": lambda: (xlsx_bytes(title_rows=2), "t.xlsx"),
    "parquet": lambda: (parquet_bytes(), "t.parquet"),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_variant_loads_to_the_same_counts(variant):
    data, filename = VARIANTS[variant]()
    result = load_counts(data, filename)
    assert result.problems == []
    assert result.ok
    assert list(result.counts.columns) == COUNT_COLUMNS
    pd.testing.assert_frame_equal(_sorted(result.counts), expected_counts())


@pytest.mark.parametrize("variant", ["semicolon_utf8", "cp1252_umlauts", "xlsx"])
def test_loading_from_a_path_equals_loading_bytes(variant, tmp_path):
    data, filename = VARIANTS[variant]()
    path = tmp_path / filename
    path.write_bytes(data)
    result = load_counts(path, source_id="stadt_2021")
    assert result.ok
    pd.testing.assert_frame_equal(_sorted(result.counts), expected_counts("stadt_2021"))


def test_years_across_one_variable_per_file_adds_up_to_the_same_counts():
    parts = [load_counts(years_across_csv(v).encode("utf-8"), f"{v}.csv", variable=v) for v in VARIABLES]
    assert all(p.ok for p in parts)
    assert [p.info.layout for p in parts] == [LAYOUT_YEARS_ACROSS, LAYOUT_YEARS_ACROSS]
    pd.testing.assert_frame_equal(_sorted(pd.concat([p.counts for p in parts])), expected_counts())


def test_years_across_without_variable_asks_for_it():
    result = load_counts(years_across_csv("einwohner").encode("utf-8"), "e.csv")
    assert not result.ok
    assert result.counts.empty
    assert [(p.row, p.column) for p in result.problems] == [(1, None)]
    assert "das Merkmal ist nicht angegeben" in result.problems[0].message


@pytest.mark.parametrize(("variant", "encoding", "separator", "layout"), [
    ("semicolon_utf8", "utf-8", ";", LAYOUT_LONG),
    ("comma_utf8", "utf-8", ",", LAYOUT_LONG),
    ("tab_utf8", "utf-8", "\t", LAYOUT_LONG),
    ("utf8_bom", "utf-8-sig", ";", LAYOUT_LONG),
    ("cp1252_umlauts", "cp1252", ";", LAYOUT_LONG),
    ("wide", "utf-8", ";", LAYOUT_WIDE),
    ("years_across_with_merkmal", "utf-8", ";", LAYOUT_YEARS_ACROSS),
    ("xlsx", None, None, LAYOUT_LONG),
    ("parquet", None, None, LAYOUT_LONG),
])
def test_read_table_detects_encoding_separator_and_layout(variant, encoding, separator, layout):
    data, filename = VARIANTS[variant]()
    raw, info = read_table(data, filename)
    assert (info.encoding, info.separator, info.layout) == (encoding, separator, layout)
    assert info.n_rows == len(raw)


def test_read_table_returns_raw_strings_and_the_column_map():
    raw, info = read_table(long_csv().encode("cp1252"), "t.csv")
    assert isinstance(info, LoadInfo)
    assert info.column_map == {"Ortsteil": "area", "Jahr": "year", "Merkmal": "variable", "Wert": "value"}
    assert raw.iloc[0].tolist() == ["Höntrop", "2019", "einwohner", "15.389"]
    assert info.n_rows == 12


def test_wide_column_map_names_variable_ids():
    _, info = read_table(wide_csv().encode("utf-8"), "t.csv")
    assert info.column_map == {"Ortsteil": "area", "Jahr": "year", "Einwohner": "einwohner",
                               "Arbeitslose": "arbeitslose"}


def test_years_across_column_map_names_years():
    _, info = read_table(years_across_csv().encode("utf-8"), "t.csv")
    assert info.column_map == {"Ortsteil": "area", "Merkmal": "variable", "2019": "2019", "2020": "2020"}


def test_xlsx_title_rows_shift_the_header_row():
    _, info = read_table(xlsx_bytes(title_rows=2), "t.xlsx")
    assert (info.header_row, info.sheet, info.n_rows) == (3, "Sheet", 12)


@pytest.mark.parametrize(("text", "value", "flag"), [
    ("15.389", 15389.0, ""),
    ("1.234,5", 1234.5, ""),
    ("1.234.567", 1234567.0, ""),
    ("28,8", 28.8, ""),
    ("28.8", 28.8, ""),
    ("0", 0.0, ""),
    (" 612 ", 612.0, ""),
    ("15 389", 15389.0, ""),
    ("15\u00a0389", 15389.0, ""),
    ("-5", -5.0, ""),
    ("\u22125", -5.0, ""),
    ("*", np.nan, "suppressed"),
    (".", np.nan, "missing"),
    ("-", np.nan, "missing"),
    ("–", np.nan, "missing"),
    ("x", np.nan, "missing"),
    ("...", np.nan, "missing"),
    ("/", np.nan, "missing"),
    ("", np.nan, "missing"),
    ("abc", np.nan, "invalid"),
    ("12 %", np.nan, "invalid"),
    (42, 42.0, ""),
    (None, np.nan, "missing"),
])
def test_parse_german_number(text, value, flag):
    parsed_value, parsed_flag = parse_german_number(text)
    assert parsed_flag == flag
    if np.isnan(value):
        assert np.isnan(parsed_value)
    else:
        assert parsed_value == value


def test_every_suppression_symbol_stays_missing_with_its_flag():
    symbols = ["*", ".", "-", "–", "x", "...", "/", ""]
    lines = ["Ortsteil;Jahr;Merkmal;Wert"] + [f"Hamme;{2012 + i};arbeitslose;{s}" for i, s in enumerate(symbols)]
    result = load_counts(("\n".join(lines) + "\n").encode("utf-8"), "t.csv")
    assert result.ok
    assert result.counts["value"].isna().all()
    assert result.counts["flag"].tolist() == ["suppressed"] + ["missing"] * 7
    assert result.counts["year"].tolist() == list(range(2012, 2020))


def test_a_missing_cell_in_a_wide_file_is_missing_not_zero():
    text = "Ortsteil;Jahr;Einwohner;Arbeitslose\nHamme;2019;11.020;\nHamme;2020;.;*\n"
    result = load_counts(text.encode("utf-8"), "t.csv")
    assert result.ok
    counts = result.counts
    assert counts["value"].tolist()[0] == 11020.0
    assert counts["value"].isna().tolist() == [False, True, True, True]
    assert counts["flag"].tolist() == ["", "missing", "missing", "suppressed"]


def test_an_xlsx_formula_is_never_evaluated():
    book = openpyxl.Workbook()
    book.active.append(["Ortsteil", "Jahr", "Merkmal", "Wert"])
    book.active.append(["Hamme", 2019, "arbeitslose", "=1000+234"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = load_counts(buffer.getvalue(), "f.xlsx")
    assert result.counts["value"].isna().tolist() == [True]
    assert result.counts["flag"].tolist() == ["missing"]


def test_a_numeric_parquet_column_keeps_nan_as_missing():
    frame = pd.DataFrame({"area_id": ["hamme", "hamme"], "year": [2019, 2020],
                          "variable": ["arbeitslose", "arbeitslose"], "value": [1234.0, np.nan]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    result = load_counts(buffer.getvalue(), "n.parquet")
    assert result.ok
    assert result.counts["value"].tolist()[0] == 1234.0
    assert result.counts["flag"].tolist() == ["", "missing"]


def test_unmatched_names_report_candidates_with_row_and_column():
    text = ("Ortsteil;Jahr;Merkmal;Wert\nHamme;2019;arbeitslose;10\nKrupwerke;2019;arbeitslose;5\n"
            "Hamme;2020;arbeitslose;11\nKrupwerke;2020;arbeitslose;6\nQqq;2020;arbeitslose;1\n")
    result = load_counts(text.encode("utf-8"), "namen.csv")
    assert not result.ok
    assert result.problems == [
        Problem("namen.csv", 3, "Ortsteil", "Ortsteil 'Krupwerke' ist unbekannt (auch in 1 weiteren Zeile). "
                "Meinten Sie: Kruppwerke, Werne, Riemke? Bitte den Namen korrigieren oder zuordnen."),
        Problem("namen.csv", 6, "Ortsteil", "Ortsteil 'Qqq' ist unbekannt. "
                "Bitte den Namen korrigieren oder zuordnen."),
    ]
    assert str(result.problems[0]).startswith("namen.csv, Zeile 3, Spalte 'Ortsteil': Ortsteil 'Krupwerke'")
    assert result.counts["area_id"].tolist() == ["hamme", "hamme"]  # unknown areas are not loaded


def test_area_overrides_resolve_unmatched_names():
    text = "Ortsteil;Jahr;Merkmal;Wert\nKrupwerke;2019;arbeitslose;5\nAltstadt;2019;arbeitslose;7\n"
    result = load_counts(text.encode("utf-8"), "t.csv",
                         area_overrides={"Krupwerke": "kruppwerke", "Altstadt": "suedinnenstadt"})
    assert result.problems == []
    assert result.counts["area_id"].tolist() == ["kruppwerke", "suedinnenstadt"]


def test_an_override_to_an_unknown_area_is_an_error():
    text = "Ortsteil;Jahr;Merkmal;Wert\nAltstadt;2019;arbeitslose;7\n"
    result = load_counts(text.encode("utf-8"), "t.csv", area_overrides={"Altstadt": "altstadt"})
    assert [(p.row, p.column) for p in result.problems] == [(None, "Ortsteil"), (2, "Ortsteil")]
    assert result.problems[0].message.startswith("Die Zuordnung 'Altstadt' → 'altstadt' ist ungültig")


def test_area_codes_match_ortsteile():
    text = "Nr;Jahr;Merkmal;Wert\n015;2019;arbeitslose;5\n38;2019;arbeitslose;7\n"
    result = load_counts(text.encode("utf-8"), "t.csv")
    assert result.problems == []
    assert result.counts["area_id"].tolist() == ["kruppwerke", "harpen_rosenberg"]


def test_match_areas_off_keeps_area_ids_verbatim():
    text = "Gebiet;Jahr;Merkmal;Wert\nG00001;2019;arbeitslose;5\n G00002 ;2019;arbeitslose;1.500\n"
    result = load_counts(text.encode("utf-8"), "t.csv", match_areas=False)
    assert result.problems == []
    assert result.counts["area_id"].tolist() == ["G00001", "G00002"]
    assert result.counts["value"].tolist() == [5.0, 1500.0]


def test_total_and_note_rows_are_skipped_with_warnings():
    text = ("Ortsteil;Jahr;Merkmal;Wert\nHamme;2019;arbeitslose;10\nBochum insgesamt;2019;arbeitslose;20.000\n"
            "\nQuelle: Stadt Bochum, Statistik;;;\n")
    result = load_counts(text.encode("utf-8"), "t.csv")
    assert result.ok
    assert [(p.row, p.column, p.severity) for p in result.problems] == [
        (5, "Ortsteil", "warning"), (3, "Ortsteil", "warning")]
    assert result.counts["area_id"].tolist() == ["hamme"]


def test_title_lines_and_blank_lines_keep_spreadsheet_row_numbers():
    text = ("Arbeitslose nach Ortsteilen;;;\n;;;\nOrtsteil;Jahr;Merkmal;Wert\nHamme;2019;arbeitslose;10\n"
            ";;;\nHamme;2020;arbeitslose;abc\n")
    result = load_counts(text.encode("utf-8"), "t.csv")
    assert result.info.header_row == 3
    assert [(p.row, p.column) for p in result.problems] == [(6, "Wert")]
    assert str(result.problems[0]) == (
        "t.csv, Zeile 6, Spalte 'Wert': Der Wert 'abc' ist keine Zahl. Bitte eine Anzahl eintragen "
        "(z. B. 1.234), für geheim gehaltene Werte '*' und für fehlende '.'.")
    assert result.counts["value"].isna().tolist() == [False, True]


def test_unreadable_year_is_reported_once_per_value():
    text = "Ortsteil;Jahr;Merkmal;Wert\nHamme;20l9;arbeitslose;10\nHamme;20l9;einwohner;20\nHamme;;arbeitslose;3\n"
    result = load_counts(text.encode("utf-8"), "t.csv")
    assert [(p.row, p.column) for p in result.problems] == [(2, "Jahr"), (4, "Jahr")]
    assert result.problems[0].message.startswith("Das Jahr '20l9' ist keine Jahreszahl (auch in 1 weiteren Zeile).")
    assert result.problems[1].message.startswith("Das Jahr fehlt.")
    assert result.counts.empty


def test_column_map_corrects_the_detection():
    text = "Raum;Zeit;Typ;Menge\nHamme;2019;Arbeitslose;1.234\n"
    assert read_table(text.encode("utf-8"), "t.csv")[1].layout is None
    result = load_counts(text.encode("utf-8"), "t.csv",
                         column_map={"Raum": "area", "Zeit": "year", "Typ": "variable", "Menge": "value"})
    assert result.problems == []
    assert result.info.layout == LAYOUT_LONG
    assert result.counts[["area_id", "year", "variable", "value"]].values.tolist() == [
        ["hamme", 2019, "arbeitslose", 1234.0]]


def test_column_map_can_rename_and_ignore_wide_columns():
    text = "Ortsteil;Jahr;ALO gesamt;Bemerkung x\nHamme;2019;1.234;geschätzt\n"
    result = load_counts(text.encode("utf-8"), "t.csv",
                         column_map={"ALO gesamt": "Arbeitslose", "Bemerkung x": "ignore"})
    assert result.problems == []
    assert result.counts[["variable", "value"]].values.tolist() == [["arbeitslose", 1234.0]]


def test_missing_columns_are_named():
    result = load_counts(b"Jahr;Wert\n2019;5\n", "t.csv")
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(1, None)]
    assert result.problems[0].message.startswith("Keine Spalte für 'Ortsteil' gefunden.")


def test_ragged_csv_row_is_reported_with_its_row():
    result = load_counts(b"Ortsteil;Jahr;Merkmal;Wert\nHamme;2019;arbeitslose;10\nHamme;2020;x;arbeitslose;11\n",
                         "t.csv")
    assert isinstance(result, LoadResult)
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(3, None)]
    assert result.problems[0].message.startswith("Die Zeile hat 5 Felder, die Kopfzeile aber 4.")


@pytest.mark.parametrize(("data", "filename", "start"), [
    (b"", "leer.csv", "Die Datei ist leer."),
    (b"abc", "t.ods", "Das Dateiformat '.ods' wird nicht unterstützt."),
    (b"not a zip", "t.xlsx", "Die Datei lässt sich nicht als Excel-Datei (XLSX) öffnen."),
])
def test_unreadable_files_give_one_german_error(data, filename, start):
    result = load_counts(data, filename)
    assert not result.ok
    assert list(result.counts.columns) == COUNT_COLUMNS and result.counts.empty
    assert len(result.problems) == 1 and result.problems[0].message.startswith(start)
    assert result.problems[0].file == filename


@pytest.mark.parametrize(("name", "variable_id"), [
    ("Langzeitarbeitslose", "langzeitarbeitslose"),
    (" SGB2 Kinder U15 ", "sgb2_kinder_u15"),
    ("einwohner 15-64", "einwohner_15_64"),
    ("Einwohner 15–64", "einwohner_15_64"),
    ("Bevölkerung", "einwohner"),
    ("SGB-II-Kinder U15", "sgb2_kinder_u15"),
    ("Einwohner unter 15 Jahren", "einwohner_u15"),
    ("Schulabgänger ohne Abschluss", "schulabgaenger_ohne_abschluss"),
    ("Kinder gesamt", "kinder_gesamt"),
])
def test_normalize_variable(name, variable_id):
    assert normalize_variable(name) == variable_id


@pytest.mark.parametrize(("text", "year"), [
    ("2019", 2019), ("31.12.2019", 2019), ("2019-12-31", 2019), ("2019-06-30 00:00:00", 2019),
    ("Jahr 2019", 2019), ("19", None), ("abc", None), ("", None),
])
def test_year_of(text, year):
    assert year_of(text) == year


@pytest.mark.parametrize(("values", "decimal"), [
    (["15.389", "28,8"], ","),
    (["15.389", "612"], ","),
    (["1,234", "28.8"], "."),
    (["1,234,567"], "."),
    (["612", "28.8"], "."),
    (["1.234,5", "1,234"], ","),
])
def test_detect_decimal(values, decimal):
    assert detect_decimal(pd.Series(values, dtype="str")) == decimal


def test_english_numbers_in_a_comma_file():
    text = 'area_id,year,variable,value\nhamme,2019,arbeitslose,"1,234"\nhamme,2020,arbeitslose,1300.0\n'
    result = load_counts(text.encode("utf-8"), "en.csv")
    assert result.info.decimal == "."
    assert result.counts["value"].tolist() == [1234.0, 1300.0]


@pytest.mark.parametrize("name", ["import_beispiel.csv", "import_beispiel_breit.csv"])
def test_example_import_files_load_cleanly(name):
    result = load_counts(DATA_DIR / "examples" / name, source_id="beispiel")
    assert result.problems == []
    counts = result.counts
    assert len(counts) == 30
    assert sorted(counts["area_id"].unique()) == ["hamme", "kruppwerke", "wattenscheid_mitte"]
    assert counts.loc[counts["flag"] == "suppressed", ["area_id", "year", "variable"]].values.tolist() == [
        ["hamme", 2020, "sgb2_kinder_u15"]]
    hamme = counts.set_index(["area_id", "year", "variable"])["value"]
    assert hamme[("hamme", 2019, "einwohner_15_64")] == 15389.0


def test_both_example_files_hold_the_same_counts():
    long = load_counts(DATA_DIR / "examples" / "import_beispiel.csv").counts
    wide = load_counts(DATA_DIR / "examples" / "import_beispiel_breit.csv").counts
    pd.testing.assert_frame_equal(_sorted(long), _sorted(wide))


def test_a_header_of_one_repeated_name_is_numbered_in_linear_time():
    # found by the fuzzing: 1,000 equal header cells took ~25 s (the search restarted at '(2)' each time)
    import time

    from indicators.load.loaders import read_table

    data = ("x;" * 999 + "x\n" + "1;" * 999 + "1\n").encode()
    started = time.process_time()
    frame, _info = read_table(data, "breit.csv")
    assert time.process_time() - started < 2
    assert list(frame.columns[:3]) == ["x", "x (2)", "x (3)"] and frame.columns[-1] == "x (1000)"


def test_a_csv_with_more_columns_than_allowed_is_refused_naming_the_file():
    from indicators.load.loaders import LoadError, read_table

    with pytest.raises(LoadError) as err:
        read_table(("a;" * 1000 + "a\n").encode(), "breit.csv")
    assert [p.message for p in err.value.problems] == [
        "Die Datei „breit.csv“ hat 1.001 Spalten; erlaubt sind höchstens 1.000. Bitte nur die benötigten "
        "Spalten exportieren oder die Tabelle aufteilen."]
