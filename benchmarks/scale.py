"""Import + build at the scale of every German municipality: 11,000 areas x 20 years x 16 variables.

Run as a script in its own process so that its peak memory is measured alone:
`python -m benchmarks.scale CSV` prints one JSON line with import_s, build_s and import_peak_mb.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

N_AREAS, N_KREISE, N_LAENDER = 11_000, 400, 16
YEARS = list(range(2005, 2025))


def synthetic_areas() -> pd.DataFrame:
    """Gemeinden (as the lowest level) -> Kreise -> Länder -> Bund."""
    gemeinden = [f"g{i:05d}" for i in range(N_AREAS)]
    kreise = [f"k{i:03d}" for i in range(N_KREISE)]
    laender = [f"l{i:02d}" for i in range(N_LAENDER)]
    rows = [("de", "Deutschland", "stadt", "")]
    rows += [(land, land, "land", "de") for land in laender]
    rows += [(k, k, "stadtbezirk", laender[i % N_LAENDER]) for i, k in enumerate(kreise)]
    rows += [(g, g, "ortsteil", kreise[i % N_KREISE]) for i, g in enumerate(gemeinden)]
    frame = pd.DataFrame(rows, columns=["area_id", "name", "level", "parent_id"])
    frame["is_focus"] = False
    frame["code"] = ""
    return frame


def write_long_csv(path: Path, seed: int = 1) -> int:
    """A German-format long CSV (';', thousands dot) with a few suppressed cells; returns its row count."""
    from indicators.catalog import load_catalog

    rng = np.random.default_rng(seed)
    variables = list(load_catalog().variables)
    n = N_AREAS * len(YEARS) * len(variables)
    area = np.repeat([f"g{i:05d}" for i in range(N_AREAS)], len(YEARS) * len(variables))
    year = np.tile(np.repeat(YEARS, len(variables)), N_AREAS)
    variable = np.tile(variables, N_AREAS * len(YEARS))
    base = rng.integers(1_000, 60_000, N_AREAS).repeat(len(YEARS) * len(variables))
    share = np.tile([1.0, .13, .16, .1, .65, .8, .05, .02, .01, .02, .09, .02, .3, .01, .001, .003],
                    N_AREAS * len(YEARS))
    value = np.floor(base * share).astype(np.int64)
    text = pd.Series(value).map("{:,}".format).str.replace(",", ".", regex=False)
    text[rng.random(n) < 0.001] = "*"
    frame = pd.DataFrame({"Gebiet": area, "Jahr": year, "Merkmal": variable, "Wert": text})
    frame.to_csv(path, sep=";", index=False)
    return n


def run(path: Path) -> dict:
    """Import the file into a fresh store (load, validate, write a version), then build every level."""
    from indicators import store
    from indicators.build.aggregate import aggregate_all_levels
    from indicators.build.compute import indicator_table
    from indicators.catalog import load_catalog

    start = time.perf_counter()
    target = path.parent / "store"
    # the areas are not Bochum's Ortsteile, and the file is larger than the app's upload cap
    result = store.import_counts_file(path, path.name, {"title": "Benchmark"}, match_areas=False,
                                      max_bytes=path.stat().st_size, store=target)
    if not result.ok:
        raise RuntimeError(result.message)
    counts = store.load_imported_counts(target)
    loaded = time.perf_counter()
    areas = synthetic_areas()
    table = indicator_table(aggregate_all_levels(counts, areas), load_catalog(), areas)
    done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"import_rows": int(len(counts)), "import_load_s": round(loaded - start, 2),
            "import_s": round(done - start, 2), "import_peak_mb": round(peak_mb),
            "import_table_rows": int(len(table)), "import_warnings": len(result.problems)}


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]))))
