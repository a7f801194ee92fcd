"""Command line: python -m indicators build | validate | import | areas | versions | restore | audit | fetch | export | report | deck."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from indicators.formats import fmt_number

EXIT_OK, EXIT_INVALID = 0, 2
# sub-commands with their own argument parsers: name -> (module, function)
EXTERNAL_COMMANDS = {
    "fetch": ("fetch", "main_fetch"),
    "export": ("export", "main_export"),
    "report": ("report", "main_report"),
    "deck": ("deck", "main_deck"),
}


# argparse's own English messages, as German (pattern -> replacement)
ARGPARSE_GERMAN = [
    (r"the following arguments are required: (.+)", r"Diese Angaben fehlen: \1"),
    (r"unrecognized arguments: (.+)", r"Unbekannte Angaben: \1"),
    (r"argument (\S+): invalid choice: (.+) \(choose from (.+)\)", r"Angabe \1: ungültige Auswahl \2 (möglich: \3)"),
    (r"argument (\S+): invalid (\w+) value: (.+)", r"Angabe \1: ungültiger Wert \3"),
    (r"argument (\S+): expected one argument", r"Angabe \1: erwartet einen Wert"),
    (r"one of the arguments (.+) is required", r"Eine dieser Angaben ist nötig: \1"),
    (r"argument (\S+): not allowed with argument (\S+)", r"Angabe \1 geht nicht zusammen mit \2"),
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
    from indicators.pipeline import build

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


def _print_problems(problems) -> None:
    for problem in problems:
        print(str(problem))


def cmd_validate(args) -> int:
    """Check a count table or boundary file and print every problem."""
    from indicators.store import validate_file

    path = Path(args.file)
    if not path.is_file():
        print(f"Datei nicht gefunden: {path}", file=sys.stderr)
        return EXIT_INVALID
    problems = validate_file(path, path.name)
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
    result = import_file(path, path.name, meta or None)
    _print_problems(result.problems)
    print(result.message)
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
        print(f"{'*' if v['active'] else ' '} {v['version']}  {v['created']}  {v['file']}  {v.get('description', '')}")
    return EXIT_OK


def cmd_restore(args) -> int:
    """Make an earlier version (or 'demo') the active one."""
    from indicators.store import restore

    try:
        restore(args.version)
    except (KeyError, ValueError) as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Aktive Version: {args.version}")
    return EXIT_OK


def cmd_audit(args) -> int:
    """Print the audit log of the data store; with --verify, check its hash chain (exit 2 if broken)."""
    from indicators import audit
    from indicators.paths import store_dir

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
    p = sub.add_parser("validate", help="Zähltabelle oder Grenzdatei prüfen (Exit 0 gültig, 2 ungültig)")
    p.add_argument("file")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("import", help="Datei prüfen und in den Datenspeicher übernehmen")
    p.add_argument("file")
    p.add_argument("--title", help="Titel der Quelle")
    p.add_argument("--publisher", help="Herausgeber")
    p.add_argument("--reference-date", help="Stichtag (JJJJ-MM-TT)")
    p.add_argument("--licence", help="Lizenz")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("areas", help="Gebiete mit IDs, Namen und Ebenen auflisten")
    p.set_defaults(func=cmd_areas)
    p = sub.add_parser("versions", help="Versionen des Datenspeichers auflisten")
    p.set_defaults(func=cmd_versions)
    p = sub.add_parser("restore", help="Frühere Version (oder 'demo') wiederherstellen")
    p.add_argument("version")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("audit", help="Audit-Protokoll (wer hat was importiert oder zurückgesetzt) anzeigen")
    p.add_argument("--verify", action="store_true",
                   help="Prüfkette kontrollieren (Exit 0 unversehrt, 2 beschädigt)")
    p.set_defaults(func=cmd_audit)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in EXTERNAL_COMMANDS:
        module_name, function_name = EXTERNAL_COMMANDS[argv[0]]
        module = __import__(f"indicators.{module_name}", fromlist=[function_name])
        return getattr(module, function_name)(argv[1:])
    args = build_parser().parse_args(argv)
    return args.func(args)
