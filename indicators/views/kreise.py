"""„Bochum im Vergleich“: the Kreis table cut to a comparison set, its median, gaps, breaks and revisions.

Pure pandas on top of ``ruhr_views`` (the table of catalog indicators and official rates for every
Kreis) and ``kreise`` (vintages, sets). Ranks are recomputed inside the chosen set, so „Rang x von n“
always counts the Kreise of that set with a value.
"""

from __future__ import annotations

import pandas as pd

from indicators.catalog import load_catalog, load_sources
from indicators.formats import fmt_number, fmt_value
from indicators.load import kreise
from indicators.views import ruhr as rv

ZENSUS22_YEAR = 2022
BUERGERGELD_YEAR = 2023
SCHOOL_LABEL_YEAR = 2024
NRW_ROUNDING_YEAR = 2020  # school year 2019/20
POPULATION_VARIABLES = {"einwohner", "einwohner_u15", "einwohner_u18", "einwohner_15_24", "einwohner_15_64",
                        "einwohner_u65"}
SCHOOL_VARIABLES = {"schulabgaenger", "schulabgaenger_ohne_abschluss"}
MEDIAN_ID = "median"
EXPORT_COLUMNS = ["AGS", "Name", "Ebene", "Jahr", "Indikator", "Wert", "Zähler", "Nenner", "Rang", "n", "Stand",
                  "Datei"]

TEXT = {
    "zensus22": {"de": "Zensus 2022", "en": "2022 census"},
    "zensus22_note": {"de": "Reihenbruch 2021/2022: Ab 31.12.2022 ist die amtliche Bevölkerung auf Basis des "
                            "Zensus 2022 fortgeschrieben (vorher Zensus 2011); Bochum fällt dadurch von 363.441 "
                            "(2021) auf 356.209 (2022) – ein Methodenbruch, kein Rückgang.",
                      "en": "Series break 2021/2022: from 31 Dec 2022 the official population is based on the 2022 "
                            "census (before: 2011 census); Bochum's drop from 363,441 (2021) to 356,209 (2022) is a "
                            "method break, not a decline."},
    "buergergeld": {"de": "Bürgergeld ab 2023", "en": "Bürgergeld from 2023"},
    "buergergeld_note": {"de": "Reihenbruch 2022/2023: Seit 1.1.2023 ersetzt das Bürgergeld Arbeitslosengeld II und "
                               "Sozialgeld; Werte vor und ab 2023 sind nur eingeschränkt vergleichbar.",
                         "en": "Series break 2022/2023: since 1 Jan 2023 Bürgergeld replaces ALG II and Sozialgeld; "
                               "values before and from 2023 are only partly comparable."},
    "school_label": {"de": "neue Abschlussbezeichnung 2024", "en": "new certificate label 2024"},
    "school_label_note": {"de": "Ab dem Schuljahr 2023/24 heißt die Kategorie „ohne Ersten Schulabschluss“ (vorher "
                                "„ohne Hauptschulabschluss“); sie wird wie bisher gezählt, die Bezeichnung ändert sich.",
                          "en": "From school year 2023/24 the category is called „ohne Ersten Schulabschluss“ "
                                "(before: „ohne Hauptschulabschluss“); it is counted as before, the label changed."},
    "rounding_note": {"de": "NRW rundet die Schulstatistik seit 2019/20 auf Vielfache von 5; kleine Zahlen sind "
                            "daher um ±2 bis 4 unsicher.",
                      "en": "NRW rounds school statistics to multiples of 5 since 2019/20; small counts carry ±2–4."},
    "missing": {"de": "Keine amtliche Datei für {years} ({table}): Diese Jahre bleiben Lücken, nichts wird "
                      "interpoliert. Abrufen, sobald der Rechner online ist: `{command}`",
                "en": "No official file for {years} ({table}): these years stay gaps, nothing is interpolated. "
                      "Fetch them when the machine is online: `{command}`"},
    "old_vintage": {"de": "Die Arbeitslosenzahlen 2008–2013 stammen aus der Datei mit Stand 10.10.2017; die "
                          "Bundesagentur für Arbeit veröffentlicht heute für diese Jahre leicht abweichende Werte "
                          "(1 bis 132 Personen, z. B. Bochum 2013: 19.114 statt 19.112). Eine neuere Datei für "
                          "diese Jahre liegt nicht bei.",
                    "en": "The unemployment counts 2008–2013 come from the file dated 10 Oct 2017; the Federal "
                          "Employment Agency publishes slightly different values for these years today (1 to 132 "
                          "persons, e.g. Bochum 2013: 19,114 instead of 19,112). No newer file for those years is "
                          "bundled."},
    "revision": {"de": "Revision: {area} {year}, {what}: {old} (Stand {old_stand}) → {new} (Stand {stand}); "
                       "gezeigt wird der neuere Wert.",
                 "en": "Revision: {area} {year}, {what}: {old} (as of {old_stand}) → {new} (as of {stand}); the "
                       "newer value is shown."},
    "revisions_more": {"de": "… und {n} weitere Revisionen in dieser Auswahl.",
                       "en": "… and {n} more revisions in this selection."},
    "stands": {"de": "Stand je Datei: {items}", "en": "Data as of, per file: {items}"},
}


