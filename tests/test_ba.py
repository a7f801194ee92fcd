"""BA small-area delivery: CSV and XLSX, key table and names, stars, sum rows, the unmatched-address row."""

from __future__ import annotations

import datetime as dt
import io
import math

import pandas as pd
import pytest
from openpyxl import Workbook

from indicators.load import ba
from indicators.load.ba import BAFormatError, parse_count, parse_month, read_ba
from indicators.load.genesis import FORMAT_BA
from indicators.load.sniff import detect_format
from indicators.schema import COUNT_COLUMNS

HEADER = ("Berichtsmonat;Gemeinde;Gebiet;Name;Arbeitslose insgesamt;Langzeitarbeitslose;unter 25 Jahre;"
          "ohne abgeschlossene Berufsausbildung;Ausländer")
ROWS = [
    "2023-12;05911000;001015001;Stahlhausen;400;180;40;250;120",
    "2023-12;05911000;001015002;Goldhamme;412;190;*;260;130",
    "2023-12;05911000;001015SUM;Kruppwerke;812;370;47;510;250",
    "2023-12;05911000;001016000;Hamme;700;300;50;400;*",
    "2023-12;05911000;001016SUM;Hamme;700;300;50;400;90",
    "2023-12;05911000;001SUMSUM;Bochum-Mitte;1520;670;97;910;340",
    "2023-12;05911000;004040000;Querenburg;950;420;*;600;300",
    "2023-12;05911000;004SUMSUM;Bochum-Süd;950;420;9;600;300",
    "2023-12;05911000;999999999;nicht zuordenbar;25;*;*;12;*",
    "2023-12;05911000;SUMSUMSUM;Bochum;2487;1200;100;1522;700",
]
CSV = "\n".join(["Arbeitsmarktdaten in kleinräumiger Gliederung – Stadt Bochum;;;;", HEADER, *ROWS]) + "\n"


@pytest.fixture
def keys():
    """The shipped key table plus the city's prefix for Kruppwerke's sub-areas (Stahlhausen, Goldhamme)."""
    shipped = ba.load_ba_keys()
    extra = pd.DataFrame({"key_prefix": ["001015"], "name": ["Kruppwerke (Westend)"], "area_id": ["kruppwerke"]})
    return pd.concat([extra, shipped], ignore_index=True)


def value(result, area_id, variable, year=2023):
    c = result.counts
    row = c[(c.area_id == area_id) & (c.variable == variable) & (c.year == year)]
    assert len(row) == 1
    return row.iloc[0]["value"], row.iloc[0]["flag"]


def test_csv_counts_by_prefix_and_by_name(keys):
    result = read_ba(CSV.encode("cp1252"), keys=keys)
    assert list(result.counts.columns) == COUNT_COLUMNS
    assert sorted(result.counts["area_id"].unique()) == ["hamme", "kruppwerke", "querenburg"]
    assert value(result, "kruppwerke", "arbeitslose") == (812.0, "")
    assert value(result, "kruppwerke", "langzeitarbeitslose") == (370.0, "")
    assert value(result, "kruppwerke", "arbeitslose_ohne_ausbildung") == (510.0, "")
    assert value(result, "hamme", "arbeitslose_u25") == (50.0, "")
    assert set(result.counts["source_id"]) == {"ba_kleinraeumig"}
    assert len(result.counts) == 12


def test_stars_are_missing_never_zero(keys):
    result = read_ba(CSV.encode("utf-8"), keys=keys)
    v, f = value(result, "querenburg", "arbeitslose_u25")
    assert math.isnan(v) and f == "suppressed"
    v, f = value(result, "kruppwerke", "arbeitslose_u25")          # 40 + '*'
    assert math.isnan(v) and f == "incomplete"
    assert (result.counts["value"] == 0).sum() == 0


def test_sum_rows_are_never_areas_and_are_checked(keys):
    result = read_ba(CSV.encode("utf-8"), keys=keys)
    assert not result.counts["area_id"].isin(["bochum", "sb_mitte", "sb_sued"]).any()
    checks = result.sum_checks
    off = checks[checks["difference"] != 0][["key", "variable", "difference", "n_starred", "explained_by_stars"]]
    assert off.values.tolist() == [
        ["001015SUM", "arbeitslose_u25", 7.0, 1, True],
        ["001SUMSUM", "arbeitslose", 8.0, 0, False],
        ["001SUMSUM", "arbeitslose_u25", 7.0, 1, True],
        ["004SUMSUM", "arbeitslose_u25", 9.0, 1, True],
        ["SUMSUMSUM", "langzeitarbeitslose", 110.0, 1, False],
        ["SUMSUMSUM", "arbeitslose_u25", 10.0, 3, True],
    ]
    assert ("Datei, Zeile 8: Summenzeile 001SUMSUM (Bochum-Mitte), 'arbeitslose', 2023: Teile ergeben 1.512, "
            "Summenzeile 1.520 (Differenz 8). Keine Zelle mit *: Bitte die Lieferung prüfen.") in result.report
    assert ("Datei, Zeile 12: Summenzeile SUMSUMSUM (Bochum), 'langzeitarbeitslose', 2023: Teile ergeben 1.090, "
            "Summenzeile 1.200 (Differenz 110). 1 Zelle(n) mit * (je 1 bis 9) verdecken 1 bis 9: "
            "Differenz nicht vollständig erklärbar.") in result.report
    assert ("Datei, Zeile 5: Summenzeile 001015SUM (Kruppwerke), 'arbeitslose_u25', 2023: Teile ergeben 40, "
            "Summenzeile 47 (Differenz 7). 1 Zelle(n) mit * (je 1 bis 9) verdecken 1 bis 9: Differenz erklärbar."
            ) in result.report


