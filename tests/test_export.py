"""Static export: images open with the right signature, size and texts; bundle, concurrency, Chromium, CLI."""

from __future__ import annotations

import html
import io
import struct
import threading
import zipfile
from collections import Counter

import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from indicators import cli, export, figures
from indicators.build.pipeline import build
from indicators.build.pipeline import geometry as load_geometry
from indicators.views import classify, indicator_slice

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KINDERARMUT_TITLE = "Kinderarmut – Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften"
DEMO_NOTE = "Illustrative Demodaten – keine amtlichen Werte"
SCHEMATIC_NOTE = "Geometrie schematisch"
BROWSER_MISSING = ("Für den Bildexport wird Chromium benötigt. Installation: sudo apt-get install -y chromium "
                   "(oder scripts/setup.sh ausführen). Der Download-Knopf im Diagramm selbst funktioniert weiterhin.")

pytestmark = pytest.mark.skipif(not export.chromium_available(), reason="Chromium fehlt (scripts/setup.sh)")


@pytest.fixture(scope="module")
def table():
    return build()


@pytest.fixture(scope="module")
def geo():
    return load_geometry("ortsteil")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_text(data: bytes) -> str:
    """The SVG as text with XML entities resolved."""
    return html.unescape(data.decode("utf-8"))


def source_lines(table, kind: str, indicator_id: str, year: int, area_ids=None, lang: str = "de") -> list[str]:
    """The source line of a chart as the image wraps it; it names the demo source and its reference date."""
    rows = export.chart_rows(table, kind, indicator_id, year, area_ids)
    line = export.source_line(rows, lang, indicator_id)
    word = "Quelle: " if lang == "de" else "Source: "
    assert line.startswith(word + ("Demodaten (illustrativ, nicht amtlich)" if lang == "de"
                                   else "Demo data (illustrative, not official)"))
    # one year: that year's 31 December; a trend: the span of its years
    expected = {("de", True): "Stichtage 31.12.2012–31.12.2024", ("de", False): f"Stichtag 31.12.{year}",
                ("en", True): "reference dates 31 Dec 2012–2024", ("en", False): f"reference date {year}-12-31"}
    assert expected[(lang, kind == "trend")] in line
    return figures.wrap_text(line)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- images ----------------------------------------------------------------------------------------


