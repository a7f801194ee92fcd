"""Peer finder „Die 5 ähnlichsten Ortsteile“ (METHODS.md §3): weighted Euclidean distance on z-values.

The default variables describe population structure only; outcome indicators (Langzeitarbeitslosigkeit,
Kinderarmut, Qualifizierung, Übergang Schule–Beruf) are never used, or peers would be similar by construction.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from indicators.words import pick

N_PEERS = 5
MIN_CANDIDATES = 6
STABLE_SHARE = 0.8
EXCLUDED_THEMES = ("langzeitarbeitslosigkeit", "kinderarmut", "qualifizierung", "uebergang_schule_beruf")
# id -> (UI label, numerator variable or None, denominator variable); log_einwohner is log10(einwohner)
DEFAULT_VARIABLES = {
    "anteil_u18": "Anteil unter 18",
    "anteil_15_24": "Anteil 15 bis 24",
    "anteil_65plus": "Anteil 65 und älter",
    "log_einwohner": "Einwohnerzahl",
}
VARIABLE_LABELS_EN = {"anteil_u18": "share under 18", "anteil_15_24": "share aged 15 to 24",
                      "anteil_65plus": "share 65 and over", "log_einwohner": "population"}
PEER_TEXT = {
    "heading": {"de": "Die 5 ähnlichsten Ortsteile (Bevölkerungsstruktur {year})",
                "en": "The 5 most similar districts (population structure {year})"},
    "row": {"de": "ähnlich v. a. bei {similar}; größter Unterschied bei {differs}",
            "en": "similar mainly in {similar}; largest difference in {differs}"},
    "stabil": {"de": "stabil", "en": "stable"},
    "knapp": {"de": "knapp", "en": "marginal"},
    "note": {"de": "Ähnlich heißt: ähnliche Werte bei {labels}. Über Ursachen sagt das nichts.",
             "en": "Similar means: similar values in {labels}. It says nothing about causes."},
}
ORTSTEIL_LEVEL = "ortsteil"
USABLE = ("", "estimated")


def peer_variables(counts: pd.DataFrame, year: int, ortsteil_ids) -> pd.DataFrame:
    """The four default variables per Ortsteil for one year from the counts; NaN where unusable."""
    rows = counts[(counts["year"] == int(year)) & counts["area_id"].isin(list(ortsteil_ids))]
    values = rows["value"].where(rows["flag"].fillna("").isin(USABLE))
    wide = pd.Series(values.to_numpy(), index=pd.MultiIndex.from_arrays([rows["area_id"], rows["variable"]])
                     ).unstack().reindex(list(ortsteil_ids))
    col = lambda name: wide[name] if name in wide else pd.Series(np.nan, index=wide.index)  # noqa: E731
    ew = col("einwohner").where(col("einwohner") > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame({
            "anteil_u18": col("einwohner_u18") / ew * 100,
            "anteil_15_24": col("einwohner_15_24") / ew * 100,
            "anteil_65plus": (ew - col("einwohner_u65")) / ew * 100,
            "log_einwohner": np.log10(ew),
        }, index=wide.index)
    return out


def _distances(contrib: pd.DataFrame) -> pd.Series:
    return np.sqrt(contrib.sum(axis=1))


def _top(contrib: pd.DataFrame, k: int = N_PEERS) -> list[str]:
    """The k nearest, sorted by (round(d, 9), area_id) so that exact ties always come out the same way."""
    d = _distances(contrib)
    return sorted(d.index, key=lambda j: (round(float(d[j]), 9), str(j)))[:k]


def find_peers(values: pd.DataFrame, target: str, weights: dict[str, float] | None = None) -> dict:
    """The 5 most similar Ortsteile to ``target`` from a frame area_id × variable.

    Returns {'peers': DataFrame(rank, area_id, distance, similar_by, differs_by, stabil, c_<var>…),
    'dropped': variables with SD 0, 'variables': variables used, 'note': German text or ''}.
    'peers' is empty (and 'note' says why) with fewer than 6 candidates.
    """
    variables = list(values.columns)
    weights = {k: float((weights or {}).get(k, 1.0)) for k in variables}
    usable = values.dropna()
    columns = ["rank", "area_id", "distance", "similar_by", "differs_by", "stabil"]
    if target not in usable.index or len(usable) - 1 < MIN_CANDIDATES:
        return {"peers": pd.DataFrame(columns=columns), "dropped": [], "variables": variables,
                "note": "Zu wenige vergleichbare Ortsteile für eine Liste ähnlicher Ortsteile."}
    sd = usable.std(ddof=0)
    dropped = [k for k in variables if not sd[k] > 0]
    kept = [k for k in variables if k not in dropped]
    z = (usable[kept] - usable[kept].mean()) / sd[kept]
    contrib = ((z - z.loc[target]) ** 2 * pd.Series(weights)[kept]).drop(index=target)
    top = _top(contrib)
    dist = _distances(contrib)
    runs = [_top(contrib.drop(columns=k)) for k in kept] if len(kept) >= 2 else []
    need = math.ceil(STABLE_SHARE * len(kept))
    rows = []
    for rank, j in enumerate(top, start=1):
        c = contrib.loc[j]
        row = {"rank": rank, "area_id": j, "distance": float(dist[j]),
               # idxmax/idxmin return the first of equal values: ties go to the variable listed first
               "similar_by": c.idxmin(), "differs_by": c.idxmax(),
               "stabil": (sum(j in r for r in runs) >= need) if runs else None}
        row.update({f"c_{k}": float(c[k]) for k in kept})
        rows.append(row)
    note = ("Nicht berücksichtigt (in allen Ortsteilen gleich): " + ", ".join(dropped) + ".") if dropped else ""
    return {"peers": pd.DataFrame(rows), "dropped": dropped, "variables": kept, "note": note}


def variable_labels(lang: str = "de") -> dict:
    """The default variables' UI labels in lang."""
    return dict(VARIABLE_LABELS_EN) if lang == "en" else dict(DEFAULT_VARIABLES)


def heading(year: int, lang: str = "de") -> str:
    return pick(PEER_TEXT["heading"], lang).format(year=year)


def row_text(similar_label: str, differs_label: str, lang: str = "de") -> str:
    return pick(PEER_TEXT["row"], lang).format(similar=similar_label, differs=differs_label)


def badge(stabil, lang: str = "de") -> str:
    """„stabil“ / „knapp“; '' when fewer than two variables (no badge)."""
    if stabil is None or (isinstance(stabil, float) and math.isnan(stabil)):
        return ""
    return pick(PEER_TEXT["stabil" if stabil else "knapp"], lang)


def fixed_note(labels, lang: str = "de") -> str:
    return pick(PEER_TEXT["note"], lang).format(labels=", ".join(labels))
