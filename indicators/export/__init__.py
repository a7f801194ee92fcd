"""Static export: chart images (PNG, SVG, PDF) through one persistent kaleido server, the view bundle, the CLI.

images.py holds the kaleido server and render; charts.py the annotated charts and the ZIP bundle. Their
names are re-exported here, so ``from indicators import export; export.render`` keeps working. A test that
monkeypatches one of them must patch the owning submodule (a re-export does not carry the patch).

The kaleido sync server is a process-wide singleton and is not thread-safe (concurrent calls
received each other's images), so every start and every render goes through one lock.
"""

from indicators.export.charts import (  # noqa: F401 - re-exported as indicators.export.*
    BRAND_LINE,
    DEMO_NOTE,
    KIND_FILE_WORDS,
    KIND_TITLES,
    KINDS,
    NOTE_FILES,
    REFERENCE_DATE_WORD,
    SOURCE_WORD,
    TEXT_FILE,
    annotated_figure,
    chart_areas,
    chart_bundle,
    chart_figure,
    chart_filename,
    chart_notes,
    chart_rows,
    chart_subtitle,
    chart_title,
    data_basename,
    demo_notes,
    export_chart,
    geo_kind,
    resolve_year,
    source_line,
    sources_text,
    view_rows,
    years_of,
)
from indicators.export.images import (  # noqa: F401 - re-exported as indicators.export.*
    CHROMIUM_MISSING_MESSAGE,
    DEFAULT_HEIGHT,
    DEFAULT_SCALE,
    DEFAULT_WIDTH,
    FORMATS,
    MEDIA_TYPES,
    RENDER_FAILED_MESSAGE,
    RENDER_TIMEOUT_S,
    SERVER_FAILED_MESSAGE,
    WATCH_INTERVAL_S,
    ChromiumMissing,
    ExportError,
    alt_description,
    browser_path,
    chromium_available,
    image_texts,
    render,
    stop_server,
    with_alt_text,
)
