"""Bochum among the Ruhr cities: one table of catalog indicators and official rates for the Ruhr Kreise.

Pure pandas. The catalog indicators are computed with ``compute.indicator_table`` from the official
Kreis counts (``ruhr.load_ruhr_counts``); the rates the statistical offices publish (e.g. the
Arbeitslosenquote) are kept as published, as measures of their own with their own definitions, and
never recomputed or put on a catalog indicator's axis. ``rank`` is among the 15 Ruhr Kreise
(1 = highest value); NRW and Germany are reference rows without a rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from indicators.build.compute import indicator_table
from indicators.catalog import Catalog, load_catalog, load_sources
from indicators.formats import fmt_date, fmt_number, fmt_pp, fmt_value
from indicators.load.genesis import load_mapping
from indicators.load.ruhr import (
    BOCHUM_AREA_ID,
    SOURCE_ID,
    load_ruhr_counts,
    load_ruhr_official_rates,
    ruhr_meta,
)
from indicators.views import DISPLAY_HEADERS as BOCHUM_HEADERS
from indicators.words import pick

BOCHUM_ID = BOCHUM_AREA_ID
NRW_ID = "ags_05"
DE_ID = "ags_dg"
REFERENCE_IDS = (NRW_ID, DE_ID)
LEVEL_KREIS = "kreis"
KIND_INDICATOR = "indicator"
KIND_OFFICIAL = "official"
OFFICIAL_DECIMALS = 1  # the rates are published with one decimal

TABLE_COLUMNS = ["area_id", "name", "level", "year", "indicator_id", "kind", "value", "numerator", "denominator",
                 "flag", "source_ids", "is_demo", "rank", "n_ranked", "value_nrw", "value_de", "dev_nrw_pp",
                 "dev_de_pp"]

NAMES_EN = {NRW_ID: "North Rhine-Westphalia", DE_ID: "Germany"}
LEVEL_WORDS = {"kreis": {"de": "Kreis / kreisfreie Stadt", "en": "District / city"},
               "land": {"de": "Land", "en": "State"}, "bund": {"de": "Bund", "en": "Federal"}}
FLAG_WORDS = {"suppressed": {"de": "unterdrückt bzw. nicht veröffentlicht", "en": "suppressed or not published"},
              "missing": {"de": "keine Daten", "en": "no data"},
              "": {"de": "", "en": ""}}

# The mapping (data/genesis_mapping.csv) holds the German texts of the official rates; English here.
OFFICIAL_TEXT_EN = {
    "alq_abhaengige": (
        "Unemployment rate (dependent civilian labour force)",
        "Registered unemployed as a percentage of the dependent civilian labour force (employees subject to "
        "social insurance, marginally employed, civil servants, unemployed), annual average, as published by "
        "the Federal Employment Agency."),
    "alq_alle": (
        "Unemployment rate (total civilian labour force)",
        "Registered unemployed as a percentage of the total civilian labour force (dependent civilian labour "
        "force plus self-employed and family workers), annual average, as published by the Federal Employment "
        "Agency."),
    "alq_alle_maenner": ("Unemployment rate of men (total civilian labour force)",
                         "Unemployed men as a percentage of the total civilian labour force of this group, annual "
                         "average, as published by the Federal Employment Agency."),
    "alq_alle_frauen": ("Unemployment rate of women (total civilian labour force)",
                        "Unemployed women as a percentage of the total civilian labour force of this group, annual "
                        "average, as published by the Federal Employment Agency."),
    "alq_alle_auslaender": ("Unemployment rate of foreign nationals (total civilian labour force)",
                            "Unemployed foreign nationals as a percentage of the total civilian labour force of this "
                            "group, annual average, as published by the Federal Employment Agency."),
    "alq_alle_u25": ("Unemployment rate of 15- to 24-year-olds (total civilian labour force)",
                     "Unemployed aged 15 to under 25 as a percentage of the total civilian labour force of this "
                     "group, annual average, as published by the Federal Employment Agency."),
}
# short labels for charts and the indicator choice (the full titles stay in the definitions)
OFFICIAL_SHORT = {
    "alq_abhaengige": ("Arbeitslosenquote (abhängige zivile Erwerbspersonen)", "Unemployment rate (dependent labour force)"),
    "alq_alle": ("Arbeitslosenquote (alle zivilen Erwerbspersonen)", "Unemployment rate (total labour force)"),
    "alq_alle_maenner": ("Arbeitslosenquote Männer", "Unemployment rate, men"),
    "alq_alle_frauen": ("Arbeitslosenquote Frauen", "Unemployment rate, women"),
    "alq_alle_auslaender": ("Arbeitslosenquote Ausländer", "Unemployment rate, foreign nationals"),
    "alq_alle_u25": ("Arbeitslosenquote 15 bis unter 25 Jahre", "Unemployment rate, aged 15–24"),
}
OFFICIAL_CAVEAT_EN = "Not comparable with the catalog's unemployed share of residents aged 15–64."
# English versions of the mapping's caveats per catalog variable (German comes from the mapping)
VARIABLE_CAVEATS_EN = {
    "arbeitslose": "Annual average (not the December reference date).",
    "langzeitarbeitslose": "Annual average (not the December reference date).",
    "arbeitslose_u25": "Annual average (not the December reference date).",
    "sgb2_leistungsberechtigte": (
        "Benefit recipients with a standard entitlement (employable and non-employable) on 31 December, without "
        "other entitled persons. The age limit is the statutory retirement age (65 and some months), so a few "
        "persons aged 65 and over are included; the catalog relates the rate to residents under 65."),
    "sgb2_kinder_u15": (
        "Recipients of Sozialgeld under 15 (non-employable entitled persons), not all children in the households: "
        "children whose needs are covered by their own income (e.g. child benefit, maintenance) are missing."),
    "schulabgaenger": ("School statistics by place of school (not residence); graduates and leavers of general "
                       "schools including special schools, school year ending in the year given."),
    "schulabgaenger_ohne_abschluss": (
        "School statistics by place of school (not residence); graduates and leavers of general schools including "
        "special schools, school year ending in the year given. Leavers with a special-school certificate count as "
        "without a Hauptschulabschluss."),
    "einwohner": "Official population estimate (IT.NRW/Destatis), not the city's register; do not mix.",
}
for _v in ("einwohner_u15", "einwohner_u18", "einwohner_15_24", "einwohner_15_64", "einwohner_u65"):
    VARIABLE_CAVEATS_EN[_v] = VARIABLE_CAVEATS_EN["einwohner"] + " Sum of age groups."
CENSUS_BREAK_YEAR = 2011
SGB2_BREAK_YEAR = 2005
UNEMPLOYMENT_VARIABLES = {"arbeitslose", "langzeitarbeitslose", "arbeitslose_u25"}
TEXT = {
    "years_limited": {
        "de": "In den Ruhr-Daten liegt der Zähler ({num}) für {num_years} vor, der Nenner ({den}) für {den_years}; "
              "berechnet und gezeigt werden nur Jahre mit beiden: {years}.",
        "en": "In the Ruhr data the numerator ({num}) is available for {num_years}, the denominator ({den}) for "
              "{den_years}; only years with both are computed and shown: {years}."},
    "census": {"de": "Reihenbruch 2010/2011: ab 31.12.2011 fortgeschrieben auf Basis des Zensus 2011, davor auf "
                     "Basis der Volkszählung 1987.",
               "en": "Series break 2010/2011: from 31 Dec 2011 updated from the 2011 census, before from the 1987 "
                     "census."},
    "census_short": {"de": "Zensus 2011", "en": "2011 census"},
    "sgb2": {"de": "Reihenbruch 2004/2005: Mit dem SGB II („Hartz IV“) zählen ab 2005 auch erwerbsfähige frühere "
                   "Sozialhilfeempfänger als arbeitslos; Werte vor und ab 2005 sind nur eingeschränkt vergleichbar.",
             "en": "Series break 2004/2005: with SGB II (“Hartz IV”) employable former social-assistance recipients "
                   "count as unemployed from 2005; values before and from 2005 are only partly comparable."},
    "sgb2_short": {"de": "SGB II ab 2005", "en": "SGB II from 2005"},
    "official": {"de": "Amtliche Quote wie veröffentlicht (eine Nachkommastelle), nicht aus Zählwerten berechnet.",
                 "en": "Official rate as published (one decimal), not computed from counts."},
    "rank_help": {"de": "Rang unter den 15 Kreisen und kreisfreien Städten des Ruhrgebiets; 1 = höchster Wert.",
                  "en": "Rank among the 15 districts and cities of the Ruhr; 1 = highest value."},
}
# the Bochum table's headers; rank among 15 Kreise (not 30 Ortsteile) and the gap to NRW
DISPLAY_HEADERS = {**BOCHUM_HEADERS, "rank": {"de": "Rang", "en": "Rank"},
                   "dev_nrw": {"de": "Abstand zu NRW", "en": "Gap to NRW"}}
NOT_APPLICABLE = "–"


@dataclass(frozen=True)
class RuhrMeasure:
    """One thing the Ruhr view can show: a catalog indicator or an official rate as published."""

    id: str
    kind: str
    title: dict
    short_title: dict
    unit: str
    decimals: int
    polarity: str
    definition: dict
    notes: dict          # lang -> list of caveats that apply to the Ruhr figures
    tables: tuple[str, ...]
    years: tuple[int, ...]  # years with a value for Bochum
    series_breaks: tuple[tuple[float, dict], ...] = ()  # (x position between two years, label de/en)

    @property
    def is_rate(self) -> bool:
        return self.unit == "percent"

    def label(self, lang: str = "de", short: bool = False) -> str:
        texts = self.short_title if short else self.title
        return pick(texts, lang)


def ruhr_area_frame() -> pd.DataFrame:
    """Every Kreis (the Ruhr first), the Länder and Germany as an areas frame; each area is its own top."""
    from indicators.load.kreise import kreis_areas

    areas = kreis_areas()
    return pd.DataFrame({"area_id": areas["area_id"], "name": areas["name"], "level": areas["level"],
                         "parent_id": "", "is_focus": areas["area_id"].eq(BOCHUM_ID), "code": areas["ags"]})


def area_name(area_id: str, name: str, lang: str = "de") -> str:
    """The area's name in the chosen language (NRW and Germany translate; city names do not)."""
    return NAMES_EN.get(area_id, name) if lang == "en" else name


