"""The slide decks: 16:9, one slide per chart with title, picture and source footer; the Fokusquartiere deck."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from indicators import cli, export
from indicators.build.pipeline import build
from indicators.export import deck

SOURCE = "Quelle: Demodaten (illustrativ, nicht amtlich)"
DEMO_NOTE = "Illustrative Demodaten – keine amtlichen Werte"
EXPECTED_TITLES = [
    "Fokusquartiere",
    "Langzeitarbeitslosigkeit: Langzeitarbeitslosenanteil 2024",
    "Langzeitarbeitslosigkeit: Langzeitarbeitslosenanteil 2012–2024",
    "Langzeitarbeitslosigkeit: Langzeitarbeitslosenanteil 2024 – Rangfolge",
    "Kinderarmut: Kinderarmut 2024",
    "Kinderarmut: Kinderarmut 2012–2024",
    "Kinderarmut: Kinderarmut 2024 – Rangfolge",
    "Qualifizierung von Fachkräften: Arbeitslose ohne Berufsausbildung 2024",
    "Qualifizierung von Fachkräften: Arbeitslose ohne Berufsausbildung 2012–2024",
    "Qualifizierung von Fachkräften: Arbeitslose ohne Berufsausbildung 2024 – Rangfolge",
    "Übergang Schule–Beruf: Jugendarbeitslosenanteil 2024",
    "Übergang Schule–Beruf: Jugendarbeitslosenanteil 2012–2024",
    "Übergang Schule–Beruf: Jugendarbeitslosenanteil 2024 – Rangfolge",
    "Sozialindex 2024",
]


def tiny_png(width: int = 4, height: int = 2) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def texts_of(slide) -> list[str]:
    """Every paragraph of every text frame on a slide."""
    return [p.text for shape in slide.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs]


def pictures_of(slide) -> list:
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


@pytest.fixture(scope="module")
def focus():
    if not export.chromium_available():
        pytest.skip("Chromium fehlt (scripts/setup.sh)")
    return Presentation(io.BytesIO(deck.focus_deck(build())))


def test_focus_deck_is_16_9_with_fourteen_slides_in_order(focus):
    assert (focus.slide_width, focus.slide_height) == (Emu(12_192_000), Emu(6_858_000))
    assert focus.slide_width * 9 == focus.slide_height * 16
    assert [s.shapes.title.text for s in focus.slides] == EXPECTED_TITLES


def test_long_titles_get_smaller_type(focus):
    sizes = [s.shapes.title.text_frame.paragraphs[0].runs[0].font.size.pt for s in focus.slides]
    assert sizes[0] == 44  # the cover
    assert sizes[1] == 24  # 'Langzeitarbeitslosigkeit: Langzeitarbeitslosenanteil 2024': 57 characters
    for title, size in zip(EXPECTED_TITLES[1:], sizes[1:]):
        assert size == deck.title_size(title)
    assert deck.title_size("x" * 55) == 28 and deck.title_size("x" * 66) == 24
    assert deck.title_size("x" * 80) == 20 and deck.title_size("x" * 81) == 18


def test_cover_names_the_focus_areas_and_the_demo_note(focus):
    cover = focus.slides[0]
    texts = texts_of(cover)
    assert ("Kruppwerke, Hamme, Wattenscheid-Mitte und Querenburg im Vergleich mit der Stadt Bochum · "
            "Datenjahr 2024") in texts
    assert "Quartiersmonitor Bochum · Programm „Zusammen im Quartier“" in texts
    assert DEMO_NOTE in texts
    assert pictures_of(cover) == []


def test_every_chart_slide_has_a_picture_and_a_source_footer(focus):
    for number, slide in enumerate(list(focus.slides)[1:], start=2):
        pictures = pictures_of(slide)
        assert len(pictures) == 1, number
        picture = pictures[0]
        assert picture.image.content_type == "image/png"
        assert picture.left >= 0 and picture.left + picture.width <= focus.slide_width
        assert picture.top + picture.height <= deck.FOOTER_TOP
        texts = texts_of(slide)
        footer = [t for t in texts if t.startswith(SOURCE)]
        # maps and rankings show 2024; trends the span of their years
        assert footer and ("Stichtag 31.12.2024" in footer[0] or "Stichtage 31.12.2012–31.12.2024" in footer[0]), number
        assert DEMO_NOTE in texts, number
        assert str(number) in texts  # slide number
        is_map = (number - 2) % 3 == 0 or number == len(focus.slides)   # the last slide: the Sozialindex map
        assert any(t.startswith("Geometrie schematisch") for t in texts) == is_map, number


def test_map_slide_images_are_sharp(focus):
    picture = pictures_of(focus.slides[1])[0]
    width, height = picture.image.size
    assert (width, height) == (deck.CHART_PX["map"][0] * deck.CHART_SCALE, deck.CHART_PX["map"][1] * deck.CHART_SCALE)


def test_deck_from_specs_one_slide_each():
    specs = [deck.SlideSpec(title="Titel mit Umlauten: Übergänge", subtitle="Untertitel"),
             deck.SlideSpec(title="Diagramm „Kinderarmut“ – 2024", image=tiny_png(), source="Quelle: Test",
                            notes=(DEMO_NOTE, "Geometrie schematisch"))]
    prs = Presentation(io.BytesIO(deck.deck_pptx(specs)))
    slides = list(prs.slides)
    assert [s.shapes.title.text for s in slides] == ["Titel mit Umlauten: Übergänge", "Diagramm „Kinderarmut“ – 2024"]
    assert texts_of(slides[1]) == ["Diagramm „Kinderarmut“ – 2024", "Quelle: Test", DEMO_NOTE,
                                   "Geometrie schematisch", "2"]
    runs = {p.text: p.runs[0].font.bold for shape in slides[1].shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs}
    assert runs[DEMO_NOTE] is True and runs["Geometrie schematisch"] is False  # the demo note stands out
    picture = pictures_of(slides[1])[0]
    assert picture.width / picture.height == pytest.approx(2.0, rel=0.01)


def test_cli_refuses_a_wrong_target(tmp_path, capsys):
    assert cli.main_deck(["--out", str(tmp_path / "folien.pdf")]) == 2
    assert capsys.readouterr().err == f"Fehler: Die Zieldatei muss auf .pptx enden: {tmp_path / 'folien.pdf'}\n"
    assert cli.main_deck(["--out", str(tmp_path / "folien.pptx"), "--lang", "fr"]) == 2
    assert capsys.readouterr().err == "Fehler: Unbekannte Sprache „fr“. Gültig: de, en.\n"


def test_speaker_notes_carry_the_generated_sentences(focus):
    from indicators.areas import area_names, focus_ids
    from indicators.catalog import load_catalog
    from indicators.views.sentences import indicator_summary

    table = build()
    slides = list(focus.slides)
    kinder = slides[4]   # Kinderarmut: map
    notes = kinder.notes_slide.notes_text_frame.text.split("\n")
    ind = load_catalog().indicators["kinderarmut"]
    assert notes == [" ".join(indicator_summary(table, a, area_names()[a], 2024, ind)) for a in focus_ids()]
    assert any(line.startswith("Hamme 2024: 863 von 2.210 Kindern") for line in notes)
    index_notes = slides[-1].notes_slide.notes_text_frame.text.split("\n")
    assert len(index_notes) == 4 and all("Methode MSS Berlin" in n or "ausgeschlossen" in n for n in index_notes)
    assert not slides[0].has_notes_slide
