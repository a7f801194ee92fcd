"""Provenance: how data/published.csv was made from the team's fact sheet (published_indicators.csv).

Run once by hand: `python scripts/build_published.py PATH/TO/published_indicators.csv`.
Nothing in the app or the tests runs it; data/published.csv is the committed result.
"""
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from indicators.areas import CITY_ID, match_one  # noqa: E402
from indicators.catalog import load_catalog  # noqa: E402
from indicators.paths import PUBLISHED_FILE  # noqa: E402

SRC = sys.argv[1]
OUT = PUBLISHED_FILE
df = pd.read_csv(SRC, dtype=str, keep_default_na=False)
assert len(df) == 386

# "as above" points at the previous row's note in the fact sheet; resolve before anything moves
notes = df["note"].tolist()
for i, n in enumerate(notes):
    if n.strip() == "as above":
        notes[i] = notes[i - 1]
df["note"] = notes

def measure(r):
    ind, lvl, d, note = r.indicator, r.area_level, r.reference_date, r.note
    if ind == "sgb2_quote":
        return "sgb2_quote_published"
    if ind in ("arbeitslosenquote", "arbeitslose_anzahl"):
        stem = "arbeitslosenquote" if ind == "arbeitslosenquote" else "arbeitslose"
        if d == "1970":
            return "arbeitslosenquote_historisch"
        return f"{stem}_ba_dezember" if d.endswith("-12-31") else f"{stem}_ba_monat"
    if ind == "arbeitslose_anteil":
        return "arbeitslosenquote_strukturdaten_2017" if "Arbeitslosenquote 2017" in note else "arbeitslose_anteil_stadt"
    if ind == "population":
        if "Zensus-2022" in note:
            return "einwohner_zensus2022"
        if "register" in note or "wohnberechtigte" in note:
            return "einwohner_register"
        if lvl == "stadt":
            if "unclear" in note or "approx" in note:
                return "einwohner_sonstige"
            return "einwohner_itnrw"
        return "einwohner_gebiet"
    return ind

df["measure"] = df.apply(measure, axis=1)