def with_ranks(table: pd.DataFrame) -> pd.DataFrame:
    """Rank among the Kreise (1 = highest), their number, NRW and Germany values and gaps."""
    kreise = table["level"].eq(LEVEL_KREIS)
    grouped = table[kreise].groupby(["indicator_id", "year"])["value"]
    table["rank"] = grouped.rank(ascending=False, method="min").reindex(table.index).astype("Int64")
    counts = grouped.count().rename("n_ranked")
    table["n_ranked"] = table.join(counts, on=["indicator_id", "year"])["n_ranked"].astype("Int64")
    for ref_id, col in ((NRW_ID, "value_nrw"), (DE_ID, "value_de")):
        ref = table[table["area_id"] == ref_id].set_index(["indicator_id", "year"])["value"].rename(col)
        table[col] = table.join(ref, on=["indicator_id", "year"])[col].astype("float64")
    rates = table["kind"].eq(KIND_OFFICIAL) | table["indicator_id"].isin(_rate_ids())
    table["dev_nrw_pp"] = np.where(rates, table["value"] - table["value_nrw"], np.nan)
    table["dev_de_pp"] = np.where(rates, table["value"] - table["value_de"], np.nan)
    table.loc[~kreise, "rank"] = pd.NA
    return table


@lru_cache(maxsize=1)
def _rate_ids() -> frozenset:
    return frozenset(i.id for i in load_catalog().indicators.values() if i.is_rate)


