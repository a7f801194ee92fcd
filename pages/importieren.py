"""Daten importieren: upload a count table or boundaries, check what was read, store it as a new version."""

import streamlit as st

from indicators import store
from indicators.areas import area_names
from indicators.figures import locator_map_figure
from indicators.load import loaders
from indicators.load.boundaries import partial_map_problem
from indicators.paths import store_dir
from indicators.store import audit, importflow
from indicators.store.importflow import md_escape
from ui import auth, data
from ui.components import chart, source_caption, view
from ui.i18n import t

OPTION_PREFIX = "imp_opt_"      # every choice about one file; cleared when another file is uploaded
TOKEN_KEY = "imp_token"
UPLOAD_COUNTER = "imp_upload_n"  # a new uploader key after an import empties the uploader
RESULT_KEY = "imp_result"        # (st function name, message) shown after the rerun
CONFIRM_KEY = "imp_restore_confirm"
N_COLUMNS = 4
PROBLEM_WIDTHS = ("small", "medium", "large")  # row, column, message

TEXT = {
    "intro": {"de": "Eigene Zähltabellen (CSV, TXT, XLSX, Parquet; auch GENESIS- und BA-Exporte) oder amtliche "
                    "Ortsteilgrenzen (GeoJSON, GeoPackage, ZIP mit Shapefile) hochladen. Gespeichert wird erst "
                    "nach der Bestätigung, als neue Version; frühere Versionen bleiben erhalten.",
              "en": "Upload your own count tables (CSV, TXT, XLSX, Parquet; also GENESIS and BA exports) or "
                    "official district boundaries (GeoJSON, GeoPackage, zipped Shapefile). Nothing is stored "
                    "before you confirm; each import becomes a new version, earlier ones are kept."},
    "upload": {"de": "Datei hochladen", "en": "Upload a file"},
    "upload_help": {"de": "Höchstens 50 MB für Tabellen und 200 MB für Gebietsgrenzen.",
                    "en": "At most 50 MB for tables and 200 MB for boundaries."},
    "kind": {"de": "Erkannt", "en": "Detected"},
    "preview": {"de": "Vorschau", "en": "Preview"},
    "detected": {"de": "Zeichenkodierung: {enc} · Trennzeichen: {sep} · Dezimalzeichen: {dec} · Kopfzeile in "
                       "Zeile {header} · {rows} Datenzeilen{sheet}",
                 "en": "Encoding: {enc} · separator: {sep} · decimal mark: {dec} · header in row {header} · "
                       "{rows} data rows{sheet}"},
    "sheet": {"de": " · Tabellenblatt „{s}“", "en": " · sheet “{s}”"},
    "first_rows": {"de": "Die ersten {n} Zeilen, wie sie gelesen wurden:",
                   "en": "The first {n} rows as read:"},
    "layout": {"de": "Aufbau der Tabelle", "en": "Table layout"},
    "mapping": {"de": "Spalten zuordnen", "en": "Map the columns"},
    "mapping_help": {"de": "Aus den Spaltenüberschriften erkannt; bei Bedarf korrigieren.",
                     "en": "Detected from the column headers; correct if needed."},
    "variable": {"de": "Merkmal der Tabelle (Jahre stehen in den Spalten)",
                 "en": "Variable of the table (years are in the columns)"},
    "variable_placeholder": {"de": "bitte wählen", "en": "please choose"},
    "matching": {"de": "Ortsteile zuordnen", "en": "Match the districts"},
    "matched": {"de": "Zugeordnet: {n} Name(n)", "en": "Matched: {n} name(s)"},
    "unmatched": {"de": "Keinem Ortsteil zugeordnet: {n} Name(n). Bitte den Ortsteil wählen oder die Datei "
                        "korrigieren.",
                  "en": "Matching no district: {n} name(s). Please choose the district or correct the file."},
    "all_matched": {"de": "Alle Namen sind einem Ortsteil zugeordnet.", "en": "Every name matches a district."},
    "assign": {"de": "„{name}“ ist", "en": "“{name}” is"},
    "unassigned": {"de": "– nicht zugeordnet –", "en": "– not assigned –"},
    "candidates": {"de": "Ähnlichste Ortsteile: {c}", "en": "Closest districts: {c}"},
    "totals": {"de": "Übersprungen (Summen und Stadtbezirke werden aus den Ortsteilen berechnet): {names}",
               "en": "Skipped (totals and boroughs are computed from the districts): {names}"},
    "no_area_column": {"de": "Keine Spalte ist als Ortsteil zugeordnet.", "en": "No column is mapped to district."},
    "report": {"de": "Prüfbericht", "en": "Validation report"},
    "n_errors": {"de": "{n} Fehler – der Import ist erst möglich, wenn alle behoben sind.",
                 "en": "{n} error(s) – the import is possible once all are fixed."},
    "n_warnings": {"de": "{n} Hinweis(e) – sie verhindern den Import nicht.",
                   "en": "{n} warning(s) – they do not block the import."},
    "no_problems": {"de": "Keine Fehler und keine Hinweise.", "en": "No errors and no warnings."},
    "boundary_report": {"de": "Gebietsgrenzen", "en": "Boundaries"},
    "map_preview": {"de": "Vorschau der gelesenen Flächen", "en": "Preview of the shapes read"},
    "partial_map": {"de": "Unvollständige Karte übernehmen (die Ortsteile ohne Fläche fehlen dann in der Karte)",
                    "en": "Accept a partial map (the districts without a shape are then left out of the map)"},
    "counts_preview": {"de": "Die ersten gelesenen Werte:", "en": "The first values read:"},
    "source": {"de": "Quelle der Daten", "en": "Source of the data"},
    "title": {"de": "Titel *", "en": "Title *"},
    "publisher": {"de": "Herausgeber", "en": "Publisher"},
    "reference_date": {"de": "Stichtag", "en": "Reference date"},
    "licence": {"de": "Lizenz", "en": "Licence"},
    "import": {"de": "Importieren", "en": "Import"},
    "disabled": {"de": "Der Import ist gesperrt, solange der Prüfbericht Fehler enthält.",
                 "en": "The import is blocked while the report lists errors."},
    "title_required": {"de": "Bitte einen Titel der Quelle angeben (z. B. „Sozialdaten 2024, Stadt Bochum“).",
                       "en": "Please give the source a title (e.g. “Social data 2024, City of Bochum”)."},
    "versions": {"de": "Versionen", "en": "Versions"},
    "active": {"de": "In Gebrauch: {v}.", "en": "In use: {v}."},
    "no_versions": {"de": "Noch nichts importiert; alle Seiten zeigen die Demodaten.",
                    "en": "Nothing imported yet; every page shows the demo data."},
    "restore_to": {"de": "Zurücksetzen auf", "en": "Reset to"},
    "restore": {"de": "Zurücksetzen", "en": "Reset"},
    "restore_confirm": {"de": "Wirklich auf {v} zurücksetzen? Alle Seiten zeigen danach diesen Stand; die "
                              "übrigen Versionen bleiben erhalten.",
                        "en": "Really reset to {v}? Every page then shows that state; the other versions are kept."},
    "restore_yes": {"de": "Ja, zurücksetzen", "en": "Yes, reset"},
    "cancel": {"de": "Abbrechen", "en": "Cancel"},
    "restored": {"de": "Zurückgesetzt: alle Seiten zeigen jetzt {v}.", "en": "Reset: every page now shows {v}."},
    "demo": {"de": "Demodaten (ohne Importe)", "en": "demo data (no imports)"},
    "version": {"de": "Version {v}", "en": "version {v}"},
    "audit": {"de": "Protokoll: die letzten {n} Importe und Rücksetzungen",
              "en": "Log: the last {n} imports and resets"},
    "audit_empty": {"de": "Noch keine Einträge.", "en": "No entries yet."},
    "audit_help": {"de": "Vollständig und mit Prüfung der Kette: python -m indicators audit --verify",
                   "en": "Complete and with a check of the chain: python -m indicators audit --verify"},
}
AUDIT_ROWS = 20
KIND_LABELS = {
    importflow.KIND_TABLE: {"de": "Zähltabelle", "en": "count table"},
    importflow.KIND_BOUNDARIES: {"de": "Gebietsgrenzen", "en": "boundaries"},
    importflow.KIND_GENESIS_FFCSV: {"de": "GENESIS-Flatfile (ffcsv)", "en": "GENESIS flat file (ffcsv)"},
    importflow.KIND_GENESIS_TABLE: {"de": "GENESIS-Tabelle", "en": "GENESIS table"},
    importflow.KIND_BA: {"de": "kleinräumige Daten der Bundesagentur für Arbeit",
                         "en": "small-area data of the Federal Employment Agency"},
    importflow.KIND_UNSUPPORTED: {"de": "nicht unterstützter Dateityp", "en": "unsupported file type"},
}
LAYOUT_LABELS = {
    loaders.LAYOUT_LONG: {"de": "lang (Ortsteil, Jahr, Merkmal, Wert)", "en": "long (district, year, variable, value)"},
    loaders.LAYOUT_WIDE: {"de": "breit (eine Spalte je Merkmal)", "en": "wide (one column per variable)"},
    loaders.LAYOUT_YEARS_ACROSS: {"de": "Jahre in den Spalten (ein Merkmal)",
                                  "en": "years across (one variable)"},
}
SEPARATORS = {";": {"de": "Semikolon (;)", "en": "semicolon (;)"}, ",": {"de": "Komma (,)", "en": "comma (,)"},
              "\t": {"de": "Tabulator", "en": "tab"}}