DEFINITIONS = {
    "sgb2_quote_published": "Anteil der Einwohner mit ALG II/Sozialgeld (SGB II) an allen Einwohnern (alle Altersgruppen)",
    "sgb2_quote_u15": "Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften je 100 Kinder unter 15 Jahren",
    "arbeitslose_je_einwohner": "Arbeitslose je 100 Einwohner aller Altersgruppen („Arbeitslosenquotient“, nicht die Arbeitslosenquote der BA)",
    "migration_share": "Anteil der Einwohner mit Migrationshintergrund (Definition der Stadt Bochum)",
    "u18_share": "Anteil der Einwohner unter 18 Jahren an allen Einwohnern",
    "ab60_share": "Anteil der Einwohner ab 60 Jahren an allen Einwohnern",
    "ab65_share": "Anteil der Einwohner ab 65 Jahren an allen Einwohnern",
    "auslaender_share": "Anteil der Einwohner ohne deutsche Staatsangehörigkeit an allen Einwohnern",
    "auslaender_anzahl": "Einwohner ohne deutsche Staatsangehörigkeit (Anzahl)",
    "durchschnittsalter": "Durchschnittsalter der Einwohner in Jahren",
    "einkommen_pro_kopf": "Durchschnittliches Einkommen je Einwohner und Jahr in Euro (Datenjahr nicht angegeben)",
    "einkommen_abweichung_stadt": "Einkommen je Einwohner: relative Abweichung vom städtischen Durchschnitt in % (nicht Prozentpunkte)",
    "sgb2_empfaenger_abweichung_stadt": "SGB-II-Empfänger: relative Abweichung vom städtischen Durchschnitt in % (nicht Prozentpunkte)",
    "sozialwohnungen_abweichung_stadt": "Sozialwohnungen: relative Abweichung vom städtischen Durchschnitt in % (nicht Prozentpunkte)",
    "uebergang_gymnasium_abweichung_stadt": "Übergänge aufs Gymnasium: relative Abweichung vom städtischen Durchschnitt in % (nicht Prozentpunkte)",
    "arbeitslose_abweichung_stadt": "Arbeitslose: relative Abweichung vom städtischen Durchschnitt in % (nicht Prozentpunkte)",
    "migration_abweichung_stadt": "Einwohner mit Migrationshintergrund: relative Abweichung vom städtischen Durchschnitt in % (nicht Prozentpunkte)",
    "svb_abweichung_stadt": "Sozialversicherungspflichtig Beschäftigte: relative Abweichung vom städtischen Durchschnitt in % (nicht Prozentpunkte)",
    "schulformempfehlung_index": "Index der Schulformempfehlungen der Grundschulen (1 = Hauptschule … 3 = Gymnasium)",
    "einwohner_gebiet": "Einwohnerzahl des Stadtteils bzw. Stadtbezirks laut Wikipedia oder Presse (Abgrenzung und Zählweise können vom statistischen Bezirk abweichen)",
    "einwohner_itnrw": "Amtliche Einwohnerzahl (Fortschreibung IT.NRW, bis 2023 auf Basis des Zensus 2011)",
    "einwohner_zensus2022": "Amtliche Einwohnerzahl auf Basis des Zensus 2022 (IT.NRW)",
    "einwohner_register": "Einwohnerzahl laut städtischem Melderegister (wohnberechtigte Bevölkerung, mit Nebenwohnsitz)",
    "einwohner_sonstige": "Einwohnerzahl laut Presse bzw. Sozialbericht (Quelle und Zählweise nicht eindeutig)",
    "area_km2": "Fläche in Quadratkilometern",
    "einwohnerdichte": "Einwohner je Quadratkilometer",
    "wohneinheiten_anzahl": "Wohneinheiten (Anzahl)",
    "sozialwohnungen_share": "Anteil der Sozialwohnungen an allen Wohnungen",
    "svb_share": "Anteil sozialversicherungspflichtig Beschäftigter (Bezugsgröße nicht angegeben)",
    "alg1_share": "Anteil der Einwohner mit Arbeitslosengeld I (Bezugsgröße unklar)",
    "migration_or_foreign_share": "Anteil der Einwohner mit ausländischer Staatsangehörigkeit oder Migrationshintergrund (Sozialbericht 2024, neue Abgrenzung)",
    "arbeitslosenquote_ba_dezember": "Arbeitslosenquote der Bundesagentur für Arbeit: Arbeitslose je 100 zivile Erwerbspersonen, Berichtsmonat Dezember",
    "arbeitslosenquote_ba_monat": "Arbeitslosenquote der Bundesagentur für Arbeit: Arbeitslose je 100 zivile Erwerbspersonen, anderer Berichtsmonat als Dezember",
    "arbeitslosenquote_historisch": "Arbeitslosenquote der damals selbständigen Stadt Wattenscheid (Definition der Zeit)",
    "arbeitslosenquote_jahresdurchschnitt": "Arbeitslosenquote der Bundesagentur für Arbeit (alle zivilen Erwerbspersonen), Jahresdurchschnitt",
    "arbeitslose_ba_dezember": "Registrierte Arbeitslose (Bundesagentur für Arbeit, SGB II und SGB III), Berichtsmonat Dezember",
    "arbeitslose_ba_monat": "Registrierte Arbeitslose (Bundesagentur für Arbeit, SGB II und SGB III), anderer Berichtsmonat als Dezember",
    "arbeitslose_jahresdurchschnitt": "Registrierte Arbeitslose (Bundesagentur für Arbeit), Jahresdurchschnitt",
    "unterbeschaeftigung": "Unterbeschäftigung ohne Kurzarbeit (Bundesagentur für Arbeit), Anzahl im Berichtsmonat",
    "unterbeschaeftigung_jahresdurchschnitt": "Unterbeschäftigung ohne Kurzarbeit (Bundesagentur für Arbeit), Jahresdurchschnitt",
    "langzeitarbeitslose_anzahl": "Langzeitarbeitslose (ein Jahr und länger arbeitslos, Bundesagentur für Arbeit), Anzahl",
    "arbeitslose_u25_anzahl": "Arbeitslose unter 25 Jahren (Bundesagentur für Arbeit), Anzahl",
    "arbeitslose_50plus_anzahl": "Arbeitslose ab 50 Jahren (Bundesagentur für Arbeit), Anzahl",
    "arbeitslose_sgb2_anzahl": "Arbeitslose im Rechtskreis SGB II (Jobcenter), Anzahl",
    "arbeitslose_sgb3_anzahl": "Arbeitslose im Rechtskreis SGB III (Agentur für Arbeit), Anzahl",
    "arbeitslosenquote_sgb2": "Arbeitslosenquote im Rechtskreis SGB II (Bundesagentur für Arbeit, alle zivilen Erwerbspersonen)",
    "arbeitslosenquote_sgb3": "Arbeitslosenquote im Rechtskreis SGB III (Bundesagentur für Arbeit, alle zivilen Erwerbspersonen)",
    "arbeitslose_anteil_stadt": "Arbeitslosenanteil nach städtischer Definition (vermutlich Arbeitslose je 100 Einwohner von 15 bis unter 65 Jahren; Definition nicht abgedruckt)",
    "arbeitslosenquote_strukturdaten_2017": "In den Wikipedia-„Strukturdaten“ als „Arbeitslosenquote 2017“ bezeichnet; Definition und Stichtag nicht angegeben",
    "anteil_arbeitslose_ohne_berufsabschluss": "Arbeitslose ohne abgeschlossene Berufsausbildung je 100 Arbeitslose",
    "mindestsicherung_persons": "Empfänger von Mindestsicherungsleistungen (SGB II, SGB XII, AsylbLG), Anzahl",
    "mindestsicherung_quote": "Empfänger von Mindestsicherungsleistungen je 100 Einwohner (IT.NRW)",
    "sgb2_persons": "Empfänger von Leistungen nach dem SGB II (ALG II/Sozialgeld), Anzahl",
    "grundsicherung_alter_em_persons": "Empfänger von Grundsicherung im Alter und bei Erwerbsminderung (SGB XII), Anzahl",
    "asylblg_persons": "Empfänger von Regelleistungen nach dem Asylbewerberleistungsgesetz, Anzahl",
    "hzl_persons": "Empfänger von Hilfe zum Lebensunterhalt (SGB XII, 3. Kapitel), Anzahl",
    "sgb2_bedarfsgemeinschaften": "Bedarfsgemeinschaften nach dem SGB II, Anzahl",
    "buergergeld_persons": "Bürgergeld-Empfänger (SGB II; möglicherweise nur erwerbsfähige Leistungsberechtigte), Anzahl",
    "langzeitleistungsbezieher": "Langzeitleistungsbezieher im SGB II (Jobcenter), Anzahl",
    "sgb2_u15_persons": "Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften, Anzahl",
    "kinder_u15_anzahl": "Kinder unter 15 Jahren (Einwohner), Anzahl",
    "kinderreiche_familien_sgb2_share": "Anteil der Familien mit drei und mehr Kindern, die SGB-II-Leistungen beziehen",
    "haushalte_mit_kindern_share": "Anteil der Haushalte mit Kindern an allen Haushalten",
    "migration_persons": "Einwohner mit Migrationshintergrund (Melderegister), Anzahl",
    "u18_anzahl": "Einwohner unter 18 Jahren, Anzahl",
    "schulabgaenger_anzahl": "Abgänger allgemeinbildender Schulen (IT.NRW), Anzahl",
    "schulabgaenger_ohne_abschluss_anzahl": "Abgänger allgemeinbildender Schulen ohne Hauptschulabschluss (IT.NRW), Anzahl",
    "schulabgaenger_ohne_abschluss_share": "Abgänger allgemeinbildender Schulen ohne Ersten Schulabschluss je 100 Schulabgänger",
    "schulabgaenger_abitur_anzahl": "Abgänger allgemeinbildender Schulen mit allgemeiner Hochschulreife, Anzahl",
    "schulabgaenger_realschulabschluss_anzahl": "Abgänger allgemeinbildender Schulen mit mittlerem Abschluss (Realschulabschluss), Anzahl",
    "uebergangsquote_hauptschule": "Anteil der Anmeldungen zur Hauptschule an allen Übergängen von Klasse 4 nach 5",
    "uebergangsquote_realschule": "Anteil der Anmeldungen zur Realschule an allen Übergängen von Klasse 4 nach 5",
    "uebergangsquote_gesamtschule": "Anteil der Anmeldungen zur Gesamtschule an allen Übergängen von Klasse 4 nach 5",
    "uebergangsquote_gymnasium": "Anteil der Anmeldungen zum Gymnasium an allen Übergängen von Klasse 4 nach 5",
}
# a catalog indicator id only where the published figure measures exactly the same ratio
COMPARABLE = {
    "sgb2_quote_u15": "kinderarmut",
    "u18_share": "anteil_u18",
    "schulabgaenger_ohne_abschluss_share": "ohne_abschluss_quote",
    "anteil_arbeitslose_ohne_berufsabschluss": "arbeitslose_ohne_ausbildung_anteil",
}
missing = set(df.measure) - set(DEFINITIONS)
assert not missing, missing
cat = load_catalog()
assert not set(df.measure) & (set(cat.indicators) | set(cat.variables))
assert set(COMPARABLE.values()) <= set(cat.indicators)

