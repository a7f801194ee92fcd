"""Views on the indicator table: slices, trend frames, pooled groups, profiles and tables for people.

Pure pandas: every function takes the long indicator table (see compute.py) and returns a new frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.areas import CITY_ID, area_names, load_areas, parent_of
from indicators.catalog import load_catalog, load_sources
from indicators.formats import MISSING_TEXT, fmt_date, fmt_number, fmt_value
from indicators.schema import FLAG_NOT_MIXED
from indicators.views.comparison import statistics_file_columns
from indicators.words import LEVEL_WORDS, pick, source_title  # noqa: F401 - LEVEL_WORDS is read as views.LEVEL_WORDS

MODES = ("absolute", "indexed", "gap")
KINDS = ("ortsteil", "stadtbezirk", "stadt")
INDEX_BASE = 100.0
GROUP_FOCUS, GROUP_REST, GROUP_CITY = "focus", "rest", "city"
TREND_COLUMNS = ["area_id", "name", "year", "value", "kind"]
NOT_APPLICABLE = "–"
FLAG_WORDS = {
    "suppressed": {"de": "unterdrückt", "en": "suppressed"},
    "missing": {"de": "fehlt", "en": "missing"},
    "estimated": {"de": "geschätzt", "en": "estimated"},
    "incomplete": {"de": "unvollständig", "en": "incomplete"},
    "zero_denominator": {"de": "Nenner 0", "en": "zero denominator"},
    "not_mixed": {"de": "fehlt (echte und Demodaten nicht gemischt)", "en": "missing (real and demo data not mixed)"},
}
DISPLAY_HEADERS = {
    "name": {"de": "Gebiet", "en": "Area"},
    "level": {"de": "Ebene", "en": "Level"},
    "year": {"de": "Jahr", "en": "Year"},
    "indicator": {"de": "Indikator", "en": "Indicator"},
    "value": {"de": "Wert", "en": "Value"},
    "numerator": {"de": "Zähler", "en": "Numerator"},
    "denominator": {"de": "Nenner", "en": "Denominator"},
    "value_stadt": {"de": "Stadtwert", "en": "City value"},
    "dev_pp": {"de": "Abweichung vom Stadtwert (Prozentpunkte)", "en": "Deviation from city (percentage points)"},
    "dev_pct": {"de": "Abweichung vom Stadtwert (%)", "en": "Deviation from city (%)"},
    "rank": {"de": "Rang (von 30)", "en": "Rank (of 30)"},
    "flag": {"de": "Hinweis", "en": "Note"},
    "source": {"de": "Quelle", "en": "Source"},
}
# Files for people (people_table): the display columns plus ids, the Stadtbezirk, Stand and the demo label.
PEOPLE_HEADERS = {
    "area_id": {"de": "Gebiets-ID", "en": "Area id"},
    **DISPLAY_HEADERS,
    "value_stadtbezirk": {"de": "Wert Stadtbezirk", "en": "Borough value"},
    "stand": {"de": "Stand", "en": "As of"},
    "is_demo": {"de": "Demodaten", "en": "Demo data"},
}
YES_NO = ({"de": "ja", "en": "yes"}, {"de": "nein", "en": "no"})


# --- small helpers ---


def area_order(area_ids) -> list[int]:
    """Sort keys for area ids: the order of data/areas.csv, unknown ids after it."""
    position = {a: i for i, a in enumerate(load_areas()["area_id"])}
    return [position.get(a, len(position)) for a in area_ids]


def name_of(area_id: str) -> str:
    """Display name of an area (its id when unknown)."""
    return area_names().get(area_id, area_id)


def indicator_scale(indicator_id: str) -> float:
    """The catalog scale of an indicator (100 for percentages; 100 when not in the catalog)."""
    ind = load_catalog().indicators.get(indicator_id)
    return ind.scale if ind else 100.0


def is_rate(indicator_id: str) -> bool:
    """True for ratio indicators (the ones where percentage-point gaps make sense)."""
    ind = load_catalog().indicators.get(indicator_id)
    return ind.is_rate if ind else True


def source_ids_of(frame: pd.DataFrame) -> list[str]:
    """Distinct source ids behind the rows of an indicator-table slice ('demo;import_0001' split)."""
    if frame.empty or "source_ids" not in frame:
        return []
    return sorted({s for ids in frame["source_ids"].dropna().unique() for s in str(ids).split(";") if s})


def is_illustrative(frame: pd.DataFrame) -> bool:
    """True while any row of the frame comes from the demo data."""
    return bool("is_demo" in frame and frame["is_demo"].fillna(False).astype(bool).any())


NOT_MIXED_NOTE = {
    "de": "Einige Werte bleiben leer, weil echte (importierte) und Demodaten in keiner Quote gemischt werden "
          "(Hinweis „fehlt (echte und Demodaten nicht gemischt)“). Welche Zahlen noch fehlen, nennt der "
          "Prüfbericht des Imports.",
    "en": "Some values are left empty because real (imported) and demo data are never mixed within one rate "
          "(note “missing (real and demo data not mixed)”). The import's validation report names the counts "
          "still missing.",
}


def not_mixed_note(frame: pd.DataFrame, lang: str) -> str | None:
    """The one data note while any row of the frame was left empty rather than mix real and demo counts."""
    if "flag" in frame and frame["flag"].eq(FLAG_NOT_MIXED).any():
        return NOT_MIXED_NOTE[lang]
    return None


def _sorted_by_area(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by year, then by the official area order."""
    keys = pd.Series(area_order(frame["area_id"]), index=frame.index)
    return (frame.assign(_order=keys).sort_values(["year", "_order", "area_id"], kind="stable")
            .drop(columns="_order").reset_index(drop=True))


