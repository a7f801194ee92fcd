"""The Steckbrief: one Ortsteil on at most two A4 pages as a PDF (fpdf2, DejaVu for German typography)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, TableCellFillMode

from indicators import export, figures
from indicators.areas import area_names, focus_ids, ortsteile, parent_of
from indicators.build.pipeline import geometry
from indicators.catalog import load_catalog
from indicators.formats import MISSING_TEXT, fmt_date, fmt_number, fmt_value
from indicators.load.published import for_area, format_value, load_published, measure_labels
from indicators.store import all_sources
from indicators.views import is_illustrative, profile, source_ids_of
from indicators.views.sentences import indicator_summary
from indicators.views.text import profile_summary
from indicators.words import in_lang, pick, source_title

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
CONDENSED_FILES = {"": "DejaVuSansCondensed.ttf", "B": "DejaVuSansCondensed-Bold.ttf"}
FONT, FONT_CONDENSED = "DejaVu", "DejaVuCond"
MAX_PAGES = 2
MARGIN_MM = 14
PAGE_WIDTH_MM = 210
CONTENT_WIDTH_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM
BRAND = "Quartiersmonitor Bochum"
PRIMARY = (31, 58, 96)          # dark blue: headings and the header rule
MUTED = (96, 104, 112)          # grey text: captions, footer
RULE = (200, 206, 212)
ZEBRA = (245, 247, 249)
THEME_FILL = (228, 235, 244)
FOCUS_FILL = (31, 58, 96)
DEMO_FILL, DEMO_BORDER, DEMO_TEXT = (255, 243, 205), (214, 158, 46), (122, 80, 0)
LOCATOR_PX = (520, 400)         # locator map (the city is wider than tall), scale 2, printed 58 mm wide
LOCATOR_MM = 58
TREND_PX = (560, 300)           # small multiples: a small logical size keeps the type readable in print
TREND_MM = (88, 47)
IMAGE_SCALE = 2
PUBLISHED_ROW_CAPS = (12, 10, 8, 6, 4, 2, 0)   # fewer published rows until the Steckbrief fits on two pages
TEXT = {
    "kicker": {"de": "Steckbrief", "en": "District profile"},
    "district": {"de": "Ortsteil im Stadtbezirk {bezirk}", "en": "District in the borough {bezirk}"},
    "year": {"de": "Datenjahr {year}", "en": "Data year {year}"},
    "focus": {"de": "Fokusquartier „Zusammen im Quartier“", "en": "Focus district “Zusammen im Quartier”"},
    "demo": {
        "de": "Illustrative Demodaten – keine amtlichen Werte. Die Werte dieses Steckbriefs stammen aus einem "
              "Demogenerator und dienen nur der Veranschaulichung.",
        "en": "Illustrative demo data – not official figures. The values in this profile come from a demo generator "
              "and are for illustration only.",
    },
    "summary": {"de": "Auf einen Blick", "en": "At a glance"},
    "map": {"de": "Lage im Stadtgebiet", "en": "Location in the city"},
    "map_note": {"de": "Geometrie schematisch", "en": "Schematic geometry"},
    "key_figures": {"de": "Kennzahlen {year} im Vergleich", "en": "Key figures {year} compared"},
    "head": {
        "de": ("Kennzahl", "{name}", "Stadtbezirk", "Stadt", "Abweichung (Prozentpunkte)", "Abweichung (%)", "Rang"),
        "en": ("Indicator", "{name}", "Borough", "City", "Deviation (percentage points)", "Deviation (%)", "Rank"),
    },
    "trends": {
        "de": "Entwicklung {first}–{last}: {name}, Stadtbezirk und Stadt",
        "en": "Trend {first}–{last}: {name}, borough and city",
    },
    "legend": {
        "de": ("{name}", "Stadtbezirk {bezirk}", "Stadt Bochum", "veröffentlichter Wert gleicher Definition"),
        "en": ("{name}", "Borough {bezirk}", "City of Bochum", "published value, same definition"),
    },
    "published": {"de": "Veröffentlichte Zahlen zu {name}", "en": "Published figures on {name}"},
    "published_head": {"de": ("Angabe", "Wert", "Stand", "Quelle"), "en": ("Figure", "Value", "Date", "Source")},
    "published_none": {
        "de": "Zu {name} liegen keine veröffentlichten Einzelwerte vor.",
        "en": "There are no published figures on {name}.",
    },
    "published_more": {
        "de": "… und {n} weitere veröffentlichte Angaben (in der App unter „Daten & Methoden“).",
        "en": "… and {n} more published figures (in the app under “Data & methods”).",
    },
    "published_note": {
        "de": "Veröffentlichte Zahlen werden so gezeigt, wie sie erschienen sind; sie sind nicht mit den Demodaten "
              "vermischt und teils anders definiert.",
        "en": "Published figures are shown as they appeared; they are not blended into the demo data and are partly "
              "defined differently.",
    },
    "sources": {"de": "Quellen", "en": "Sources"},
    "reading": {"de": "Lesehilfe", "en": "How to read"},
    "values_from": {"de": "Werte", "en": "Values"},
    "undated": {"de": "ohne Datum", "en": "undated"},
    "reference_date": {"de": "Stichtag", "en": "reference date"},
    "licence": {"de": "Lizenz", "en": "licence"},
    "method": {
        "de": "Abweichung in Prozentpunkten = Wert − Stadtwert; in % = (Wert ÷ Stadtwert − 1) × 100. Rang unter den "
              "30 Ortsteilen, 1 = höchster Wert. Stadtbezirk und Stadt sind aus den Zählwerten der Ortsteile "
              "berechnet (Summe der Zähler ÷ Summe der Nenner).",
        "en": "Deviation in percentage points = value − city value; in % = (value ÷ city value − 1) × 100. Rank among"
              " the 30 districts, 1 = highest value. Borough and city are computed from the districts' counts (sum of"
              " numerators ÷ sum of denominators).",
    },
    "break": {
        "de": "{year}: {label} – Reihenbruch möglich ({indicators}).",
        "en": "{year}: {label} – possible series break ({indicators}).",
    },
    "geometry": {
        "de": "Die Karte ist schematisch: ein gleich großes Sechseck je Ortsteil, keine amtlichen Grenzen.",
        "en": "The map is schematic: one equal hexagon per district, not official boundaries.",
    },
    "footer": {"de": "{brand} · Steckbrief {name} · {year}", "en": "{brand} · District profile {name} · {year}"},
    "page": {"de": "Seite {page} von {pages}", "en": "Page {page} of {pages}"},
    "missing": MISSING_TEXT,
}
KEY_COLUMNS_MM = (56, 22, 22, 20, 26, 22, 14)
PUBLISHED_COLUMNS_MM = (92, 30, 30, 30)


# --- small pure helpers ---


def signed(x, decimals: int, lang: str = "de", suffix: str = "") -> str:
    """'+4,6' / '−5,3' / '0,0' with a true minus sign; missing -> 'keine Daten'."""
    if x is None or pd.isna(x):
        return MISSING_TEXT[lang]
    x = round(float(x), decimals)
    sign = "+" if x > 0 else ("−" if x < 0 else "")
    return f"{sign}{fmt_number(abs(x), decimals, lang)}{suffix}"


def keep_units(text: str) -> str:
    """Non-breaking spaces before % and between a number and its unit word, so '21,2 %' never breaks."""
    return re.sub(r"(\d) (%|Prozentpunkte|Prozentpunkt|percentage point)", "\\1\u00a0\\2", text)


def latest_year(table: pd.DataFrame) -> int:
    """The most recent year in the indicator table."""
    return int(table["year"].max())


def key_indicator_ids() -> list[str]:
    """The key indicators of the themes (the three programme themes and child poverty), in catalog order."""
    return [t.key_indicator for t in load_catalog().themes.values() if t.key_indicator]


def key_figure_rows(table: pd.DataFrame, area_id: str, year: int, lang: str = "de") -> list[dict]:
    """One row per catalog indicator (grouped by theme): formatted value, references and deviations."""
    catalog = load_catalog()
    prof = profile(table, area_id, year).set_index("indicator_id")
    rows = []
    for theme_id, inds in catalog.indicators_by_theme().items():
        present = [i for i in inds if i.id in prof.index]
        if not present:
            continue
        rows.append({"theme": pick(catalog.themes[theme_id].title, lang)})
        for ind in present:
            r = prof.loc[ind.id]
            rate = ind.is_rate
            pct = " %" if lang == "de" else "%"
            rows.append({
                "indicator_id": ind.id, "label": ind.label(lang, short=True),
                "value": fmt_value(r["value"], ind.unit, ind.decimals, lang),
                "stadtbezirk": fmt_value(r["value_stadtbezirk"], ind.unit, ind.decimals, lang),
                "stadt": fmt_value(r["value_stadt"], ind.unit, ind.decimals, lang),
                "dev_pp": signed(r["dev_pp"], ind.decimals, lang) if rate else "–",
                "dev_pct": signed(r["dev_pct"], 1, lang, pct) if rate else "–",
                "rank": "" if pd.isna(r["rank"]) else str(int(r["rank"])),
            })
    return rows


def published_rows(area_id: str, lang: str = "de") -> list[dict]:
    """The published figures about one Ortsteil: label, value, date and source id, dated ones newest first."""
    labels = measure_labels()
    frame = for_area(area_id)
    if frame.empty:
        return []
    frame = frame.assign(_dated=frame["reference_date"].ne("")).sort_values(
        ["_dated", "reference_date", "measure"], ascending=[False, False, True], kind="stable")
    undated = pick(TEXT["undated"], lang)
    return [{"label": labels.get(r.measure, r.measure), "value": format_value(r.value, r.unit, lang),
             "date": fmt_date(r.reference_date, lang) if r.reference_date else undated,
             "source_id": r.source_id} for r in frame.itertuples()]




def source_entry(source_id: str, sources: dict, lang: str = "de") -> str:
    """'Title (Publisher), Stichtag 31.12.2024, Lizenz CC0-1.0, URL' for one source."""
    words = in_lang(TEXT, lang)
    src = sources.get(source_id, {})
    parts = [source_title(src, source_id, lang) + (f" ({src['publisher']})" if src.get("publisher") else "")]
    parts.append(f"{words['reference_date']} {fmt_date(src.get('reference_date'), lang)}")
    if src.get("licence"):
        parts.append(f"{words['licence']} {src['licence']}")
    if src.get("url"):
        parts.append(str(src["url"]))
    return ", ".join(parts)


def series_break_notes(indicator_ids, lang: str = "de") -> list[str]:
    """One note per series break year and label, naming the indicators it affects."""
    catalog = load_catalog()
    grouped: dict[tuple, list[str]] = {}
    for iid in indicator_ids:
        ind = catalog.indicators[iid]
        for brk in ind.series_breaks:
            label = pick(brk["label"], lang)
            grouped.setdefault((brk["year"], label), []).append(ind.label(lang, short=True))
    return [pick(TEXT["break"], lang).format(year=y, label=lbl, indicators=", ".join(names))
            for (y, lbl), names in sorted(grouped.items())]


def source_numbers(rows: list[dict]) -> dict[str, int]:
    """source_id -> [n], numbered in order of first use by the rows shown."""
    numbers: dict[str, int] = {}
    for row in rows:
        numbers.setdefault(row["source_id"], len(numbers) + 1)
    return numbers


def value_source_ids(table: pd.DataFrame, area_id: str) -> list[str]:
    """The distinct sources of one Ortsteil's values."""
    return source_ids_of(table[table["area_id"] == area_id])


