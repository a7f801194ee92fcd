"""Size limits for untrusted uploads, in one place for the store and the boundary reader."""

MB = 1024 * 1024
MAX_TABLE_BYTES = 50 * MB                # count tables (CSV, TXT, XLSX, Parquet)
MAX_BOUNDARY_BYTES = 200 * MB            # boundary files (GeoJSON, GeoPackage, zipped Shapefile)
MAX_ZIP_MEMBERS = 1000                   # for .zip and .xlsx (an XLSX is a ZIP archive)
MAX_ZIP_UNCOMPRESSED_BYTES = 500 * MB    # sum of the declared sizes of all members
