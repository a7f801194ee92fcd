"""Small building blocks every page uses: demo banner, source line, charts, downloads."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import plotly.io
import streamlit as st

from indicators.export import tables
from indicators.safe_text import markdown_text
from indicators.views import is_illustrative, source_ids_of  # noqa: F401 - pages take is_illustrative from here
from ui import data
from ui.i18n import t
from ui.memo import Memo

ROUTED_KEY = "_routed"


def view():
    """The shared view the sidebar wrote for this run (reruns through the router if it did not run)."""
    if not st.session_state.get(ROUTED_KEY):
        # Streamlit runs a page script directly, without dashboard.py, while it still believes the
        # app uses the old automatic pages/ folder (the first run of a new server on a deep link,
        # and every AppTest run). Switch that off and rerun the same page through the router.
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()
    return st.session_state["view"]


def demo_banner(frame: pd.DataFrame, lang: str) -> None:
    """A clear banner while any value on the page is illustrative, and the note on values left empty
    rather than mix real and demo counts (store/inuse.py)."""
    from indicators.views import not_mixed_note

    if is_illustrative(frame):
        st.warning(t("demo_banner", lang), icon="⚠️")
    note = not_mixed_note(frame, lang)
    if note:
        st.info(note, icon="ℹ️")


def source_text(source_id: str, lang: str, frame: pd.DataFrame | None = None) -> str:
    """'Title (Publisher), Stichtag 31.12.2024, Lizenz …' for one source (dates of the rows in ``frame``)."""
    from indicators.figures import reference_text

    src = data.all_sources().get(source_id, {})
    title = src.get("title", source_id)
    title = title.get(lang, title.get("de")) if isinstance(title, dict) else str(title)
    parts = [title]
    if src.get("publisher"):
        parts[0] += f" ({src['publisher']})"
    reference = reference_text(src, frame if frame is not None else pd.DataFrame(), lang)
    if reference:
        parts.append(reference)
    if src.get("licence"):
        parts.append(("Lizenz " if lang == "de" else "licence ") + str(src["licence"]))
    return ", ".join(parts)


def source_caption(frame: pd.DataFrame, lang: str) -> None:
    """The sources and reference dates of what a chart or table shows, as plain text (titles may come from
    files and forms: neither HTML nor Markdown images and links may render)."""
    ids = source_ids_of(frame)
    if ids:
        text = " · ".join(markdown_text(source_text(s, lang, frame)) for s in ids)
        st.caption(f"{t('sources', lang)}: {text}")


def chart(fig, key: str, description: str | list[str] | None = None, alternative: bool = True, **kwargs):
    """A plotly chart, offline (no topojson from a CDN) and in the figure's own colours, followed by its
    text alternative (WCAG 1.1.1): generated sentences (``description``) and the chart's data as a table."""
    from indicators.figures import PLOTLY_CONFIG

    event = st.plotly_chart(final_figure(fig), key=key, theme=None, config=PLOTLY_CONFIG, width="stretch", **kwargs)
    if alternative:  # False only where the page gives one shared alternative for several small charts
        chart_alternative(fig, description, st.session_state.get("lang", "de"))
    return event


class _FinalFigure(go.Figure):
    """A figure that is complete when it reaches chart(). The figures from ui/data's caches are shared,
    unchanged, by every session, yet every rerun needs their dict (st.plotly_chart deep-copies every
    trace) and their data table (the text alternative): both are made once per figure."""

    def to_dict(self):
        made = self.__dict__.get("_final_dict")  # __dict__ directly: plotly's __setattr__ checks property names
        if made is None:
            # as plain JSON values (lists, not numpy arrays): st.plotly_chart serialises the dict on every
            # rerun, and orjson does that ~4x faster than the json module, for plain values only (with
            # numpy object arrays it falls back to a slow cleaning pass: hence the json engine here, once)
            plain = json.loads(plotly.io.to_json(super().to_dict(), validate=False, engine="json"))
            made = self.__dict__["_final_dict"] = plain
        return made

    def data_table(self, lang: str) -> pd.DataFrame:
        """ui.alt_text.figure_table in ``lang``, made once (do not modify)."""
        from ui.alt_text import figure_table

        tables = self.__dict__.setdefault("_final_tables", {})
        if lang not in tables:
            tables[lang] = figure_table(self, lang)
        return tables[lang]

    def title_text(self) -> str:
        """ui.alt_text.figure_title, made once (plotly's property access costs about 0.2 ms)."""
        from ui.alt_text import figure_title

        made = self.__dict__.get("_final_title")
        if made is None:
            made = self.__dict__["_final_title"] = figure_title(self)
        return made

    def arrow_table(self, lang: str):
        """data_table(lang) indexed by its first column, as st.table would convert it (Streamlit's own
        pandas -> Arrow step, made once: the conversion cost about 2 ms per table and rerun)."""
        from streamlit.dataframe_util import convert_pandas_df_to_arrow_table

        made = self.__dict__.setdefault("_final_arrow", {})
        if lang not in made:
            table = self.data_table(lang)
            made[lang] = convert_pandas_df_to_arrow_table(table.set_index(table.columns[0]))
        return made[lang]


