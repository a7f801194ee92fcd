"""GENESIS readers: hand-written files in each layout, the mapping to catalog variables, the shipped Ruhr data."""

from __future__ import annotations

import io
import math
import zipfile

import pandas as pd
import pytest

from indicators.load import genesis, ruhr
from indicators.load.genesis import (
    FORMAT_BA,
    FORMAT_FFCSV,
    FORMAT_TABLE,
    GenesisFormatError,
    fill_headers,
    generate_ffcsv,
    measure_keys,
    read_ffcsv,
    read_genesis,
    read_table_csv,
)
from indicators.load.sniff import detect_format
from indicators.schema import COUNT_COLUMNS

HEAD = ("statistics_code;statistics_label;time_code;time_label;time;"
        "1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;"
        "2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;"
        "value;value_unit;value_variable_code;value_variable_label;value_q")


def alo_row(year, ags, name, code, label, value, q="e", vlabel="Arbeitslose", unit="Anzahl", region="KREISE"):
    """One 13211 flat-file row; the person group is dimension 1, the region dimension 2 (order varies)."""
    return (f"13211;Arbeitsmarktstatistik;JAHR;Jahr;{year};PERSGR;Personengruppe;{code};{label};"
            f"{region};Kreise und krfr. Städte;{ags};{name};{value};{unit};ERW032;{vlabel};{q}")


FFCSV_ROWS = [  # unsorted on purpose
    alo_row(2016, "05913", "Dortmund, Kreisfreie Stadt", "LZA", "langzeitarbeitslos", "15762"),
    alo_row(2015, "05911", "Bochum, Kreisfreie Stadt", "", "", "18556"),
    alo_row(2016, "05911", "Bochum, Kreisfreie Stadt", "LZA", "langzeitarbeitslos", "8017"),
    alo_row(2016, "05911", "Bochum, Kreisfreie Stadt", "", "", "18891"),
    alo_row(2016, "05911", "Bochum, Kreisfreie Stadt", "ALT1525", "15 bis unter 25 Jahre", "1682"),
    alo_row(2016, "05911", "Bochum, Kreisfreie Stadt", "", "", "10,1", vlabel="Arbeitslosenquote bez. auf alle zivile Erwerbsp.", unit="Prozent"),
    alo_row(2016, "05913", "Dortmund, Kreisfreie Stadt", "", "", "-"),
    alo_row(2016, "05913", "Dortmund, Kreisfreie Stadt", "ALT1525", "15 bis unter 25 Jahre", "."),
    alo_row(2015, "05913", "Dortmund, Kreisfreie Stadt", "", "", "..."),
    alo_row(2015, "05913", "Dortmund, Kreisfreie Stadt", "LZA", "langzeitarbeitslos", "/"),
    alo_row(2015, "05911", "Bochum, Kreisfreie Stadt", "LZA", "langzeitarbeitslos", "x"),
    alo_row(2015, "05911", "Bochum, Kreisfreie Stadt", "ALT1525", "15 bis unter 25 Jahre", "1553", q="."),
    alo_row(2016, "05", "Nordrhein-Westfalen", "", "", "725653", region="DLAND"),
    alo_row(2016, "DG", "Deutschland", "", "", "2690975", q="s", region="DINSG"),
    alo_row(2016, "05911", "Bochum, Kreisfreie Stadt", "AUFST", "Aufstocker", "1047"),
]


