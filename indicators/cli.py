"""Command line: python -m indicators build | index | validate | import | areas | versions | restore | audit | fetch | export | report | deck.

Every argparse parser and every main_* lives here, so the stages below never import the command
line. The stages are imported inside the commands: `python -m indicators areas` should not pay for
plotly, kaleido, fpdf and python-pptx.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import re
import sys
from pathlib import Path

from indicators.formats import fmt_number
from indicators.safe_text import terminal_text

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_NETWORK = 0, 1, 2, 3
LANGS = ("de", "en")


# argparse's own English messages, as German (pattern -> replacement)
ARGPARSE_GERMAN = [
    (r"the following arguments are required: (.+)", r"Diese Angaben fehlen: \1"),
    (r"unrecognized arguments: (.+)", r"Unbekannte Angaben: \1"),
    (r"argument (\S+): invalid choice: (.+) \(choose from (.+)\)", r"Angabe \1: ungültige Auswahl \2 (möglich: \3)"),
    (r"argument (\S+): invalid (\w+) value: (.+)", r"Angabe \1: ungültiger Wert \3"),
    (r"argument (\S+): expected one argument", r"Angabe \1: erwartet einen Wert"),
    (r"one of the arguments (.+) is required", r"Eine dieser Angaben ist nötig: \1"),
    (r"argument (\S+): not allowed with argument (\S+)", r"Angabe \1 geht nicht zusammen mit \2"),
    (r"argument (\S+): (.+)", r"Angabe \1: \2"),   # our own type checks, already German
]


def german_argparse_message(message: str) -> str:
    """argparse's English error text in German (unknown texts pass through)."""
    for pattern, replacement in ARGPARSE_GERMAN:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class GermanArgumentParser(argparse.ArgumentParser):
    """argparse with German error messages and exit code 2."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"Fehler: {german_argparse_message(message)}\n"
                                f"Hilfe: {self.prog} --help\n")


def cmd_build(args) -> int:
    """Run the pipeline and write the indicator table as Parquet."""
    from indicators.build.pipeline import build

    table = build()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(out, index=False)
    demo_share = table["is_demo"].mean() * 100
    print(f"Indikatortabelle geschrieben: {out}")
    print(f"  {fmt_number(len(table))} Zeilen · {table['area_id'].nunique()} Gebiete · "
          f"{table['indicator_id'].nunique()} Indikatoren · Jahre {table['year'].min()}–{table['year'].max()}")
    print(f"  fehlende Werte: {fmt_number(int(table['value'].isna().sum()))} · "
          f"Demodaten-Anteil: {fmt_number(demo_share, 1)} %")
    return EXIT_OK


def cmd_index(args) -> int:
    """Compute the Sozialindex (Methode MSS Berlin) of one year and write it as CSV or Parquet."""
    from indicators.build.pipeline import build
    from indicators.build.sozialindex import IndexNotComputable, index_for_year, index_years

    table = build()
    years = index_years(table)
    if args.year not in years:
        print(f"Fehler: Für {args.year} gibt es keinen Index (Daten für {args.year} und {args.year - 2} nötig; "
              f"möglich: {years[0]}–{years[-1]}).", file=sys.stderr)
        return EXIT_INVALID
    try:
        index = index_for_year(table, args.year)
    except IndexNotComputable as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return EXIT_INVALID
    out = Path(args.out or f"build/sozialindex_{args.year}.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".parquet":
        index.to_parquet(out, index=False)
    else:
        index.to_csv(out, index=False, encoding="utf-8")
    groups = index.loc[index["excluded"] == "", "gesamt"].value_counts()
    print(f"Sozialindex {args.year} (Methode MSS Berlin) geschrieben: {out}")
    print(f"  {fmt_number(len(index))} Ortsteile · nicht berechnet: {fmt_number(int((index['excluded'] != '').sum()))} · "
          "Gruppen: " + ", ".join(f"{g} {fmt_number(int(n))}" for g, n in sorted(groups.items())))
    return EXIT_OK


def reference_date(text: str) -> str:
    """--reference-date: a real calendar date JJJJ-MM-TT, not after today."""
    try:
        day = datetime.date.fromisoformat(text.strip()) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) else None
    except ValueError:
        day = None
    if day is None:
        raise argparse.ArgumentTypeError(f"„{terminal_text(text)}“ ist kein Datum der Form JJJJ-MM-TT "
                                         "(z. B. 2024-12-31)")
    if day > datetime.date.today():
        raise argparse.ArgumentTypeError(f"Der Stichtag {day.isoformat()} liegt in der Zukunft")
    return day.isoformat()


def version_name(text: str) -> str:
    """restore's argument: a version number (e.g. 3 or 0003) or 'demo'."""
    if text.strip() == "demo" or re.fullmatch(r"[0-9]{1,9}", text.strip()):
        return text.strip()
    raise argparse.ArgumentTypeError(f"„{terminal_text(text)}“ ist keine Versionsnummer; erlaubt sind Ziffern "
                                     "(z. B. 3 oder 0003) oder „demo“ (siehe „python -m indicators versions“)")