def _drop_empty(table: pd.DataFrame) -> pd.DataFrame:
    """Drop measures and years in which no area has a value (e.g. a rate before it was published)."""
    has_value = table.groupby(["indicator_id", "year"])["value"].transform(lambda s: s.notna().any())
    return table[has_value.astype(bool)]


def computed_table(counts: pd.DataFrame, catalog: Catalog, areas: pd.DataFrame) -> pd.DataFrame:
    """The catalog indicators computed from the Ruhr counts (only measures and years with a value)."""
    table = indicator_table(counts, catalog, areas)
    names = dict(zip(areas["area_id"], areas["name"]))
    out = pd.DataFrame({
        "area_id": table["area_id"], "name": table["area_id"].map(names), "level": table["level"],
        "year": table["year"].astype("int64"), "indicator_id": table["indicator_id"], "kind": KIND_INDICATOR,
        "value": table["value"], "numerator": table["numerator"], "denominator": table["denominator"],
        "flag": table["flag"], "source_ids": table["source_ids"], "is_demo": table["is_demo"].astype(bool),
    })
    return _drop_empty(out)


def official_table(rates: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """The published rates in the same shape (no numerator or denominator: they are published as rates)."""
    level = dict(zip(areas["area_id"], areas["level"]))
    names = dict(zip(areas["area_id"], areas["name"]))
    rates = rates[rates["area_id"].isin(level)]
    out = pd.DataFrame({
        "area_id": rates["area_id"], "name": rates["area_id"].map(names), "level": rates["area_id"].map(level),
        "year": rates["year"].astype("int64"), "indicator_id": rates["rate_id"], "kind": KIND_OFFICIAL,
        "value": rates["value"].astype("float64"), "numerator": np.nan, "denominator": np.nan,
        "flag": np.where(rates["value"].isna(), rates["flag"].replace("", "missing"), ""),
        "source_ids": SOURCE_ID, "is_demo": False,
    })
    return _drop_empty(out)


def ruhr_table(counts: pd.DataFrame, rates: pd.DataFrame, catalog: Catalog, areas: pd.DataFrame) -> pd.DataFrame:
    """Catalog indicators and official rates for every Ruhr Kreis, NRW and Germany, with ranks (TABLE_COLUMNS)."""
    table = pd.concat([computed_table(counts, catalog, areas), official_table(rates, areas)], ignore_index=True)
    table = with_ranks(table)
    order = {a: i for i, a in enumerate(areas["area_id"])}
    table = table.assign(_o=table["area_id"].map(order)).sort_values(["indicator_id", "year", "_o"], kind="stable")
    return table[TABLE_COLUMNS].reset_index(drop=True)


@lru_cache(maxsize=1)
def _bundled_table() -> pd.DataFrame:
    return ruhr_table(load_ruhr_counts(), load_ruhr_official_rates(), load_catalog(), ruhr_area_frame())


def ruhr_indicator_table(imported: pd.DataFrame | None = None) -> pd.DataFrame:
    """The table of the shipped official figures, with the user's imported Kreis counts on top.

    A GENESIS table imported by the user (area ids 'ags_*') replaces the shipped value of the
    same Kreis, year and variable, so newer official years show up here.
    """
    areas = ruhr_area_frame()
    own = imported[imported["area_id"].isin(areas["area_id"])] if imported is not None else None
    if own is None or own.empty:
        return _bundled_table().copy()
    from indicators.build.pipeline import overlay

    counts = overlay(load_ruhr_counts(), own)
    return ruhr_table(counts, load_ruhr_official_rates(), load_catalog(), areas)


def year_span(years) -> str:
    """[2010, …, 2016] -> '2010–2016'; [2015] -> '2015'; gaps as a list."""
    years = sorted(int(y) for y in years)
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)):
        return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def _spans(years, break_year: int) -> bool:
    """True when the years lie on both sides of a series break."""
    return bool(len(years)) and min(years) < break_year <= max(years)


