"""Charts with their texts inside the image, and the ZIP bundle of a view (images, data, QUELLEN.txt)."""

from __future__ import annotations

import io
import zipfile

import pandas as pd

from indicators import figures
from indicators.areas import focus_ids
from indicators.build.pipeline import geometry
from indicators.catalog import load_catalog
from indicators.export import tables
from indicators.export.images import DEFAULT_HEIGHT, DEFAULT_WIDTH, FORMATS, render
from indicators.formats import fmt_date
from indicators.load.published import load_published
from indicators.store import all_sources
from indicators.views import (
    area_order,
    indicator_slice,
    is_illustrative,
    people_table,
    source_ids_of,
    trend_areas,
)
from indicators.words import pick, source_title

KINDS = ("map", "trend", "ranking")
DEMO_NOTE = {"de": "Illustrative Demodaten – keine amtlichen Werte",
             "en": "Illustrative demo data – not official figures"}
SOURCE_WORD = {"one": {"de": "Quelle", "en": "Source"}, "many": {"de": "Quellen", "en": "Sources"}}
REFERENCE_DATE_WORD = {"de": "Stichtag", "en": "reference date"}
KIND_FILE_WORDS = {"map": "karte", "trend": "entwicklung", "ranking": "rangfolge"}
KIND_TITLES = {
    "map": {"de": "Karte", "en": "Map"},
    "trend": {"de": "Entwicklung", "en": "Trend"},
    "ranking": {"de": "Rangfolge der Ortsteile", "en": "Ranking of districts"},
}
TEXT_FILE = "QUELLEN.txt"
BRAND_LINE = {"de": "Quartiersmonitor Bochum – Quellen und Definitionen",
              "en": "Quartiersmonitor Bochum – sources and definitions"}
NOTE_FILES = {
    "de": "Die CSV-Datei ist für deutsches Excel (Semikolon, Dezimalkomma, UTF-8 mit BOM); die XLSX-Datei "
          "enthält auf dem zweiten Blatt Definitionen, Quellen und Stichtage.",
    "en": "The CSV file is for German Excel (semicolon, decimal comma, UTF-8 with BOM); the XLSX file holds "
          "definitions, sources and reference dates on its second sheet.",
}


# --- charts with their texts inside the image ---


def years_of(table: pd.DataFrame, indicator_id: str) -> list[int]:
    """The years with rows for one indicator, ascending."""
    return sorted(int(y) for y in table.loc[table["indicator_id"] == indicator_id, "year"].unique())


def resolve_year(table: pd.DataFrame, indicator_id: str, year: int | None) -> int:
    """The given year, or the latest year of the indicator."""
    return years_of(table, indicator_id)[-1] if year is None else int(year)


def geo_kind(geo) -> str:
    """'schematic' or 'official' for a geometry frame ('' when unknown)."""
    return str(geo["kind"].iloc[0]) if geo is not None and "kind" in geo and len(geo) else ""


def chart_areas(ortsteile) -> list[str]:
    """The Ortsteile a chart follows: the given ids, else the four focus Ortsteile."""
    return list(ortsteile) if ortsteile else focus_ids()


def chart_rows(table: pd.DataFrame, kind: str, indicator_id: str, year: int, area_ids) -> pd.DataFrame:
    """The rows a chart shows: all Ortsteile of the year (map, ranking) or the trend areas over all years."""
    if kind == "trend":
        ids = trend_areas(chart_areas(area_ids))
        return table[(table["indicator_id"] == indicator_id) & table["area_id"].isin(ids)]
    return indicator_slice(table, indicator_id, year, "ortsteil")


def demo_notes(frame: pd.DataFrame, lang: str = "de") -> tuple[str, ...]:
    """The demo note while any value shown is illustrative."""
    return (pick(DEMO_NOTE, lang),) if is_illustrative(frame) else ()


def chart_notes(frame: pd.DataFrame, kind: str, kind_of_geo: str, lang: str = "de") -> list[str]:
    """Notes an image carries: schematic geometry (maps only), demo data, missing values."""
    return figures.figure_notes(frame, kind_of_geo if kind == "map" else None, lang)


