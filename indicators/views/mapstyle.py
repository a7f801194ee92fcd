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
# legend text ≥ 18 pt in projector mode; plotly sizes are CSS px, and 1 pt = 4/3 px
PROJECTOR_LEGEND_PT = 18
PROJECTOR_LEGEND_PX = PROJECTOR_LEGEND_PT * 4 / 3
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


def border_width(projector: bool = False) -> float:
    """Ortsteil border width in px: 0.5, or 1.5 in projector mode (§5 Rendering)."""
    return BORDER_WIDTH_PROJECTOR if projector else BORDER_WIDTH


def legend_font_px(projector: bool, screen_px: float) -> float:
    """Legend text size in px: at least 18 pt (24 px) in projector mode, the screen size otherwise."""
    return max(PROJECTOR_LEGEND_PX, screen_px) if projector else screen_px


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
COMPARISON_LABELS_EN = ("significantly lower than Bochum", "lower than Bochum", "similar to Bochum",
                        "higher than Bochum", "significantly higher than Bochum")
NO_COMPARISON_LABEL = "kein Vergleich möglich"
NO_COMPARISON = {"de": NO_COMPARISON_LABEL, "en": "no comparison possible"}
DEVIATION_LABELS = {"de": ("unter {a} Pp.", "{a} bis unter {b} Pp.", "{b} bis {c} Pp.", "über {c} bis {d} Pp.",
                           "über {d} Pp."),
                    "en": ("below {a} pp", "{a} to below {b} pp", "{b} to {c} pp", "above {c} to {d} pp",
                           "above {d} pp")}


def comparison_labels(lang: str = "de") -> list[str]:
    """Legend labels of the comparison map in COMPARISON_ORDER."""
    return list(COMPARISON_LABELS_EN if lang == "en" else COMPARISON_LABELS)


def _pp(x: float, decimals: int, lang: str = "de") -> str:
    text = fmt_number(abs(x), decimals, lang)
    return text if text.strip("0,.") == "" else ("−" if x < 0 else "+") + text


def deviation_labels(cuts, decimals: int = 1, lang: str = "de") -> list[str]:
    """Legend labels of the five deviation classes in Prozentpunkte („unter −7,6 Pp.“ … „über +7,6 Pp.“)."""
    a, b, c, d = (_pp(x, decimals, lang) for x in cuts)
    return [t.format(a=a, b=b, c=c, d=d) for t in DEVIATION_LABELS.get(lang, DEVIATION_LABELS["de"])]


def deviation_classes(deviations, pooled) -> tuple[list[int], list[float]]:
    """Class 0–4 per deviation (−1 when missing) with the cuts from the pooled deviations (§5)."""
    cuts = deviation_cuts(pooled)
    classes = [deviation_class(v, cuts) for v in np.asarray(deviations, dtype=float)]
    return [-1 if c is None else c for c in classes], cuts


def comparison_classes(codes) -> list[int]:
    """Class 0–4 in COMPARISON_ORDER per §2.3 code; −1 for „kein Vergleich möglich“ (grey)."""
    return [COMPARISON_ORDER.index(c) if c in COMPARISON_ORDER else -1 for c in codes]


PARTIAL_MAP_NOTE = {
    "de": "Unvollständige Karte: für {n} Ortsteile liegen keine Grenzen vor, sie fehlen in der Karte ({names}). "
          "Ihre Werte stehen in den Tabellen.",
    "en": "Partial map: {n} districts have no boundaries and are left out of the map ({names}). Their values are "
          "in the tables.",
}


def partial_map_note(area_ids, lang: str) -> str | None:
    """The note under a map drawn from a confirmed partial boundary file; None when every Ortsteil has a shape.

    >>> from indicators.areas import ortsteile
    >>> partial_map_note(ortsteile()["area_id"], "de") is None
    True
    """
    from indicators.areas import ortsteile

    ots = ortsteile()
    have = set(area_ids)
    missing = [name for a, name in zip(ots["area_id"], ots["name"]) if a not in have]
    if not missing:
        return None
    return PARTIAL_MAP_NOTE[lang].format(n=len(missing), names=", ".join(missing))