def _variable_years(counts: pd.DataFrame, variable: str) -> list[int]:
    rows = counts[(counts["variable"] == variable) & counts["value"].notna()]
    return sorted(rows["year"].unique().tolist())


def _variable_caveat(variable: str, mapping: pd.DataFrame, lang: str) -> str:
    if lang == "en":
        return VARIABLE_CAVEATS_EN.get(variable, "")
    rows = mapping[mapping["variable"] == variable]["caveat_de"]
    return str(rows.iloc[0]) if len(rows) else ""


def _tables_of(variables, mapping: pd.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(set(mapping[mapping["variable"].isin(variables)]["table"])))


def _indicator_measure(ind, counts, catalog, mapping, bochum_years) -> RuhrMeasure:
    variables = [v for v in (ind.numerator, ind.denominator) if v]
    breaks = [(float(b["year"]) - 0.5, b["label"]) for b in ind.series_breaks
              if bochum_years and min(bochum_years) < int(b["year"]) <= max(bochum_years)]
    if "einwohner" in variables and _spans(bochum_years, CENSUS_BREAK_YEAR):
        breaks.append((CENSUS_BREAK_YEAR - 0.5, TEXT["census_short"]))
    sgb2_break = bool(UNEMPLOYMENT_VARIABLES & set(variables)) and _spans(bochum_years, SGB2_BREAK_YEAR)
    if sgb2_break:
        breaks.append((SGB2_BREAK_YEAR - 0.5, TEXT["sgb2_short"]))
    notes = {}
    for lang in ("de", "en"):
        items = [ind.caveats.get(lang, "")]
        for v in variables:
            caveat = _variable_caveat(v, mapping, lang)
            if caveat and not any(caveat in i for i in items):
                items = [i for i in items if i not in caveat] + [caveat]  # keep the longer of two overlapping
        if ind.is_rate:
            num_years, den_years = _variable_years(counts, ind.numerator), _variable_years(counts, ind.denominator)
            if num_years != den_years:
                title = {v: pick(catalog.variables[v].title, lang) for v in variables}
                items.append(TEXT["years_limited"][lang].format(
                    num=title[ind.numerator], num_years=year_span(num_years), den=title[ind.denominator],
                    den_years=year_span(den_years), years=year_span(bochum_years)))
        if "einwohner" in variables and _spans(bochum_years, CENSUS_BREAK_YEAR):
            items.append(TEXT["census"][lang])
        if sgb2_break:
            items.append(TEXT["sgb2"][lang])
        notes[lang] = [i for i in items if i]
    return RuhrMeasure(id=ind.id, kind=KIND_INDICATOR, title=ind.title, short_title=ind.short_title, unit=ind.unit,
                       decimals=ind.decimals, polarity=ind.polarity, definition=ind.definition, notes=notes,
                       tables=_tables_of(variables, mapping), years=tuple(bochum_years),
                       series_breaks=tuple(breaks))