# --- slices and trends ---


def indicator_slice(table: pd.DataFrame, indicator_id: str, year: int | None = None,
                    level: str | None = "ortsteil") -> pd.DataFrame:
    """Rows of one indicator (one year or all; one level or all with level=None), in area order."""
    mask = table["indicator_id"] == indicator_id
    if year is not None:
        mask &= table["year"] == int(year)
    if level is not None:
        mask &= table["level"] == level
    return _sorted_by_area(table[mask])


def trend_areas(area_ids) -> list[str]:
    """The chosen Ortsteile, then their Stadtbezirke (once each), then the city."""
    parents = parent_of()
    chosen = list(dict.fromkeys(area_ids))
    bezirke = [parents[a] for a in chosen if parents.get(a, CITY_ID) != CITY_ID]
    return chosen + [b for b in dict.fromkeys(bezirke) if b not in chosen] + [CITY_ID]


def _indexed(rows: pd.DataFrame, base_year: int) -> pd.Series:
    """value / the same area's value in the base year × 100 (missing or zero base -> NaN)."""
    base = rows.loc[rows["year"] == base_year].drop_duplicates("area_id").set_index("area_id")["value"]
    base_per_row = rows["area_id"].map(base).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = rows["value"].astype(float) / base_per_row * INDEX_BASE
    return out.where(np.isfinite(out))


def trend_frame(table: pd.DataFrame, indicator_id: str, area_ids, mode: str = "absolute") -> pd.DataFrame:
    """Long (area_id, name, year, value, kind) for the chosen Ortsteile, their Stadtbezirke and the city.

    mode: 'absolute' (the values), 'indexed' (first year = 100) or 'gap' (value − city value, in
    percentage points; only defined for rates, NaN for counts).
    """
    if mode not in MODES:
        raise ValueError(f"Unbekannte Darstellung „{mode}“: erlaubt sind {', '.join(MODES)}.")
    ids = trend_areas(area_ids)
    rows = table[(table["indicator_id"] == indicator_id) & table["area_id"].isin(ids)]
    all_years = table.loc[table["indicator_id"] == indicator_id, "year"]
    order = {a: i for i, a in enumerate(ids)}
    rows = rows.assign(_o=rows["area_id"].map(order)).sort_values(["_o", "year"], kind="stable")
    values = rows["value"].astype(float)
    if mode == "indexed":
        values = _indexed(rows, int(all_years.min()))
    elif mode == "gap":
        gap = rows["value"].astype(float) - rows["value_stadt"].astype(float)
        values = gap if is_rate(indicator_id) else gap * np.nan
    return pd.DataFrame({
        "area_id": rows["area_id"].to_numpy(),
        "name": [name_of(a) for a in rows["area_id"]],
        "year": rows["year"].astype("int64").to_numpy(),
        "value": values.to_numpy(dtype=float),
        "kind": rows["level"].to_numpy(),
    })[TREND_COLUMNS]


# --- pooled groups ---


