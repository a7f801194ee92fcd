"""Map classes and ColorBrewer palettes of METHODS.md §5, as data and small pure functions.

The quantile/natural-breaks machinery itself lives in indicators/classify.py; this module adds the
palettes by polarity, the projector palette, the deviation classes centred on 0 and the index colours.
"""

from __future__ import annotations

import numpy as np

from indicators.formats import fmt_number

PURD = {3: ["#e7e1ef", "#c994c7", "#dd1c77"],
        4: ["#f1eef6", "#d7b5d8", "#df65b0", "#ce1256"],
        5: ["#f1eef6", "#d7b5d8", "#df65b0", "#dd1c77", "#980043"]}
YLGN = {3: ["#f7fcb9", "#addd8e", "#31a354"],
        4: ["#ffffcc", "#c2e699", "#78c679", "#238443"],
        5: ["#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837"]}
PROJECTOR = ["#d4b9da", "#c994c7", "#df65b0", "#dd1c77", "#980043"]   # PuRd-6 without its lightest colour
RDBU5 = ["#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"]
BRBG5 = ["#a6611a", "#dfc27d", "#f5f5f5", "#80cdc1", "#018571"]
STATUS_COLOURS = {"hoch": "#92c5de", "mittel": "#f7f7f7", "niedrig": "#f4a582", "sehr niedrig": "#ca0020"}
DYNAMICS_COLOURS = {"positiv": "#67a9cf", "stabil": "#f7f7f7", "negativ": "#ef8a62"}
NO_DATA_COLOUR = "#d9d9d9"          # „keine Daten“, „geheim“ (own legend entries); 3.4:1 to the border
BORDER_COLOUR = "#737373"           # white borders would hide the near-white middle classes
BORDER_WIDTH, BORDER_WIDTH_PROJECTOR, FOCUS_BORDER_WIDTH = 0.5, 1.5, 2.0
ALLOWED_K = (3, 4, 5)
# comparison codes in the order of the diverging palette (most negative deviation first)
COMPARISON_ORDER = ("deutlich_niedriger", "niedriger", "aehnlich", "hoeher", "deutlich_hoeher")


def sequential_palette(polarity: str, k: int = 5, projector: bool = False) -> list[str]:
    """Class colours, light to dark for higher values; reversed for higher_is_better (dark = ungünstig)."""
    if k not in ALLOWED_K:
        raise ValueError(f"Erlaubt sind 3, 4 oder 5 Klassen, nicht {k}.")
    if polarity == "neutral":
        return list(YLGN[k])
    colours = list(PROJECTOR[-k:]) if projector else list(PURD[k])
    return colours[::-1] if polarity == "higher_is_better" else colours


def diverging_palette(polarity: str) -> list[str]:
    """Deviation/comparison colours from most negative to most positive (red = ungünstiger)."""
    if polarity == "neutral":
        return list(BRBG5)
    return list(RDBU5) if polarity == "higher_is_better" else list(RDBU5[::-1])


def comparison_colour(code: str, polarity: str) -> str:
    """Colour of a §2.3 comparison code; grey for „kein Vergleich möglich“."""
    if code not in COMPARISON_ORDER:
        return NO_DATA_COLOUR
    return diverging_palette(polarity)[COMPARISON_ORDER.index(code)]


def deviation_cuts(deviations) -> list[float]:
    """The four cuts ±0.5 s, ±1.5 s (s = ddof-0 SD of all pooled Ortsteil deviations)."""
    y = np.asarray(deviations, dtype=float)
    s = float(y[np.isfinite(y)].std(ddof=0))
    return [-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s]


def deviation_class(value: float, cuts) -> int | None:
    """Class 0–4 of (−∞,−1.5s), [−1.5s,−0.5s), [−0.5s,+0.5s], (+0.5s,+1.5s], (+1.5s,∞); None if missing."""
    if value is None or not np.isfinite(value):
        return None
    c = cuts
    return 0 if value < c[0] else 1 if value < c[1] else 2 if value <= c[2] else 3 if value <= c[3] else 4


COMPARISON_LABELS = ("deutlich niedriger als Bochum", "niedriger als Bochum", "ähnlich wie Bochum",
                     "höher als Bochum", "deutlich höher als Bochum")
NO_COMPARISON_LABEL = "kein Vergleich möglich"


def _pp(x: float, decimals: int) -> str:
    text = fmt_number(abs(x), decimals)
    return text if text.strip("0,") == "" else ("−" if x < 0 else "+") + text


def deviation_labels(cuts, decimals: int = 1) -> list[str]:
    """Legend labels of the five deviation classes in Prozentpunkte („unter −7,6 Pp.“ … „über +7,6 Pp.“)."""
    a, b, c, d = (_pp(x, decimals) for x in cuts)
    return [f"unter {a} Pp.", f"{a} bis unter {b} Pp.", f"{b} bis {c} Pp.", f"über {c} bis {d} Pp.",
            f"über {d} Pp."]


def deviation_classes(deviations, pooled) -> tuple[list[int], list[float]]:
    """Class 0–4 per deviation (−1 when missing) with the cuts from the pooled deviations (§5)."""
    cuts = deviation_cuts(pooled)
    classes = [deviation_class(v, cuts) for v in np.asarray(deviations, dtype=float)]
    return [-1 if c is None else c for c in classes], cuts


def comparison_classes(codes) -> list[int]:
    """Class 0–4 in COMPARISON_ORDER per §2.3 code; −1 for „kein Vergleich möglich“ (grey)."""
    return [COMPARISON_ORDER.index(c) if c in COMPARISON_ORDER else -1 for c in codes]