def _official_measure(rate_id: str, rates: pd.DataFrame, bochum_years) -> RuhrMeasure:
    first = rates[rates["rate_id"] == rate_id].iloc[0]
    title_en, definition_en = OFFICIAL_TEXT_EN.get(rate_id, (first["title"], first["definition"]))
    title = {"de": str(first["title"]), "en": title_en}
    short_de, short_en = OFFICIAL_SHORT.get(rate_id, (title["de"], title["en"]))
    notes = {"de": [TEXT["official"]["de"], str(first["caveat"])],
             "en": [TEXT["official"]["en"], OFFICIAL_CAVEAT_EN]}
    breaks = []
    if _spans(bochum_years, SGB2_BREAK_YEAR):
        breaks.append((SGB2_BREAK_YEAR - 0.5, TEXT["sgb2_short"]))
        for lang in notes:
            notes[lang].append(TEXT["sgb2"][lang])
    return RuhrMeasure(id=rate_id, kind=KIND_OFFICIAL, title=title, short_title={"de": short_de, "en": short_en},
                       unit="percent",
                       decimals=OFFICIAL_DECIMALS, polarity="higher_is_worse",
                       definition={"de": str(first["definition"]), "en": definition_en},
                       notes={k: [n for n in v if n] for k, v in notes.items()},
                       tables=(str(first["table"]),), years=tuple(bochum_years), series_breaks=tuple(breaks))


def measures(table: pd.DataFrame | None = None, counts: pd.DataFrame | None = None,
             rates: pd.DataFrame | None = None) -> dict[str, RuhrMeasure]:
    """Every measure with a value for Bochum in some year: catalog indicators (catalog order), then official rates."""
    table = ruhr_indicator_table() if table is None else table
    counts = load_ruhr_counts() if counts is None else counts
    rates = load_ruhr_official_rates() if rates is None else rates
    catalog, mapping = load_catalog(), load_mapping()
    bochum = table[(table["area_id"] == BOCHUM_ID) & table["value"].notna()]
    years = bochum.groupby("indicator_id")["year"].agg(lambda s: sorted(int(y) for y in s.unique()))
    out = {}
    for ind in catalog.indicators.values():
        if ind.id in years:
            out[ind.id] = _indicator_measure(ind, counts, catalog, mapping, years[ind.id])
    for rate_id in dict.fromkeys(rates["rate_id"]):
        if rate_id in years:
            out[rate_id] = _official_measure(rate_id, rates, years[rate_id])
    return out


