"""Slide decks (PPTX, 16:9) for meetings: one slide per chart, and the ready-made deck "Fokusquartiere"."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from indicators import export
from indicators.areas import area_names, focus_ids
from indicators.build.pipeline import geometry
from indicators.build.sozialindex import load_index_config
from indicators.catalog import load_catalog
from indicators.export.images import alt_description
from indicators.figures import builders, presentation
from indicators.views import is_illustrative
from indicators.views.sentences import index_sentence, indicator_summary
from indicators.words import in_lang, pick

SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12_192_000), Emu(6_858_000)   # 13.333 × 7.5 in = 16:9
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_HEIGHT = Inches(0.3), Inches(0.75)
SUBTITLE_TOP, SUBTITLE_HEIGHT = Inches(1.02), Inches(0.42)
PICTURE_TOP, PICTURE_BOTTOM = Inches(1.5), Inches(6.55)
FOOTER_TOP, FOOTER_HEIGHT = Inches(6.65), Inches(0.7)
CHART_PX = {"map": (1500, 620), "trend": (1300, 540), "ranking": (1300, 540)}  # the picture area's aspect
# (12.33 × 5.05 in) at a small logical size, so the type stays large on a projector; the map a little
# larger so that long names fit their hexagons
CHART_SCALE = 2
RANKING_FONT_PX = 14            # 30 bars must fit the slide's height: normal type, a little larger
SLIDE_TOP_MARGIN_PX = {"map": 20, "trend": 30, "ranking": 60}   # the slide carries the title, not the image
TITLE_ONLY_LAYOUT = 5        # the default template's "Title Only": a real title placeholder (outline view, screen readers)
PRIMARY = RGBColor(0x1F, 0x3A, 0x60)
MUTED = RGBColor(0x60, 0x68, 0x70)
DEMO_COLOR = RGBColor(0x9A, 0x5B, 0x00)
TITLE_PT, SUBTITLE_PT, FOOTER_PT, COVER_TITLE_PT, COVER_SUBTITLE_PT = 28, 16, 11, 44, 20
TITLE_STEPS = ((55, 28), (66, 24), (80, 20))   # (up to n characters, point size): long titles stay on one line
TITLE_MIN_PT = 18
BRAND = "Quartiersmonitor Bochum"
DEMO_NOTES = set(export.DEMO_NOTE.values())
DECK_TEXT = {
    "cover_title": {"de": "Fokusquartiere", "en": "Focus districts"},
    "cover_subtitle": {
        "de": "{focus} im Vergleich mit der Stadt Bochum · Datenjahr {year}",
        "en": "{focus} compared with the city of Bochum · data year {year}",
    },
    "cover_footer": {
        "de": "{brand} · Programm „Zusammen im Quartier“",
        "en": "{brand} · programme “Zusammen im Quartier”",
    },
    "map": {"de": "{theme}: {label} {year}", "en": "{theme}: {label} {year}"},
    "map_sub": {
        "de": "Karte der 30 Ortsteile, Fokusquartiere umrandet",
        "en": "Map of the 30 districts, focus districts outlined",
    },
    "trend": {"de": "{theme}: {label} {first}–{last}", "en": "{theme}: {label} {first}–{last}"},
    "trend_sub": {
        "de": "Die vier Fokusquartiere, ihre Stadtbezirke und die Stadt",
        "en": "The four focus districts, their boroughs and the city",
    },
    "ranking": {"de": "{theme}: {label} {year} – Rangfolge", "en": "{theme}: {label} {year} – ranking"},
    "ranking_sub": {
        "de": "Alle 30 Ortsteile, Fokusquartiere hervorgehoben",
        "en": "All 30 districts, focus districts highlighted",
    },
    "and": {"de": "und", "en": "and"},
}


@dataclass(frozen=True)
class SlideSpec:
    """One slide: a title, a chart PNG (None makes a cover slide), a source footer and notes (e.g. demo)."""

    title: str
    image: bytes | None = None
    source: str = ""
    notes: tuple[str, ...] = field(default=())
    subtitle: str = ""
    speaker_notes: str = ""    # the generated sentences of METHODS §4, in the presenter's notes


# --- drawing ---


def _text_box(slide, left, top, width, height, text: str, size: float, *, bold: bool = False,
              color: RGBColor = PRIMARY, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = 0
    paragraph = frame.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, color
    return box


def title_size(text: str) -> int:
    """The largest title size at which the text still fits one line of the slide."""
    return next((pt for chars, pt in TITLE_STEPS if len(text) <= chars), TITLE_MIN_PT)


def _title(slide, text: str, top=TITLE_TOP, height=TITLE_HEIGHT, size: float | None = None):
    """The slide title, in the layout's title placeholder when there is one (outline view, screen readers)."""
    size = title_size(text) if size is None else size
    box = slide.shapes.title
    if box is None:
        return _text_box(slide, MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, height, text, size, bold=True,
                         anchor=MSO_ANCHOR.BOTTOM)
    box.left, box.top, box.width, box.height = MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, height
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    frame.margin_left = frame.margin_right = 0
    frame.text = text
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), True, PRIMARY
    return box


