"""Contrast (WCAG 2.1) and colour-vision-deficiency check of the dashboard's colours.

Usage: python -m scripts.colour_check   (prints the table; tests/test_colours.py asserts the limits)
The simulation uses colorspacious (CVD model of Machado et al. 2009, severity 100) and measures
the distance of two colours as ΔE in CAM02-UCS; about 6 or more reads as clearly different.
"""

from __future__ import annotations

import itertools
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indicators import figures  # noqa: E402
from indicators.views import classify

CVD_TYPES = ("deuteranomaly", "protanomaly", "tritanomaly")
CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours."""
    high, low = sorted((figures.relative_luminance(a), figures.relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(fg: str, bg: str, alpha: float) -> str:
    """``fg`` at ``alpha`` opacity over ``bg`` (how Streamlit fades caption text)."""
    f = [int(fg.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    b = [int(bg.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(alpha * x + (1 - alpha) * y):02x}" for x, y in zip(f, b))


def theme() -> dict:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)["theme"]


def _rgb1(hex_color: str):
    return [int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]


def simulate(hex_color: str, cvd_type: str):
    """The colour as seen with a colour vision deficiency (sRGB in 0..1)."""
    import numpy as np
    from colorspacious import cspace_convert

    space = {"name": "sRGB1+CVD", "cvd_type": cvd_type, "severity": 100}
    return np.clip(cspace_convert(_rgb1(hex_color), space, "sRGB1"), 0, 1)


def delta_e(rgb_a, rgb_b) -> float:
    import numpy as np
    from colorspacious import cspace_convert

    return float(np.linalg.norm(cspace_convert(rgb_a, "sRGB1", "CAM02-UCS") - cspace_convert(rgb_b, "sRGB1", "CAM02-UCS")))


def closest_pair(colours: list[str], cvd_type: str | None) -> tuple[float, str, str]:
    """The two colours of a palette that are hardest to tell apart (normal vision when cvd_type is None)."""
    see = (lambda c: _rgb1(c)) if cvd_type is None else (lambda c: simulate(c, cvd_type))
    return min((delta_e(see(a), see(b)), a, b) for a, b in itertools.combinations(colours, 2))


def lightness_order(colours: list[str], cvd_type: str) -> list[float]:
    """CAM02-UCS lightness J' of each colour as seen with the deficiency (a sequential palette must stay ordered)."""
    from colorspacious import cspace_convert

    return [float(cspace_convert(simulate(c, cvd_type), "sRGB1", "CAM02-UCS")[0]) for c in colours]


PALETTES = {
    "lines (trend, profile) + city": [*figures.LINE_COLORS, figures.CITY_COLOR],
    "focus / other / city (ranking, groups, scatter)": [figures.FOCUS_COLOR, figures.OTHER_COLOR, figures.CITY_COLOR],
    "map outlines: focus / selected": [figures.FOCUS_OUTLINE, figures.SELECTED_OUTLINE],
}


def main() -> None:
    print("contrast on white (graphics need 3:1, text 4.5:1)")
    for name, colours in PALETTES.items():
        print(f"  {name}: " + ", ".join(f"{c} {contrast(c, '#ffffff'):.1f}" for c in colours))
    for polarity, palette in classify.PALETTE_BY_POLARITY.items():
        worst = min(contrast(c, figures.label_color(c)) for c in palette)
        print(f"  map labels on {polarity} classes: lowest {worst:.2f}:1")
    print("closest pair, ΔE CAM02-UCS (normal / deuteranomaly / protanomaly / tritanomaly)")
    for name, colours in PALETTES.items():
        cells = [closest_pair(colours, kind) for kind in (None, *CVD_TYPES)]
        print(f"  {name}: " + " / ".join(f"{d:.1f} ({a}–{b})" for d, a, b in cells))
    for polarity, palette in classify.PALETTE_BY_POLARITY.items():
        steps = palette[classify.PALETTE_FIRST_STEP:]
        ordered = all(sorted(lightness_order(steps, k), reverse=True) == lightness_order(steps, k) for k in CVD_TYPES)
        print(f"  map classes {polarity}: lightness order kept under all three deficiencies: {ordered}")


if __name__ == "__main__":
    main()
