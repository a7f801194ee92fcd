"""Exports of „Bochum im Vergleich“: charts (PNG/SVG/PDF) and tables (CSV/XLSX) of a comparison set.

``python -m indicators export --kind kreise --indicator ID --year Y --set ruhr|nrw|staedte
[--kreise AGS,AGS,…] --format png|svg|pdf|csv|xlsx --out FILE`` (``export.main_export`` hands
``--kind kreise`` over to ``main_kreise``). Every file names the source and the Stand of each file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from indicators import figures, kreise, tables
from indicators import kreise_figures as kf
from indicators import kreise_views as kv
from indicators import ruhr_views as rv
from indicators.cli import GermanArgumentParser

FORMATS = ("png", "svg", "pdf", "csv", "xlsx")
IMAGE_FORMATS = ("png", "svg", "pdf")
CLI_SETS = (kreise.SET_RUHR, kreise.SET_NRW, kreise.SET_STAEDTE, kreise.SET_AUSWAHL)
EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def names_of(areas: pd.DataFrame) -> dict:
    return dict(zip(areas["area_id"], areas["name"]))


def metadata(table: pd.DataFrame, measure: rv.RuhrMeasure, set_id: str, ids: list[str], lang: str = "de"):
    """The XLSX's second sheet: definition, notes, and one row per file with table, Stand and origin."""
    names = names_of(kreise.kreis_areas())
    rows = [{"Art": "Indikator", "Angabe": measure.label(lang), "Text": measure.definition.get(lang, "")},
            {"Art": "Vergleichsgruppe", "Angabe": kreise.SET_LABELS[set_id][lang], "Text": f"n = {len(ids)}"},
            {"Art": "Quelle", "Angabe": "", "Text": kv.source_line(table, measure, lang)}]
    for r in kv.stands_used(table, measure).itertuples(index=False):
        rows.append({"Art": "Datei", "Angabe": f"{r.file} ({r.table}, Stand {r.stand})", "Text": r.origin})
    rows += [{"Art": "Hinweis", "Angabe": "", "Text": n} for n in kv.notes(table, measure, ids, names, lang)]
    return pd.DataFrame(rows)


def annotated(kind: str, table: pd.DataFrame, measures: dict, measure_id: str, year: int, set_id: str,
              ids: list[str], lang: str = "de"):
    """The chart with title, set, source line (Stand of each file) and gap notes drawn inside."""
    measure = measures[measure_id]
    fig = kf.set_figure(kind, table, measures, measure_id, year, set_id, ids, lang)
    title = measure.label(lang, short=True) + (f" {year}" if kind == "ranking" else "")
    return figures.add_export_annotations(
        fig, title=title, subtitle=kreise.SET_LABELS[set_id][lang],
        source_line=kv.source_line(table, measure, lang), notes=kv.gap_notes(table, measure, lang))


def export_bytes(fmt: str, table: pd.DataFrame, measures: dict, measure_id: str, year: int, set_id: str,
                 ids: list[str], lang: str = "de", kind: str = "ranking") -> bytes:
    """One export of the comparison view: a chart image or the set's table."""
    measure = measures[measure_id]
    if fmt in IMAGE_FORMATS:
        from indicators import export

        fig = annotated(kind, table, measures, measure_id, year, set_id, ids, lang)
        return export.render(fig, fmt, width=export.DEFAULT_WIDTH, height=int(fig.layout.height or 600))
    frame = kv.export_frame(table, measure, year, ids, names_of(kreise.kreis_areas()), lang)
    if fmt == "csv":
        return tables.to_excel_csv(frame)
    return tables.to_xlsx(frame, metadata(table, measure, set_id, ids, lang))