def final_figure(fig):
    """Mark a finished figure (in place, no copy) so that its dict is made once; it must not change afterwards."""
    if type(fig) is go.Figure:
        fig.__class__ = _FinalFigure
    return fig


def chart_alternative(fig, description: str | list[str] | None, lang: str) -> None:
    """An expander right after a chart: its title, the sentences about it and a real HTML table of its data.

    A screen reader cannot read plotly's SVG; the expander is a native <details> element reached by
    Tab, and st.table renders a <table> with header cells (st.dataframe draws on a canvas).
    """
    from ui.alt_text import TEXT, figure_table, figure_title

    fig = final_figure(fig)
    table = fig.data_table(lang) if isinstance(fig, _FinalFigure) else figure_table(fig, lang)
    # untitled charts (sparklines) are named by their series, so the expanders of a page differ
    title = (fig.title_text() if isinstance(fig, _FinalFigure) else figure_title(fig)) or ", ".join(
        str(c) for c in table.columns[1:])
    sentences = [description] if isinstance(description, str) else [s for s in (description or []) if s]
    with st.expander(TEXT["summary"][lang] + (f": {title}" if title else "")):
        if sentences:  # one element, one paragraph per sentence: every element costs its own message per rerun
            st.markdown("\n\n".join(markdown_text(sentence) for sentence in sentences))
        if table.empty:
            if not sentences:
                st.markdown(TEXT["empty"][lang])
        elif isinstance(fig, _FinalFigure):
            # the index (first column) stays the row headers, as st.table shows a DataFrame's named index
            st.table(fig.arrow_table(lang), hide_index=False)
        else:
            st.table(table.set_index(table.columns[0]))


def _frame_and_arrow(frame: pd.DataFrame):
    from streamlit.dataframe_util import convert_pandas_df_to_arrow_table

    return frame, convert_pandas_df_to_arrow_table(frame)  # Streamlit's own step, as st.dataframe takes it


# keyed by the frame's identity: an entry holds the frame itself, so while it lives no other frame can
# have that id
_ARROW = Memo(_frame_and_arrow, 256, key=lambda args: id(args[0]))


def shared_arrow(frame: pd.DataFrame):
    """A frame from ui/data's caches (shared, never modified) as an Arrow table, converted once per frame:
    st.dataframe converts a DataFrame again on every rerun (2–5 ms for a page's table)."""
    return _ARROW(frame)[1]


def shared_dataframe(frame: pd.DataFrame, **kwargs) -> None:
    """st.dataframe (full width, no index) of a frame from ui/data's caches, sent as its Arrow table."""
    st.dataframe(shared_arrow(frame), hide_index=True, width="stretch", **kwargs)


def table_downloads(frame, basename: str, lang: str, metadata=None, key: str = "dl") -> None:
    """Download buttons: CSV for German Excel, XLSX (with a metadata sheet), Parquet.

    ``frame`` and ``metadata`` may be DataFrames or functions returning one; the files are made only
    when a button is clicked (deferred data), so a rerun stays fast.
    """
    make = frame if callable(frame) else (lambda: frame)
    make_metadata = metadata if callable(metadata) else (lambda: metadata)
    cols = st.columns(3)
    cols[0].download_button(t("download_csv", lang), lambda: tables.to_excel_csv(make()), f"{basename}.csv",
                            "text/csv", key=f"{key}_csv", on_click="ignore")
    cols[1].download_button(t("download_xlsx", lang), lambda: tables.to_xlsx(make(), make_metadata()), f"{basename}.xlsx",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            key=f"{key}_xlsx", on_click="ignore")
    cols[2].download_button(t("download_parquet", lang), lambda: tables.to_parquet(make()), f"{basename}.parquet",
                            "application/octet-stream", key=f"{key}_parquet", on_click="ignore")