DECIMALS = {",": {"de": "Komma", "en": "comma"}, ".": {"de": "Punkt", "en": "point"}}


def _version_label(version: str, lang: str) -> str:
    return TEXT["demo"][lang] if version == store.DEMO else TEXT["version"][lang].format(v=version)


def _new_file(token: str) -> None:
    """Forget the choices made for the previous file."""
    if st.session_state.get(TOKEN_KEY) != token:
        for key in [k for k in st.session_state if str(k).startswith(OPTION_PREFIX)]:
            del st.session_state[key]
        st.session_state[TOKEN_KEY] = token


def _on_import(do_import, lang: str, name: str, content: bytes) -> None:
    """The confirming button's callback: store the file, or keep the reasons why not.

    A callback, not ``if st.form_submit_button(...)``: it runs once, before the next script run,
    whichever script that is (a page can be run once directly before the router reruns it, which
    would drop a button's value), and that run already reads the new data version, so every cache
    keyed by ui.data.data_version() refreshes without an extra st.rerun().
    The role is checked here, on the server, again: a viewer's browser that sends this button's
    value (a crafted rerun, or a tab left open after signing out) changes nothing.
    """
    allowed, access, refusal = auth.may_change(audit.ACTION_IMPORT, lang, file=name, content=content)
    if not allowed:
        st.session_state[RESULT_KEY] = ("error", refusal, [])
        return
    title = st.session_state.get(f"{OPTION_PREFIX}title") or ""
    if not title.strip():
        st.session_state[RESULT_KEY] = ("error", TEXT["title_required"][lang], [])
        return
    meta = importflow.source_meta(title, st.session_state.get(f"{OPTION_PREFIX}publisher"),
                                  st.session_state.get(f"{OPTION_PREFIX}reference_date"),
                                  st.session_state.get(f"{OPTION_PREFIX}licence"))
    result = do_import(meta, access.user)
    if result.ok:
        st.session_state[RESULT_KEY] = ("success", result.message, list(result.problems))  # 'siehe Liste'
        st.session_state[UPLOAD_COUNTER] = st.session_state.get(UPLOAD_COUNTER, 0) + 1  # empties the uploader
        st.session_state.pop(TOKEN_KEY, None)
    else:
        st.session_state[RESULT_KEY] = ("error", result.message, [p for p in result.problems if p.is_error])