PARTIAL_MAP_HELP = ("Gebietsgrenzen: eine Datei ohne Fläche für jeden der 30 Ortsteile übernehmen (die fehlenden "
                    "Ortsteile fehlen dann in der Karte)")


def _print_problems(problems) -> None:
    for problem in problems:
        print(terminal_text(problem))


def cmd_validate(args) -> int:
    """Check a count table or boundary file and print every problem."""
    from indicators.store import validate_file

    path = Path(args.file)
    if not path.is_file():
        print(f"Datei nicht gefunden: {path}", file=sys.stderr)
        return EXIT_INVALID
    problems = validate_file(path, path.name, partial_map=args.partial_map)
    _print_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        print(f"{path.name}: {len(errors)} Fehler gefunden – Datei ist nicht gültig.")
        return EXIT_INVALID
    print(f"{path.name}: gültig" + (f" ({len(problems)} Hinweise)" if problems else "."))
    return EXIT_OK


def cmd_import(args) -> int:
    """Validate a file and add it to the user's data store as a new version."""
    from indicators.store import import_file

    path = Path(args.file)
    if not path.is_file():
        print(f"Datei nicht gefunden: {path}", file=sys.stderr)
        return EXIT_INVALID
    meta = {k: v for k, v in {"title": args.title, "publisher": args.publisher,
                              "reference_date": args.reference_date, "licence": args.licence}.items() if v}
    result = import_file(path, path.name, meta or None, partial_map=args.partial_map)
    _print_problems(result.problems)
    print(terminal_text(result.message))
    return EXIT_OK if result.ok else EXIT_INVALID


def cmd_areas(args) -> int:
    """List the areas with ids, names and levels."""
    from indicators.areas import load_areas

    areas = load_areas()
    print(f"{'area_id':28} {'Name':28} {'Ebene':12} {'übergeordnet':16} Fokus")
    for row in areas.itertuples():
        print(f"{row.area_id:28} {row.name:28} {row.level:12} {row.parent_id:16} {'ja' if row.is_focus else ''}")
    return EXIT_OK


def cmd_versions(args) -> int:
    """List the versions of the user's data store."""
    from indicators.store import list_versions

    versions = list_versions()
    if not versions:
        print("Noch keine Importe – es werden die gebündelten Demodaten verwendet.")
    for v in versions:
        print(terminal_text(f"{'*' if v['active'] else ' '} {v['version']}  {v['created']}  {v['file']}  "
                            f"{v.get('description', '')}"))
    return EXIT_OK


def cmd_restore(args) -> int:
    """Make an earlier version (or 'demo') the active one."""
    from indicators.store import restore

    try:
        restore(args.version)
    except (KeyError, ValueError) as exc:
        print(terminal_text(f"Fehler: {exc}"), file=sys.stderr)
        return EXIT_INVALID
    print(f"Aktive Version: {args.version}")
    return EXIT_OK


