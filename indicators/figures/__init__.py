"""figures: slices -> plotly figures, pure builders with the contract ``(table, options) -> go.Figure``.

Every builder is re-exported here, so ``ui.data.figure("ranking_figure")`` and
``from indicators import figures; figures.map_figure`` keep working. ruhr and presentation are
imported by their own names.
"""

from indicators.figures.builders import *  # noqa: F403