def _show_result(lang: str, only: str | None = None) -> None:
    """The outcome of the last import or reset, once (``only='success'``: leave errors for the form)."""
    if RESULT_KEY not in st.session_state or only not in (None, st.session_state[RESULT_KEY][0]):
        return
    level, message, problems = st.session_state.pop(RESULT_KEY)
    getattr(st, level)(md_escape(message))
    if problems:
        _problem_table(problems, lang, "imp_failed")


def _problem_table(problems, lang: str, key: str) -> None:
    """Problems as a table whose cells are plain text.

    st.dataframe, not st.table: st.table (1.67) renders markdown in cells, so a name like
    '[x](javascript:…)' from a file became a link there.
    """
    frame = importflow.problem_frame(problems, lang)
    config = {c: st.column_config.TextColumn(c, width=w) for c, w in zip(frame.columns, PROBLEM_WIDTHS)}
    st.dataframe(frame, hide_index=True, width="stretch", key=key, column_config=config)


def _report(problems, lang: str) -> list:
    """The full validation report, errors and warnings apart; returns the errors."""
    st.subheader(TEXT["report"][lang])
    errors, warnings = importflow.split_problems(problems)
    if errors:
        st.error(TEXT["n_errors"][lang].format(n=len(errors)))
        _problem_table(errors, lang, "imp_errors")
    if warnings:
        st.warning(TEXT["n_warnings"][lang].format(n=len(warnings)))
        _problem_table(warnings, lang, "imp_warnings")
    if not problems:
        st.success(TEXT["no_problems"][lang])
    return errors


