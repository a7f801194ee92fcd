"""The untrusted readers as module-level functions for the sandbox (load/sandbox.call_limited).

The child process imports this module while unpickling the task, before its limits are set, so the
libraries the readers need are imported here at the top: their code and reserved address space are
then the baseline, not the parse's memory. Each function returns a picklable result.
"""

from __future__ import annotations

import openpyxl  # noqa: F401 - imported before the limits (see above)
import pandas  # noqa: F401

from indicators.load import loaders
from indicators.load.loaders import load_counts


def read_raw_table(source, filename: str):
    """read_table for the import page's preview: (raw string frame, LoadInfo)."""
    return loaders.read_table(source, filename)


def read_table(source, filename: str, **options):
    """load_counts for an uploaded count table (CSV, TXT, XLSX, Parquet); a LoadResult."""
    return load_counts(source, filename, "imported", **options)


def read_export(source, filename: str, fmt: str):
    """A GENESIS or BA export through its own reader; the reader's result (counts plus notes/report)."""
    if fmt == "ba_smallarea":
        from indicators.load.ba import read_ba

        return read_ba(source)
    from indicators.load.genesis import read_genesis, table_from_filename

    # an upload has no path, so the flat file's table code comes from the name given here
    return read_genesis(source, table=table_from_filename(filename))


def read_boundaries(source, filename: str, name_field: str | None = None):
    """load_boundaries for an uploaded boundary file; a BoundaryResult (GeoDataFrame, problems, report)."""
    from indicators.load.boundaries import load_boundaries

    return load_boundaries(source, filename, name_field=name_field)


def read_fetched_genesis(path, table: str):
    """read_genesis for a file `fetch genesis` downloaded (the table code is known, not guessed)."""
    from indicators.load.genesis import read_genesis

    return read_genesis(path, table=table)


def json_document(body: bytes):
    """A fetched reply parsed as JSON, or None when it is none (deep nesting included)."""
    import json

    from indicators.load.german import decode_bytes

    try:
        return json.loads(decode_bytes(body))
    except (ValueError, RecursionError):
        return None