def _footer(slide, source: str, notes: tuple[str, ...], number: int | None) -> None:
    width = SLIDE_WIDTH - 2 * MARGIN - Inches(0.6)
    box = _text_box(slide, MARGIN, FOOTER_TOP, width, FOOTER_HEIGHT, source, FOOTER_PT, color=MUTED)
    for note in notes:
        paragraph = box.text_frame.add_paragraph()
        run = paragraph.add_run()
        run.text = note
        demo = note in DEMO_NOTES
        run.font.size, run.font.bold = Pt(FOOTER_PT), demo
        run.font.color.rgb = DEMO_COLOR if demo else MUTED
    if number is not None:
        _text_box(slide, SLIDE_WIDTH - MARGIN - Inches(0.5), FOOTER_TOP, Inches(0.5), Inches(0.3),
                  str(number), FOOTER_PT, color=MUTED, align=PP_ALIGN.RIGHT)


def _picture(slide, png: bytes, description: str = "") -> None:
    """The chart, as large as the picture area allows at its own aspect ratio, centred."""
    with Image.open(io.BytesIO(png)) as img:
        px_w, px_h = img.size
    area_w, area_h = SLIDE_WIDTH - 2 * MARGIN, PICTURE_BOTTOM - PICTURE_TOP
    scale = min(area_w / px_w, area_h / px_h)
    width, height = int(px_w * scale), int(px_h * scale)
    left = int((SLIDE_WIDTH - width) / 2)
    picture = slide.shapes.add_picture(io.BytesIO(png), left, int(PICTURE_TOP), width, height)
    if description:  # the picture's alt text for screen readers (PowerPoint's "Alternativtext")
        picture._element.nvPicPr.cNvPr.set("descr", description)


def picture_description(spec: SlideSpec) -> str:
    """Alt text of a slide's chart: what it shows (title, subtitle), where it comes from, and its notes."""
    return alt_description(spec.title, spec.subtitle, spec.source, *spec.notes)


def _cover(prs, spec: SlideSpec) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    band = slide.shapes.add_shape(1, 0, 0, SLIDE_WIDTH, Inches(0.35))  # 1 = rectangle
    band.fill.solid()
    band.fill.fore_color.rgb = PRIMARY
    band.line.fill.background()
    _title(slide, spec.title, top=Inches(2.2), height=Inches(1.2), size=COVER_TITLE_PT)
    if spec.subtitle:
        _text_box(slide, MARGIN, Inches(3.5), SLIDE_WIDTH - 2 * MARGIN, Inches(1.0), spec.subtitle,
                  COVER_SUBTITLE_PT, color=MUTED)
    _footer(slide, spec.source, spec.notes, None)


def _chart_slide(prs, spec: SlideSpec, number: int) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, spec.title)
    if spec.subtitle:
        _text_box(slide, MARGIN, SUBTITLE_TOP, SLIDE_WIDTH - 2 * MARGIN, SUBTITLE_HEIGHT, spec.subtitle,
                  SUBTITLE_PT, color=MUTED)
    _picture(slide, spec.image, picture_description(spec))
    _footer(slide, spec.source, spec.notes, number)
    if spec.speaker_notes:
        slide.notes_slide.notes_text_frame.text = spec.speaker_notes


def deck_pptx(slides: list[SlideSpec]) -> bytes:
    """A 16:9 PPTX with one slide per spec: title, chart, source footer (+ notes such as the demo note)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    prs.core_properties.author = BRAND
    prs.core_properties.title = slides[0].title if slides else BRAND
    for number, spec in enumerate(slides, start=1):
        if spec.image is None:
            _cover(prs, spec)
        else:
            _chart_slide(prs, spec, number)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


# --- the "Fokusquartiere" deck ---


def _joined(names: list[str], lang: str) -> str:
    """'A, B, C und D'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {pick(DECK_TEXT['and'], lang)} {names[-1]}"