def _import_form(errors: list, do_import, lang: str, name: str, content: bytes) -> None:
    """The source of the data and the confirming button (disabled while there are errors)."""
    with st.form("imp_source", border=True):
        st.markdown(f"**{TEXT['source'][lang]}**")
        cols = st.columns(2)
        cols[0].text_input(TEXT["title"][lang], key=f"{OPTION_PREFIX}title", max_chars=store.MAX_META_CHARS)
        cols[1].text_input(TEXT["publisher"][lang], key=f"{OPTION_PREFIX}publisher",
                                       max_chars=store.MAX_META_CHARS)
        cols[0].date_input(TEXT["reference_date"][lang], value=None, format="DD.MM.YYYY",
                                            key=f"{OPTION_PREFIX}reference_date")
        cols[1].text_input(TEXT["licence"][lang], key=f"{OPTION_PREFIX}licence",
                                     max_chars=store.MAX_META_CHARS, placeholder="dl-de/by-2-0")
        st.form_submit_button(TEXT["import"][lang], type="primary", disabled=bool(errors), key="imp_submit",
                              on_click=_on_import, args=(do_import, lang, name, content))
    if errors:
        st.caption(TEXT["disabled"][lang])
    _show_result(lang)


def _table_flow(content: bytes, name: str, lang: str) -> None:
    """A count table: preview, layout, column mapping, Ortsteil matching, report, import."""
    preview = data.upload_preview(content, name)
    if not preview.ok:
        _report(preview.problems, lang)
        return
    raw, info = preview.raw, preview.info
    catalog = data.catalog()
    titles = {vid: var.title.get(lang, var.title["de"]) for vid, var in catalog.variables.items()}
    names = area_names()

    st.subheader(TEXT["preview"][lang])
    layout = st.selectbox(TEXT["layout"][lang], list(loaders.LAYOUTS), key=f"{OPTION_PREFIX}layout",
                          index=loaders.LAYOUTS.index(info.layout) if info.layout in loaders.LAYOUTS else 0,
                          format_func=lambda x: LAYOUT_LABELS[x][lang])

    st.markdown(f"**{TEXT['mapping'][lang]}** – {TEXT['mapping_help'][lang]}")
    chosen = {}
    grid = st.columns(N_COLUMNS)
    for i, (column, detected) in enumerate(info.column_map.items()):
        options = importflow.target_options(detected, list(catalog.variables))
        chosen[column] = grid[i % N_COLUMNS].selectbox(
            md_escape(column) or f"{i + 1}", options, index=options.index(detected), key=f"{OPTION_PREFIX}col_{i}",
            format_func=lambda x: importflow.target_label(x, titles, lang))
    column_map = importflow.changed_map(info.column_map, chosen)
    variable = None
    if importflow.needs_variable(layout, column_map):
        variable = st.selectbox(TEXT["variable"][lang], list(catalog.variables), index=None,
                                placeholder=TEXT["variable_placeholder"][lang], key=f"{OPTION_PREFIX}variable",
                                format_func=lambda x: f"{titles[x]} ({x})")

    sheet = TEXT["sheet"][lang].format(s=md_escape(info.sheet)) if info.sheet else ""
    dec = importflow.decimal_mark(raw, column_map, layout)
    st.caption(TEXT["detected"][lang].format(
        enc=info.encoding or "–", sep=SEPARATORS.get(info.separator, {}).get(lang, "–"),
        dec=DECIMALS[dec][lang], header=info.header_row, rows=info.n_rows, sheet=sheet))
    st.caption(TEXT["first_rows"][lang].format(n=min(importflow.PREVIEW_ROWS, len(raw))))
    st.dataframe(raw.head(importflow.PREVIEW_ROWS), hide_index=True, width="stretch", key="imp_preview")

    st.subheader(TEXT["matching"][lang])
    area_col = importflow.area_column(column_map)
    overrides = {}
    if area_col is None:
        st.info(TEXT["no_area_column"][lang])
    else:
        found = importflow.area_names_in(raw, area_col)
        first = importflow.match_areas(found)  # one box per name that needs one, also once it is assigned
        for i, item in enumerate(first.unmatched):
            cols = st.columns([2, 3], vertical_alignment="bottom")
            overrides[item.name] = cols[0].selectbox(
                TEXT["assign"][lang].format(name=md_escape(item.name)), importflow.assignment_options(item),
                key=f"{OPTION_PREFIX}area_{i}", format_func=lambda a: TEXT["unassigned"][lang] if a is None else names[a])
            cols[1].caption(TEXT["candidates"][lang].format(
                c=", ".join(names[c] for c in item.candidate_ids) or "–"))
        matching = importflow.match_areas(found, overrides)
        if matching.unmatched:
            st.warning(TEXT["unmatched"][lang].format(n=len(matching.unmatched)))
        elif matching.matched:
            st.success(TEXT["all_matched"][lang])
        if matching.totals:
            st.caption(TEXT["totals"][lang].format(names=", ".join(md_escape(n) for n in matching.totals)))
        with st.expander(TEXT["matched"][lang].format(n=len(matching.matched))):
            st.dataframe(importflow.matched_frame(matching, lang), hide_index=True, width="stretch",
                         key="imp_matched")

    options = importflow.table_options(column_map, overrides, variable, layout)
    errors = _report(data.upload_problems(content, name, **options), lang)
    _import_form(errors, lambda meta, user: store.import_file(content, name, meta, user=user, **options), lang,
                 name, content)