def ranking_slice(table: pd.DataFrame, indicator_id: str, year: int) -> pd.DataFrame:
    """The 15 Kreise of one measure and year, highest value first (missing last), then NRW and Germany."""
    rows = table[(table["indicator_id"] == indicator_id) & (table["year"] == int(year))]
    kreise = rows[rows["level"] == LEVEL_KREIS]
    kreise = pd.concat([kreise[kreise["value"].notna()].sort_values("value", ascending=False, kind="stable"),
                        kreise[kreise["value"].isna()]])
    refs = rows[rows["area_id"].isin(REFERENCE_IDS)].set_index("area_id").reindex(
        [a for a in REFERENCE_IDS if a in set(rows["area_id"])]).reset_index()
    return pd.concat([kreise, refs], ignore_index=True)


def trend_slice(table: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """Every area's series of one measure, years ascending."""
    rows = table[table["indicator_id"] == indicator_id]
    return rows.sort_values(["area_id", "year"], kind="stable").reset_index(drop=True)


def bochum_position(table: pd.DataFrame, measure_ids=None) -> pd.DataFrame:
    """Bochum's value, rank among the Kreise (of how many), NRW and Germany per measure and year."""
    rows = table[table["area_id"] == BOCHUM_ID]
    if measure_ids is not None:
        rows = rows[rows["indicator_id"].isin(list(measure_ids))]
        order = {m: i for i, m in enumerate(measure_ids)}
        rows = rows.assign(_o=rows["indicator_id"].map(order)).sort_values(["_o", "year"], kind="stable")
    cols = ["indicator_id", "kind", "year", "value", "rank", "n_ranked", "value_nrw", "value_de", "dev_nrw_pp",
            "dev_de_pp", "flag"]
    return rows[cols].reset_index(drop=True)


def position_summary(table: pd.DataFrame, measure: RuhrMeasure, year: int, lang: str = "de") -> str:
    """One sentence: 'Bochum 2016: 42,4 % – Rang 5 von 15 Ruhr-Kreisen (1 = höchster Wert); NRW 37,9 %, …'."""
    row = table[(table["area_id"] == BOCHUM_ID) & (table["indicator_id"] == measure.id) & (table["year"] == int(year))]
    if row.empty or pd.isna(row["value"].iloc[0]):
        return f"Bochum {year}: " + ("keine Daten" if lang == "de" else "no data")
    r = row.iloc[0]
    value = fmt_value(r["value"], measure.unit, measure.decimals, lang)
    if lang == "de":
        text = f"**Bochum {year}: {value}** – Rang {r['rank']} von {r['n_ranked']} Ruhr-Kreisen (1 = höchster Wert)"
    else:
        text = f"**Bochum {year}: {value}** – rank {r['rank']} of {r['n_ranked']} Ruhr districts (1 = highest value)"
    refs = []
    for col, dev, name in (("value_nrw", "dev_nrw_pp", "NRW"), ("value_de", "dev_de_pp",
                                                                  "Deutschland" if lang == "de" else "Germany")):
        if pd.notna(r[col]):
            ref = f"{name} {fmt_value(r[col], measure.unit, measure.decimals, lang)}"
            if measure.is_rate and pd.notna(r[dev]):
                ref += f" ({fmt_pp(r[dev], measure.decimals, lang)})"
            refs.append(ref)
    return text + ("; " + ", ".join(refs) if refs else "") + "."


def display_table(rows: pd.DataFrame, measure: RuhrMeasure, lang: str = "de") -> pd.DataFrame:
    """Rows of one measure as German (or English) text for people; rank stays a number for sorting."""
    h = {k: v[lang] for k, v in DISPLAY_HEADERS.items()}
    computed = measure.kind == KIND_INDICATOR and measure.is_rate
    records = []
    for row in rows.itertuples(index=False):
        records.append({
            h["rank"]: row.rank if pd.notna(row.rank) else pd.NA,
            h["name"]: area_name(row.area_id, row.name, lang),
            h["level"]: LEVEL_WORDS.get(row.level, {}).get(lang, row.level),
            h["year"]: int(row.year),
            h["indicator"]: measure.label(lang, short=True),
            h["value"]: fmt_value(row.value, measure.unit, measure.decimals, lang),
            h["numerator"]: fmt_number(row.numerator, 0, lang) if measure.kind == KIND_INDICATOR else NOT_APPLICABLE,
            h["denominator"]: fmt_number(row.denominator, 0, lang) if computed else NOT_APPLICABLE,
            h["dev_nrw"]: fmt_pp(row.dev_nrw_pp, measure.decimals, lang) if measure.is_rate and pd.notna(
                row.dev_nrw_pp) and row.area_id != NRW_ID else NOT_APPLICABLE,
            h["flag"]: FLAG_WORDS.get(row.flag, {"de": row.flag, "en": row.flag})[lang],
        })
    frame = pd.DataFrame(records, columns=list(h.values()))
    frame[h["rank"]] = frame[h["rank"]].astype("Int64")
    return frame


def stand_of(measure: RuhrMeasure) -> dict[str, str]:
    """Table code -> 'Stand' date of the shipped file (from its footer), e.g. '10.10.2017'."""
    meta = ruhr_meta()
    return {t: str(meta.get(t, {}).get("stand", "")).split("/")[0].strip() for t in measure.tables}


def source_line(measure: RuhrMeasure, lang: str = "de") -> str:
    """'Regionaldatenbank Deutschland (Statistische Ämter …), Tabelle 13211-02-05-4, Stand 10.10.2017, Lizenz dl-de/by-2-0'."""
    src = load_sources().get(SOURCE_ID, {})
    title = src.get("title", SOURCE_ID)
    title = title.get(lang, title.get("de")) if isinstance(title, dict) else str(title)
    title = title.split(" (")[0]
    stands = stand_of(measure)
    table_word = ("Tabelle" if len(stands) == 1 else "Tabellen") if lang == "de" else (
        "table" if len(stands) == 1 else "tables")
    dates = sorted(set(stands.values()))
    stand = ", ".join(dates) if dates else fmt_date(src.get("reference_date"), lang)
    parts = [f"{title} ({src.get('publisher', '')})", f"{table_word} {', '.join(stands)}",
             f"Stand {stand}" if lang == "de" else f"data as of {stand}",
             ("Lizenz " if lang == "de" else "licence ") + str(src.get("licence", ""))]
    return ", ".join(parts)


def metadata_frame(measure: RuhrMeasure, lang: str = "de") -> pd.DataFrame:
    """Definition, formula, unit, caveats of the measure and source, licence and 'Stand' (the XLSX's second sheet)."""
    catalog = load_catalog()
    if measure.kind == KIND_INDICATOR:
        ind = catalog.indicators[measure.id]
        formula = ind.numerator if not ind.is_rate else f"{ind.numerator} / {ind.denominator} × {ind.scale:g}"
        kind = "Indikator (berechnet)" if lang == "de" else "Indicator (computed)"
    else:
        formula = "wie veröffentlicht" if lang == "de" else "as published"
        kind = "Amtliche Quote" if lang == "de" else "Official rate"
    src = load_sources().get(SOURCE_ID, {})
    stands = stand_of(measure)
    rows = [{"Art": kind, "ID": measure.id, "Titel": measure.label(lang),
             "Definition": measure.definition.get(lang, ""), "Formel": formula,
             "Einheit": "%" if measure.unit == "percent" else "Anzahl",
             "Hinweise": " ".join(measure.notes.get(lang, [])), "Lizenz": "", "Stand": ""},
            {"Art": "Quelle", "ID": SOURCE_ID, "Titel": source_line(measure, lang),
             "Definition": src.get("publisher", ""), "Formel": src.get("url") or "",
             "Einheit": src.get("kind", ""), "Hinweise": TEXT["rank_help"][lang],
             "Lizenz": src.get("licence", ""), "Stand": ", ".join(sorted(set(stands.values())))}]
    return pd.DataFrame(rows)