def cmd_audit(args) -> int:
    """Print the audit log of the data store; with --verify, check its hash chain (exit 2 if broken)."""
    from indicators.paths import store_dir
    from indicators.store import audit

    store = store_dir()
    if args.verify:
        check = audit.verify(store)
        print(check.message, file=sys.stdout if check.ok else sys.stderr)
        return EXIT_OK if check.ok else EXIT_INVALID
    entries = audit.read(store)
    if not entries:
        print("Das Audit-Protokoll ist leer (noch keine Importe).")
    for entry in entries:
        print(audit.describe(entry))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = GermanArgumentParser(prog="python -m indicators",
                                  description="Quartiersmonitor Bochum – Indikator-Pipeline")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=GermanArgumentParser)
    p = sub.add_parser("build", help="Indikatortabelle berechnen und als Parquet schreiben")
    p.add_argument("--out", default="build/indikatoren.parquet", help="Zieldatei (Parquet)")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("index", help="Sozialindex (Methode MSS Berlin) eines Jahres schreiben (CSV oder Parquet)")
    p.add_argument("--year", type=int, required=True, help="Berichtsjahr t0")
    p.add_argument("--out", help="Zieldatei (.csv oder .parquet; Standard build/sozialindex_JAHR.csv)")
    p.set_defaults(func=cmd_index)
    p = sub.add_parser("validate", help="Zähltabelle oder Grenzdatei prüfen (Exit 0 gültig, 2 ungültig)")
    p.add_argument("file")
    p.add_argument("--partial-map", action="store_true", help=PARTIAL_MAP_HELP)
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("import", help="Datei prüfen und in den Datenspeicher übernehmen")
    p.add_argument("file")
    p.add_argument("--title", help="Titel der Quelle")
    p.add_argument("--publisher", help="Herausgeber")
    p.add_argument("--reference-date", type=reference_date, help="Stichtag (JJJJ-MM-TT)")
    p.add_argument("--licence", help="Lizenz")
    p.add_argument("--partial-map", action="store_true", help=PARTIAL_MAP_HELP)
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("areas", help="Gebiete mit IDs, Namen und Ebenen auflisten")
    p.set_defaults(func=cmd_areas)
    p = sub.add_parser("versions", help="Versionen des Datenspeichers auflisten")
    p.set_defaults(func=cmd_versions)
    p = sub.add_parser("restore", help="Frühere Version (oder 'demo') wiederherstellen")
    p.add_argument("version", type=version_name)
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("audit", help="Audit-Protokoll (wer hat was importiert oder zurückgesetzt) anzeigen")
    p.add_argument("--verify", action="store_true",
                   help="Prüfkette kontrollieren (Exit 0 unversehrt, 2 beschädigt)")
    p.set_defaults(func=cmd_audit)
    return parser


# --- shared checks of the exporting commands ---


def _invalid(message: str) -> int:
    print(f"Fehler: {message}", file=sys.stderr)
    return EXIT_INVALID


def _lang_problem(lang: str) -> str | None:
    return None if lang in LANGS else f"Unbekannte Sprache „{lang}“. Gültig: {', '.join(LANGS)}."


def _match_ortsteile(names: list[str]) -> tuple[list[str] | None, dict[str, list[str]], list[str]]:
    """Area ids for Ortsteil names, else None with {unmatched name: close names} and the valid names."""
    from indicators.areas import match_names, ortsteile

    match = match_names(names)
    if match.ok:
        return [match.matched[n] for n in names], {}, []
    return None, match.unmatched, ortsteile()["name"].tolist()


# --- export ---