# --- images ---


def locator_png(area_id: str, geo=None) -> bytes:
    """The Ortsteil's place on the (schematic or official) map."""
    geo = geometry("ortsteil") if geo is None else geo
    fig = figures.locator_map_figure(geo, area_id)
    return export.render(fig, "png", width=LOCATOR_PX[0], height=LOCATOR_PX[1], scale=IMAGE_SCALE)


def trend_png(table: pd.DataFrame, indicator_id: str, area_id: str, lang: str = "de") -> bytes:
    """A small trend chart of one key indicator: the Ortsteil, its Stadtbezirk and the city."""
    published = load_published()
    published = published[published["year"] >= int(table["year"].min())]  # keep the axis on the data years
    fig = figures.trend_figure(table, indicator_id, [area_id], "absolute", published=published, lang=lang,
                               large_text=False)
    # one shared legend under the grid instead of four of different heights; the break label is in the notes
    fig.update_layout(title=None, showlegend=False, margin=dict(l=52, r=14, t=10, b=30), font=dict(size=13))
    fig.layout.annotations = ()
    return export.render(fig, "png", width=TREND_PX[0], height=TREND_PX[1], scale=IMAGE_SCALE)


# --- the PDF ---


class SteckbriefPDF(FPDF):
    """A4 portrait with the project's footer: brand, Ortsteil and year left; page numbers right."""

    def __init__(self, footer_text: str, page_text: str, demo_text: str | None):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text, self.page_text, self.demo_text = footer_text, page_text, demo_text
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / name))
        for style, name in CONDENSED_FILES.items():
            self.add_font(FONT_CONDENSED, style, str(FONT_DIR / name))
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(True, margin=MARGIN_MM + 4)
        self.alias_nb_pages()

    def footer(self):
        self.set_y(-MARGIN_MM)
        self.set_draw_color(*RULE)
        self.line(MARGIN_MM, self.get_y() - 1.5, PAGE_WIDTH_MM - MARGIN_MM, self.get_y() - 1.5)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        left = self.footer_text + (f" · {self.demo_text}" if self.demo_text else "")
        self.cell(CONTENT_WIDTH_MM * 0.8, 4, left, align="L")
        self.cell(CONTENT_WIDTH_MM * 0.2, 4, self.page_text.format(page=self.page_no(), pages="{nb}"),
                  align="R")