def test_unmatched_address_row_is_reported_not_an_ortsteil(keys):
    result = read_ba(CSV.encode("utf-8"), keys=keys)
    assert result.unmatched_rows == ["nicht zuordenbar"]
    assert ("Zeile 'nicht zuordenbar' (Personen ohne zugeordnete Adresse) gehört zu keinem Ortsteil: "
            "25 Arbeitslose; nur in der Stadtsumme enthalten.") in result.report


def test_unmapped_column_reported(keys):
    result = read_ba(CSV.encode("utf-8"), keys=keys)
    assert result.unmapped_columns == ["Ausländer"]
    assert ("Datei, Spalte I: Merkmal 'Ausländer' ohne Zuordnung zum Katalog (nicht übernommen). "
            "Bei Bedarf in data/ba_mapping.csv ergänzen.") in result.report


def test_without_prefix_sub_areas_are_reported_by_name():
    result = read_ba(CSV.encode("utf-8"))          # shipped key table: names only
    assert sorted(result.counts["area_id"].unique()) == ["hamme", "querenburg"]
    assert ("Datei, Zeile 3, Spalte D: 'Stahlhausen' (Schlüssel 001015001) keinem Ortsteil zugeordnet. "
            "Bitte den Schlüssel in data/ba_keys.csv eintragen.") in result.report


def xlsx_bytes() -> bytes:
    """The same delivery as XLSX: stacked headers, numeric keys (leading zero lost), month as a date."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Arbeitsmarktdaten in kleinräumiger Gliederung", None, None, None, None, None, None, None])
    ws.append(["Berichtsmonat", "Gemeinde", "Gebiet", "Name", "Arbeitslose", None, None, None])
    ws.append([None, None, None, None, "insgesamt", "Langzeitarbeitslose", "unter 25 Jahre",
               "ohne abgeschlossene Berufsausbildung"])
    ws.append([dt.datetime(2023, 12, 1), 5911000, "001016000", "Hamme", 700, 300, 50, 400])
    ws.append([dt.datetime(2023, 12, 1), 5911000, "004040000", "Querenburg", 950, 420, "*", 600])
    ws.append([dt.datetime(2023, 12, 1), 5911000, "999999999", "ohne Zuordnung", 25, "*", "*", 12])
    ws.append([dt.datetime(2023, 12, 1), 5911000, "SUMSUMSUM", "Bochum", 1675, 725, 55, 1012])
    ws.append([dt.datetime(2023, 6, 1), 5911000, "001016000", "Hamme", 690, 290, 45, 390])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_xlsx_stacked_headers_numeric_keys_and_latest_month():
    data = xlsx_bytes()
    assert detect_format(data, "ba.xlsx") == FORMAT_BA
    result = read_ba(data)
    assert value(result, "hamme", "arbeitslose") == (700.0, "")
    assert value(result, "hamme", "arbeitslose_ohne_ausbildung") == (400.0, "")
    v, f = value(result, "querenburg", "arbeitslose_u25")
    assert math.isnan(v) and f == "suppressed"
    assert result.unmatched_rows == ["ohne Zuordnung"]
    assert "Berichtsmonat 06/2023 nicht übernommen: je Jahr zählt der letzte Monat." in result.report
    city = result.sum_checks.set_index("variable")
    assert city.loc["arbeitslose", "difference"] == 0
    assert city.loc["langzeitarbeitslose", ["difference", "n_starred", "explained_by_stars"]].tolist() == [5.0, 1, True]


def test_not_a_delivery_is_refused_in_german():
    with pytest.raises(BAFormatError, match="8-stelligem Gemeindeschlüssel in Spalte B"):
        read_ba(b"a;b;c;d;e\n1;2;3;4;5\n")


def test_small_parsers():
    assert parse_month("2023-12") == (2023, 12)
    assert parse_month("12/2023") == (2023, 12)
    assert parse_month("Dezember 2023") == (2023, 12)
    assert parse_month("202306") == (2023, 6)
    assert parse_month("irgendwann") is None
    assert parse_count("1.234") == (1234.0, "")
    assert parse_count("812") == (812.0, "")
    v, f = parse_count("*")
    assert math.isnan(v) and f == "suppressed"
    v, f = parse_count("-")
    assert math.isnan(v) and f == "missing"