def area_id(r):
    if r.area_level == "stadt":
        return CITY_ID if r.area == "Bochum" else ""
    levels = ("ortsteil",) if r.area_level == "ortsteil" else ("stadtbezirk",)
    return match_one(r.area, levels) or ""

df["area_id"] = df.apply(area_id, axis=1)

URL_SOURCES = [
    ("article227573673", "pub_ortsteile_kompakt_2018"),
    ("id227879933", "pub_ortsteile_kompakt_2018"),
    ("28-8-prozent-in-wattenscheid-mitte", "pub_ortsteile_kompakt_2018"),
    ("article215986849", "pub_sozialbericht_2018"),
    ("bszonline.de/2012/06/26", "pub_sozialbericht_2012"),
    ("article6792633", "pub_sozialbericht_2012"),
    ("article401522738", "pub_sozialbericht_2021"),
    ("bochum-journal.de/?p=14063", "pub_sozialbericht_2024"),
    ("article7457979", "pub_sozialbericht_2_ausgabe"),
    ("article213918529", "pub_waz_arbeitslosigkeit_ortsteile_2017"),
    ("article4566008", "pub_waz_altersstruktur"),
    ("article233122053", "pub_waz_schulformempfehlung_2021"),
    ("iat.eu", "pub_iat_wattenscheid_mitte"),
    ("article407985326", "pub_waz_wattenscheid_2025"),
    ("ruhr-uni-bochum.de", "pub_rub_hamme"),
    ("bochum.de/C125708500379A31", "pub_bochum_im_ueberblick_2018"),
    ("2014/10/10/bochum-immer-mehr", "pub_itnrw_mindestsicherung"),
    ("weniger-menschen-in-bochum-beziehen-soziale-mindestsicherung", "pub_itnrw_mindestsicherung"),
    ("article232083625", "pub_itnrw_schulstatistik"),
    ("politik-bei-uns.de", "pub_ratsinfo_schuluebergaenge_2014"),
    ("article209956859", "pub_waz_gymnasium_2017"),
    ("gegen-hartz.de", "pub_biaj_kinderarmut_2009"),
    ("2007/03/04/armes-bochum", "pub_bo_alternativ_kinderarmut_2007"),
    ("article401970475", "pub_itnrw_auslaender"),
    ("article235089887", "pub_itnrw_auslaender"),
    ("article241410550", "pub_jobcenter_bochum_2023"),
    ("9dok.net", "pub_demografie_wohnungsbestand"),
    ("bochum-schrumpft-weiter", "pub_itnrw_bevoelkerung"),
]
BA_MARKERS = ["bo-alternativ.de/2007/11", "bo-alternativ.de/2008", "bo-alternativ.de/2016",
              "article10084380", "article10212471", "article11436100", "article213005235",
              "article215437185", "article216138545", "article237278825", "article237783781",
              "article6211997", "article7901948", "bochum-journal.de/2024", "bochum-journal.de/2025",
              "bochum-journal.de/?p=24745", "lokalkompass.de", "arbeitslosigkeit-in-bochum-auf-rekord-tief",
              "waz.de/staedte/bochum/205-arbeitslose", "arbeitsmarkt-bochum-weniger-arbeitslose",
              "bochum-arbeitslosenquote-jetzt", "wp.de/staedte/bochum/bochum-16-105", "wr.de/staedte/bochum/bochum-524",
              "arbeitsagentur.de"]