def _heading(pdf: FPDF, text: str, size: float = 11.5, space_before: float = 4) -> None:
    pdf.ln(space_before)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*PRIMARY)
    pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _header(pdf: FPDF, name: str, bezirk: str, year: int, is_focus: bool, lang: str) -> None:
    words = in_lang(TEXT, lang)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 4.5, f"{BRAND.upper()} · {words['kicker'].upper()}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 24)
    pdf.set_text_color(*PRIMARY)
    pdf.cell(pdf.get_string_width(name) + 4, 12, name)
    if is_focus:
        pdf.set_font(FONT, "B", 8)
        width = pdf.get_string_width(words["focus"]) + 6
        pdf.set_fill_color(*FOCUS_FILL)
        pdf.set_text_color(255, 255, 255)
        pdf.set_xy(PAGE_WIDTH_MM - MARGIN_MM - width, pdf.get_y() + 3)
        pdf.cell(width, 6, words["focus"], align="C", fill=True)
        pdf.set_y(pdf.get_y() - 3)
    pdf.ln(12)
    pdf.set_font(FONT, "", 10.5)
    pdf.set_text_color(40, 40, 40)
    pdf.cell(0, 5.5, f"{words['district'].format(bezirk=bezirk)} · {words['year'].format(year=year)}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*PRIMARY)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN_MM, pdf.get_y() + 2, PAGE_WIDTH_MM - MARGIN_MM, pdf.get_y() + 2)
    pdf.set_line_width(0.2)
    pdf.ln(4)


def _demo_box(pdf: FPDF, lang: str) -> None:
    pdf.ln(1)
    pdf.set_fill_color(*DEMO_FILL)
    pdf.set_draw_color(*DEMO_BORDER)
    pdf.set_text_color(*DEMO_TEXT)
    pdf.set_font(FONT, "B", 8.5)
    pdf.multi_cell(0, 4.4, "⚠ " + pick(TEXT["demo"], lang), border=1, fill=True, padding=(1.6, 2.5),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)


def _summary_and_map(pdf: FPDF, summary: str, locator: bytes, schematic: bool, lang: str) -> None:
    words = in_lang(TEXT, lang)
    top = pdf.get_y() + 3
    text_width = CONTENT_WIDTH_MM - LOCATOR_MM - 8
    pdf.set_xy(MARGIN_MM, top)
    pdf.set_font(FONT, "B", 11.5)
    pdf.set_text_color(*PRIMARY)
    pdf.cell(text_width, 6, words["summary"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(text_width, 4.9, summary, align="L", new_x="LMARGIN", new_y="NEXT")
    text_bottom = pdf.get_y()
    map_x = PAGE_WIDTH_MM - MARGIN_MM - LOCATOR_MM
    pdf.set_xy(map_x, top)
    pdf.set_font(FONT, "B", 9)
    pdf.set_text_color(*PRIMARY)
    pdf.cell(LOCATOR_MM, 6, words["map"], align="C")
    pdf.image(io.BytesIO(locator), x=map_x, y=top + 6, w=LOCATOR_MM, alt_text=words["map"])  # alt: tagged /Figure
    map_bottom = top + 6 + LOCATOR_MM * LOCATOR_PX[1] / LOCATOR_PX[0]
    pdf.set_xy(map_x, map_bottom)
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*MUTED)
    pdf.cell(LOCATOR_MM, 3.5, words["map_note"] if schematic else "", align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(max(text_bottom, map_bottom + 3.5))


def _key_table(pdf: FPDF, rows: list[dict], name: str, year: int, lang: str) -> None:
    words = in_lang(TEXT, lang)
    _heading(pdf, words["key_figures"].format(year=year))
    pdf.ln(1)
    head = [h.format(name=name) for h in words["head"]]
    header_style = FontFace(family=FONT_CONDENSED, emphasis="BOLD", size_pt=7.5, color=PRIMARY,
                            fill_color=(255, 255, 255))
    theme_style = FontFace(family=FONT, emphasis="BOLD", size_pt=8, color=PRIMARY, fill_color=THEME_FILL)
    pdf.set_font(FONT_CONDENSED, "", 8.5)
    pdf.set_draw_color(*RULE)
    with pdf.table(col_widths=KEY_COLUMNS_MM, width=sum(KEY_COLUMNS_MM), align="LEFT",
                   text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
                   headings_style=header_style, borders_layout=TableBordersLayout.HORIZONTAL_LINES,
                   line_height=4.6, padding=(0.8, 1.2), v_align="MIDDLE", cell_fill_color=ZEBRA,
                   cell_fill_mode=TableCellFillMode.NONE) as table:
        header = table.row()
        for text in head:
            header.cell(text)
        for row in rows:
            line = table.row()
            if "theme" in row:
                line.cell(row["theme"], colspan=len(head), style=theme_style)
                continue
            line.cell(row["label"])
            line.cell(row["value"], style=FontFace(emphasis="BOLD"))
            for key in ("stadtbezirk", "stadt", "dev_pp", "dev_pct", "rank"):
                line.cell(row[key])


def _trend_grid(pdf: FPDF, images: list[tuple[str, str, bytes]], title: str) -> None:
    _heading(pdf, title, space_before=0)
    gap = CONTENT_WIDTH_MM - 2 * TREND_MM[0]
    top = pdf.get_y() + 1
    for i, (label, theme, png) in enumerate(images):
        col, row = i % 2, i // 2
        x = MARGIN_MM + col * (TREND_MM[0] + gap)
        y = top + row * (TREND_MM[1] + 7)
        pdf.set_xy(x, y)
        pdf.set_font(FONT, "B", 8.5)
        pdf.set_text_color(30, 30, 30)
        width = pdf.get_string_width(label) + 1
        pdf.cell(width, 5, label)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(*MUTED)
        if theme != label and width + pdf.get_string_width(f" · {theme}") < TREND_MM[0]:
            pdf.cell(TREND_MM[0] - width, 5, f" · {theme}")
        pdf.image(io.BytesIO(png), x=x, y=y + 5.5, w=TREND_MM[0], h=TREND_MM[1], alt_text=f"{label}: {title}")
    rows = (len(images) + 1) // 2
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(top + rows * (TREND_MM[1] + 7) - 1)


def _line_sample(pdf: FPDF, color: tuple, width: float, dashed: bool, label: str) -> None:
    """A short line in the chart's style followed by its label, on the current line."""
    x, y = pdf.get_x(), pdf.get_y() + 2
    pdf.set_draw_color(*color)
    pdf.set_line_width(width)
    if dashed:
        pdf.set_dash_pattern(dash=1.2, gap=0.8)
    pdf.line(x, y, x + 7, y)
    pdf.set_dash_pattern()
    pdf.set_line_width(0.2)
    pdf.set_x(x + 8.5)
    pdf.cell(pdf.get_string_width(label) + 5, 4, label)


def _trend_legend(pdf: FPDF, name: str, bezirk: str, lang: str) -> None:
    """The shared legend of the trend grid: Ortsteil, Stadtbezirk, city, published values."""
    words = [w.format(name=name, bezirk=bezirk) for w in pick(TEXT["legend"], lang)]
    blue = tuple(int(figures.LINE_COLORS[0][i:i + 2], 16) for i in (1, 3, 5))
    black = tuple(int(figures.CITY_COLOR[i:i + 2], 16) for i in (1, 3, 5))
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(40, 40, 40)
    pdf.set_x(MARGIN_MM)
    _line_sample(pdf, blue, 0.7, False, words[0])
    _line_sample(pdf, blue, 0.5, True, words[1])
    _line_sample(pdf, black, 0.9, False, words[2])
    pdf.cell(0, 4, "◆ " + words[3], new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _published_table(pdf: FPDF, rows: list[dict], cap: int | None, name: str, refs: dict[str, int],
                     lang: str) -> None:
    words = in_lang(TEXT, lang)
    _heading(pdf, words["published"].format(name=name), space_before=3)
    if not rows:
        pdf.set_font(FONT, "", 8.5)
        pdf.cell(0, 5, words["published_none"].format(name=name), new_x="LMARGIN", new_y="NEXT")
        return
    shown = rows if cap is None else rows[:cap]
    header_style = FontFace(family=FONT_CONDENSED, emphasis="BOLD", size_pt=7.5, color=PRIMARY,
                            fill_color=(255, 255, 255))
    pdf.set_font(FONT_CONDENSED, "", 8)
    pdf.set_draw_color(*RULE)
    if shown:
        with pdf.table(col_widths=PUBLISHED_COLUMNS_MM, width=sum(PUBLISHED_COLUMNS_MM), align="LEFT",
                       text_align=("LEFT", "RIGHT", "RIGHT", "CENTER"), headings_style=header_style,
                       borders_layout=TableBordersLayout.HORIZONTAL_LINES, line_height=3.8,
                       padding=(0.5, 1.2), cell_fill_color=ZEBRA,
                       cell_fill_mode=TableCellFillMode.ROWS) as table:
            header = table.row()
            for text in words["published_head"]:
                header.cell(text)
            for row in shown:
                line = table.row()
                line.cell(row["label"])
                line.cell(row["value"])
                line.cell(row["date"])
                line.cell(f"[{refs[row['source_id']]}]")
    pdf.set_text_color(*MUTED)
    if len(shown) < len(rows):
        pdf.set_font(FONT, "I", 7.2)
        pdf.cell(0, 4, words["published_more"].format(n=len(rows) - len(shown)), new_x="LMARGIN",
                 new_y="NEXT")
    pdf.set_font(FONT, "I", 7.2)
    pdf.ln(0.8)
    pdf.multi_cell(0, 3.4, words["published_note"], align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _sources(pdf: FPDF, value_sources: list[str], refs: dict[str, int], sources: dict, lang: str) -> None:
    words = in_lang(TEXT, lang)
    _heading(pdf, words["sources"], space_before=2.5)
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(40, 40, 40)
    for sid in value_sources:
        note = sources.get(sid, {}).get("note", {})
        note = pick(note, lang)
        pdf.multi_cell(0, 3.3, f"{words['values_from']}: {source_entry(sid, sources, lang)}."
                       + (f" {note}" if note else ""), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.6)
    for sid, number in refs.items():
        pdf.multi_cell(0, 3.3, f"[{number}] {source_entry(sid, sources, lang)}", align="L", new_x="LMARGIN",
                       new_y="NEXT")
        pdf.ln(0.6)
    pdf.set_text_color(0, 0, 0)


STATEMENTS_HEADING = "Einordnung: Vergleich, Veränderung und Trend (statistisch geprüft)"
STATEMENTS_HEADINGS = {"de": STATEMENTS_HEADING,
                       "en": "In context: comparison, change and trend (statistically tested)"}


def statement_rows(table: pd.DataFrame, area_id: str, year: int, lang: str = "de") -> list[tuple[str, str]]:
    """(short title, generated sentences of METHODS §4) per key indicator: count, comparison code,
    change, trend and the small-count note — wording only from the statistics codes."""
    catalog = load_catalog()
    name = area_names().get(area_id, area_id)
    out = []
    for iid in key_indicator_ids():
        ind = catalog.indicators[iid]
        out.append((ind.label(lang, short=True),
                    " ".join(indicator_summary(table, area_id, name, year, ind, lang=lang))))
    return out


def _statements(pdf: FPDF, rows: list[tuple[str, str]], lang: str = "de") -> None:
    """The generated sentences of METHODS §4 for the key indicators."""
    if not rows:
        return
    _heading(pdf, STATEMENTS_HEADINGS.get(lang, STATEMENTS_HEADING), size=9.5, space_before=3)
    for title, text in rows:
        pdf.set_font(FONT, "B", 7.8)
        pdf.multi_cell(0, 3.6, title, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 7.8)
        pdf.multi_cell(0, 3.6, keep_units(text), align="L", new_x="LMARGIN", new_y="NEXT")


def _reading_notes(pdf: FPDF, notes: list[str], lang: str) -> None:
    _heading(pdf, pick(TEXT["reading"], lang), size=9.5, space_before=2.5)
    pdf.set_font(FONT, "", 7.2)
    pdf.set_text_color(*MUTED)
    for note in notes:
        pdf.multi_cell(0, 3.4, "– " + note, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _compose(parts: dict, cap: int | None, lang: str) -> FPDF:
    """Lay out the Steckbrief from prepared parts; the published table shows at most ``cap`` rows."""
    words = in_lang(TEXT, lang)
    pdf = SteckbriefPDF(words["footer"].format(brand=BRAND, name=parts["name"], year=parts["year"]),
                        words["page"], parts["demo_footer"])
    pdf.set_title(f"{words['kicker']} {parts['name']} {parts['year']}")
    pdf.set_author(BRAND)
    pdf.set_subject(words["kicker"])
    pdf.set_creator(BRAND)
    pdf.set_lang("de-DE" if lang == "de" else "en-GB")
    pdf.add_page()
    _header(pdf, parts["name"], parts["bezirk"], parts["year"], parts["is_focus"], lang)
    if parts["demo"]:
        _demo_box(pdf, lang)
    _summary_and_map(pdf, parts["summary"], parts["locator"], parts["schematic"], lang)
    _key_table(pdf, parts["key_rows"], parts["name"], parts["year"], lang)
    _reading_notes(pdf, parts["notes"], lang)
    pdf.add_page()
    _trend_grid(pdf, parts["trends"], words["trends"].format(first=parts["first_year"], last=parts["year"],
                                                             name=parts["name"]))
    _trend_legend(pdf, parts["name"], parts["bezirk"], lang)
    _statements(pdf, parts["statements"], lang)
    _published_table(pdf, parts["published"], cap, parts["name"], parts["refs"], lang)
    _sources(pdf, parts["value_sources"], parts["refs"], parts["sources"], lang)
    return pdf


def _parts(table: pd.DataFrame, area_id: str, year: int, lang: str, geo=None) -> dict:
    """Everything the Steckbrief shows, computed and rendered once."""
    catalog = load_catalog()
    names = area_names()
    sources = all_sources()
    rows_of_area = table[table["area_id"] == area_id]
    demo = is_illustrative(rows_of_area)
    published = published_rows(area_id, lang)
    keys = key_indicator_ids()
    geo = geometry("ortsteil") if geo is None else geo
    schematic = export.geo_kind(geo) == "schematic"
    notes = [pick(TEXT["method"], lang), *([pick(TEXT["geometry"], lang)] if schematic else []),
             *series_break_notes(keys, lang)]
    return {
        "name": names.get(area_id, area_id), "bezirk": names.get(parent_of().get(area_id, ""), ""),
        "year": year, "first_year": int(table["year"].min()), "is_focus": area_id in focus_ids(),
        "demo": demo, "demo_footer": (pick(TEXT["demo"], lang).split(".")[0] if demo else None),
        "summary": keep_units(profile_summary(table, area_id, year, lang)),
        "locator": locator_png(area_id, geo), "schematic": schematic,
        "key_rows": key_figure_rows(table, area_id, year, lang),
        "trends": [(catalog.indicators[i].label(lang, short=True),
                    catalog.themes[catalog.indicators[i].theme].title.get(lang) or "",
                    trend_png(table, i, area_id, lang)) for i in keys],
        "published": published, "sources": sources,
        "value_sources": value_source_ids(table, area_id), "notes": notes,
        "statements": statement_rows(table, area_id, year, lang),
    }


def report_pdf(table: pd.DataFrame, area_id: str, year: int | None = None, lang: str = "de", geo=None) -> bytes:
    """The Steckbrief of one Ortsteil as PDF bytes (A4 portrait, at most two pages)."""
    if area_id not in set(ortsteile()["area_id"]):
        raise ValueError(f"Unbekannter Ortsteil „{area_id}“.")
    year = latest_year(table) if year is None else int(year)
    parts = _parts(table, area_id, year, lang, geo)
    for cap in PUBLISHED_ROW_CAPS:
        shown = parts["published"] if cap is None else parts["published"][:cap]
        parts["refs"] = source_numbers(shown)
        pdf = _compose(parts, cap, lang)
        if pdf.page_no() <= MAX_PAGES:
            break
    return bytes(pdf.output())


def report_filename(area_id: str, year: int) -> str:
    """'steckbrief_hamme_2024.pdf'."""
    return f"steckbrief_{area_id}_{year}.pdf"
