"""The counts in use: imported values over the bundled demo counts, never real and demo within one ratio.

A rate or a part/whole check that divides an imported count by a demo count (or compares them)
is neither real nor illustrative, e.g. a city's real SGB-II children over invented residents gave
Kinderarmut 2.262 % for Hamme. So for every pair of the catalog (each part and its whole, each
indicator's numerator and denominator) where one side is imported for an area and year and the
other would come only from the demo data, that demo value is dropped there: value NaN, flag
``not_mixed``. The indicator is then missing (never 0), and so is every aggregate that needs the
dropped count (sum over sum, missing stays missing), so the city rate cannot mix them either.

Used by build.pipeline (what the pages show) and by the store's import check (what it refuses),
so both see exactly the same data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.catalog import Catalog, load_catalog
from indicators.load.validation import part_whole_pairs
from indicators.schema import COUNT_COLUMNS, COUNT_KEY, FLAG_NOT_MIXED

DEMO_SOURCE = "demo"
DROPPED_COLUMNS = ["area_id", "year", "variable", "partners"]


def partner_pairs(catalog: Catalog | None = None) -> list[tuple[str, str]]:
    """Every pair of variables that meet in a ratio or a check: parts and wholes, numerators and denominators.

    >>> ("sgb2_kinder_u15", "einwohner_u15") in partner_pairs()
    True
    """
    catalog = catalog or load_catalog()
    pairs = list(part_whole_pairs(catalog))
    for ind in catalog.indicators.values():
        if ind.is_rate and ind.numerator and ind.denominator and (ind.numerator, ind.denominator) not in pairs:
            pairs.append((ind.numerator, ind.denominator))
    return pairs


def unmixed(base: pd.DataFrame, imported: pd.DataFrame,
            catalog: Catalog | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counts in use, dropped): imported values replace base values per key, demo partners of imports dropped.

    ``dropped`` lists each demo value that was dropped (area_id, year, variable) with the imported
    variables it would have been paired with (``partners``, ';'-joined). Base values that are not
    demo (e.g. the official Kreis tables) are never dropped.
    """
    if imported.empty:
        return base, pd.DataFrame(columns=DROPPED_COLUMNS)
    replaced = pd.MultiIndex.from_frame(base[COUNT_KEY]).isin(pd.MultiIndex.from_frame(imported[COUNT_KEY]))
    kept = base.loc[~replaced, COUNT_COLUMNS].reset_index(drop=True)
    pairs = partner_pairs(catalog)
    partners = pd.DataFrame(pairs + [(b, a) for a, b in pairs], columns=["variable", "partner"]).drop_duplicates()
    wanted = imported[COUNT_KEY].merge(partners, on="variable")  # imported (area, year, var) -> partner var
    wanted = wanted.rename(columns={"variable": "imported", "partner": "variable"})
    is_demo = kept["source_id"].astype(str).eq(DEMO_SOURCE)
    demo_keys = kept.loc[is_demo, COUNT_KEY].reset_index()
    hits = demo_keys.merge(wanted, on=COUNT_KEY)
    if hits.empty:
        return pd.concat([kept, imported[COUNT_COLUMNS]], ignore_index=True), pd.DataFrame(columns=DROPPED_COLUMNS)
    rows = hits["index"].unique()
    kept.loc[rows, "value"] = np.nan
    kept.loc[rows, "flag"] = FLAG_NOT_MIXED
    kept.loc[rows, "source_id"] = ""  # nothing of the demo data is shown there any more
    dropped = (hits.groupby(COUNT_KEY, sort=True)["imported"]
               .agg(lambda names: ";".join(sorted(set(names)))).reset_index()
               .rename(columns={"imported": "partners"}))
    return pd.concat([kept, imported[COUNT_COLUMNS]], ignore_index=True), dropped[DROPPED_COLUMNS]


MAX_PLACES = 5  # areas named one by one in a note; the rest are counted


def _years_text(years) -> str:
    """[2021, 2022, 2023, 2025] -> '2021–2023, 2025'."""
    years = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def places_text(frame: pd.DataFrame, names: dict[str, str]) -> str:
    """'Hamme 2023, Riemke 2022–2023 und 4 weitere Ortsteile' for rows with area_id and year."""
    order = list(dict.fromkeys(frame.sort_values(["area_id", "year"])["area_id"]))
    shown = [f"{names.get(a, a)} {_years_text(frame.loc[frame['area_id'] == a, 'year'])}" for a in order[:MAX_PLACES]]
    rest = len(order) - len(shown)
    text = ", ".join(shown)
    return text + (f" und {rest} {'weiteren Ortsteil' if rest == 1 else 'weitere Ortsteile'}" if rest else "")


def mixing_notes(dropped: pd.DataFrame, catalog: Catalog | None = None) -> list[str]:
    """One German sentence per dropped demo variable: where, paired with what, which indicators stay empty."""
    from indicators.areas import area_names

    if dropped.empty:
        return []
    catalog = catalog or load_catalog()
    names = area_names()
    titles = {v.id: v.title["de"] for v in catalog.variables.values()}
    notes = []
    for variable, rows in dropped.groupby("variable", sort=True):
        partners = sorted({p for text in rows["partners"] for p in text.split(";")})
        affected = [ind.short_title["de"] for ind in catalog.indicators.values()
                    if variable in (ind.numerator, ind.denominator)]  # each of them needs the dropped value
        which = f" Leer bleiben: {', '.join(affected)}." if affected else ""
        notes.append(f"Für {places_text(rows, names)} fehlt „{titles.get(variable, variable)}“ aus echten Daten "
                     f"(importiert ist nur „{'“, „'.join(titles.get(p, p) for p in partners)}“); der Wert bleibt "
                     f"leer, statt echte und Demodaten zu mischen.{which} Bitte auch "
                     f"„{titles.get(variable, variable)}“ importieren, um die Werte zu sehen.")
    return notes