def metadata_for(rows: pd.DataFrame, indicator_ids, lang: str) -> pd.DataFrame:
    """The second sheet of a download: definitions of the indicators and the sources behind the rows."""
    return tables.metadata_frame(list(indicator_ids), data.catalog(), data.all_sources(), source_ids_of(rows), lang)


def indicator_downloads(rows: pd.DataFrame, indicator_ids, basename: str, lang: str, key: str) -> None:
    """Downloads of indicator-table rows: numbers stay numbers, with definitions and sources."""
    from indicators.views import people_table

    table_downloads(lambda: people_table(rows, lang), basename, lang,
                    lambda: metadata_for(rows, indicator_ids, lang), key=key)


EXPORT_TEXT = {
    "menu": {"de": "⬇️ Exportieren", "en": "⬇️ Export"},
    "image": {"de": "Diagramm als {fmt}", "en": "Chart as {fmt}"},
    "bundle": {"de": "Paket (Bilder, Daten, Quellen) als ZIP", "en": "Bundle (images, data, sources) as ZIP"},
    "help": {"de": "Bilder enthalten Titel, Definition, Legende, Quelle mit Stichtag und Hinweise; "
                   "PNG in doppelter Auflösung für den Druck.",
             "en": "Images carry title, definition, legend, source with reference date and notes; "
                   "PNG at double resolution for print."},
}


def export_available(lang: str) -> bool:
    """True when Chromium is there for image exports; otherwise say in plain words how to install it."""
    from indicators import export

    if export.chromium_available():
        return True
    st.info(str(export.ChromiumMissing()), icon="ℹ️")
    return False


def export_menu(kind: str, indicator_id: str, year: int | None, ortsteile, lang: str, key: str,
                map_options: dict | None = None) -> None:
    """PNG/SVG/PDF of a chart exactly as built for the page, plus a ZIP bundle; made only on click."""
    from indicators import export

    # an expander, not a popover: its buttons follow it in the tab order, so the keyboard reaches them
    with st.expander(EXPORT_TEXT["menu"][lang]):
        st.caption(EXPORT_TEXT["help"][lang])
        if not export_available(lang):
            return
        table = data.indicator_table()
        geo = data.geometry((map_options or {}).get("level", "ortsteil")) if kind == "map" else None
        options = map_options
        for fmt in ("png", "svg", "pdf"):
            st.download_button(
                EXPORT_TEXT["image"][lang].format(fmt=fmt.upper()),
                lambda fmt=fmt: export.export_chart(kind, table, indicator_id, year, list(ortsteile), fmt,
                                                    lang, geo, options),
                export.chart_filename(kind, indicator_id, year, fmt), export.MEDIA_TYPES[fmt],
                key=f"{key}_{fmt}", on_click="ignore")
        st.download_button(
            EXPORT_TEXT["bundle"][lang],
            lambda: export.chart_bundle(table, indicator_id, year, list(ortsteile), lang=lang, geo=geo,
                                        map_options=options),
            f"quartiersmonitor_{indicator_id}_{year or 'alle_jahre'}.zip", export.MEDIA_TYPES["zip"],
            key=f"{key}_zip", on_click="ignore")


def figure_export_menu(fig, basename: str, lang: str, key: str) -> None:
    """The export menu for a figure built on the page itself (PNG/SVG/PDF, made only on click)."""
    from indicators import export

    # an expander, not a popover: its buttons follow it in the tab order, so the keyboard reaches them
    with st.expander(EXPORT_TEXT["menu"][lang]):
        st.caption(EXPORT_TEXT["help"][lang])
        if not export_available(lang):
            return
        for fmt in ("png", "svg", "pdf"):
            st.download_button(EXPORT_TEXT["image"][lang].format(fmt=fmt.upper()),
                               lambda fmt=fmt: export.render(fig, fmt, lang=lang), f"{basename}.{fmt}",
                               export.MEDIA_TYPES[fmt], key=f"{key}_{fmt}", on_click="ignore")