def build_export_parser() -> argparse.ArgumentParser:
    parser = GermanArgumentParser(prog="python -m indicators export",
                                  description="Diagramm als Bild (PNG, SVG, PDF) oder Tabelle (CSV, XLSX) exportieren")
    parser.add_argument("--kind", required=True, help="Art: map, trend, ranking, kreise oder table (die Tabelle der Seite Daten)")
    parser.add_argument("--indicator", action="append",
                        help="Indikator-ID, z. B. kinderarmut (für table mehrfach möglich; Standard: alle)")
    parser.add_argument("--year", type=int, action="append",
                        help="Jahr (Standard: das neueste; für table mehrfach möglich, Standard: alle)")
    parser.add_argument("--ortsteile", help="Ortsteile, durch Kommas getrennt (Standard: die vier Fokusquartiere)")
    parser.add_argument("--format", required=True, help="Dateiformat: png, svg oder pdf")
    parser.add_argument("--out", required=True, help="Zieldatei")
    parser.add_argument("--lang", default="de", help="Sprache: de oder en (Standard: de)")
    return parser


def _export_areas(text: str | None) -> tuple[list[str] | None, str | None]:
    """Area ids for 'Hamme, Querenburg' or a German error message listing what is valid."""
    if not text:
        return None, None
    names = [n.strip() for n in text.split(",") if n.strip()]
    area_ids, unmatched, valid = _match_ortsteile(names)
    if area_ids is not None:
        return area_ids, None
    problems = [f"„{name}“" + (f" (meinten Sie: {', '.join(close)}?)" if close else "")
                for name, close in unmatched.items()]
    return None, f"Unbekannte Ortsteile: {'; '.join(problems)}. Gültige Namen: {', '.join(valid)}."


def build_kreise_export_parser() -> GermanArgumentParser:
    from indicators.load import kreise

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


def resolve_kreise_ids(set_id: str, kreise_arg: str | None, areas) -> tuple[list[str], str | None]:
    """The set's area ids plus the Kreise given by AGS, or a German message naming the unknown AGS."""
    from indicators.load import kreise

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


def main_export_kreise(argv: list[str]) -> int:
    """export --kind kreise: a comparison set's ranking or trend (image) or table (CSV/XLSX)."""
    from indicators.export import ChromiumMissing, ExportError
    from indicators.export.kreise import CLI_SETS, FORMATS, export_bytes
    from indicators.load import kreise
    from indicators.views import kreise as kv
    from indicators.views import ruhr as rv

    args = build_kreise_export_parser().parse_args(argv)
    for value, valid, what in ((args.set, CLI_SETS, "Unbekannte Vergleichsgruppe"),
                               (args.format, FORMATS, "Unbekanntes Format"), (args.lang, ("de", "en"), "Unbekannte Sprache"),
                               (args.chart, ("ranking", "trend"), "Unbekanntes Diagramm")):
        if value not in valid:
            return _invalid(f"{what} „{value}“. Gültig: {', '.join(valid)}.")
    areas = kreise.kreis_areas()
    ids, problem = resolve_kreise_ids(args.set, args.kreise, areas)
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
    except (ChromiumMissing, ExportError) as exc:  # the renderer's errors (Chromium missing, timeout) in plain words
        return _failed(exc)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Geschrieben: {out}")
    return EXIT_OK


