"""Size limits for untrusted uploads, in one place for the store and the boundary reader."""

MB = 1024 * 1024
MAX_TABLE_BYTES = 50 * MB                # count tables (CSV, TXT, XLSX, Parquet)
MAX_BOUNDARY_BYTES = 200 * MB            # boundary files (GeoJSON, GeoPackage, zipped Shapefile)
MAX_ZIP_MEMBERS = 1000                   # for .zip and .xlsx (an XLSX is a ZIP archive)
MAX_ZIP_UNCOMPRESSED_BYTES = 500 * MB    # sum of the declared sizes of all members

# Untrusted parsing runs in a child process (indicators/load/sandbox.py) with these limits. The
# address-space limit is counted on top of what the child has mapped once the reader's libraries
# are imported (pandas and pyarrow alone reserve ~430 MB of address space they never touch).
MAX_PARSE_MEMORY_BYTES = 1024 * MB       # working memory of one parse (RLIMIT_AS above the baseline)
MAX_PARSE_CPU_SECONDS = 60               # CPU time of one parse (RLIMIT_CPU)
MAX_PARSE_WALL_SECONDS = 90              # wall-clock deadline of one parse (a sleeping child counts too)

# Bounded reading before any parser runs (indicators/load/bounded.py).
MAX_DECOMPRESSED_BYTES = MAX_ZIP_UNCOMPRESSED_BYTES   # bytes produced by streaming decompression
MAX_TABLE_ROWS = 5_000_000               # rows of a count table (long GENESIS exports run to millions)
MAX_TABLE_COLUMNS = 1_000                # columns of a count table
MAX_TABLE_CELLS = 20_000_000             # rows x columns of a count table (declared or in metadata)
MAX_XLSX_CELLS = 1_000_000               # openpyxl reads ~30,000 cells/s: a full sheet would take ages
MAX_PARQUET_UNCOMPRESSED_BYTES = 500 * MB   # sum of the column chunks' uncompressed sizes (footer)
MAX_VERTICES_PER_POLYGON = 200_000       # vertices of one boundary geometry
MAX_VERTICES_TOTAL = 2_000_000           # vertices of all boundaries in one file

# Fetching from GENESIS and CKAN (indicators/fetch.py).
FETCH_DEADLINE_SECONDS = 300             # one whole fetch, retries and job polling included
MAX_ERROR_BODY_BYTES = 64 * 1024         # what is read of a 4xx reply (only its status matters)