def build_parser() -> GermanArgumentParser:
    parser = GermanArgumentParser(prog="python -m indicators export --kind kreise",
                                  description="Bochum im Vergleich: Rangfolge einer Vergleichsgruppe exportieren")
    parser.add_argument("--kind", required=True, help="kreise")
    parser.add_argument("--indicator", required=True, help="Indikator- oder Quoten-ID, z. B. alq_alle")
    parser.add_argument("--year", type=int, help="Jahr (Standard: das neueste mit einem Wert für Bochum)")
    parser.add_argument("--set", default=kreise.SET_RUHR, help="Vergleichsgruppe: ruhr, nrw, staedte oder auswahl")
    parser.add_argument("--kreise", help="zusätzliche Kreise als AGS, durch Kommas getrennt (z. B. 05315,05111)")
    parser.add_argument("--chart", default="ranking", help="Diagramm bei Bildformaten: ranking oder trend")
    parser.add_argument("--format", required=True, help="png, svg, pdf, csv oder xlsx")
    parser.add_argument("--out", required=True, help="Zieldatei")
    parser.add_argument("--lang", default="de", help="de oder en")
    return parser


def _invalid(message: str) -> int:
    print(f"Fehler: {message}", file=sys.stderr)
    return EXIT_INVALID


def resolve_ids(set_id: str, kreise_arg: str | None, areas: pd.DataFrame) -> tuple[list[str], str | None]:
    """The set's area ids plus the Kreise given by AGS, or a German message naming the unknown AGS."""
    picked = [a.strip() for a in (kreise_arg or "").split(",") if a.strip()]
    known = dict(zip(areas.loc[areas["level"] == "kreis", "ags"], areas.loc[areas["level"] == "kreis", "area_id"]))
    unknown = [a for a in picked if a not in known]
    if unknown:
        return [], f"Unbekannte AGS: {', '.join(unknown)}. Fünfstellige Kreisschlüssel angeben, z. B. 05911 (Bochum)."
    extra = [known[a] for a in picked]
    if set_id == kreise.SET_AUSWAHL:
        return kreise.set_members(set_id, extra, areas), None
    ids = kreise.set_members(set_id, None, areas)
    return ids + [a for a in extra if a not in ids], None


def main_kreise(argv: list[str]) -> int:
    """CLI entry for --kind kreise."""
    args = build_parser().parse_args(argv)
    for value, valid, what in ((args.set, CLI_SETS, "Unbekannte Vergleichsgruppe"),
                               (args.format, FORMATS, "Unbekanntes Format"), (args.lang, ("de", "en"), "Unbekannte Sprache"),
                               (args.chart, ("ranking", "trend"), "Unbekanntes Diagramm")):
        if value not in valid:
            return _invalid(f"{what} „{value}“. Gültig: {', '.join(valid)}.")
    areas = kreise.kreis_areas()
    ids, problem = resolve_ids(args.set, args.kreise, areas)
    if problem:
        return _invalid(problem)
    from indicators.store import load_imported_counts

    table = kv.set_indicator_table(ids, load_imported_counts())  # only the set, ranked inside it
    measures = rv.measures(table)
    if args.indicator not in measures:
        return _invalid(f"Unbekannter Indikator „{args.indicator}“. Gültig: {', '.join(measures)}.")
    measure = measures[args.indicator]
    year = args.year if args.year is not None else max(measure.years)
    if year not in measure.years:
        return _invalid(f"Für {year} gibt es keinen amtlichen Wert für Bochum. Jahre mit Werten: "
                        f"{rv.year_span(measure.years)}.")
    out = Path(args.out)
    if out.suffix.lower() != f".{args.format}":
        return _invalid(f"Die Zieldatei muss zum Format passen und auf .{args.format} enden: {out}")
    try:
        data = export_bytes(args.format, table, measures, args.indicator, year, args.set, ids, args.lang, args.chart)
    except Exception as exc:  # the renderer's errors (Chromium missing, timeout) in plain words
        from indicators.export import ChromiumMissing, ExportError

        if isinstance(exc, (ChromiumMissing, ExportError)):
            print(f"Fehler: {exc}", file=sys.stderr)
            return EXIT_FAILED
        raise
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Geschrieben: {out}")
    return EXIT_OK