def main_export(argv: list[str] | None = None) -> int:
    """CLI: export --kind map|trend|ranking --indicator ID [--year YEAR] [--ortsteile …] --format … --out FILE."""
    from indicators.build.pipeline import build
    from indicators.catalog import load_catalog
    from indicators.export import FORMATS, KINDS, ChromiumMissing, ExportError, export_chart, years_of

    argv = sys.argv[1:] if argv is None else argv
    if "--kind=kreise" in argv or any(a == "--kind" and b == "kreise" for a, b in zip(argv, argv[1:])):
        return main_export_kreise(argv)
    args = build_export_parser().parse_args(argv)
    catalog = load_catalog()
    if args.kind == TABLE_KIND:
        return _export_table(args, catalog)
    if not args.indicator or len(args.indicator) > 1 or len(args.year or []) > 1:
        build_export_parser().error("Ein Diagramm zeigt genau einen Indikator (--indicator ID) und höchstens "
                                    "ein Jahr (--year).")
    args.indicator, args.year = args.indicator[0], (args.year or [None])[0]
    for value, valid, what in ((args.kind, KINDS, "Unbekannte Diagrammart"), (args.format, FORMATS, "Unbekanntes Format"),
                               (args.lang, LANGS, "Unbekannte Sprache")):
        if value not in valid:
            return _invalid(f"{what} „{value}“. Gültig: {', '.join(valid)}.")
    if args.indicator not in catalog.indicators:
        return _invalid(f"Unbekannter Indikator „{args.indicator}“. Gültige Indikatoren: "
                        f"{', '.join(catalog.indicators)}.")
    area_ids, problem = _export_areas(args.ortsteile)
    if problem:
        return _invalid(problem)
    table = build()
    years = years_of(table, args.indicator)
    if args.year is not None and args.year not in years:
        return _invalid(f"Für {args.year} gibt es keine Daten. Gültige Jahre: {years[0]}–{years[-1]}.")
    out = Path(args.out)
    if out.suffix.lower() != f".{args.format}":
        return _invalid(f"Die Zieldatei muss zum Format passen und auf .{args.format} enden: {out}")
    try:
        data = export_chart(args.kind, table, args.indicator, args.year, area_ids, args.format, args.lang)
    except (ChromiumMissing, ExportError) as exc:
        return _failed(exc)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Diagramm geschrieben: {out}")
    return EXIT_OK


TABLE_KIND = "table"
TABLE_FORMATS = ("csv", "xlsx")


def _export_table(args, catalog) -> int:
    """export --kind table: the Daten page's download (same columns, same files) for chosen indicators and years."""
    from indicators.build.pipeline import build
    from indicators.export.tables import metadata_frame, to_excel_csv, to_xlsx
    from indicators.store import all_sources
    from indicators.views import download_table, source_ids_of

    if args.format not in TABLE_FORMATS:
        return _invalid(f"Unbekanntes Format „{args.format}“ für Tabellen. Gültig: {', '.join(TABLE_FORMATS)}.")
    if args.lang not in LANGS:
        return _invalid(f"Unbekannte Sprache „{args.lang}“. Gültig: {', '.join(LANGS)}.")
    unknown = [i for i in args.indicator or [] if i not in catalog.indicators]
    if unknown:
        return _invalid(f"Unbekannter Indikator „{unknown[0]}“. Gültige Indikatoren: {', '.join(catalog.indicators)}.")
    out = Path(args.out)
    if out.suffix.lower() != f".{args.format}":
        return _invalid(f"Die Zieldatei muss zum Format passen und auf .{args.format} enden: {out}")
    table = build()
    chosen = args.indicator or list(catalog.indicators)
    years = sorted(table["year"].unique().tolist())
    missing = [y for y in args.year or [] if y not in years]
    if missing:
        return _invalid(f"Für {missing[0]} gibt es keine Daten. Gültige Jahre: {years[0]}–{years[-1]}.")
    rows = table[table["indicator_id"].isin(chosen) & table["year"].isin(args.year or years)]
    frame = download_table(rows, args.lang)
    if args.format == "csv":
        data = to_excel_csv(frame)
    else:
        data = to_xlsx(frame, metadata_frame(chosen, catalog, all_sources(), source_ids_of(rows), args.lang))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Tabelle geschrieben: {out} ({fmt_number(len(frame))} Zeilen)")
    return EXIT_OK


def _failed(exc: Exception) -> int:
    print(f"Fehler: {exc}", file=sys.stderr)
    return EXIT_FAILED


# --- report ---


def build_report_parser() -> argparse.ArgumentParser:
    parser = GermanArgumentParser(prog="python -m indicators report",
                                  description="Steckbrief eines Ortsteils als PDF (A4, höchstens zwei Seiten)")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--ortsteil", help="Name des Ortsteils, z. B. Hamme oder „Wattenscheid-Mitte“")
    group.add_argument("--all", action="store_true", help="Steckbriefe aller 30 Ortsteile schreiben")
    parser.add_argument("--out", required=True, help="Zieldatei (.pdf) oder bei --all ein Ordner")
    parser.add_argument("--year", type=int, help="Datenjahr (Standard: das neueste)")
    parser.add_argument("--lang", default="de", help="Sprache: de oder en (Standard: de)")
    return parser


