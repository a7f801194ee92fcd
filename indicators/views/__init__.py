"""views: indicator table -> slices, classes and sentences for pages, figures and exports.

The slices module is re-exported here, so ``from indicators import views; views.indicator_slice``
keeps working; classify, text and ruhr are imported by their own names.
"""

from indicators.views.slices import *  # noqa: F403