def source_line(frame: pd.DataFrame, lang: str = "de", indicator_id: str | None = None) -> str:
    """'Quelle: Title (Publisher), Stichtag …' for the rows shown, bundled and imported sources alike."""
    return figures.source_line(frame, indicator_id, lang, sources=all_sources())


def chart_title(indicator_id: str, lang: str = "de") -> str:
    """The indicator's full catalog title."""
    return load_catalog().indicators[indicator_id].label(lang)


def chart_subtitle(kind: str, table: pd.DataFrame, indicator_id: str, year: int, lang: str = "de") -> str:
    """The definition and the year (trend: the span of years), plus what the chart shows."""
    years = years_of(table, indicator_id)
    shown = f"{years[0]}–{years[-1]}" if kind == "trend" else year
    return f"{pick(KIND_TITLES[kind], lang)} {shown}: {figures.export_subtitle(indicator_id, None, lang)}"


def chart_figure(kind: str, table: pd.DataFrame, indicator_id: str, year: int, ortsteile=None, *,
                 lang: str = "de", geo=None, large_text: bool = False, map_options: dict | None = None):
    """The app's own figure for a chart kind (what is exported is what is shown).

    ``map_options`` carries the page's settings: for a map method, k, breaks, selected_id, level;
    for a trend the mode ('absolute', 'indexed', 'gap').
    """
    areas = chart_areas(ortsteile)
    settings = dict(map_options or {})
    trend_mode = settings.pop("mode", "absolute")
    if kind == "map":
        geo = geometry(settings.get("level") or "ortsteil") if geo is None else geo
        options = {"method": "quantiles", "k": 5, "breaks": None, "label_all": True, **settings}
        return figures.map_figure(table, geo, indicator_id, year, focus_ids=areas, lang=lang,
                                  large_text=large_text, **options)
    if kind == "trend":
        return figures.trend_figure(table, indicator_id, areas, trend_mode, published=load_published(),
                                    lang=lang, large_text=large_text)
    if kind == "ranking":
        return figures.ranking_figure(table, indicator_id, year, areas, lang, large_text=large_text)
    raise ValueError(f"Unbekannte Diagrammart „{kind}“: erlaubt sind {', '.join(KINDS)}.")


def annotated_figure(kind: str, table: pd.DataFrame, indicator_id: str, year: int | None = None,
                     ortsteile=None, lang: str = "de", geo=None, map_options: dict | None = None):
    """The chart with title, subtitle, source line and notes drawn inside the figure."""
    year = resolve_year(table, indicator_id, year)
    geo = geometry("ortsteil") if geo is None and kind == "map" else geo
    fig = chart_figure(kind, table, indicator_id, year, ortsteile, lang=lang, geo=geo, map_options=map_options)
    shown = chart_rows(table, kind, indicator_id, year, ortsteile)
    return figures.add_export_annotations(
        fig, title=chart_title(indicator_id, lang), subtitle=chart_subtitle(kind, table, indicator_id, year, lang),
        source_line=source_line(shown, lang, indicator_id), notes=chart_notes(shown, kind, geo_kind(geo), lang))


def export_chart(kind: str, table: pd.DataFrame, indicator_id: str, year: int | None, ortsteile, fmt: str,
                 lang: str = "de", geo=None, map_options: dict | None = None) -> bytes:
    """One chart as PNG, SVG or PDF with its title, definition, legend, source line and notes inside."""
    fig = annotated_figure(kind, table, indicator_id, year, ortsteile, lang, geo, map_options)
    return render(fig, fmt, width=DEFAULT_WIDTH, height=int(fig.layout.height or DEFAULT_HEIGHT), lang=lang)


def chart_filename(kind: str, indicator_id: str, year: int | None, fmt: str) -> str:
    """'karte_kinderarmut_2024.png' (trend: no year)."""
    stem = f"{KIND_FILE_WORDS[kind]}_{indicator_id}" + (f"_{year}" if kind != "trend" and year else "")
    return f"{stem}.{fmt}"


# --- data and the bundle ---


def view_rows(table: pd.DataFrame, indicator_id: str, year: int, ortsteile=None, kinds=KINDS) -> pd.DataFrame:
    """The union of the rows the view's charts show, in area order and by year."""
    parts = [chart_rows(table, kind, indicator_id, year, ortsteile) for kind in kinds]
    rows = pd.concat(parts).drop_duplicates(["area_id", "year", "indicator_id"])
    order = pd.Series(area_order(rows["area_id"]), index=rows.index)
    return rows.assign(_o=order).sort_values(["year", "_o"], kind="stable").drop(columns="_o")