def word(key: str, lang: str) -> str:
    return TEXT[key].get(lang) or TEXT[key]["de"]


def set_table(table: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """The table cut to the set's Kreise plus NRW and Germany, ranked inside the set."""
    keep = list(ids) + list(rv.REFERENCE_IDS)
    derived = ["rank", "n_ranked", "value_nrw", "value_de", "dev_nrw_pp", "dev_de_pp"]
    rows = table[table["area_id"].isin(keep)].drop(columns=derived, errors="ignore")
    rows = rv.with_ranks(rows.copy())
    return rows[rv.TABLE_COLUMNS].reset_index(drop=True)


def set_median(table: pd.DataFrame, measure_id: str, ids: list[str]) -> pd.DataFrame:
    """Per year the median of the set's Kreise with a value (year, value, n); no value, no row."""
    rows = table[(table["indicator_id"] == measure_id) & table["area_id"].isin(ids) & table["value"].notna()]
    out = rows.groupby("year")["value"].agg(["median", "count"]).reset_index()
    return out.rename(columns={"median": "value", "count": "n"})


def measure_variables(measure: rv.RuhrMeasure) -> set[str]:
    """The catalog variables behind a computed indicator (none for a published rate)."""
    if measure.kind != rv.KIND_INDICATOR:
        return set()
    ind = load_catalog().indicators[measure.id]
    return {v for v in (ind.numerator, ind.denominator) if v}


def _spans(years, year: int) -> bool:
    return bool(len(years)) and min(years) < year <= max(years)


def extra_breaks(measure: rv.RuhrMeasure) -> list[tuple[float, dict]]:
    """Breaks of the newer years: Zensus 2022, Bürgergeld 2023, school-leaver label 2024 (inside the series)."""
    variables = measure_variables(measure)
    years = measure.years
    have = {round(x, 1) for x, _ in measure.series_breaks}
    out = []
    if variables & POPULATION_VARIABLES and _spans(years, ZENSUS22_YEAR):
        out.append((ZENSUS22_YEAR - 0.5, TEXT["zensus22"]))
    unemployment = variables & rv.UNEMPLOYMENT_VARIABLES or measure.kind == rv.KIND_OFFICIAL
    if unemployment and _spans(years, BUERGERGELD_YEAR) and BUERGERGELD_YEAR - 0.5 not in have:
        out.append((BUERGERGELD_YEAR - 0.5, TEXT["buergergeld"]))
    if "schulabgaenger_ohne_abschluss" in variables and _spans(years, SCHOOL_LABEL_YEAR):
        out.append((SCHOOL_LABEL_YEAR - 0.5, TEXT["school_label"]))
    return out


def with_breaks(measure: rv.RuhrMeasure) -> rv.RuhrMeasure:
    """The measure with the newer breaks added to its own."""
    from dataclasses import replace

    return replace(measure, series_breaks=tuple(measure.series_breaks) + tuple(extra_breaks(measure)))


def _latest_year(table: pd.DataFrame) -> int:
    return int(table.loc[table["value"].notna(), "year"].max())


def gap_years(table: pd.DataFrame, measure: rv.RuhrMeasure) -> list[int]:
    """Years without Bochum's value between its first value and the newest year of any official file."""
    return kreise.missing_years(measure.years, last=_latest_year(table))


def _tables_for(measure: rv.RuhrMeasure) -> list[str]:
    if measure.kind == rv.KIND_OFFICIAL:
        return [kreise.RATE_TABLE]
    variables = measure_variables(measure)
    tables = sorted({kreise.VARIABLE_TABLES[v] for v in variables if v in kreise.VARIABLE_TABLES})
    if variables & POPULATION_VARIABLES:
        tables.append(kreise.POPULATION_TABLE)
    return tables


def gap_notes(table: pd.DataFrame, measure: rv.RuhrMeasure, lang: str = "de") -> list[str]:
    """One sentence per table with missing years, with the fetch command that would fill them."""
    years = gap_years(table, measure)
    if not years:
        return []
    counts = kreise.kreis_data().counts
    notes = []
    for table_code in _tables_for(measure):
        variables = [v for v, t in kreise.VARIABLE_TABLES.items() if t == table_code] or ["einwohner"]
        have = set(counts.loc[counts["variable"].isin(variables) & counts["value"].notna()
                              & counts["area_id"].eq(rv.BOCHUM_ID), "year"])
        if measure.kind == rv.KIND_OFFICIAL:
            have = set(measure.years)
        missing = [y for y in years if y not in have]
        if not missing:
            continue
        text = rv.year_span(missing)
        notes.append(word("missing", lang).format(years=text, table=table_code,
                                                  command=kreise.fetch_command(table_code, missing)))
    return notes


def revision_notes(measure: rv.RuhrMeasure, ids: list[str], names: dict, lang: str = "de",
                   limit: int = 8) -> list[str]:
    """The revisions (older vintage differs) of the measure's variables or rate for the set and references."""
    ids_all = list(ids) + list(rv.REFERENCE_IDS)
    keys = measure_variables(measure) or {measure.id}
    rev = kreise.revisions_for(kreise.kreis_data(), keys, ids_all).sort_values(["area_id", "year"])
    catalog = load_catalog()
    notes = []
    for r in rev.head(limit).itertuples(index=False):
        var = catalog.variables.get(r.measure_id)
        what = (var.title.get(lang) or var.title["de"]) if var else measure.label(lang, short=True)
        decimals = 0 if var else measure.decimals
        notes.append(word("revision", lang).format(
            area=rv.area_name(r.area_id, names.get(r.area_id, r.area_id), lang), year=int(r.year), what=what,
            old=fmt_number(r.old_value, decimals, lang), old_stand=r.old_stand,
            new=fmt_number(r.value, decimals, lang), stand=r.stand))
    if len(rev) > limit:
        notes.append(word("revisions_more", lang).format(n=len(rev) - limit))
    return notes


def stands_used(table: pd.DataFrame, measure: rv.RuhrMeasure) -> pd.DataFrame:
    """The files (with table and Stand) that hold the values of this measure, newest last."""
    data = kreise.kreis_data()
    if measure.kind == rv.KIND_OFFICIAL:
        used = set(data.rates.loc[data.rates["rate_id"] == measure.id, "file"])
    else:
        used = set(data.counts.loc[data.counts["variable"].isin(measure_variables(measure)), "file"])
    files = data.files[data.files["file"].isin(used)].sort_values("stand_date")
    return files[["file", "table", "stand", "source_id", "origin"]].reset_index(drop=True)


def file_stand_map(measure: rv.RuhrMeasure) -> dict[tuple[str, int], str]:
    """(area_id, year) -> Stand of the file behind the value (numerator's file for computed indicators)."""
    data = kreise.kreis_data()
    if measure.kind == rv.KIND_OFFICIAL:
        rows = data.rates[data.rates["rate_id"] == measure.id]
    else:
        ind = load_catalog().indicators[measure.id]
        rows = data.counts[data.counts["variable"] == ind.numerator]
    return dict(zip(zip(rows["area_id"], rows["year"].astype(int)), rows["stand"]))


def notes(table: pd.DataFrame, measure: rv.RuhrMeasure, ids: list[str], names: dict, lang: str = "de") -> list[str]:
    """Everything „Hinweise zu diesen Daten“ lists for this measure and set."""
    items = list(measure.notes.get(lang, []))
    variables = measure_variables(measure)
    breaks = {label["de"] for _, label in extra_breaks(measure)}
    if TEXT["zensus22"]["de"] in breaks:
        items.append(word("zensus22_note", lang))
    if TEXT["buergergeld"]["de"] in breaks:
        items.append(word("buergergeld_note", lang))
    if variables & SCHOOL_VARIABLES:
        if TEXT["school_label"]["de"] in breaks:
            items.append(word("school_label_note", lang))
        if max(measure.years) >= NRW_ROUNDING_YEAR:
            items.append(word("rounding_note", lang))
    if variables & rv.UNEMPLOYMENT_VARIABLES or measure.kind == rv.KIND_OFFICIAL:
        if min(measure.years) <= 2013:
            items.append(word("old_vintage", lang))
    items += gap_notes(table, measure, lang)
    items += revision_notes(measure, ids, names, lang)
    files = stands_used(table, measure)
    if len(files):
        items.append(word("stands", lang).format(items="; ".join(f"{r.file} ({r.table}): {r.stand}"
                                                              for r in files.itertuples(index=False))))
    return [i for i in items if i]


def source_line(table: pd.DataFrame, measure: rv.RuhrMeasure, lang: str = "de") -> str:
    """Sources with table and Stand of each file used, and the licence."""
    files = stands_used(table, measure)
    sources = load_sources()
    parts = []
    for source_id, group in files.groupby("source_id", sort=False):
        src = sources.get(source_id, {})
        title = src.get("title", source_id)
        title = title.get(lang, title.get("de")) if isinstance(title, dict) else str(title)
        stands = ", ".join(f"{r.table} Stand {r.stand}" if lang == "de" else f"{r.table} as of {r.stand}"
                           for r in group.itertuples(index=False))
        parts.append(f"{title.split(' (')[0]} ({src.get('publisher', '')}): {stands}")
    licence = "Lizenz dl-de/by-2-0" if lang == "de" else "licence dl-de/by-2-0"
    return "; ".join(parts) + f"; {licence}"


def export_frame(table: pd.DataFrame, measure: rv.RuhrMeasure, year: int, ids: list[str],
                 names: dict, lang: str = "de") -> pd.DataFrame:
    """One row per Kreis of the set (ranked) and NRW and Germany as own rows: AGS, name, value, …, Stand."""
    ranked = set_table(table, ids)
    rows = rv.ranking_slice(ranked, measure.id, year)
    stands = file_stand_map(measure)
    files = kreise.kreis_data()
    src = files.rates[files.rates["rate_id"] == measure.id] if measure.kind == rv.KIND_OFFICIAL else \
        files.counts[files.counts["variable"] == load_catalog().indicators[measure.id].numerator]
    file_of = dict(zip(zip(src["area_id"], src["year"].astype(int)), src["file"]))
    ags = dict(zip(kreise.kreis_areas()["area_id"], kreise.kreis_areas()["ags"]))
    out = pd.DataFrame({
        "AGS": rows["area_id"].map(ags),
        "Name": [rv.area_name(a, names.get(a, n), lang) for a, n in zip(rows["area_id"], rows["name"])],
        "Ebene": rows["level"].map(lambda lv: rv.LEVEL_WORDS.get(lv, {}).get(lang, lv)),
        "Jahr": rows["year"].astype(int),
        "Indikator": measure.label(lang, short=True),
        "Wert": rows["value"].round(measure.decimals if measure.is_rate else 0),
        "Zähler": rows["numerator"].round().astype("Int64"), "Nenner": rows["denominator"].round().astype("Int64"),
        "Rang": rows["rank"].astype("Int64"), "n": rows["n_ranked"].where(rows["rank"].notna()).astype("Int64"),
        "Stand": [stands.get((a, int(y)), "") for a, y in zip(rows["area_id"], rows["year"])],
        "Datei": [file_of.get((a, int(y)), "") for a, y in zip(rows["area_id"], rows["year"])],
    })
    return out[EXPORT_COLUMNS]


# --- Überblick ---

OVERVIEW_FILE = kreise.DATA_DIR / "kreise_overview.csv"


def overview_measures() -> dict[str, str]:
    """Theme id -> the official Kreis measure shown for it on the Überblick (data/kreise_overview.csv)."""
    frame = pd.read_csv(OVERVIEW_FILE, dtype=str, keep_default_na=False)
    return dict(zip(frame["theme"], frame["measure_id"]))


def overview_line(table: pd.DataFrame, measure: rv.RuhrMeasure, lang: str = "de") -> dict:
    """Bochum's latest official value of a measure, its year, and NRW and Germany in that year."""
    year = max(measure.years)
    rows = table[(table["indicator_id"] == measure.id) & (table["year"] == year)].set_index("area_id")["value"]

    def fmt(area_id):
        value = rows.get(area_id)
        return fmt_value(value, measure.unit, measure.decimals, lang) if value is not None and pd.notna(value) else "–"

    return {"id": measure.id, "label": measure.label(lang, short=True), "year": year,
            "bochum": fmt(rv.BOCHUM_ID), "nrw": fmt(rv.NRW_ID), "de": fmt(rv.DE_ID)}


def overview_text(line: dict, lang: str = "de") -> str:
    """'Amtlich, Kreisebene: Langzeitarbeitslose an Arbeitslosen – Bochum 40,4 % (2025) · NRW 41,0 % · Deutschland 35,1 %'."""
    if lang == "de":
        return (f"Amtlich, Kreisebene: {line['label']} – **Bochum {line['bochum']}** ({line['year']}) · "
                f"NRW {line['nrw']} · Deutschland {line['de']}")
    return (f"Official, district level: {line['label']} – **Bochum {line['bochum']}** ({line['year']}) · "
            f"NRW {line['nrw']} · Germany {line['de']}")


# --- the page's sentences and tables ---

def position_sentence(ranked: pd.DataFrame, measure: rv.RuhrMeasure, year: int, set_id: str,
                      lang: str = "de") -> str:
    """'**Bochum 2025: 40,4 %** – Rang 9 von 15 Ruhr-Kreisen (1 = höchster Wert); NRW …, Deutschland ….'"""
    row = ranked[(ranked["area_id"] == rv.BOCHUM_ID) & (ranked["indicator_id"] == measure.id)
                 & (ranked["year"] == int(year))]
    if row.empty or pd.isna(row["value"].iloc[0]):
        return f"Bochum {year}: " + ("keine Daten" if lang == "de" else "no data")
    r = row.iloc[0]
    value = fmt_value(r["value"], measure.unit, measure.decimals, lang)
    group = kreise.SET_SHORT[set_id][lang]
    if lang == "de":
        text = f"**Bochum {year}: {value}** – Rang {r['rank']} von {r['n_ranked']} {group} (1 = höchster Wert)"
    else:
        text = f"**Bochum {year}: {value}** – rank {r['rank']} of {r['n_ranked']} {group} (1 = highest value)"
    refs = []
    for col, name in (("value_nrw", "NRW"), ("value_de", "Deutschland" if lang == "de" else "Germany")):
        if pd.notna(r[col]):
            refs.append(f"{name} {fmt_value(r[col], measure.unit, measure.decimals, lang)}")
    return text + ("; " + ", ".join(refs) if refs else "") + "."


def trend_table(ranked: pd.DataFrame, measure: rv.RuhrMeasure, ids: list[str], names: dict,
                lang: str = "de") -> pd.DataFrame:
    """The trend chart's data for people: Bochum, the set's median, NRW and Germany per year (gaps as '–')."""
    rows = ranked[ranked["indicator_id"] == measure.id]
    median = set_median(ranked, measure.id, ids).set_index("year")["value"]
    years = list(range(min(measure.years), max(rows.loc[rows["value"].notna(), "year"]) + 1))
    label = {"de": "Median der Auswahl", "en": "Median of the selection"}[lang]
    series = {"Bochum": rv.BOCHUM_ID, label: None, "NRW": rv.NRW_ID,
              ("Deutschland" if lang == "de" else "Germany"): rv.DE_ID}
    out = {("Jahr" if lang == "de" else "Year"): years}
    for name, area_id in series.items():
        values = median if area_id is None else rows[rows["area_id"] == area_id].set_index("year")["value"]
        out[name] = [fmt_value(values.get(y), measure.unit, measure.decimals, lang) if pd.notna(values.get(y))
                     else "–" for y in years]
    return pd.DataFrame(out)


def position_table(ranked: pd.DataFrame, measures: dict, lang: str = "de") -> pd.DataFrame:
    """Bochum's rank per rate (rows) and year (columns) as 'x von n' text; '–' where no value."""
    rates = [m for m, x in measures.items() if x.is_rate]
    pos = rv.bochum_position(ranked, rates)
    pos = pos[pos["rank"].notna()]
    of = "von" if lang == "de" else "of"
    pos = pos.assign(text=[f"{int(r)} {of} {int(n)}" for r, n in zip(pos["rank"], pos["n_ranked"])])
    wide = pos.pivot_table(index="indicator_id", columns="year", values="text", aggfunc="first").reindex(
        [m for m in rates if m in set(pos["indicator_id"])]).fillna("–")
    wide.index = [measures[m].label(lang, short=True) for m in wide.index]
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index().rename(columns={"index": "Quote" if lang == "de" else "Rate"})


def set_indicator_table(ids: list[str], imported: pd.DataFrame | None = None) -> pd.DataFrame:
    """The Kreis table computed for the set's Kreise plus NRW and Germany only, ranked inside the set.

    Computing only the set (15–40 areas instead of 420) keeps the page's first view fast; the values
    are the same as in the full table, the ranks are the set's.
    """
    from indicators.schema import COUNT_COLUMNS

    keep = list(dict.fromkeys(list(ids) + list(rv.REFERENCE_IDS)))
    data = kreise.kreis_data()
    counts = data.counts[data.counts["area_id"].isin(keep)][COUNT_COLUMNS]
    if imported is not None:
        own = imported[imported["area_id"].isin(keep)]
        if len(own):
            from indicators.build.pipeline import overlay

            counts = overlay(counts, own)
    rates = data.rates[data.rates["area_id"].isin(keep)]
    areas = rv.ruhr_area_frame()
    areas = areas[areas["area_id"].isin(keep)]
    return rv.ruhr_table(counts, rates, load_catalog(), areas)
