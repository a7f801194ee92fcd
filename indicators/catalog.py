"""The catalog: metadata of raw count variables, indicators and themes, read from data/catalog.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from indicators.paths import CATALOG_FILE, SOURCES_FILE

POLARITIES = ("higher_is_worse", "higher_is_better", "neutral")


@dataclass(frozen=True)
class Variable:
    """A raw count variable (e.g. ``arbeitslose``)."""

    id: str
    title: dict
    definition: dict
    aliases: tuple[str, ...] = ()
    part_of: str | None = None


@dataclass(frozen=True)
class Indicator:
    """A ratio of two count variables (or a plain count when ``denominator`` is None)."""

    id: str
    title: dict
    short_title: dict
    theme: str
    unit: str
    numerator: str
    denominator: str | None
    scale: float
    polarity: str
    decimals: int
    definition: dict
    caveats: dict
    source: dict
    series_breaks: tuple[dict, ...] = field(default=())
    sentence: dict = field(default_factory=dict)   # {'de': '{num} von {den} …'} for generated summaries
    interval: str = ""                              # 'poisson' for rates whose numerator is not in the denominator

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None

    def label(self, lang: str = "de", short: bool = False) -> str:
        texts = self.short_title if short else self.title
        return texts.get(lang) or texts["de"]


@dataclass(frozen=True)
class Theme:
    id: str
    title: dict
    key_indicator: str | None


@dataclass(frozen=True)
class Catalog:
    variables: dict[str, Variable]
    indicators: dict[str, Indicator]
    themes: dict[str, Theme]
    methods: dict[str, dict] = field(default_factory=dict)  # method prose {key: {"de": …, "en": …}}

    def indicators_by_theme(self) -> dict[str, list[Indicator]]:
        """Indicators grouped by theme, in catalog order."""
        groups: dict[str, list[Indicator]] = {t: [] for t in self.themes}
        for ind in self.indicators.values():
            groups[ind.theme].append(ind)
        return groups


def _variable(vid: str, entry: dict) -> Variable:
    return Variable(
        id=vid,
        title=entry["title"],
        definition=entry.get("definition", {}),
        aliases=tuple(entry.get("aliases", [])),
        part_of=entry.get("part_of"),
    )


def _indicator(iid: str, entry: dict) -> Indicator:
    return Indicator(
        id=iid,
        title=entry["title"],
        short_title=entry.get("short_title", entry["title"]),
        theme=entry["theme"],
        unit=entry["unit"],
        numerator=entry["numerator"],
        denominator=entry.get("denominator"),
        scale=float(entry.get("scale", 100)),
        polarity=entry["polarity"],
        decimals=int(entry.get("decimals", 1)),
        definition=entry.get("definition", {}),
        caveats=entry.get("caveats", {}),
        source=entry.get("source", {}),
        series_breaks=tuple(entry.get("series_breaks", [])),
        sentence=entry.get("sentence", {}),
        interval=entry.get("interval", "") or "",
    )


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """Read the catalog YAML once per process."""
    raw = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
    return Catalog(
        variables={k: _variable(k, v) for k, v in raw["variables"].items()},
        indicators={k: _indicator(k, v) for k, v in raw["indicators"].items()},
        themes={k: Theme(k, v["title"], v.get("key_indicator")) for k, v in raw["themes"].items()},
        methods=raw.get("methods", {}),
    )


@lru_cache(maxsize=1)
def load_sources() -> dict[str, dict]:
    """Bundled sources by source_id (imported sources come from the store)."""
    return yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8"))
