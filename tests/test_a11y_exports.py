"""Accessibility of exports and text alternatives: PPTX pictures carry alt text, the Steckbrief PDF
tags its images with /Alt, and every chart's text alternative holds the chart's data."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from indicators import export, figures
from indicators.build import pipeline
from indicators.export import deck
from indicators.geometry import build_schematic
from indicators.load import demo
from ui.alt_text import figure_table, figure_title, plain

FOCUS = ["kruppwerke", "hamme", "wattenscheid_mitte", "westenfeld"]


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def table():
    return pipeline.build(counts=demo.generate())


def test_pptx_picture_has_alt_text_from_title_subtitle_source_and_notes():
    spec = deck.SlideSpec(title="Kinderarmut 2024", image=tiny_png(), source="Quelle: Test",
                          notes=("Illustrative Demodaten – keine amtlichen Werte",), subtitle="Anteil in %")
    prs = Presentation(io.BytesIO(deck.deck_pptx([spec])))
    pictures = [s for s in prs.slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    assert pictures[0]._element.nvPicPr.cNvPr.get("descr") == (
        "Kinderarmut 2024. Anteil in %. Quelle: Test. Illustrative Demodaten – keine amtlichen Werte.")


def test_steckbrief_pdf_is_tagged_and_its_images_have_alt_text(table):
    from pypdf import PdfReader

    from indicators.export import report
    from indicators.geometry import load_geometry

    reader = PdfReader(io.BytesIO(report.report_pdf(table, "hamme", 2024, geo=load_geometry("ortsteil"))))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de-DE"
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    figures_found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict) or hasattr(node, "keys"):
            if node.get("/S") == "/Figure":
                figures_found.append(str(node.get("/Alt")))
            kids = node.get("/K")
            if kids is not None:
                for kid in (kids if isinstance(kids, list) else [kids]):
                    if hasattr(kid, "get_object"):
                        walk(kid)
                    elif isinstance(kid, (dict, list)):
                        walk(kid) if isinstance(kid, dict) else [walk(k) for k in kid]

    walk(root["/StructTreeRoot"])
    assert figures_found[0] == "Lage im Stadtgebiet"
    assert figures_found[1] == "Langzeitarbeitslosenanteil: Entwicklung 2012–2024: Hamme, Stadtbezirk und Stadt"
    assert len(figures_found) == 5  # the locator map and the four key-indicator trends


def test_map_text_alternative_lists_every_ortsteil_with_value_and_class(table):
    fig = figures.map_figure(table, build_schematic(), "kinderarmut", 2024, focus_ids=FOCUS)
    alt = figure_table(fig, "de")
    assert figure_title(fig) == "Kinderarmut 2024"
    assert list(alt.columns) == ["Gebiet", "Wert", "Klasse"]
    assert len(alt) == 30
    row = table[(table["indicator_id"] == "kinderarmut") & (table["year"] == 2024) & (table["area_id"] == "hamme")]
    from indicators.formats import fmt_value

    hamme = alt[alt["Gebiet"] == "Hamme"].iloc[0]
    assert hamme["Wert"] == fmt_value(row["value"].iloc[0], "percent", 1, "de")


def test_ranking_text_alternative_names_areas_not_ids(table):
    fig = figures.ranking_figure(table, "kinderarmut", 2024, FOCUS, "de")
    alt = figure_table(fig, "de")
    assert "Wattenscheid-Mitte" in alt["Kategorie"].tolist() and "wattenscheid_mitte" not in alt["Kategorie"].tolist()
    assert len(alt) == 30


def test_trend_text_alternative_has_a_column_per_line_and_a_row_per_year(table):
    fig = figures.trend_figure(table, "kinderarmut", ["hamme"], "absolute", lang="en")
    alt = figure_table(fig, "en")
    assert alt["Category"].tolist() == [str(y) for y in range(2012, 2025)]
    assert list(alt.columns)[:2] == ["Category", "Hamme"]
    value = table[(table["indicator_id"] == "kinderarmut") & (table["year"] == 2012) & (table["area_id"] == "hamme")]
    assert alt.loc[0, "Hamme"] == f"{value['value'].iloc[0]:.1f}"


def test_scatter_text_alternative_has_one_row_per_point(table):
    fig = figures.scatter_figure(table, "kinderarmut", "langzeitarbeitslosenanteil", 2024, FOCUS, "de")
    alt = figure_table(fig, "de")
    assert len(alt) == 31  # 30 Ortsteile and the city
    assert set(FOCUS_NAMES) <= set(alt["Gebiet"])


FOCUS_NAMES = ["Kruppwerke", "Hamme", "Wattenscheid-Mitte", "Westenfeld"]


def test_plain_strips_plotly_markup():
    assert plain("<b>Hamme</b><br>Kinderarmut: 39,0 %") == "Hamme – Kinderarmut: 39,0 %"
    assert plain("A &amp; B") == "A & B"


def test_trend_lines_differ_by_marker_shape_not_only_by_colour(table):
    fig = figures.trend_figure(table, "kinderarmut", ["hamme", "stiepel"], "absolute", lang="de")
    symbols = {t.name: t.marker.symbol for t in fig.data if t.type == "scatter" and t.mode == "lines+markers"}
    assert symbols["Hamme"] == "circle" and symbols["Stiepel"] == "square"
    assert symbols["Stadt Bochum"] == "circle"  # the city: the thick black line


# --- alt text inside single exported images (PNG iTXt, SVG title/desc, PDF title/subject) ---

ALT_TITLE = "Kinderarmut 2024"
ALT_DESC = "Kinderarmut 2024. Anteil der Kinder unter 15 – „SGB II“. Quelle: Test."


def tiny_svg() -> bytes:
    return (b'<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="4" height="2">'
            b'<rect width="4" height="2"/></svg>')


def tiny_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


def png_texts(data: bytes) -> dict:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        img.load()  # decodes every chunk: the inserted ones must not break the file
        return dict(img.text)


def svg_alt(data: bytes) -> tuple[str, str, str]:
    """(role, name from aria-labelledby, description) as a screen reader resolves them."""
    from defusedxml.ElementTree import fromstring

    root = fromstring(data)
    by_id = {el.get("id"): (el.text or "") for el in root.iter() if el.get("id")}
    ids = root.get("aria-labelledby").split()
    first_tags = [child.tag.split("}")[-1] for child in list(root)[:2]]
    assert first_tags == ["title", "desc"]
    return root.get("role"), by_id[ids[0]], by_id[ids[1]]


def pdf_alt(data: bytes) -> tuple[str, str, str, bool]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    return (reader.metadata.title, reader.metadata.subject, str(root["/Lang"]),
            bool(root["/ViewerPreferences"]["/DisplayDocTitle"]))


def test_png_keeps_title_and_description_as_utf8_text_chunks():
    assert png_texts(export.with_alt_text(tiny_png(), "png", ALT_TITLE, ALT_DESC)) == {
        "Title": ALT_TITLE, "Description": ALT_DESC}


def test_svg_is_one_image_named_by_its_title_and_described_by_its_desc():
    data = export.with_alt_text(tiny_svg(), "svg", ALT_TITLE, "A < B & „C“")
    assert svg_alt(data) == ("img", ALT_TITLE, "A < B & „C“")


def test_pdf_carries_title_subject_language_and_shows_the_title():
    assert pdf_alt(export.with_alt_text(tiny_pdf(), "pdf", ALT_TITLE, ALT_DESC, "en")) == (
        ALT_TITLE, ALT_DESC, "en-GB", True)


def test_image_texts_are_the_words_drawn_into_the_export():
    fig = figures.add_export_annotations(
        figures.ranking_figure(pipeline.build(counts=demo.generate()), "kinderarmut", 2024, FOCUS, "de"),
        title="Kinderarmut", subtitle="Rangfolge 2024: Anteil<br>der Kinder", source_line="Quelle: Test",
        notes=["Illustrative Demodaten – keine amtlichen Werte"])
    assert export.image_texts(fig) == (
        "Kinderarmut",
        "Kinderarmut. Rangfolge 2024: Anteil – der Kinder. Quelle: Test. Illustrative Demodaten – keine amtlichen Werte.")


def test_a_figure_without_title_gets_no_alt_text():
    import plotly.graph_objects as go

    assert export.image_texts(go.Figure()) == ("", "")


@pytest.mark.skipif(not export.chromium_available(), reason="Chromium fehlt (scripts/setup.sh)")
def test_exported_map_carries_its_alt_text_in_every_format(table):
    from indicators.export.charts import geo_kind
    from indicators.geometry import load_geometry

    geo = load_geometry("ortsteil")
    fig = export.annotated_figure("map", table, "kinderarmut", 2024, FOCUS, "de", geo)
    title, description = export.image_texts(fig)
    shown = export.chart_rows(table, "map", "kinderarmut", 2024, FOCUS)
    assert title == export.chart_title("kinderarmut", "de")
    assert description == export.alt_description(
        title, export.chart_subtitle("map", table, "kinderarmut", 2024, "de"),
        export.source_line(shown, "de", "kinderarmut"), *export.chart_notes(shown, "map", geo_kind(geo), "de"))
    assert "Illustrative Demodaten" in description
    made = {fmt: export.export_chart("map", table, "kinderarmut", 2024, FOCUS, fmt, "de", geo)
            for fmt in ("png", "svg", "pdf")}
    assert png_texts(made["png"]) == {"Title": title, "Description": description}
    assert svg_alt(made["svg"]) == ("img", title, description)
    assert pdf_alt(made["pdf"]) == (title, description, "de-DE", True)
