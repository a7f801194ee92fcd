"""UI text in German (default) and English. Indicator labels come from the catalog, not from here."""

LANGUAGES = {"de": "Deutsch", "en": "English"}

TEXTS = {
    "app_title": {"de": "Quartiersmonitor Bochum", "en": "Neighbourhood Monitor Bochum"},
    "app_subtitle": {"de": "Zusammen im Quartier – Sozialindikatoren der 30 Ortsteile",
                     "en": "Zusammen im Quartier – social indicators of the 30 districts"},
    "page_overview": {"de": "Überblick", "en": "Overview"},
    "page_map": {"de": "Karte", "en": "Map"},
    "page_trends": {"de": "Trends", "en": "Trends"},
    "page_compare": {"de": "Vergleich", "en": "Comparison"},
    "page_profile": {"de": "Steckbrief", "en": "District profile"},
    "page_index": {"de": "Sozialindex", "en": "Social index"},
    "page_ruhr": {"de": "Bochum im Vergleich", "en": "Bochum compared"},
    "page_data": {"de": "Daten & Methoden", "en": "Data & methods"},
    "page_import": {"de": "Daten importieren", "en": "Import data"},
    "page_present": {"de": "Präsentation", "en": "Presentation"},
    "page_a11y": {"de": "Erklärung zur Barrierefreiheit", "en": "Accessibility statement"},
    "language": {"de": "Sprache", "en": "Language"},
    "indicator": {"de": "Indikator", "en": "Indicator"},
    "year": {"de": "Jahr", "en": "Year"},
    "ortsteile": {"de": "Ortsteile", "en": "Districts"},
    "ortsteile_help": {"de": "Die vier Fokusquartiere sind vorausgewählt.",
                       "en": "The four focus districts are preselected."},
    "demo_banner": {
        "de": "**Illustrative Demodaten.** Die Werte auf dieser Seite sind synthetisch "
              "(kalibriert auf veröffentlichte Eckwerte) und keine amtlichen Zahlen. "
              "Eigene Daten der Stadt lassen sich unter „Daten importieren“ laden.",
        "en": "**Illustrative demo data.** The values on this page are synthetic (calibrated to "
              "published benchmarks), not official figures. Load the city's own data under "
              "“Import data”."},
    "sources": {"de": "Quellen", "en": "Sources"},
    "source_line": {"de": "Quelle", "en": "Source"},
    "reference_date": {"de": "Stichtag", "en": "Reference date"},
    "city": {"de": "Stadt Bochum", "en": "City of Bochum"},
    "city_average": {"de": "Stadtdurchschnitt", "en": "City average"},
    "focus": {"de": "Fokusquartier", "en": "Focus district"},
    "no_data": {"de": "keine Daten", "en": "no data"},
    "download_csv": {"de": "CSV (Excel, deutsch)", "en": "CSV (Excel, German)"},
    "download_xlsx": {"de": "Excel (XLSX)", "en": "Excel (XLSX)"},
    "download_parquet": {"de": "Parquet", "en": "Parquet"},
    "geometry_schematic": {"de": "Schematische Kachelkarte: ein gleich großes Sechseck je Ortsteil, "
                                 "keine amtlichen Grenzen.",
                           "en": "Schematic tile map: one equal hexagon per district, not official boundaries."},
    "geometry_official": {"de": "Amtliche Ortsteilgrenzen (importiert).",
                          "en": "Official district boundaries (imported)."},
    "mode": {"de": "Darstellung", "en": "Mode"},
    "mode_absolute": {"de": "Absolut", "en": "Absolute"},
    "mode_indexed": {"de": "Index (erstes Jahr = 100)", "en": "Index (first year = 100)"},
    "mode_gap": {"de": "Abstand zum Stadtdurchschnitt (Prozentpunkte)", "en": "Gap to city average (percentage points)"},
}


def t(key: str, lang: str = "de") -> str:
    """The UI text for a key in the chosen language (German if no translation)."""
    entry = TEXTS[key]
    return entry.get(lang) or entry["de"]