def slide_figure(kind: str, table: pd.DataFrame, indicator_id: str, year: int, area_ids, lang: str, geo):
    """The app's figure for a slide: large type, no title inside (the slide has one)."""
    large = kind != "ranking"
    fig = export.chart_figure(kind, table, indicator_id, year, area_ids, lang=lang, geo=geo, large_text=large)
    fig.update_layout(title=None, margin={"t": SLIDE_TOP_MARGIN_PX[kind]})
    if kind == "ranking":
        fig.update_layout(font={"size": RANKING_FONT_PX}, bargap=0.18)
    return fig


def focus_slides(table: pd.DataFrame, lang: str = "de", geo=None) -> list[SlideSpec]:
    """Cover, then per theme with a key indicator: map of the latest year, trends of the focus areas, ranking."""
    words = in_lang(DECK_TEXT, lang)
    catalog = load_catalog()
    geo = geometry("ortsteil") if geo is None else geo
    focus = focus_ids()
    year, first = int(table["year"].max()), int(table["year"].min())
    demo_notes = export.demo_notes(table, lang)
    specs = [SlideSpec(
        title=words["cover_title"],
        subtitle=words["cover_subtitle"].format(focus=_joined([area_names()[a] for a in focus], lang), year=year),
        source=words["cover_footer"].format(brand=BRAND), notes=demo_notes)]
    for theme in catalog.themes.values():
        if not theme.key_indicator:
            continue
        iid = theme.key_indicator
        labels = {"theme": pick(theme.title, lang),
                  "label": catalog.indicators[iid].label(lang, short=True), "year": year, "first": first,
                  "last": year}
        for kind, title_key, sub_key in (("map", "map", "map_sub"), ("trend", "trend", "trend_sub"),
                                         ("ranking", "ranking", "ranking_sub")):
            shown = export.chart_rows(table, kind, iid, year, focus)
            width, height = CHART_PX[kind]
            png = export.render(slide_figure(kind, table, iid, year, focus, lang, geo), "png",
                                width=width, height=height, scale=CHART_SCALE)
            notes = tuple(export.chart_notes(shown, kind, export.geo_kind(geo), lang))
            specs.append(SlideSpec(title=words[title_key].format(**labels), image=png,
                                   subtitle=words[sub_key], source=export.source_line(shown, lang),
                                   notes=notes,
                                   speaker_notes=theme_notes(table, iid, year, lang)))
    index = index_slide(table, lang, geo)
    return specs + ([index] if index is not None else [])


def theme_notes(table: pd.DataFrame, indicator_id: str, year: int, lang: str = "de") -> str:
    """Speaker notes of a theme's slides: the generated sentences (METHODS §4) of each focus Ortsteil."""
    ind = load_catalog().indicators[indicator_id]
    names = area_names()
    return "\n".join(" ".join(indicator_summary(table, a, names[a], year, ind, lang=lang)) for a in focus_ids())


INDEX_TEXT = {"de": {"title": "Sozialindex {year}",
                     "sub": "Status und Dynamik der Ortsteile (Methode MSS Berlin), Fokusquartiere umrandet"},
              "en": {"title": "Social index {year}",
                     "sub": "Status and dynamics of the districts (MSS Berlin method), focus districts outlined"}}


def index_slide(table: pd.DataFrame, lang: str, geo) -> SlideSpec | None:
    """The Sozialindex map of the latest index year with the focus Ortsteile's index sentences as notes;
    None when the index cannot be computed on these data."""
    index, year, _ = presentation.index_table(table)
    if index is None:
        return None
    rows = table[table["indicator_id"].isin(load_index_config().indicators) & (table["year"] == year)]
    fig = builders.index_map_figure(index, geo, year, mode="gesamt", focus_ids=focus_ids(),
                                    demo=is_illustrative(rows), large_text=True, lang=lang)
    fig.update_layout(title=None, margin={"t": SLIDE_TOP_MARGIN_PX["map"]})
    width, height = CHART_PX["map"]
    png = export.render(fig, "png", width=width, height=height, scale=CHART_SCALE)
    names = area_names()
    by_area = index.set_index("area_id")
    notes = "\n".join(index_sentence(names[a], year, by_area.loc[a].to_dict(), lang) for a in focus_ids()
                      if a in by_area.index)
    words = INDEX_TEXT.get(lang, INDEX_TEXT["de"])
    return SlideSpec(title=words["title"].format(year=year), image=png, subtitle=words["sub"],
                     source=export.source_line(rows, lang),
                     notes=tuple(export.chart_notes(rows, "map", export.geo_kind(geo), lang)),
                     speaker_notes=notes if lang == "de" else "")


def focus_deck(table: pd.DataFrame, lang: str = "de", geo=None) -> bytes:
    """The ready-made deck "Fokusquartiere": 1 cover + 3 slides (map, trend, ranking) per theme + the
    Sozialindex."""
    return deck_pptx(focus_slides(table, lang, geo))
