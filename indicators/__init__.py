"""Quartiersmonitor Bochum: the indicator engine (no Streamlit in here).

The folders are the data flow, in reading order (docs/ARCHITECTURE.md):

- root: the shared vocabulary (paths, schema, catalog, areas, formats, limits, words, geometry)
- load/: raw file -> validated counts (German parsing, upload checks, the readers, shipped sources)
- store/: the user's versions (atomic imports, restore) and the import page's helpers
- build/: counts -> indicator table (aggregate, compute, pipeline)
- views/: indicator table -> slices, classes, sentences
- figures/: slices -> plotly figures
- export/: figures and tables -> PNG/SVG/PDF, CSV/XLSX, Steckbrief PDF, PPTX
- cli.py: every command line

A module imports only the root, its own folder and earlier folders (tests/test_layers.py).
"""
