"""Exports of „Bochum im Vergleich“: charts (PNG/SVG/PDF) and tables (CSV/XLSX) of a comparison set.

``python -m indicators export --kind kreise --indicator ID --year Y --set ruhr|nrw|staedte
[--kreise AGS,AGS,…] --format png|svg|pdf|csv|xlsx --out FILE`` (``export.main_export`` hands
``--kind kreise`` over to ``main_kreise``). Every file names the source and the Stand of each file.
"""

from __future__ import annotations

import pandas as pd

from indicators import figures
from indicators.export import tables
from indicators.figures import kreise as kf
from indicators.load import kreise
from indicators.views import kreise as kv
from indicators.views import ruhr as rv

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
        return export.render(fig, fmt, width=export.DEFAULT_WIDTH, height=int(fig.layout.height or 600),
                             lang=lang)
    frame = kv.export_frame(table, measure, year, ids, names_of(kreise.kreis_areas()), lang)
    if fmt == "csv":
        return tables.to_excel_csv(frame)
    return tables.to_xlsx(frame, metadata(table, measure, set_id, ids, lang))