def _special_flow(content: bytes, name: str, kind: str, lang: str) -> None:
    """A GENESIS or BA export: read by its own reader; the first values, the report, import."""
    counts = data.export_preview(content, name, kind)
    if counts is not None and len(counts):
        st.subheader(TEXT["preview"][lang])
        st.caption(TEXT["counts_preview"][lang])
        st.dataframe(counts, hide_index=True, width="stretch", key="imp_preview")
    errors = _report(data.upload_problems(content, name), lang)
    _import_form(errors, lambda meta, user: store.import_file(content, name, meta, user=user), lang, name, content)


def _boundary_flow(content: bytes, name: str, lang: str) -> None:
    """Boundaries: what the loader found and did, a map of the shapes, the report, import."""
    result, problems = data.boundary_preview(content, name)
    report = result.report if result is not None else None
    partial = False
    if report is not None and report.n_features:
        st.subheader(TEXT["boundary_report"][lang])
        st.markdown("\n".join(f"- {md_escape(line)}" for line in report.lines()))
        if len(result.gdf):
            st.caption(TEXT["map_preview"][lang])
            chart(locator_map_figure(result.gdf, ""), key="imp_map")
        if report.missing_areas and report.matched:  # a file that would replace the map with a part of it
            partial = st.checkbox(TEXT["partial_map"][lang], key=f"{OPTION_PREFIX}partial_map")
    coverage = partial_map_problem(report, name, partial)
    errors = _report(problems + ([coverage] if coverage is not None else []), lang)
    _import_form(errors, lambda meta, user: store.import_boundaries_file(content, name, meta, partial_map=partial,
                                                                         user=user), lang, name, content)


def _ask_restore() -> None:
    """'Zurücksetzen' asks first: remember the chosen version for the confirmation."""
    st.session_state[CONFIRM_KEY] = st.session_state.get("imp_restore_target")


