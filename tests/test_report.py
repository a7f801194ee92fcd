"""The Steckbrief PDF: at most two A4 pages, German typography with embedded fonts, the right content."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from indicators import cli, export
from indicators.build.pipeline import build
from indicators.build.pipeline import geometry as load_geometry
from indicators.export import report
from indicators.formats import fmt_percent

A4_PT = (595.28, 841.89)
DEMO_NOTE = "Illustrative Demodaten – keine amtlichen Werte"


def tiny_png() -> bytes:
    """A 2 × 1 white PNG as a stand-in chart."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 1), "white").save(buffer, format="PNG")
    return buffer.getvalue()


TINY_PNG = tiny_png()
pytestmark = pytest.mark.skipif(not export.chromium_available(), reason="Chromium fehlt (scripts/setup.sh)")


@pytest.fixture(scope="module")
def table():
    return build()


@pytest.fixture(scope="module")
def hamme_pdf(table):
    return report.report_pdf(table, "hamme", 2024, geo=load_geometry("ortsteil"))


def flat(text: str) -> str:
    """Extracted text with runs of whitespace (also non-breaking spaces) collapsed."""
    return " ".join(text.replace("\u00a0", " ").split())


def page_texts(data: bytes) -> list[str]:
    return [flat(p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages]


def test_at_most_two_a4_pages(hamme_pdf):
    reader = PdfReader(io.BytesIO(hamme_pdf))
    assert hamme_pdf.startswith(b"%PDF-")
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_PT, abs=0.1)


def test_first_page_names_the_ortsteil_and_its_figures(hamme_pdf, table):
    first, _ = page_texts(hamme_pdf)
    assert first.startswith("QUARTIERSMONITOR BOCHUM · STECKBRIEF Hamme Fokusquartier „Zusammen im Quartier“ "
                            "Ortsteil im Stadtbezirk Bochum-Mitte · Datenjahr 2024")
    assert DEMO_NOTE in first
    assert "Kennzahlen 2024 im Vergleich" in first
    row = table[(table["area_id"] == "hamme") & (table["year"] == 2024) & (table["indicator_id"] == "kinderarmut")]
    value, bezirk, city = (row[c].iloc[0] for c in ("value", "value_stadtbezirk", "value_stadt"))
    dev_pp, dev_pct = row["dev_pp"].iloc[0], row["dev_pct"].iloc[0]
    expected = (f"Kinderarmut {fmt_percent(value)} {fmt_percent(bezirk)} {fmt_percent(city)} "
                f"+{dev_pp:.1f} +{dev_pct:.1f} % {int(row['rank'].iloc[0])}").replace(".", ",")
    assert expected in first  # e.g. 'Kinderarmut 39,0 % 32,1 % 26,8 % +12,2 +45,5 % 3'
    einwohner = table[(table["area_id"] == "hamme") & (table["year"] == 2024)
                      & (table["indicator_id"] == "einwohner")]["value"].iloc[0]
    assert f"Einwohner {int(einwohner):,}".replace(",", ".") in first  # thousands with a dot
    assert "Am weitesten über dem Stadtdurchschnitt liegt Hamme 2024" in first
    assert "Quartiersmonitor Bochum · Steckbrief Hamme · 2024" in first and "Seite 1 von 2" in first


def test_second_page_trends_published_figures_and_sources(hamme_pdf):
    _, second = page_texts(hamme_pdf)
    assert "Entwicklung 2012–2024: Hamme, Stadtbezirk und Stadt" in second
    for label in ("Langzeitarbeitslosenanteil", "Kinderarmut", "Arbeitslose ohne Berufsausbildung",
                  "Jugendarbeitslosenanteil"):
        assert label in second
    assert "Veröffentlichte Zahlen zu Hamme" in second
    assert "Quellen Werte: Demodaten (illustrativ, nicht amtlich) (Quartiersmonitor Bochum), Stichtag 31.12.2024" in second
    assert "[1] " in second
    assert "Seite 2 von 2" in second