def _pool(rows: pd.DataFrame, scale: float) -> dict:
    """Sum over sum of a group; any missing component makes the group missing."""
    complete = len(rows) > 0 and rows["numerator"].notna().all() and rows["denominator"].notna().all()
    num = float(rows["numerator"].sum()) if complete else np.nan
    den = float(rows["denominator"].sum()) if complete else np.nan
    value = num / den * scale if complete and den > 0 else np.nan
    return {"numerator": num, "denominator": den, "value": value, "n_areas": len(rows),
            "is_demo": is_illustrative(rows)}


def pooled_groups(table: pd.DataFrame, indicator_id: str, year: int, focus_ids) -> pd.DataFrame:
    """Focus Ortsteile pooled (sum over sum) vs. the other Ortsteile vs. the city.

    Columns: group ('focus'|'rest'|'city'), area_ids, n_areas, numerator, denominator, value, is_demo.
    The city is pooled from all Ortsteile, so the three rows are computed the same way.
    """
    rows = indicator_slice(table, indicator_id, year, "ortsteil")
    focus = set(focus_ids)
    in_focus = rows["area_id"].isin(focus)
    scale = indicator_scale(indicator_id)
    groups = [(GROUP_FOCUS, rows[in_focus]), (GROUP_REST, rows[~in_focus]), (GROUP_CITY, rows)]
    records = [{"group": g, "area_ids": tuple(part["area_id"]), **_pool(part, scale)} for g, part in groups]
    return pd.DataFrame.from_records(records, columns=["group", "area_ids", "n_areas", "numerator",
                                                      "denominator", "value", "is_demo"])


# --- profile of one Ortsteil ---


def profile(table: pd.DataFrame, area_id: str, year: int) -> pd.DataFrame:
    """Every catalog indicator for one Ortsteil vs. its Stadtbezirk and the city, in catalog order.

    Columns: indicator_id, area_id, stadtbezirk_id, year, value, value_stadtbezirk, value_stadt,
    dev_pp, dev_pct, rank, flag, is_demo.
    """
    catalog = load_catalog()
    rows = table[(table["area_id"] == area_id) & (table["year"] == int(year))].set_index("indicator_id")
    ids = [i for i in catalog.indicators if i in rows.index]
    out = rows.loc[ids, ["value", "value_stadtbezirk", "value_stadt", "dev_pp", "dev_pct", "rank",
                         "flag", "is_demo"]].reset_index()
    out.insert(1, "area_id", area_id)
    out.insert(2, "stadtbezirk_id", parent_of().get(area_id, ""))
    out.insert(3, "year", int(year))
    return out


# --- tables for people ---


def _signed(x, decimals: int, lang: str, suffix: str = "") -> str:
    """'+9,8' / '−3,1' / '0,0' (missing -> 'keine Daten')."""
    if x is None or pd.isna(x):
        return MISSING_TEXT[lang]
    x = round(float(x), decimals)
    sign = "+" if x > 0 else ("−" if x < 0 else "")
    return f"{sign}{fmt_number(abs(x), decimals, lang)}{suffix}"


def flag_text(flag, lang: str = "de") -> str:
    """A flag in words ('suppressed' -> 'unterdrückt'); empty for no flag."""
    if flag is None or pd.isna(flag) or flag == "":
        return ""
    return FLAG_WORDS.get(str(flag), {}).get(lang, str(flag))


def source_titles(source_ids: str, lang: str = "de", sources: dict | None = None) -> str:
    """'demo;x' -> 'Demodaten (…); x' using the titles of the sources."""
    sources = load_sources() if sources is None else sources
    titles = []
    for sid in [s for s in str(source_ids or "").split(";") if s]:
        titles.append(source_title(sources.get(sid), sid, lang))
    return "; ".join(titles)