def _on_restore(version: str, lang: str) -> None:
    """The confirmed reset (a callback, for the same reason as _on_import)."""
    st.session_state.pop(CONFIRM_KEY, None)
    allowed, access, refusal = auth.may_change(audit.ACTION_RESTORE, lang, version=version)
    if not allowed:
        st.session_state[RESULT_KEY] = ("error", refusal, [])
        return
    try:
        store.restore(version, user=access.user)
        st.session_state[RESULT_KEY] = ("success", TEXT["restored"][lang].format(v=_version_label(version, lang)), [])
    except store.StoreError as exc:
        st.session_state[RESULT_KEY] = ("error", str(exc), [])


def _versions(lang: str) -> None:
    """The store's versions and the reset to an earlier one or to the demo data, with a confirmation."""
    st.subheader(TEXT["versions"][lang])
    versions = store.list_versions()
    st.caption(TEXT["active"][lang].format(v=_version_label(store.active_version(), lang)))
    if not versions:
        st.caption(TEXT["no_versions"][lang])
        return
    st.dataframe(importflow.versions_frame(versions, lang, creators=audit.creators(store_dir())),
                 hide_index=True, width="stretch", key="imp_versions")
    choices = importflow.restore_choices(versions)
    cols = st.columns([3, 1], vertical_alignment="bottom")
    cols[0].selectbox(TEXT["restore_to"][lang], choices, key="imp_restore_target",
                               format_func=lambda x: _version_label(x, lang))
    cols[1].button(TEXT["restore"][lang], key="imp_restore", width="stretch", on_click=_ask_restore)
    pending = st.session_state.get(CONFIRM_KEY)
    if pending:
        st.warning(TEXT["restore_confirm"][lang].format(v=_version_label(pending, lang)))
        yes, no = st.columns(2)
        yes.button(TEXT["restore_yes"][lang], key="imp_restore_yes", type="primary", on_click=_on_restore,
                   args=(pending, lang))
        no.button(TEXT["cancel"][lang], key="imp_restore_no", on_click=st.session_state.pop, args=(CONFIRM_KEY, None))

def _audit_log(lang: str) -> None:
    """The newest entries of the audit log (editors only: it names people)."""
    st.subheader(TEXT["audit"][lang].format(n=AUDIT_ROWS))
    entries = audit.last(store_dir(), AUDIT_ROWS)
    if not entries:
        st.caption(TEXT["audit_empty"][lang])
        return
    st.dataframe(audit.entries_frame(entries, lang), hide_index=True, width="stretch", key="imp_audit")
    st.caption(TEXT["audit_help"][lang])


v = view()
table = data.indicator_table()

st.title(t("page_import", v.lang))
access = auth.current_access()
if not access.can_edit:  # a direct URL or a hidden-page link: explain, show nothing that changes data
    _show_result(v.lang)  # e.g. the refusal of a crafted rerun
    st.error(access.reason_in(v.lang))
    st.stop()
st.caption(TEXT["intro"][v.lang])
_show_result(v.lang, only="success")

uploaded = st.file_uploader(TEXT["upload"][v.lang], type=list(importflow.UPLOAD_TYPES),
                            key=f"imp_upload_{st.session_state.get(UPLOAD_COUNTER, 0)}",
                            help=TEXT["upload_help"][v.lang])
if uploaded is not None:
    content, name = uploaded.getvalue(), uploaded.name
    _new_file(importflow.upload_token(content, name))
    kind = importflow.detect_kind(content, name)
    st.markdown(f"**{TEXT['kind'][v.lang]}:** {KIND_LABELS[kind][v.lang]} – „{md_escape(name)}“, "
                f"{importflow.size_text(len(content))}")
    if kind == importflow.KIND_TABLE:
        _table_flow(content, name, v.lang)
    elif kind in importflow.SPECIAL_KINDS:
        _special_flow(content, name, kind, v.lang)
    elif kind == importflow.KIND_BOUNDARIES:
        _boundary_flow(content, name, v.lang)
    else:
        _report(importflow.file_problems(content, name, kind), v.lang)

_versions(v.lang)
_show_result(v.lang)
_audit_log(v.lang)
source_caption(table, v.lang)