def sources_text(rows: pd.DataFrame, indicator_id: str, lang: str = "de", sources: dict | None = None) -> str:
    """QUELLEN.txt: the indicator's title, definition, formula and caveats, the sources, the notes."""
    catalog = load_catalog()
    sources = all_sources() if sources is None else sources
    ind = catalog.indicators[indicator_id]
    de = lang == "de"
    formula = (f"{ind.numerator} / {ind.denominator} × {ind.scale:g}" if ind.is_rate else ind.numerator)
    lines = [pick(BRAND_LINE, lang), "", f"{'Indikator' if de else 'Indicator'}: {ind.label(lang)}",
             f"{'Definition' if de else 'Definition'}: {ind.definition.get(lang) or ind.definition.get('de', '')}",
             f"{'Formel' if de else 'Formula'}: {formula}",
             f"{'Hinweise' if de else 'Caveats'}: {ind.caveats.get(lang) or ind.caveats.get('de', '')}",
             f"{'Datengrundlage' if de else 'Data basis'}: {ind.source.get(lang) or ind.source.get('de', '')}"]
    for brk in ind.series_breaks:
        label = pick(brk["label"], lang)
        lines.append(f"{'Reihenbruch' if de else 'Series break'} {brk['year']}: {label}")
    lines += ["", f"{pick(SOURCE_WORD['many'], lang)}:"]
    for sid in source_ids_of(rows):
        src = sources.get(sid, {})
        title = source_title(src, sid, lang)
        lines.append(f"- {title}" + (f" ({src['publisher']})" if src.get("publisher") else ""))
        lines.append(f"  {pick(REFERENCE_DATE_WORD, lang).capitalize()}: {fmt_date(src.get('reference_date'), lang)}")
        if src.get("licence"):
            lines.append(f"  {'Lizenz' if de else 'Licence'}: {src['licence']}")
        if src.get("url"):
            lines.append(f"  URL: {src['url']}")
        note = src.get("note", {})
        note = pick(note, lang)
        if note:
            lines.append(f"  {note}")
    notes = list(demo_notes(rows, lang))
    lines += ["", f"{'Hinweise zur Darstellung' if de else 'Notes'}:"]
    lines += [f"- {n}" for n in notes + [pick(NOTE_FILES, lang)]]
    return "\r\n".join(lines) + "\r\n"   # CRLF: Windows editors show the line breaks


def data_basename(indicator_id: str, year: int) -> str:
    """'daten_kinderarmut_2024'."""
    return f"daten_{indicator_id}_{year}"


def chart_bundle(table: pd.DataFrame, indicator_id: str, year: int | None = None, ortsteile=None,
                 kinds=KINDS, lang: str = "de", geo=None, map_options: dict | None = None) -> bytes:
    """A ZIP of the current view: PNG, SVG and PDF of each chart, the data as CSV and XLSX, QUELLEN.txt."""
    year = resolve_year(table, indicator_id, year)
    sources = all_sources()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind in kinds:
            fig = annotated_figure(kind, table, indicator_id, year, ortsteile, lang, geo, map_options)
            height = int(fig.layout.height or DEFAULT_HEIGHT)
            for fmt in FORMATS:
                archive.writestr(chart_filename(kind, indicator_id, year, fmt),
                                 render(fig, fmt, width=DEFAULT_WIDTH, height=height, lang=lang))
        rows = view_rows(table, indicator_id, year, ortsteile, kinds)
        frame = people_table(rows, lang, sources)
        meta = tables.metadata_frame([indicator_id], load_catalog(), sources, source_ids_of(rows), lang)
        base = data_basename(indicator_id, year)
        archive.writestr(f"{base}.csv", tables.to_excel_csv(frame))
        archive.writestr(f"{base}.xlsx", tables.to_xlsx(frame, meta))
        archive.writestr(TEXT_FILE, sources_text(rows, indicator_id, lang, sources).encode("utf-8-sig"))
    return buffer.getvalue()