def main_report(argv: list[str] | None = None) -> int:
    """CLI: report --ortsteil NAME --out FILE.pdf | report --all --out DIR."""
    from indicators.areas import ortsteile
    from indicators.build.pipeline import build, geometry
    from indicators.export import ChromiumMissing, ExportError
    from indicators.export.report import report_pdf

    args = build_report_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if problem := _lang_problem(args.lang):
        return _invalid(problem)
    if args.ortsteil is not None:
        area_ids, unmatched, valid_names = _match_ortsteile([args.ortsteil])
        if area_ids is None:
            close = unmatched[args.ortsteil]
            hint = f" Meinten Sie: {', '.join(close)}?" if close else ""
            return _invalid(f"Unbekannter Ortsteil „{args.ortsteil}“.{hint} "
                            f"Gültige Namen: {', '.join(valid_names)}.")
    else:
        area_ids = ortsteile()["area_id"].tolist()
    table = build()
    years = sorted(int(y) for y in table["year"].unique())
    year = years[-1] if args.year is None else args.year
    if year not in years:
        return _invalid(f"Für {year} gibt es keine Daten. Gültige Jahre: {years[0]}–{years[-1]}.")
    out = Path(args.out)
    if args.all and out.suffix.lower() == ".pdf":
        return _invalid("Bei --all muss --out ein Ordner sein, keine PDF-Datei.")
    if not args.all and out.suffix.lower() != ".pdf":
        return _invalid(f"Die Zieldatei muss auf .pdf enden: {out}")
    geo = geometry("ortsteil")
    try:
        for area_id in area_ids:
            target = out / f"{area_id}.pdf" if args.all else out
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(report_pdf(table, area_id, year, args.lang, geo))
            print(f"Steckbrief geschrieben: {target}")
    except (ChromiumMissing, ExportError) as exc:
        return _failed(exc)
    return EXIT_OK


# --- deck ---


def build_deck_parser() -> argparse.ArgumentParser:
    parser = GermanArgumentParser(prog="python -m indicators deck",
                                  description="Foliensatz „Fokusquartiere“ als PPTX (16:9)")
    parser.add_argument("--out", required=True, help="Zieldatei (.pptx)")
    parser.add_argument("--lang", default="de", help="Sprache: de oder en (Standard: de)")
    return parser


def main_deck(argv: list[str] | None = None) -> int:
    """CLI: deck --out FILE.pptx."""
    from indicators.build.pipeline import build, geometry
    from indicators.export import ChromiumMissing, ExportError
    from indicators.export.deck import focus_deck

    args = build_deck_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if problem := _lang_problem(args.lang):
        return _invalid(problem)
    out = Path(args.out)
    if out.suffix.lower() != ".pptx":
        return _invalid(f"Die Zieldatei muss auf .pptx enden: {out}")
    try:
        data = focus_deck(build(), args.lang, geometry("ortsteil"))
    except (ChromiumMissing, ExportError) as exc:
        return _failed(exc)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Foliensatz geschrieben: {out}")
    return EXIT_OK


# --- fetch (download, then import through the store) ---


def build_fetch_parser() -> argparse.ArgumentParser:
    from indicators.load.fetch import CKAN_DEFAULT_PORTAL, GENESIS_BASE_URLS

    parser = GermanArgumentParser(prog="python -m indicators fetch",
                                  description="Amtliche Daten abrufen (GENESIS, CKAN).")
    sub = parser.add_subparsers(dest="source", required=True, parser_class=GermanArgumentParser)
    g = sub.add_parser("genesis", help="Tabelle aus einer GENESIS-Datenbank abrufen")
    g.add_argument("--table", required=True)
    g.add_argument("--regions", required=True, help="z. B. 05911,05913")
    g.add_argument("--from", dest="year_from", type=int, required=True)
    g.add_argument("--to", dest="year_to", type=int, required=True)
    g.add_argument("--database", choices=sorted(GENESIS_BASE_URLS), default="regionalstatistik")
    g.add_argument("--base-url")
    g.add_argument("--out", type=Path)
    c = sub.add_parser("ckan", help="Ressourcen eines Datensatzes aus einem CKAN-Portal laden")
    c.add_argument("--dataset", required=True)
    c.add_argument("--portal", default=CKAN_DEFAULT_PORTAL)
    return parser