def colour_pixels(data: bytes) -> Counter:
    """How many pixels of the PNG have each '#rrggbb' colour."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    return Counter({"#{:02x}{:02x}{:02x}".format(*rgb): n for n, rgb in image.getcolors(maxcolors=1 << 24)})


def test_png_has_signature_and_twice_the_layout_size(table, geo):
    fig = export.annotated_figure("map", table, "kinderarmut", 2024, None, "de", geo)
    data = export.export_chart("map", table, "kinderarmut", 2024, None, "png", geo=geo)
    assert png_size(data) == (2400, 2 * int(fig.layout.height))
    # the content: every class colour of the map fills areas (a blank or wrongly coloured map fails)
    pixels = colour_pixels(data)
    classes = sorted(set(fig.data[0].z))                     # 0..4; the scale starts with 'keine Daten' grey
    colours = [fig.data[0].colorscale[2 * (z + 1)][1] for z in classes]
    assert len(colours) == 5 and len(set(colours)) == 5
    for colour in colours:
        assert pixels[colour] > 2000, (colour, pixels[colour])
    assert pixels["#ffffff"] < 0.9 * sum(pixels.values())


def test_svg_carries_title_subtitle_legend_source_and_notes(table, geo):
    svg = svg_text(export.export_chart("map", table, "kinderarmut", 2024, None, "svg", geo=geo))
    assert svg.startswith("<svg")
    assert KINDERARMUT_TITLE in svg
    assert ("Karte 2024: Kinder unter 15 Jahren in Bedarfsgemeinschaften nach dem SGB II je 100 Kinder "
            "unter 15 Jahren.") in svg
    for line in source_lines(table, "map", "kinderarmut", 2024):
        assert line in svg
    assert SCHEMATIC_NOTE in svg
    assert DEMO_NOTE in svg
    values = indicator_slice(table, "kinderarmut", 2024)["value"]
    labels = classify.class_labels(classify.class_breaks(values, "quantiles", 5), 1, "percent", "de")
    assert len(labels) == 5
    for label in labels:  # German numbers in the legend, e.g. '33,0 – 42,6 %'
        assert "," in label and label.endswith(" %")
        assert label in svg


def test_pdf_has_signature_and_extractable_texts(table):
    data = export.export_chart("trend", table, "kinderarmut", None, ["hamme"], "pdf")
    assert data.startswith(b"%PDF-")
    text = " ".join(pdf_text(data).split())
    assert KINDERARMUT_TITLE in text
    assert "Entwicklung 2012–2024" in text
    for line in source_lines(table, "trend", "kinderarmut", 2024, ["hamme"]):
        assert line in text
    assert DEMO_NOTE in text
    assert "Hamme" in text and "Bochum-Mitte" in text


def test_trend_and_ranking_carry_no_schematic_note(table):
    for kind in ("trend", "ranking"):
        svg = svg_text(export.export_chart(kind, table, "sgb2_quote", 2020, None, "svg"))
        assert DEMO_NOTE in svg
        assert SCHEMATIC_NOTE not in svg


def test_english_export_uses_english_texts(table, geo):
    svg = svg_text(export.export_chart("map", table, "kinderarmut", 2024, None, "svg", lang="en", geo=geo))
    assert "Child poverty – children under 15 in SGB II households" in svg
    for line in source_lines(table, "map", "kinderarmut", 2024, lang="en"):
        assert line in svg
    assert "Illustrative demo data – not official figures" in svg


# --- bundle ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(table, geo):
    return zipfile.ZipFile(io.BytesIO(export.chart_bundle(table, "kinderarmut", 2024, ["hamme", "querenburg"],
                                                          geo=geo)))


def test_bundle_holds_images_data_and_sources(bundle):
    images = {f"{stem}.{fmt}" for stem in ("karte_kinderarmut_2024", "entwicklung_kinderarmut",
                                           "rangfolge_kinderarmut_2024") for fmt in ("png", "svg", "pdf")}
    assert set(bundle.namelist()) == images | {"daten_kinderarmut_2024.csv", "daten_kinderarmut_2024.xlsx",
                                               "QUELLEN.txt"}
    assert png_size(bundle.read("karte_kinderarmut_2024.png"))[0] == 2400
    assert bundle.read("rangfolge_kinderarmut_2024.pdf").startswith(b"%PDF-")
    assert KINDERARMUT_TITLE in svg_text(bundle.read("entwicklung_kinderarmut.svg"))


def test_bundle_csv_round_trips_for_german_excel(bundle, table):
    raw = bundle.read("daten_kinderarmut_2024.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the umlauts
    frame = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    # 30 Ortsteile in 2024 (map, ranking) + 13 years of Hamme, Querenburg, Bochum-Mitte, Bochum-Süd, Bochum
    # (trend), the two Ortsteile' 2024 rows counted once
    assert len(frame) == 30 + 13 * 5 - 2
    assert frame["Wert"].dtype == "float64"
    hamme = frame[(frame["Gebiets-ID"] == "hamme") & (frame["Jahr"] == 2024)].iloc[0]
    expected = table[(table["area_id"] == "hamme") & (table["year"] == 2024)
                     & (table["indicator_id"] == "kinderarmut")].iloc[0]
    assert hamme["Gebiet"] == "Hamme"
    assert hamme["Wert"] == pytest.approx(round(expected["value"], 4))
    assert hamme["Rang (von 30)"] == expected["rank"]
    assert set(frame["Demodaten"]) == {"ja"}
    assert set(frame.loc[frame["Gebiets-ID"] == "sb_sued", "Gebiet"]) == {"Bochum-Süd"}


def test_bundle_xlsx_has_data_and_definitions_sheet(bundle):
    book = load_workbook(io.BytesIO(bundle.read("daten_kinderarmut_2024.xlsx")))
    assert book.sheetnames == ["Daten", "Definitionen und Quellen"]
    meta = [[c.value for c in row] for row in book["Definitionen und Quellen"].iter_rows()]
    header = meta[0]
    rows = [dict(zip(header, r)) for r in meta[1:]]
    assert [(r["Art"], r["ID"]) for r in rows] == [("Indikator", "kinderarmut"), ("Quelle", "demo")]
    assert rows[0]["Definition"] == "Kinder unter 15 Jahren in Bedarfsgemeinschaften nach dem SGB II je 100 Kinder unter 15 Jahren."
    assert rows[1]["Stichtag"] == "2024-12-31"


def test_bundle_sources_text(bundle):
    text = bundle.read("QUELLEN.txt").decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Quartiersmonitor Bochum – Quellen und Definitionen"
    assert f"Indikator: {KINDERARMUT_TITLE}" in lines
    assert "Formel: sgb2_kinder_u15 / einwohner_u15 × 100" in lines
    assert "Reihenbruch 2023: Bürgergeld ersetzt ALG II/Sozialgeld (1.1.2023)" in lines
    assert "- Demodaten (illustrativ, nicht amtlich) (Quartiersmonitor Bochum)" in lines
    assert "  Stichtag: 31.12.2024" in lines
    assert f"- {DEMO_NOTE}" in lines


# --- one server, many threads ----------------------------------------------------------------------------

JOBS = [  # eight different charts: kind, indicator, year
    ("map", "arbeitslosenanteil", 2013), ("map", "langzeitarbeitslosenanteil", 2015),
    ("ranking", "sgb2_quote", 2016), ("ranking", "kinderarmut", 2018),
    ("map", "sv_beschaeftigungsquote", 2019), ("ranking", "jugendarbeitslosenanteil", 2020),
    ("map", "ohne_abschluss_quote", 2022), ("ranking", "uebergangsquote_ausbildung", 2023),
]


def test_eight_threads_each_get_their_own_image(table, geo):
    barrier = threading.Barrier(len(JOBS))
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(i: int, kind: str, indicator_id: str, year: int):
        try:
            barrier.wait(timeout=30)
            results[i] = export.export_chart(kind, table, indicator_id, year, None, "svg", geo=geo)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, *job)) for i, job in enumerate(JOBS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    markers = [(export.chart_title(iid), f"{export.KIND_TITLES[kind]['de']} {year}:") for kind, iid, year in JOBS]
    for i, data in results.items():
        svg = svg_text(data)
        title, subtitle = markers[i]
        assert title in svg and subtitle in svg, JOBS[i]
        for j, (other_title, other_subtitle) in enumerate(markers):
            if j != i:
                assert f"<b>{other_title}</b>" not in svg and other_subtitle not in svg, (JOBS[i], JOBS[j])
    assert len(results) == len(JOBS)


# --- Chromium missing -----------------------------------------------------------------------------------------


def test_missing_browser_path_raises_german_message(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert export.chromium_available() is False
    with pytest.raises(export.ChromiumMissing) as info:
        export.render(go.Figure(go.Bar(x=[1], y=[2])), "png")
    assert str(info.value) == BROWSER_MISSING


def test_no_chromium_found_raises_german_message(monkeypatch):
    monkeypatch.setattr(export.images, "browser_path", lambda: None)  # the owning submodule
    assert export.chromium_available() is False
    with pytest.raises(export.ChromiumMissing) as info:
        export.render(go.Figure(go.Bar(x=[1], y=[2])), "svg")
    assert str(info.value) == BROWSER_MISSING


def test_cli_says_so_when_chromium_is_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(export.images, "browser_path", lambda: None)  # the owning submodule
    out = tmp_path / "karte.png"
    code = cli.main_export(["--kind", "map", "--indicator", "kinderarmut", "--format", "png", "--out", str(out)])
    assert code == 1
    assert BROWSER_MISSING in capsys.readouterr().err
    assert not out.exists()


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="Unbekanntes Format „gif“"):
        export.render(go.Figure(), "gif")


# --- command line ------------------------------------------------------------------------------------------


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = cli.main_export(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_writes_the_chart(capsys, tmp_path):
    out = tmp_path / "rangfolge.svg"
    code, stdout, _ = run_cli(capsys, "--kind", "ranking", "--indicator", "kinderarmut", "--year", "2020",
                              "--ortsteile", "Hamme, querenburg", "--format", "svg", "--out", str(out))
    assert code == 0
    assert stdout == f"Diagramm geschrieben: {out}\n"
    svg = svg_text(out.read_bytes())
    assert KINDERARMUT_TITLE in svg and "Rangfolge der Ortsteile 2020:" in svg


def test_cli_unknown_indicator_lists_valid_ones(capsys, tmp_path):
    code, _, err = run_cli(capsys, "--kind", "map", "--indicator", "armut", "--format", "png",
                           "--out", str(tmp_path / "x.png"))
    assert code == 2
    assert err.startswith("Fehler: Unbekannter Indikator „armut“. Gültige Indikatoren: arbeitslosenanteil, ")
    assert "kinderarmut" in err and "einwohner" in err


def test_cli_unknown_ortsteil_suggests_and_lists(capsys, tmp_path):
    code, _, err = run_cli(capsys, "--kind", "trend", "--indicator", "kinderarmut", "--ortsteile", "Hamm,Querenburg",
                           "--format", "png", "--out", str(tmp_path / "x.png"))
    assert code == 2
    assert "Unbekannte Ortsteile: „Hamm“ (meinten Sie: Hamme" in err
    assert "Gültige Namen: Grumme, Gleisdreieck, " in err and "Wattenscheid-Mitte" in err


def test_cli_unknown_year_lists_the_range(capsys, tmp_path):
    code, _, err = run_cli(capsys, "--kind", "map", "--indicator", "kinderarmut", "--year", "1999",
                           "--format", "png", "--out", str(tmp_path / "x.png"))
    assert code == 2
    assert err == "Fehler: Für 1999 gibt es keine Daten. Gültige Jahre: 2012–2024.\n"


@pytest.mark.parametrize("args, message", [
    (("--kind", "torte", "--format", "png"), "Fehler: Unbekannte Diagrammart „torte“. Gültig: map, trend, ranking.\n"),
    (("--kind", "map", "--format", "gif"), "Fehler: Unbekanntes Format „gif“. Gültig: png, svg, pdf.\n"),
])
def test_cli_unknown_kind_or_format(capsys, tmp_path, args, message):
    code, _, err = run_cli(capsys, *args, "--indicator", "kinderarmut", "--out", str(tmp_path / "x.png"))
    assert code == 2
    assert err == message


def test_cli_missing_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main_export(["--kind", "map"])
    assert info.value.code == 2
    assert "Fehler:" in capsys.readouterr().err
