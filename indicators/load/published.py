"""Published figures: real values from city reports, the BA and IT.NRW, each with its source.

data/published.csv is a copy of the team's fact sheet (386 rows) in the project's format:
area ids instead of names, one ``measure`` id per definition (never a catalog indicator id),
a German definition, and ``comparable_indicator`` only where the published figure measures
exactly what a catalog indicator measures. These values are shown as what they are and are
never blended into the demo series.

Rows that cannot be placed on one area keep an empty ``area_id``: the six rows for
"Weitmar-Mitte + Weitmar-Mark (combined)" (Wikipedia, Stadtteil Weitmar spans two
statistical districts). They stay in the table as context but are returned by neither
``for_area`` nor ``comparable_points``. Undated rows (empty ``reference_date``) are context
without a time point: they have no ``year`` and never appear in ``series`` or as points.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from indicators.areas import CITY_ID
from indicators.formats import fmt_date, fmt_number, fmt_percent
from indicators.paths import PUBLISHED_FILE

PUBLISHED_COLUMNS = [
    "area_id", "area_name", "level", "measure", "value", "unit", "reference_date",
    "definition_de", "comparable_indicator", "source_id", "source_url", "note",
]
DECEMBER_RATE = "arbeitslosenquote_ba_dezember"

# German labels per measure (short, for legends, tables and the Steckbrief)
MEASURE_LABELS = {
    "sgb2_quote_published": "SGB-II-Quote (Anteil an allen Einwohnern)",
    "sgb2_quote_u15": "Kinder unter 15 in SGB-II-Bedarfsgemeinschaften",
    "arbeitslose_je_einwohner": "Arbeitslose je 100 Einwohner („Arbeitslosenquotient“)",
    "migration_share": "Anteil mit Migrationshintergrund",
    "u18_share": "Anteil unter 18 Jahren",
    "ab60_share": "Anteil ab 60 Jahren",
    "ab65_share": "Anteil ab 65 Jahren",
    "auslaender_share": "Ausländeranteil",
    "auslaender_anzahl": "Ausländische Einwohner",
    "durchschnittsalter": "Durchschnittsalter",
    "einkommen_pro_kopf": "Einkommen je Einwohner",
    "einkommen_abweichung_stadt": "Einkommen: Abweichung vom Stadtdurchschnitt",
    "sgb2_empfaenger_abweichung_stadt": "SGB-II-Empfänger: Abweichung vom Stadtdurchschnitt",
    "sozialwohnungen_abweichung_stadt": "Sozialwohnungen: Abweichung vom Stadtdurchschnitt",
    "uebergang_gymnasium_abweichung_stadt": "Übergang aufs Gymnasium: Abweichung vom Stadtdurchschnitt",
    "arbeitslose_abweichung_stadt": "Arbeitslose: Abweichung vom Stadtdurchschnitt",
    "migration_abweichung_stadt": "Migrationshintergrund: Abweichung vom Stadtdurchschnitt",
    "svb_abweichung_stadt": "SV-Beschäftigte: Abweichung vom Stadtdurchschnitt",
    "schulformempfehlung_index": "Index der Schulformempfehlungen",
    "einwohner_gebiet": "Einwohner (Stadtteil/Stadtbezirk)",
    "einwohner_itnrw": "Einwohner (amtlich, IT.NRW)",
    "einwohner_zensus2022": "Einwohner (amtlich, Basis Zensus 2022)",
    "einwohner_register": "Einwohner (Melderegister, wohnberechtigt)",
    "einwohner_sonstige": "Einwohner (Presse/Sozialbericht)",
    "area_km2": "Fläche",
    "einwohnerdichte": "Einwohnerdichte",
    "wohneinheiten_anzahl": "Wohneinheiten",
    "sozialwohnungen_share": "Anteil Sozialwohnungen",
    "svb_share": "Anteil SV-Beschäftigte",
    "alg1_share": "Anteil mit Arbeitslosengeld I",
    "migration_or_foreign_share": "Anteil Ausländer oder Migrationshintergrund",
    "arbeitslosenquote_ba_dezember": "Arbeitslosenquote der BA (Dezember)",
    "arbeitslosenquote_ba_monat": "Arbeitslosenquote der BA (Monatswert)",
    "arbeitslosenquote_historisch": "Arbeitslosenquote (historisch)",
    "arbeitslosenquote_jahresdurchschnitt": "Arbeitslosenquote der BA (Jahresdurchschnitt)",
    "arbeitslose_ba_dezember": "Arbeitslose (BA, Dezember)",
    "arbeitslose_ba_monat": "Arbeitslose (BA, Monatswert)",
    "arbeitslose_jahresdurchschnitt": "Arbeitslose (BA, Jahresdurchschnitt)",
    "unterbeschaeftigung": "Unterbeschäftigung (BA)",
    "unterbeschaeftigung_jahresdurchschnitt": "Unterbeschäftigung (BA, Jahresdurchschnitt)",
    "langzeitarbeitslose_anzahl": "Langzeitarbeitslose (BA)",
    "arbeitslose_u25_anzahl": "Arbeitslose unter 25 (BA)",
    "arbeitslose_50plus_anzahl": "Arbeitslose ab 50 (BA)",
    "arbeitslose_sgb2_anzahl": "Arbeitslose im SGB II (BA)",
    "arbeitslose_sgb3_anzahl": "Arbeitslose im SGB III (BA)",
    "arbeitslosenquote_sgb2": "Arbeitslosenquote SGB II (BA)",
    "arbeitslosenquote_sgb3": "Arbeitslosenquote SGB III (BA)",
    "arbeitslose_anteil_stadt": "Arbeitslosenanteil (städtische Definition)",
    "arbeitslosenquote_strukturdaten_2017": "„Arbeitslosenquote 2017“ (Wikipedia-Strukturdaten)",
    "anteil_arbeitslose_ohne_berufsabschluss": "Arbeitslose ohne Berufsabschluss",
    "mindestsicherung_persons": "Empfänger von Mindestsicherung",
    "mindestsicherung_quote": "Mindestsicherungsquote",
    "sgb2_persons": "SGB-II-Empfänger",
    "grundsicherung_alter_em_persons": "Grundsicherung im Alter und bei Erwerbsminderung",
    "asylblg_persons": "Empfänger nach dem Asylbewerberleistungsgesetz",
    "hzl_persons": "Hilfe zum Lebensunterhalt",
    "sgb2_bedarfsgemeinschaften": "SGB-II-Bedarfsgemeinschaften",
    "buergergeld_persons": "Bürgergeld-Empfänger",
    "langzeitleistungsbezieher": "Langzeitleistungsbezieher (SGB II)",
    "sgb2_u15_persons": "Kinder unter 15 im SGB II",
    "kinder_u15_anzahl": "Kinder unter 15",
    "kinderreiche_familien_sgb2_share": "Kinderreiche Familien im SGB II",
    "haushalte_mit_kindern_share": "Anteil Haushalte mit Kindern",
    "migration_persons": "Einwohner mit Migrationshintergrund",
    "u18_anzahl": "Einwohner unter 18",
    "schulabgaenger_anzahl": "Schulabgänger",
    "schulabgaenger_ohne_abschluss_anzahl": "Schulabgänger ohne Abschluss",
    "schulabgaenger_ohne_abschluss_share": "Anteil Schulabgänger ohne Abschluss",
    "schulabgaenger_abitur_anzahl": "Schulabgänger mit Abitur",
    "schulabgaenger_realschulabschluss_anzahl": "Schulabgänger mit mittlerem Abschluss",
    "uebergangsquote_hauptschule": "Übergang Klasse 4→5: Hauptschule",
    "uebergangsquote_realschule": "Übergang Klasse 4→5: Realschule",
    "uebergangsquote_gesamtschule": "Übergang Klasse 4→5: Gesamtschule",
    "uebergangsquote_gymnasium": "Übergang Klasse 4→5: Gymnasium",
}
# German unit words for captions; percent is formatted by fmt_percent
UNIT_SUFFIX = {
    "persons": "", "years": " Jahre", "km2": " km²", "EUR per year": " € pro Jahr",
    "persons per km2": " Einw./km²", "dwellings": " Wohneinheiten", "households": " Haushalte",
    "index (1-3)": "", "percent deviation": " % Abweichung", "percent of dwellings": " %",
}


@lru_cache(maxsize=1)
def _published_cached() -> pd.DataFrame:
    df = pd.read_csv(PUBLISHED_FILE, dtype=str, keep_default_na=False, encoding="utf-8")
    df["value"] = df["value"].astype("float64")
    # a date '2018-12-31' or a bare year '2018' both give the year; undated rows get <NA>
    df["year"] = pd.to_numeric(df["reference_date"].str[:4], errors="coerce").astype("Int64")
    return df


def load_published() -> pd.DataFrame:
    """All published figures (the CSV's columns plus a derived ``year``), a copy safe to modify."""
    return _published_cached().copy()


def for_area(area_id: str) -> pd.DataFrame:
    """Published figures of one area, by measure and date (undated rows last within a measure)."""
    df = load_published()
    rows = df[df["area_id"] == area_id]
    return rows.sort_values(["measure", "year", "reference_date"], na_position="last").reset_index(drop=True)


def comparable_points(indicator_id: str) -> pd.DataFrame:
    """Dated, placed figures that measure exactly ``indicator_id``: markers for its charts."""
    df = load_published()
    rows = df[(df["comparable_indicator"] == indicator_id) & (df["area_id"] != "") & df["year"].notna()]
    return rows.sort_values(["area_id", "reference_date"]).reset_index(drop=True)


def series(measure: str, area_id: str = CITY_ID) -> pd.DataFrame:
    """One measure of one area as a dated series, one value per reference date."""
    df = load_published()
    rows = df[(df["measure"] == measure) & (df["area_id"] == area_id) & df["year"].notna()]
    # the same figure can be quoted by two publications (e.g. Dec 2024 by BA and the press)
    rows = rows.sort_values("reference_date", kind="stable").drop_duplicates("reference_date")
    return rows.reset_index(drop=True)


def measure_labels() -> dict[str, str]:
    """German label per measure id."""
    return dict(MEASURE_LABELS)


def format_value(value: float, unit: str, lang: str = "de") -> str:
    """A published value with its unit, e.g. '28,8 %', '15.389', '44,3 Jahre'."""
    if unit == "percent":
        return fmt_percent(value, 1, lang)
    decimals = 0 if float(value).is_integer() else (2 if unit == "index (1-3)" else 1)
    return fmt_number(value, decimals, lang) + UNIT_SUFFIX.get(unit, "")


def caption(row) -> str:
    """How a published figure is shown: 'veröffentlicht: 28,8 % am 31.12.2018'."""
    text = f"veröffentlicht: {format_value(row['value'], row['unit'])}"
    date = row["reference_date"]
    if not date:
        return f"{text} (ohne Datum)"
    return f"{text} am {fmt_date(date)}" if len(date) == 10 else f"{text} ({date})"