def store_importer():
    """The store's import_file; tests replace this to run fetch without a store."""
    from indicators.store import import_file

    return import_file


def import_fetched(paths: list[Path], source_meta: dict | None = None) -> int:
    """Import the fetched files through the store where they are importable, else say where they are."""
    from indicators.load.fetch import IMPORTABLE_SUFFIXES

    import_file = store_importer()
    status = EXIT_OK
    for path in paths:
        if import_file is None or path.suffix.lower() not in IMPORTABLE_SUFFIXES:
            print(f"Gespeichert unter {path}.")
            continue
        try:
            outcome = import_file(path, path.name, source_meta or None)
        except Exception as exc:  # noqa: BLE001 - the store reports its own German problems
            print(f"Gespeichert unter {path}; der Import ist fehlgeschlagen: {exc}")
            status = EXIT_INVALID
            continue
        ok = getattr(outcome, "ok", True)
        print(f"Gespeichert unter {path}. " + (getattr(outcome, "message", "") or
                                                ("Importiert." if ok else "Nicht importiert.")))
        for problem in getattr(outcome, "problems", []) if not ok else []:
            text = str(getattr(problem, "message", problem))
            if text not in str(getattr(outcome, "message", "")):
                print(f"  {text}")
        status = status if ok else EXIT_INVALID
    return status


def main_fetch(argv: list[str]) -> int:
    """`fetch genesis|ckan ...`: prints German messages; 0 ok, 2 bad arguments or input, 3 network/service."""
    from indicators.load.fetch import FetchError, fetch_ckan, fetch_genesis
    from indicators.load.genesis import GenesisResult

    try:
        args = build_fetch_parser().parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_INVALID
    try:
        if args.source == "genesis":
            result = fetch_genesis(args.table, args.regions, args.year_from, args.year_to, args.database,
                                   args.base_url, args.out)
        else:
            result = fetch_ckan(args.dataset, args.portal)
    except FetchError as exc:
        print(terminal_text(exc.message))
        return exc.exit_code
    except ValueError as exc:  # a reader that cannot read what was delivered
        print(f"Die geladene Datei lässt sich nicht lesen: {terminal_text(str(exc))}")
        return EXIT_INVALID
    except (OSError, http.client.HTTPException) as exc:  # no traceback for a broken connection or disk
        print(f"Der Abruf ist fehlgeschlagen (technischer Hinweis: {type(exc).__name__}). Bitte die Adresse "
              "und die Verbindung prüfen und erneut versuchen.")
        return EXIT_NETWORK
    for message in result.messages:          # may quote a remote portal's titles: no terminal escapes
        print(terminal_text(message))
    for parsed in result.results:
        if isinstance(parsed, GenesisResult):
            print(f"{len(parsed.tidy):n} Werte gelesen, {len(parsed.counts):n} Katalogwerte, "
                  f"{len(parsed.unmapped)} Merkmale ohne Zuordnung.")
    if not result.paths:
        print("Keine Datei geladen.")
        return EXIT_NETWORK
    return import_fetched(result.paths, result.source_meta)


# sub-commands with their own argument parsers
EXTERNAL_COMMANDS = {"fetch": main_fetch, "export": main_export, "report": main_report, "deck": main_deck}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in EXTERNAL_COMMANDS:
        return EXTERNAL_COMMANDS[argv[0]](argv[1:])
    args = build_parser().parse_args(argv)
    return args.func(args)
