"""The command line as a user runs it, and the contract between catalog and bundled data."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from indicators import store
from indicators.build.pipeline import build, load_demo_counts
from indicators.catalog import load_catalog
from indicators.paths import CATALOG_FILE, PROJECT_DIR


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "indicators", *args], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def store_env(tmp_path):
    import os

    return {**os.environ, "QUARTIERSMONITOR_DATA_DIR": str(tmp_path / "store")}


def test_build_writes_every_indicator_for_every_area_and_year(tmp_path):
    out = tmp_path / "indikatoren.parquet"
    result = run_cli("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Indikatortabelle geschrieben" in result.stdout
    table = pd.read_parquet(out)
    assert {"area_id", "year", "indicator_id", "value"} <= set(table.columns)
    assert table["area_id"].nunique() == 37  # 30 Ortsteile, 6 Stadtbezirke, the city
    assert len(table) == 37 * 13 * len(load_catalog().indicators)


def test_invalid_import_exits_2_with_german_message_and_leaves_the_store_unchanged(tmp_path):
    env = store_env(tmp_path)
    good = PROJECT_DIR / "data" / "examples" / "import_beispiel.csv"
    assert run_cli("import", str(good), "--title", "Beispiel", env=env).returncode == 0
    before = store.store_fingerprint(tmp_path / "store")
    bad = tmp_path / "kaputt.csv"
    bad.write_text("Ortsteil;Jahr;Merkmal;Wert\nKrupwerke;2024;arbeitslose;12\n", encoding="utf-8")
    result = run_cli("import", str(bad), env=env)
    assert result.returncode == 2
    assert "Ortsteil 'Krupwerke' ist unbekannt. Meinten Sie: Kruppwerke" in result.stdout
    assert "Der Datenbestand ist unverändert." in result.stdout
    assert store.store_fingerprint(tmp_path / "store") == before


def test_validate_exit_codes(tmp_path):
    assert run_cli("validate", str(PROJECT_DIR / "data" / "examples" / "import_beispiel.csv")).returncode == 0
    bad = tmp_path / "negativ.csv"
    bad.write_text("Ortsteil;Jahr;Merkmal;Wert\nHamme;2024;arbeitslose;-3\n", encoding="utf-8")
    result = run_cli("validate", str(bad))
    assert result.returncode == 2
    assert "negativ.csv, Zeile 2, Spalte 'Wert'" in result.stdout


def test_bad_arguments_exit_2_in_german():
    result = run_cli("build", "--gibtsnicht")
    assert result.returncode == 2
    assert "Fehler:" in result.stderr


def test_areas_lists_ids_names_and_levels():
    result = run_cli("areas")
    assert result.returncode == 0
    assert "wattenscheid_mitte" in result.stdout and "Wattenscheid-Mitte" in result.stdout
    assert len(result.stdout.strip().splitlines()) == 1 + 37


def test_every_variable_used_by_an_indicator_is_defined_and_delivered():
    catalog = load_catalog()
    raw = yaml.safe_load(Path(CATALOG_FILE).read_text(encoding="utf-8"))
    used = {i.numerator for i in catalog.indicators.values()} | {
        i.denominator for i in catalog.indicators.values() if i.denominator}
    assert used <= set(catalog.variables)
    assert set(load_demo_counts()["variable"]) == set(catalog.variables)
    assert all(theme in raw["themes"] for theme in {i.theme for i in catalog.indicators.values()})


def test_every_catalog_indicator_is_computed_for_every_area_and_year_from_the_bundled_data():
    table = build()
    assert table["value"].notna().all()
    assert set(table["indicator_id"]) == set(load_catalog().indicators)
    assert table.groupby("indicator_id").size().eq(37 * 13).all()


def test_argparse_messages_are_german():
    from indicators.cli import german_argparse_message

    assert german_argparse_message("the following arguments are required: --out") == "Diese Angaben fehlen: --out"
    assert german_argparse_message("unrecognized arguments: --x") == "Unbekannte Angaben: --x"
    result = run_cli("fetch", "genesis")
    assert result.returncode == 2
    assert "Diese Angaben fehlen: --table, --regions, --from, --to" in result.stderr


def test_reference_date_and_version_are_checked_in_german(tmp_path):
    env = store_env(tmp_path)
    good = PROJECT_DIR / "data" / "examples" / "import_beispiel.csv"
    for bad, reason in (("31.12.2024", "„31.12.2024“ ist kein Datum der Form JJJJ-MM-TT (z. B. 2024-12-31)"),
                        ("2024-02-30", "„2024-02-30“ ist kein Datum der Form JJJJ-MM-TT (z. B. 2024-12-31)"),
                        ("2999-01-01", "Der Stichtag 2999-01-01 liegt in der Zukunft")):
        result = run_cli("import", str(good), "--reference-date", bad, env=env)
        assert result.returncode == 2
        assert f"Fehler: Angabe --reference-date: {reason}\n" in result.stderr
    assert not (tmp_path / "store").exists()                  # nothing was imported
    result = run_cli("restore", "²", env=env)
    assert result.returncode == 2
    assert ("Fehler: Angabe version: „²“ ist keine Versionsnummer; erlaubt sind Ziffern (z. B. 3 oder 0003) "
            "oder „demo“ (siehe „python -m indicators versions“)\n") in result.stderr
    assert "Traceback" not in result.stderr and "invalid literal" not in result.stderr


def test_terminal_escapes_from_file_cells_are_not_printed(tmp_path):
    path = tmp_path / "bunt.csv"
    path.write_bytes(b"Ortsteil;Jahr;Merkmal;Wert\nHamme;2024;arbeitslose;5\x1b[2J\x1b]0:owned\x07\n")
    result = run_cli("validate", str(path), env=store_env(tmp_path))
    assert result.returncode == 2
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Spalte 'Wert': Der Wert '5' ist keine Zahl." in result.stdout