def ffcsv_bytes(rows=FFCSV_ROWS, bom=True, head=HEAD) -> bytes:
    text = "\n".join([head, *rows]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def count(result, area_id, year, variable):
    c = result.counts
    row = c[(c.area_id == area_id) & (c.year == year) & (c.variable == variable)]
    assert len(row) == 1, (area_id, year, variable, row)
    return row.iloc[0]["value"], row.iloc[0]["flag"]


# --------------------------------------------------------------------------- flat file

def test_ffcsv_bom_unsorted_quality_and_every_symbol():
    result = read_ffcsv(ffcsv_bytes(), table="13211-02-05-4")
    assert list(result.counts.columns) == COUNT_COLUMNS
    assert count(result, "ags_05911", 2016, "arbeitslose") == (18891.0, "")
    assert count(result, "ags_05911", 2016, "langzeitarbeitslose") == (8017.0, "")
    assert count(result, "ags_05911", 2016, "arbeitslose_u25") == (1682.0, "")
    assert count(result, "ags_05911", 2015, "arbeitslose") == (18556.0, "")
    # symbols are flags on a missing value, never 0
    v, f = count(result, "ags_05913", 2016, "arbeitslose")
    assert math.isnan(v) and f == "missing"                      # '-'
    v, f = count(result, "ags_05913", 2016, "arbeitslose_u25")
    assert math.isnan(v) and f == "suppressed"                   # '.'
    v, f = count(result, "ags_05913", 2015, "arbeitslose")
    assert math.isnan(v) and f == "missing"                      # '...'
    v, f = count(result, "ags_05913", 2015, "langzeitarbeitslose")
    assert math.isnan(v) and f == "suppressed"                   # '/'
    v, f = count(result, "ags_05911", 2015, "langzeitarbeitslose")
    assert math.isnan(v) and f == "missing"                      # 'x'
    v, f = count(result, "ags_05911", 2015, "arbeitslose_u25")
    assert math.isnan(v) and f == "suppressed"                   # value_q '.'
    assert count(result, "ags_dg", 2016, "arbeitslose") == (2690975.0, "estimated")  # value_q 's'
    assert count(result, "ags_05", 2016, "arbeitslose") == (725653.0, "")
    assert (result.counts["value"] == 0).sum() == 0
    assert set(result.counts["source_id"]) == {"regionaldatenbank"}


def test_ffcsv_tidy_frame_and_region_dimension_found_anywhere():
    tidy = read_ffcsv(ffcsv_bytes(), table="13211-02-05-4").tidy
    assert list(tidy.columns) == genesis.TIDY_COLUMNS
    row = tidy[(tidy.ags == "05911") & (tidy.year == 2016) & (tidy.measure == "Arbeitslose | Insgesamt")].iloc[0]
    assert (row["area"], row["table"], row["time"], row["value"], row["unit"]) == (
        "Bochum, Kreisfreie Stadt", "13211-02-05-4", "2016", 18891.0, "Anzahl")
    sym = tidy[(tidy.ags == "05913") & (tidy.year == 2016) & (tidy.measure == "Arbeitslose | Insgesamt")].iloc[0]
    assert sym["symbol"] == "-" and sym["flag"] == "missing" and math.isnan(sym["value"])


def test_ffcsv_unmapped_measures_are_reported_and_rates_kept_as_published():
    result = read_ffcsv(ffcsv_bytes(), table="13211-02-05-4")
    assert result.unmapped == ["13211-02-05-4: Arbeitslose | Aufstocker"]
    assert any("Merkmal ohne Zuordnung" in n and "Aufstocker" in n for n in result.notes)
    rate = result.rates.iloc[0]
    assert (rate["area_id"], rate["year"], rate["rate_id"], rate["value"], rate["unit"]) == (
        "ags_05911", 2016, "alq_alle", 10.1, "Prozent")
    assert rate["title"] == "Arbeitslosenquote bezogen auf alle zivilen Erwerbspersonen"
    assert rate["definition"].startswith("Arbeitslose in Prozent aller zivilen Erwerbspersonen")


def test_ffcsv_english_decimals_without_bom():
    rows = [alo_row(2016, "05911", "Bochum, Kreisfreie Stadt", "", "", "10.1",
                    vlabel="Arbeitslosenquote bez. auf alle zivile Erwerbsp.", unit="Prozent"),
            alo_row(2016, "05911", "Bochum, Kreisfreie Stadt", "", "", "18891")]
    result = read_ffcsv(ffcsv_bytes(rows, bom=False), table="13211-02-05-4")
    assert result.rates["value"].tolist() == [10.1]
    assert count(result, "ags_05911", 2016, "arbeitslose") == (18891.0, "")


def test_ffcsv_stag_dates_and_table_from_statistic_code():
    head = HEAD.replace(";value_q", "")
    rows = ["12411;Bevölkerung;STAG;Stichtag;2015-12-31;KREISE;Kreise;05911;Bochum, Kreisfreie Stadt;"
            "GES;Geschlecht;;Insgesamt;364742;Anzahl;BEVSTD;Bevölkerungsstand",
            "12411;Bevölkerung;STAG;Stichtag;31.12.2014;KREISE;Kreise;05911;Bochum, Kreisfreie Stadt;"
            "GES;Geschlecht;GESW;weiblich;186000;Anzahl;BEVSTD;Bevölkerungsstand"]
    result = read_ffcsv(ffcsv_bytes(rows, head=head))   # no table code: the statistic code 12411 is used
    assert result.tidy["time"].tolist() == ["2015-12-31", "2014-12-31"]
    assert result.tidy["year"].tolist() == [2015, 2014]
    assert result.tidy["measure"].tolist() == ["Bevölkerungsstand | Insgesamt", "Bevölkerungsstand | weiblich"]
    assert result.tidy["table"].tolist() == ["12411", "12411"]


def test_ffcsv_inside_zip_takes_table_code_from_member_name():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("13211-02-05-4_flat.csv", ffcsv_bytes())
    data = buffer.getvalue()
    assert detect_format(data, "13211-02-05-4.zip") == FORMAT_FFCSV
    result = read_genesis(data)
    assert result.format == FORMAT_FFCSV
    assert count(result, "ags_05911", 2016, "langzeitarbeitslose") == (8017.0, "")
    assert set(result.tidy["table"]) == {"13211-02-05-4"}


def test_ffcsv_without_region_dimension_is_refused_in_german():
    rows = [r.replace("KREISE", "WIRTZ").replace("DLAND", "WIRTZ").replace("DINSG", "WIRTZ") for r in FFCSV_ROWS[:2]]
    with pytest.raises(GenesisFormatError, match="Keine Spalte mit regionaler Gliederung"):
        read_ffcsv(ffcsv_bytes(rows), table="13211-02-05-4")


def test_ffcsv_missing_columns_named():
    with pytest.raises(GenesisFormatError, match=r"Spalte\(n\) value_unit"):
        read_ffcsv(b"statistics_code;statistics_label;time_code;time_label;time;value\n")


def test_ffcsv_bad_value_reported_with_row_and_column():
    rows = [alo_row(2016, "05911", "Bochum, Kreisfreie Stadt", "", "", "zwölf")]
    result = read_ffcsv(ffcsv_bytes(rows), table="13211-02-05-4")
    v, f = count(result, "ags_05911", 2016, "arbeitslose")
    assert math.isnan(v) and f == "missing"
    assert any("Zeile 2, Spalte value: 'zwölf' ist keine Zahl" in n for n in result.notes)


# --------------------------------------------------------------------------- classic table CSV

CLASSIC = "\r\n".join([
    "GENESIS-Tabelle: 22811-02-02-4",
    "Personen in Bedarfsgemeinschaften und Regelleistungsberechtigte nach dem SGB II -",
    "Stichtag 31.12. - regionale Tiefe: Kreise und krfr. Städte",
    "Statistik der Grundsicherung für Arbeitsuchende nach dem SGB II",
    ";;;Personen in Bedarfsgemeinschaften nach dem SGB II;dar.: Regelleistungsberechtigte nach dem SGB II;;;",
    ";;;;insgesamt;;nicht erwerbsf. Leistungsberech. (Sozialgeld);",
    ";;;;Insgesamt;weiblich;zusammen;unter 15 Jahre",
    ";;;Anzahl;Anzahl;Anzahl;Anzahl;Anzahl",
    "31.12.2016;DG;Deutschland;6394700;5939000;2900000;1700000;1600000",
    "31.12.2016;05;  Nordrhein-Westfalen;1700000;1600000;.;450000;420000",
    "31.12.2016;05911;      Bochum, Kreisfreie Stadt;46000;43639;21000;12000;11368",
    ";05913;      Dortmund, Kreisfreie Stadt;-;-;-;...;x",
    "31.12.2015;05911;      Bochum, Kreisfreie Stadt;42000;40820;19500;11000;10575",
    "31.12.2015;05913;      Dortmund, Kreisfreie Stadt;80000;75000;/;20000;19000",
    "__________",
    "  (C)opyright Statistische Ämter des Bundes und der Länder, Deutschland, 2017; dl-de/by-2-0",
    "  Stand: 10.10.2017 / 14:42:58",
]) + "\r\n"


def test_classic_table_cp1252_stacked_headers_indented_names_footer():
    result = read_table_csv(CLASSIC.encode("cp1252"))
    tidy = result.tidy
    assert result.format == FORMAT_TABLE
    assert result.meta["table"] == "22811-02-02-4"
    assert result.meta["stand"] == "10.10.2017 / 14:42:58"
    assert result.meta["licence"] == ("(C)opyright Statistische Ämter des Bundes und der Länder, Deutschland, 2017; "
                                      "dl-de/by-2-0")
    assert result.meta["title"].startswith("Personen in Bedarfsgemeinschaften und Regelleistungsberechtigte")
    assert sorted(tidy["measure"].unique()) == [
        "Personen in Bedarfsgemeinschaften nach dem SGB II",
        "dar.: Regelleistungsberechtigte nach dem SGB II | insgesamt | Insgesamt",
        "dar.: Regelleistungsberechtigte nach dem SGB II | insgesamt | weiblich",
        "dar.: Regelleistungsberechtigte nach dem SGB II | nicht erwerbsf. Leistungsberech. (Sozialgeld) | unter 15 Jahre",
        "dar.: Regelleistungsberechtigte nach dem SGB II | nicht erwerbsf. Leistungsberech. (Sozialgeld) | zusammen",
    ]
    assert set(tidy["area"]) == {"Deutschland", "Nordrhein-Westfalen", "Bochum, Kreisfreie Stadt",
                                 "Dortmund, Kreisfreie Stadt"}
    assert set(tidy["unit"]) == {"Anzahl"}
    assert count(result, "ags_05911", 2016, "sgb2_kinder_u15") == (11368.0, "")
    assert count(result, "ags_05911", 2016, "sgb2_leistungsberechtigte") == (43639.0, "")
    assert count(result, "ags_05911", 2015, "sgb2_kinder_u15") == (10575.0, "")
    # the empty time cell continues the time above; '...' and 'x' stay missing
    v, f = count(result, "ags_05913", 2016, "sgb2_kinder_u15")
    assert math.isnan(v) and f == "missing"
    assert result.unmapped == []


def test_classic_table_utf8_bom_and_symbols_flags():
    result = read_table_csv(b"\xef\xbb\xbf" + CLASSIC.encode("utf-8"))
    t = result.tidy
    nrw = t[(t.ags == "05") & (t.measure.str.endswith("insgesamt | weiblich"))].iloc[0]
    assert math.isnan(nrw["value"]) and (nrw["flag"], nrw["symbol"]) == ("suppressed", ".")
    do = t[(t.ags == "05913") & (t.year == 2015) & (t.measure.str.endswith("insgesamt | weiblich"))].iloc[0]
    assert math.isnan(do["value"]) and (do["flag"], do["symbol"]) == ("suppressed", "/")
    assert t[t.symbol != ""].shape[0] == 7
    assert (t["value"] == 0).sum() == 0


YEARS_ACROSS = "\n".join([
    "GENESIS-Tabelle: 12411-01-01-4",
    "Bevölkerung nach Geschlecht - Stichtag 31.12. - regionale Tiefe: Kreise und krfr. Städte",
    ";;Insgesamt;;;männlich;;",
    ";;31.12.2013;31.12.2014;31.12.2015;31.12.2013;31.12.2014;31.12.2015",
    "05911;      Bochum, Kreisfreie Stadt;361734;361876;364742;176000;176500;178000",
    "05913;      Dortmund, Kreisfreie Stadt;575944;580511;586181;-;-;-",
    "______________________________",
    "© Statistische Ämter des Bundes und der Länder, Deutschland, 2017",
    "Stand: 10.10.2017",
])


def test_classic_table_years_across_columns():
    result = read_table_csv(YEARS_ACROSS.encode("cp1252"))
    c = result.counts
    bochum = c[(c.area_id == "ags_05911") & (c.variable == "einwohner")]
    assert bochum[["year", "value"]].values.tolist() == [[2013, 361734.0], [2014, 361876.0], [2015, 364742.0]]
    assert result.meta["stand"] == "10.10.2017"
    assert set(result.tidy["time"]) == {"2013-12-31", "2014-12-31", "2015-12-31"}
    assert set(result.tidy["measure"]) == {"Insgesamt", "männlich"}


def test_classic_table_english_decimals_as_rates():
    text = "\n".join([
        "GENESIS-Tabelle: 13211-02-05-4", "Arbeitslose - Jahresdurchschnitt",
        ";;;Arbeitslose;Arbeitslosenquote bez. auf alle zivile Erwerbsp.",
        ";;;Anzahl;Prozent",
        "2016;05911;      Bochum, Kreisfreie Stadt;18891;10.1",
        "__________", "Stand: 10.10.2017 / 19:20:37"])
    result = read_table_csv(text.encode())
    assert result.rates["value"].tolist() == [10.1]
    assert count(result, "ags_05911", 2016, "arbeitslose") == (18891.0, "")


def test_classic_table_without_magic_line_is_refused():
    with pytest.raises(GenesisFormatError, match="GENESIS-Tabelle: <Code>"):
        read_table_csv(b"Tabelle 1\n;;;A\n2016;05911;Bochum;1\n")


def test_fill_headers_spans_and_totals():
    rows = [["Arbeitslose", "", "", "Quote", "Quote2", ""], ["", "Ausländer", "langzeit", "", "", "Männer"]]
    assert fill_headers(rows) == [["Arbeitslose", "Arbeitslose", "Arbeitslose", "Quote", "Quote2", "Quote2"],
                                  ["", "Ausländer", "langzeit", "", "", "Männer"]]


def test_measure_keys_strip_trailing_totals():
    assert measure_keys("Arbeitslose | Insgesamt") == ["Arbeitslose | Insgesamt", "Arbeitslose"]
    assert measure_keys("Insgesamt") == ["Insgesamt"]


# --------------------------------------------------------------------------- age groups and detection

AGES = "\n".join([
    "GENESIS-Tabelle: 12411-02-03-4", "Bevölkerung nach Geschlecht und Altersgruppen (17)",
    ";;;unter 3 Jahre;3 bis unter 6 Jahre;6 bis unter 10 Jahre;10 bis unter 15 Jahre;15 bis unter 18 Jahre;"
    "18 bis unter 20 Jahre;20 bis unter 25 Jahre;60 bis unter 65 Jahre;65 bis unter 75 Jahre;Insgesamt",
    ";;;Insgesamt;Insgesamt;Insgesamt;Insgesamt;Insgesamt;Insgesamt;Insgesamt;Insgesamt;Insgesamt;Insgesamt",
    "31.12.2015;05911;Bochum, Kreisfreie Stadt;100;200;300;400;500;600;700;800;900;10000",
    "31.12.2015;05913;Dortmund, Kreisfreie Stadt;100;.;300;400;500;600;700;800;900;20000",
    "__________", "Stand: 10.10.2017"])


def test_age_groups_are_summed_and_a_missing_part_makes_the_sum_incomplete():
    result = read_table_csv(AGES.encode())
    assert count(result, "ags_05911", 2015, "einwohner_u15") == (1000.0, "")
    assert count(result, "ags_05911", 2015, "einwohner_u18") == (1500.0, "")
    assert count(result, "ags_05911", 2015, "einwohner_15_24") == (1800.0, "")
    assert count(result, "ags_05911", 2015, "einwohner_15_64") == (2600.0, "")
    assert count(result, "ags_05911", 2015, "einwohner_u65") == (3600.0, "")
    assert count(result, "ags_05911", 2015, "einwohner") == (10000.0, "")
    v, f = count(result, "ags_05913", 2015, "einwohner_u15")
    assert math.isnan(v) and f == "incomplete"
    assert count(result, "ags_05913", 2015, "einwohner_15_24") == (1800.0, "")


def test_detect_format():
    assert detect_format(ffcsv_bytes(), "x.csv") == FORMAT_FFCSV
    assert detect_format(CLASSIC.encode("cp1252"), "x.csv") == FORMAT_TABLE
    ba = "Berichtsmonat;Gemeinde;Schlüssel;Name;Arbeitslose insgesamt\n2023-12;05911000;001015000;Kruppwerke;812\n"
    assert detect_format(ba.encode(), "ba.csv") == FORMAT_BA
    assert detect_format(b"area_id,year,variable,value\nhamme,2020,arbeitslose,1\n", "c.csv") is None
    assert detect_format(b"PK\x03\x04garbage", "broken.zip") is None


def test_read_genesis_refuses_other_files_in_german():
    with pytest.raises(GenesisFormatError, match="weder GENESIS-Flatfile"):
        read_genesis(b"a;b\n1;2\n")


# --------------------------------------------------------------------------- the shipped Ruhr figures

def ruhr_value(variable, year, area_id="ags_05911"):
    c = ruhr.load_ruhr_counts()
    return c[(c.area_id == area_id) & (c.year == year) & (c.variable == variable)]["value"].item()


def test_ruhr_files_are_classic_genesis_tables_with_footer():
    files = ruhr.ruhr_files()
    old = ["12411-01-01-4.csv", "12411-02-03-4.csv", "13211-02-05-4.csv", "21111-02-06-4.csv", "22811-02-02-4.csv"]
    assert old == [p.name for p in files if "_" not in p.name] and len(files) == 11
    for path in files:
        data = path.read_bytes()
        assert detect_format(data, path.name) == FORMAT_TABLE
        if path.name in old:
            text = data.decode("cp1252")
            assert "dl-de/by-2-0" in text and "Stand: 10.10.2017" in text
    meta = ruhr.ruhr_meta()
    assert meta["13211-02-05-4"]["stand"] == "09.07.2026"  # the newest file of the table


def test_ruhr_reproduces_published_bochum_figures():
    assert ruhr_value("arbeitslose", 2016) == 18891
    assert ruhr_value("langzeitarbeitslose", 2016) == 8017
    assert round(ruhr_value("langzeitarbeitslose", 2016) / ruhr_value("arbeitslose", 2016) * 100, 1) == 42.4
    assert ruhr_value("sgb2_kinder_u15", 2016) == 11368
    assert ruhr_value("schulabgaenger", 2015) == 3921
    assert ruhr_value("schulabgaenger_ohne_abschluss", 2015) == 235
    assert ruhr_value("einwohner", 2015) == 364742


def test_ruhr_counts_shape_rates_and_no_unmapped_measures():
    counts = ruhr.load_ruhr_counts()
    assert list(counts.columns) == COUNT_COLUMNS
    assert not counts.duplicated(["area_id", "year", "variable"]).any()
    assert set(ruhr.ruhr_areas()["area_id"]) <= set(counts["area_id"])  # every German Kreis since the 2021 files
    assert len(counts) == 29839
    assert (counts["value"] == 0).sum() == 0
    assert ruhr.ruhr_report() == []
    rates = ruhr.load_ruhr_official_rates()
    bochum = rates[(rates.area_id == "ags_05911") & (rates.year == 2016)].set_index("rate_id")["value"]
    assert bochum["alq_alle"] == 10.1
    assert bochum["alq_abhaengige"] == 11.1
    nrw = rates[(rates.area_id == "ags_05") & (rates.year == 2016) & (rates.rate_id == "alq_alle")]
    assert nrw["value"].item() == 7.7


def test_ruhr_areas():
    areas = ruhr.ruhr_areas()
    assert len(areas) == 17
    assert areas["level"].value_counts().to_dict() == {"kreis": 15, "land": 1, "bund": 1}
    bochum = areas[areas.area_id == "ags_05911"].iloc[0]
    assert (bochum["ags"], bochum["name"], bochum["level"]) == ("05911", "Bochum", "kreis")


def test_write_table_csv_round_trip(tmp_path):
    """A table written in the classic layout reads back to the same published cells."""
    cells = pd.DataFrame({
        "ags": ["05911", "05911", "05913", "05913"],
        "area": ["Bochum, Kreisfreie Stadt"] * 2 + ["Dortmund, Kreisfreie Stadt"] * 2,
        "time": ["2015"] * 4,
        "measure": ["Schulabschluss | Insgesamt | Insgesamt", "Schulabschluss | ohne Hauptschulabschluss | Insgesamt"] * 2,
        "value": ["3921", "235", "5400", "-"], "unit": ["Anzahl"] * 4,
        "stand": ["10.10.2017 / 16:24:41"] * 4, "licence": ["© Statistische Ämter; dl-de/by-2-0"] * 4,
        "source_url": ["https://example.invalid/21111-02-06-4_00.csv"] * 4,
    })
    path = ruhr.write_table_csv("21111-02-06-4", cells, tmp_path / "t.csv")
    lines = path.read_bytes().decode("cp1252").split("\r\n")
    assert lines[4:7] == [";;;Schulabschluss;", ";;;Insgesamt;ohne Hauptschulabschluss", ";;;Insgesamt;Insgesamt"]
    assert lines[8] == "2015;05911;      Bochum, Kreisfreie Stadt;3921;235"
    result = read_table_csv(path)
    assert count(result, "ags_05911", 2015, "schulabgaenger") == (3921.0, "")
    assert count(result, "ags_05911", 2015, "schulabgaenger_ohne_abschluss") == (235.0, "")
    v, f = count(result, "ags_05913", 2015, "schulabgaenger_ohne_abschluss")
    assert math.isnan(v) and f == "missing"
    assert result.meta["licence"] == "© Statistische Ämter; dl-de/by-2-0"


# --------------------------------------------------------------------------- generated file and speed

def test_generate_ffcsv_round_trip(tmp_path):
    path = generate_ffcsv(5000, tmp_path / "gen.csv")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    result = read_genesis(path)
    assert len(result.tidy) == 5000
    assert set(result.counts["variable"]) == {"arbeitslose", "langzeitarbeitslose", "arbeitslose_u25"}
    assert len(result.unmapped) == 10