def source_id(r):
    u, note = r.source_url, r.note
    if "Strukturdaten" in note:
        return "pub_wikipedia_strukturdaten"
    if r.indicator in ("migration_or_foreign_share",) and "Sozialbericht" in note:
        return "pub_sozialbericht_2024"
    for marker, sid in URL_SOURCES:
        if marker in u:
            return sid
    if any(m in u for m in BA_MARKERS):
        return "pub_ba_arbeitsmarkt"
    if r.measure in ("einwohner_itnrw", "einwohner_zensus2022"):
        return "pub_itnrw_bevoelkerung"  # IT.NRW figures quoted on Wikipedia pages
    return "pub_wikipedia"

df["source_id"] = df.apply(source_id, axis=1)

NAMES = {"Weitmar-Mitte + Weitmar-Mark (combined)": "Weitmar-Mitte und Weitmar-Mark (zusammen)"}
df["area_name"] = df["area"].map(lambda a: NAMES.get(a, a))
df["level"] = df["area_level"]
df["definition_de"] = df["measure"].map(DEFINITIONS)
df["comparable_indicator"] = df["measure"].map(COMPARABLE).fillna("")
cols = ["area_id", "area_name", "level", "measure", "value", "unit", "reference_date",
        "definition_de", "comparable_indicator", "source_id", "source_url", "note"]
out = df[cols]
for sid, g in out.groupby("source_id"):
    print(sid, list(g.index))
out.to_csv(OUT, index=False, lineterminator="\n", encoding="utf-8")
print(out.source_id.value_counts().to_string())
print(out[out.area_id == ""][["area_name", "level", "measure"]])
print(out.measure.nunique())