def display_table(table_slice: pd.DataFrame, lang: str = "de", sources: dict | None = None) -> pd.DataFrame:
    """The rows as German- (or English-) formatted text for people; rank stays a number for sorting.
    Ends with the statistics columns of people_table (95 % interval, comparison words, note) as text."""
    catalog = load_catalog()
    if sources is None:
        from indicators.store import all_sources  # the store imports loaders etc.; load it only when needed

        sources = all_sources()
    h = {k: v[lang] for k, v in DISPLAY_HEADERS.items()}
    records = []
    for row in table_slice.itertuples(index=False):
        ind = catalog.indicators.get(row.indicator_id)
        unit, dec = (ind.unit, ind.decimals) if ind else ("percent", 1)
        rate = ind.is_rate if ind else True
        records.append({
            h["name"]: name_of(row.area_id),
            h["level"]: LEVEL_WORDS.get(row.level, {}).get(lang, row.level),
            h["year"]: int(row.year),
            h["indicator"]: ind.label(lang, short=True) if ind else row.indicator_id,
            h["value"]: fmt_value(row.value, unit, dec, lang),
            h["numerator"]: fmt_number(row.numerator, 0, lang),
            h["denominator"]: fmt_number(row.denominator, 0, lang) if rate else NOT_APPLICABLE,
            h["value_stadt"]: fmt_value(row.value_stadt, unit, dec, lang),
            h["dev_pp"]: _signed(row.dev_pp, dec, lang) if rate else NOT_APPLICABLE,
            h["dev_pct"]: _signed(row.dev_pct, 1, lang, " %" if lang == "de" else "%") if rate else NOT_APPLICABLE,
            h["rank"]: row.rank if row.level == "ortsteil" and not pd.isna(row.rank) else pd.NA,
            h["flag"]: flag_text(row.flag, lang),
            h["source"]: source_titles(row.source_ids, lang, sources),
        })
    frame = pd.DataFrame.from_records(records, columns=list(h.values()))
    frame[h["rank"]] = frame[h["rank"]].astype("Int64")
    # the 95 % interval and the comparison words per area: the columns of the downloads (people_table)
    return pd.concat([frame, statistics_file_columns(table_slice, catalog, lang, as_text=True)], axis=1)


def _stand(source_ids: str, sources: dict, lang: str) -> str:
    """The reference dates of a row's sources ('31.12.2024; 30.06.2024'), in the order of the sources."""
    ids = [sid for sid in str(source_ids or "").split(";") if sid]
    return "; ".join(fmt_date(sources.get(sid, {}).get("reference_date"), lang) for sid in ids)


def people_table(rows: pd.DataFrame, lang: str = "de", sources: dict | None = None) -> pd.DataFrame:
    """The one table of rows for files people open (page downloads and the ZIP bundle alike).

    Ids and labels, the value with its count and denominator, the comparison columns, flag, source, Stand
    and whether the value is illustrative. Numbers stay numbers (Excel computes with them), rounded to
    four decimals; missing values stay empty, never 0. Where a column does not apply (the denominator and
    deviations of a count indicator, the rank outside the Ortsteile) it is empty as well.
    """
    catalog = load_catalog()
    if sources is None:
        from indicators.store import all_sources  # the store imports loaders etc.; load it only when needed

        sources = all_sources()
    h = {k: pick(v, lang) for k, v in PEOPLE_HEADERS.items()}
    yes, no = (pick(w, lang) for w in YES_NO)
    rows = rows.reset_index(drop=True)
    rate = rows["indicator_id"].map(lambda i: catalog.indicators[i].is_rate if i in catalog.indicators else True)

    def number(column: str) -> pd.Series:
        return rows[column].astype("Float64").round(4)

    frame = pd.DataFrame({
        h["area_id"]: rows["area_id"].astype(str),
        h["name"]: [name_of(a) for a in rows["area_id"]],
        h["level"]: [pick(LEVEL_WORDS.get(lv), lang, lv) for lv in rows["level"]],
        h["year"]: rows["year"].astype("int64"),
        h["indicator"]: [catalog.indicators[i].label(lang, short=True) if i in catalog.indicators else i
                         for i in rows["indicator_id"]],
        h["value"]: number("value"),
        h["numerator"]: rows["numerator"].astype("Float64"),
        h["denominator"]: rows["denominator"].astype("Float64").where(rate),
        h["value_stadtbezirk"]: number("value_stadtbezirk"),
        h["value_stadt"]: number("value_stadt"),
        h["dev_pp"]: number("dev_pp").where(rate),
        h["dev_pct"]: number("dev_pct").where(rate),
        h["rank"]: rows["rank"].astype("Float64").where(rows["level"] == "ortsteil").astype("Int64"),
        h["flag"]: [flag_text(f, lang) for f in rows["flag"]],
        h["source"]: [source_titles(s, lang, sources) for s in rows["source_ids"]],
        h["stand"]: [_stand(s, sources, lang) for s in rows["source_ids"]],
        h["is_demo"]: [yes if d else no for d in rows["is_demo"].fillna(False).astype(bool)],
    })
    # interval, comparison words and the small-count note (METHODS §2.3), as on screen (display_table)
    return pd.concat([frame, statistics_file_columns(rows, catalog, lang)], axis=1)


download_table = people_table  # the name the pages' download buttons use
