"""Table exports: CSV that German Excel opens correctly, XLSX with a metadata sheet, Parquet."""

from __future__ import annotations

import io

import pandas as pd

from indicators.safe_text import neutralise_frame

CSV_ENCODING = "utf-8-sig"  # the BOM makes Excel read UTF-8 (umlauts) correctly
DATA_SHEET = "Daten"
META_SHEET = "Definitionen und Quellen"


def to_excel_csv(frame: pd.DataFrame) -> bytes:
    """';'-separated, decimal comma, UTF-8 with BOM: what German Excel opens without a wizard.

    CRLF line ends make the writer quote a cell holding a bare CR, which Excel would otherwise
    take as a row break (and the rest of the cell as a new, unguarded one).
    """
    return neutralise_frame(frame).to_csv(sep=";", decimal=",", index=False,
                                          lineterminator="\r\n").encode(CSV_ENCODING)


def to_xlsx(frame: pd.DataFrame, metadata: pd.DataFrame | None = None) -> bytes:
    """An XLSX with the data and a second sheet holding definitions, sources and reference dates.

    Text cells are neutralised and stored as strings: openpyxl would store '=…' as a live formula.
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_frame(frame).to_excel(writer, sheet_name=DATA_SHEET, index=False)
        if metadata is not None:
            neutralise_frame(metadata).to_excel(writer, sheet_name=META_SHEET, index=False)
        for sheet in writer.sheets.values():
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
            for column in sheet.columns:
                width = max(len(str(c.value or "")) for c in column[:200])
                sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    return buffer.getvalue()


def to_parquet(frame: pd.DataFrame) -> bytes:
    """The table as Parquet bytes."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def metadata_frame(indicator_ids, catalog, sources: dict, source_ids, lang: str = "de") -> pd.DataFrame:
    """One row per indicator and per source: definitions, formula, unit, caveats; titles, licences, dates."""
    rows = []
    for iid in indicator_ids:
        ind = catalog.indicators[iid]
        formula = ind.numerator if not ind.is_rate else f"{ind.numerator} / {ind.denominator} × {ind.scale:g}"
        rows.append({"Art": "Indikator", "ID": iid, "Titel": ind.label(lang),
                     "Definition": ind.definition.get(lang, ""), "Formel": formula,
                     "Einheit": "%" if ind.unit == "percent" else "Anzahl",
                     "Hinweise": ind.caveats.get(lang, ""), "Lizenz": "", "Stichtag": ""})
    for sid in source_ids:
        src = sources.get(sid, {})
        title = src.get("title", sid)
        rows.append({"Art": "Quelle", "ID": sid,
                     "Titel": title.get(lang, title.get("de")) if isinstance(title, dict) else title,
                     "Definition": src.get("publisher", ""), "Formel": src.get("url") or "",
                     "Einheit": src.get("kind", ""), "Hinweise": "",
                     "Lizenz": src.get("licence", ""), "Stichtag": src.get("reference_date", "")})
    return pd.DataFrame(rows)