def test_fonts_are_embedded_truetype(hamme_pdf):
    reader = PdfReader(io.BytesIO(hamme_pdf))
    fonts = {}
    for page in reader.pages:
        for name, ref in page["/Resources"]["/Font"].items():
            fonts[name] = ref.get_object()
    assert fonts
    for font in fonts.values():
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
    assert any("DejaVuSans" in str(f["/BaseFont"]) for f in fonts.values())


def test_english_steckbrief(table):
    data = report.report_pdf(table, "querenburg", 2020, lang="en")
    first = page_texts(data)[0]
    assert "District in the borough Bochum-Süd · Data year 2020" in first
    assert "Illustrative demo data – not official figures" in first


def test_unknown_ortsteil_is_refused(table):
    with pytest.raises(ValueError, match="Unbekannter Ortsteil „bochum“"):
        report.report_pdf(table, "bochum")


# --- command line ------------------------------------------------------------------------------------------


def test_cli_one_ortsteil(tmp_path, capsys):
    out = tmp_path / "steckbrief.pdf"
    assert cli.main_report(["--ortsteil", "wattenscheid mitte", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"Steckbrief geschrieben: {out}\n"
    texts = page_texts(out.read_bytes())
    assert len(texts) <= 2
    assert "Wattenscheid-Mitte" in texts[0]


def test_cli_all_writes_thirty_files(tmp_path, monkeypatch, table):
    # the images are tested above; stand-ins keep this test about the loop, the names and the page limit
    monkeypatch.setattr(report, "locator_png", lambda area_id, geo=None: TINY_PNG)
    monkeypatch.setattr(report, "trend_png", lambda table, indicator_id, area_id, lang="de": TINY_PNG)
    assert cli.main_report(["--all", "--out", str(tmp_path / "steckbriefe")]) == 0
    files = sorted(p.name for p in (tmp_path / "steckbriefe").iterdir())
    expected = sorted(f"{a}.pdf" for a in table.loc[table["level"] == "ortsteil", "area_id"].unique())
    assert len(files) == 30 and files == expected
    for name in files:
        reader = PdfReader(tmp_path / "steckbriefe" / name)
        assert len(reader.pages) <= 2, name


def test_cli_unknown_ortsteil(tmp_path, capsys):
    assert cli.main_report(["--ortsteil", "Hame", "--out", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fehler: Unbekannter Ortsteil „Hame“. Meinten Sie: Hamme")
    assert "Gültige Namen: Grumme, Gleisdreieck, " in err


def test_cli_bad_year_and_target(tmp_path, capsys):
    assert cli.main_report(["--ortsteil", "Hamme", "--year", "2030", "--out", str(tmp_path / "x.pdf")]) == 2
    assert capsys.readouterr().err == "Fehler: Für 2030 gibt es keine Daten. Gültige Jahre: 2012–2024.\n"
    assert cli.main_report(["--ortsteil", "Hamme", "--out", str(tmp_path / "x.docx")]) == 2
    assert "Die Zieldatei muss auf .pdf enden" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        cli.main_report(["--out", str(tmp_path)])
    assert info.value.code == 2


def test_second_page_has_the_generated_sentences(hamme_pdf, table):
    _, second = page_texts(hamme_pdf)
    assert "Einordnung: Vergleich, Veränderung und Trend (statistisch geprüft)" in second
    for title, text in report.statement_rows(table, "hamme", 2024):
        assert flat(text) in second, title
    rows = dict(report.statement_rows(table, "hamme", 2024))
    assert rows["Kinderarmut"].startswith(
        "Hamme 2024: 863 von 2.210 Kindern unter 15 Jahren leben in SGB-II-Bedarfsgemeinschaften (39,0 %). "
        "Das ist deutlich höher als in Bochum insgesamt (26,8 %).")
