"""The deterministic demo generator: illustrative counts for all 30 Ortsteile, 2012-2024.

Every Ortsteil has a fixed profile (size, age structure, deprivation); smooth city-wide
trends taken from published figures move the profiles through time, and a seeded random
walk adds wiggles that are zero in the calibration year, so the published anchors hold
exactly. Counts are derived top-down so that every part stays below its whole.

``python -m indicators.load.demo`` rewrites data/demo_counts.csv; ``generate(seed)`` is pure.
The values are illustrative, not official (source ``demo``).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.areas import ortsteile
from indicators.catalog import load_catalog
from indicators.paths import DEMO_COUNTS_FILE
from indicators.schema import COUNT_COLUMNS

SEED = 20240817  # the "Zusammen im Quartier" kick-off day; any fixed value would do
YEARS = tuple(range(2012, 2025))
SOURCE_ID = "demo"

# ---------------------------------------------------------------------------------------
# Calibration targets. Sources are the rows of data/published.csv (copied from the team's
# fact sheet) unless "Regionaldatenbank" is named (tables 12411, 13211, 21111, 22811,
# Statistische Ämter des Bundes und der Länder, dl-de/by-2-0, source_id regionaldatenbank).
# ---------------------------------------------------------------------------------------

# City population, IT.NRW (Zensus-2011 basis), 31.12.: 2012, 2016, 2020, 2022, 2023 from
# IT.NRW as quoted on Wikipedia (pub_itnrw_bevoelkerung); 2015 from Regionaldatenbank 12411.
# Years in between are interpolated; 2024 continues the 2022-2023 growth at half speed
# (no Zensus-2011-basis figure for 2024 exists).
CITY_POPULATION = {2012: 362_213, 2015: 364_742, 2016: 364_920, 2020: 364_454,
                   2022: 365_742, 2023: 366_385, 2024: 366_700}

# BA Arbeitslosenquote (all civilian labour force), reporting month December
# (pub_ba_arbeitsmarkt). 2016 is not published, so _series interpolates it (9.35).
BA_DECEMBER_RATE = {2010: 9.4, 2011: 9.4, 2012: 9.4, 2013: 10.1, 2014: 9.4, 2015: 9.6,
                    2017: 9.1, 2018: 8.1, 2019: 8.2, 2020: 9.3, 2021: 8.4, 2022: 8.4,
                    2023: 8.5, 2024: 9.0}
# BA registered unemployed, December (pub_ba_arbeitsmarkt): count / rate gives the labour
# force per rate point, which grew over the years; a straight line through these points
# turns the rate series into counts (2018 "rund 15.500" is approximate and left out).
BA_DECEMBER_UNEMPLOYED = {2010: 17_192, 2011: 17_125, 2014: 17_511, 2015: 17_946,
                          2017: 17_252, 2019: 15_873, 2020: 17_995, 2021: 16_433,
                          2022: 16_205, 2024: 17_863}

# Long-term unemployed as % of unemployed: Regionaldatenbank 13211 annual averages
# 2012-2016; BA 2017 (7,772 of 17,252), Dec 2021 (7,922/16,433), Dec 2022 (6,941/16,205),
# Dec 2024 (7,322/17,863); the other years are interpolated.
LONG_TERM_SHARE = {2012: 43.0, 2013: 42.8, 2014: 45.4, 2015: 43.8, 2016: 42.4, 2017: 45.0,
                   2018: 44.0, 2019: 43.0, 2020: 45.5, 2021: 48.2, 2022: 42.8, 2023: 41.9,
                   2024: 41.0}
# Unemployed under 25 as % of unemployed: Regionaldatenbank 13211 2012-2016; BA Dec 2021
# (1,105/16,433) and Dec 2024 (1,344/17,863); interpolated in between.
UNDER_25_SHARE = {2012: 8.7, 2013: 8.9, 2014: 8.9, 2015: 8.4, 2016: 8.9, 2017: 8.5,
                  2018: 8.1, 2019: 7.7, 2020: 7.2, 2021: 6.7, 2022: 6.9, 2023: 7.2, 2024: 7.5}
# Unemployed without vocational qualification: "about 52 %" in 2017 (WAZ, BA); the slow
# rise around that point is an assumption.
NO_QUALIFICATION_SHARE_2017 = 52.0
NO_QUALIFICATION_SHARE_SLOPE = 0.25  # percentage points per year (assumption)

# SGB II Regelleistungsberechtigte, 31.12., city: Regionaldatenbank 22811 for 2012-2016;
# later years are assumptions shaped by the Sozialbericht 2021 ("more than 41,000", 2020)
# and the move of Ukrainian refugees into SGB II in mid-2022.
CITY_SGB2 = {2012: 38_090, 2013: 38_973, 2014: 39_301, 2015: 40_820, 2016: 43_639,
             2017: 44_300, 2018: 43_500, 2019: 42_300, 2020: 42_600, 2021: 41_800,
             2022: 43_400, 2023: 43_800, 2024: 43_200}
# Children under 15 in SGB II households, city: Regionaldatenbank 22811 (Sozialgeld
# recipients under 15) 2012-2016, Sozialbericht 2018 for 2017 (12,489); later years are
# assumptions. With ~42,600-45,000 children under 15 this is a quota of about 23-28 %.
CITY_SGB2_U15 = {2012: 9_641, 2013: 9_947, 2014: 10_054, 2015: 10_575, 2016: 11_368,
                 2017: 12_489, 2018: 12_350, 2019: 12_000, 2020: 11_900, 2021: 11_600,
                 2022: 12_400, 2023: 12_500, 2024: 12_200}

# Age structure, city, % of residents. Regionaldatenbank 12411 (31.12.2015): under 18
# 14.3 %, under 15 = 81.55 % of under 18, 15-24 11.5 %, 65+ 21.8 %. Under-18 share
# 14.8 % (2020), 15.1 % (2022, 2023) from Ortsteile kompakt via Wikipedia; "over 15 %"
# at end of 2023 (Sozialbericht 2024). Interpolated in between.
CITY_U18_SHARE = {2012: 14.4, 2013: 14.3, 2014: 14.3, 2015: 14.3, 2016: 14.5, 2017: 14.6,
                  2018: 14.7, 2019: 14.7, 2020: 14.8, 2021: 14.9, 2022: 15.1, 2023: 15.1,
                  2024: 15.2}
U15_OF_U18 = 42_577 / 52_209
CITY_15_24_SHARE = 11.5
CITY_65PLUS_SHARE = {2012: 21.5, 2015: 21.8, 2024: 21.9}  # Sozialbericht 2012; 12411 2015

# Employees subject to social insurance by residence per 100 residents aged 15-64: the city
# reported 54 % in 2018 (Ortsteile kompakt, base not stated); the rise is an assumption.
SV_QUOTE_2018 = 54.0
SV_QUOTE_SLOPE = 0.6  # percentage points per year (assumption)

# School leavers of general schools, city: Regionaldatenbank 21111 (3,963 in 2014, 3,921
# in 2015), IT.NRW 2020 (3,335); the other years are assumptions.
CITY_SCHOOL_LEAVERS = {2012: 3_900, 2013: 3_950, 2014: 3_963, 2015: 3_921, 2016: 3_850,
                       2017: 3_750, 2018: 3_650, 2019: 3_500, 2020: 3_335, 2021: 3_380,
                       2022: 3_420, 2023: 3_460, 2024: 3_500}
# Leavers without a first qualification, %: Regionaldatenbank 21111 (6.1 % 2014, 6.0 %
# 2015), IT.NRW (7.8 % in 2019 and 2020); the other years are assumptions.
WITHOUT_QUALIFICATION_SHARE = {2012: 6.3, 2013: 6.2, 2014: 6.1, 2015: 6.0, 2016: 6.4,
                               2017: 6.9, 2018: 7.4, 2019: 7.8, 2020: 7.8, 2021: 7.6,
                               2022: 7.7, 2023: 7.8, 2024: 7.7}
# Transitions into dual vocational training, % of leavers: no published figure exists;
# invented, with a dip in the pandemic year 2020.
DUAL_TRAINING_SHARE = {2012: 24.0, 2013: 23.6, 2014: 23.2, 2015: 22.8, 2016: 22.4,
                       2017: 22.0, 2018: 21.6, 2019: 21.2, 2020: 18.9, 2021: 19.8,
                       2022: 20.6, 2023: 21.0, 2024: 21.2}

# The years in which the published Ortsteil values hold (the random walk is zero there).
SGB2_ANCHOR_YEAR = 2018
SGB2_U15_ANCHOR_YEAR = 2017
POPULATION_REFERENCE_YEAR = 2018

# ---------------------------------------------------------------------------------------
# Ortsteil profiles. Columns: residents at end of 2018, growth in % per year, under-18 %,
# 15-24 %, 65+ %, SGB II recipients as % of ALL residents on 31.12.2018, children under 15
# in SGB II as % of children under 15 on 31.12.2017.
# Residents: Wikipedia infoboxes and WAZ via bochum_ortsteile.csv where known (Hamme 15,389
# 2016; Querenburg 20,958 2017; Wattenscheid-Mitte 23,205 2023; Stiepel 11,268 2022; ...);
# Südinnenstadt, Kruppwerke, Leithe, Kornharpen/Voede-Abzweig, Langendreer-Alter Bahnhof
# and Weitmar-Mark are invented to fill the Stadtbezirk totals (Bochum im Überblick 2018).
# Age shares follow Ortsteile kompakt 2018 where published (u18: Günnigfeld 17.4,
# Wattenscheid-Mitte 16.5, Leithe 16.5, Eppendorf 12.4, Laer 16.7, Langendreer-Alter
# Bahnhof 16.0, Werne 15.5, Altenbochum 11.9) and are plausible elsewhere (Querenburg:
# students). SGB II anchors (Ortsteile kompakt, 31.12.2018): Wattenscheid-Mitte 28.8,
# Querenburg 21.1, Wiemelhausen/Brenschede 5.6, Stiepel 2.4. Child anchors (Sozialbericht
# 2018, 31.12.2017): Wattenscheid-Mitte 45.6, Stiepel 3.2. The other SGB II values are
# invented in the order of the Sozialbericht 2012/2018 hotspots (Wattenscheid-Mitte, Hamme,
# Kruppwerke, Gleisdreieck, Werne) and are scaled together to meet the city totals.
# ---------------------------------------------------------------------------------------
PROFILE_COLUMNS = ["population", "growth", "u18", "y15_24", "o65", "sgb2", "sgb2_u15"]
PROFILES = {
    "grumme":                    (12_500, -0.30, 13.5, 10.5, 24.0,  8.5, 24.0),
    "gleisdreieck":              (13_800,  0.20, 13.0, 16.0, 16.0, 19.0, 38.0),
    "altenbochum":               (12_029, -0.20, 11.9,  9.5, 27.0,  6.0, 17.0),
    "suedinnenstadt":            (13_600,  0.10, 12.0, 15.0, 20.0, 11.5, 31.0),
    "kruppwerke":                (13_200,  0.30, 17.0, 13.0, 16.0, 26.0, 44.0),
    "hamme":                     (15_450,  0.00, 16.8, 12.5, 17.0, 24.0, 43.0),
    "hordel":                    ( 3_250,  0.00, 15.0, 10.5, 23.0, 10.5, 28.0),
    "hofstede":                  (10_100, -0.10, 15.0, 10.5, 23.0, 13.5, 34.0),
    "riemke":                    ( 7_600, -0.10, 14.5, 10.5, 23.0, 13.0, 33.0),
    "guennigfeld":               ( 6_500,  0.00, 17.4, 11.0, 20.0, 12.5, 32.0),
    "wattenscheid_mitte":        (22_700,  0.45, 16.5, 11.5, 21.0, 28.8, 45.6),
    "leithe":                    ( 4_500,  0.00, 16.5, 11.0, 20.0, 11.0, 29.0),
    "westenfeld":                (10_600,  0.10, 15.4, 10.5, 24.5, 13.0, 33.0),
    "hoentrop":                  (17_000,  0.00, 13.5,  9.5, 25.0,  7.0, 20.0),
    "eppendorf":                 ( 9_600, -0.10, 12.4,  9.0, 29.0,  4.0, 12.0),
    "bergen_hiltrop":            (11_300, -0.20, 14.0, 10.0, 24.0,  8.0, 23.0),
    "gerthe":                    ( 9_200, -0.60, 16.1, 10.5, 21.5,  9.0, 26.0),
    "harpen_rosenberg":          ( 8_700, -0.50, 13.4,  9.5, 25.0,  6.5, 18.0),
    "kornharpen_voede_abzweig":  ( 6_200, -0.20, 14.5, 10.0, 23.0,  9.5, 27.0),
    "laer":                      ( 6_200,  0.00, 16.7, 12.5, 21.0, 14.5, 35.0),
    "werne":                     (15_000,  0.10, 15.5, 11.0, 21.0, 16.5, 37.0),
    "langendreer_alter_bahnhof": ( 6_700,  0.10, 16.0, 12.0, 20.0, 15.0, 35.0),
    "langendreer":               (25_200,  0.10, 14.0, 10.5, 23.0, 10.0, 27.0),
    "wiemelhausen_brenschede":   (18_300,  0.10, 12.8, 12.0, 25.0,  5.6, 14.0),
    "stiepel":                   (11_300, -0.10, 15.5,  9.5, 25.0,  2.4,  3.2),
    "querenburg":                (20_950,  0.20, 14.0, 24.0, 14.0, 21.1, 36.0),
    "weitmar_mitte":             (16_200,  0.00, 13.2,  9.5, 26.0,  6.0, 15.0),
    "weitmar_mark":              (11_700,  0.00, 13.8, 10.0, 25.0,  7.5, 21.0),
    "linden":                    (14_000,  0.00, 14.0, 10.0, 24.0,  6.5, 18.0),
    "dahlhausen":                (12_250,  0.00, 14.5, 10.0, 23.0,  8.0, 22.0),
}
# Published Ortsteil values that must hold exactly (the rest is scaled around them).
SGB2_ANCHORS = {"wattenscheid_mitte": 28.8, "querenburg": 21.1,
                "wiemelhausen_brenschede": 5.6, "stiepel": 2.4}
SGB2_U15_ANCHORS = {"wattenscheid_mitte": 45.6, "stiepel": 3.2}

# Year-to-year wiggle (standard deviation of the log change) of each random walk.
WALK_SD = {"population": 0.002, "age": 0.008, "sgb2": 0.01, "sgb2_u15": 0.01,
           "unemployed": 0.025, "long_term": 0.02, "under_25": 0.04, "no_qualification": 0.015,
           "sv": 0.008, "leavers": 0.03, "without_qualification": 0.08, "dual_training": 0.05}
# How strongly a deprived Ortsteil departs from the city for each part-of-a-whole share.
UNEMPLOYMENT_ELASTICITY = 0.8     # unemployment risk ~ (SGB II share / city share) ** 0.8
LONG_TERM_GRADIENT = 0.25         # relative long-term share = 1 + 0.25 * deprivation
NO_QUALIFICATION_GRADIENT = 0.30
SV_GRADIENT = -0.20
WITHOUT_QUALIFICATION_GRADIENT = 1.2
DUAL_TRAINING_GRADIENT = -0.25
# even the least deprived Ortsteil has some leavers without a qualification (special schools)
WITHOUT_QUALIFICATION_FLOOR = 0.4
# walks of variables without a published Ortsteil anchor are pinned to this year
WALK_ANCHOR_YEAR = 2018


def _series(points: dict[int, float], years=YEARS) -> np.ndarray:
    """A yearly series from known points, linear in between and flat beyond the ends."""
    xs = sorted(points)
    return np.interp(years, xs, [points[x] for x in xs])


def _walk(rng: np.random.Generator, n: int, sd: float, anchor_year: int) -> np.ndarray:
    """Multiplicative random walks (areas x years) that equal 1 in the anchor year."""
    steps = rng.normal(0.0, sd, size=(n, len(YEARS)))
    log = np.cumsum(steps, axis=1)
    anchor = YEARS.index(anchor_year)
    return np.exp(log - log[:, [anchor]])


def _labour_force_per_point(years=YEARS) -> np.ndarray:
    """Civilian labour force per rate point: a line through BA December count / rate."""
    known = {y: n / BA_DECEMBER_RATE[y] for y, n in BA_DECEMBER_UNEMPLOYED.items()}
    slope, intercept = np.polyfit(list(known), list(known.values()), 1)
    return slope * np.asarray(years, dtype=float) + intercept


def _rates_to_counts(base: np.ndarray, relative: np.ndarray, city_share: np.ndarray) -> np.ndarray:
    """Counts of a part: relative rates scaled per year so the city share is met."""
    weighted = (base * relative).sum(axis=0)
    rate = relative * (city_share * base.sum(axis=0) / weighted)
    return np.rint(rate * base)


def _anchored_shares(profile: np.ndarray, anchors: dict[int, float], base: np.ndarray,
                     city_total: float) -> np.ndarray:
    """Shares that keep the anchored values and scale the others to meet the city total."""
    anchored = np.zeros(len(profile), dtype=bool)
    anchored[list(anchors)] = True
    fixed = (profile[anchored] * base[anchored]).sum()
    free = (profile[~anchored] * base[~anchored]).sum()
    factor = (city_total - fixed) / free
    return np.where(anchored, profile, profile * factor)


def _population(rng, profiles: pd.DataFrame) -> np.ndarray:
    """Residents (areas x years): own growth and wiggle, scaled to the IT.NRW city total."""
    t = np.asarray(YEARS) - POPULATION_REFERENCE_YEAR
    growth = (1 + profiles["growth"].to_numpy()[:, None] / 100) ** t
    raw = profiles["population"].to_numpy()[:, None] * growth
    raw *= _walk(rng, len(profiles), WALK_SD["population"], POPULATION_REFERENCE_YEAR)
    return np.rint(raw / raw.sum(axis=0) * _series(CITY_POPULATION))


def _age_groups(rng, profiles: pd.DataFrame, pop: np.ndarray) -> dict[str, np.ndarray]:
    """Age-group counts, nested by construction (u15 <= u18, 15-24 <= 15-64 <= u65)."""
    n = len(profiles)
    u18_rel = profiles["u18"].to_numpy()[:, None] * _walk(rng, n, WALK_SD["age"], WALK_ANCHOR_YEAR)
    y_rel = profiles["y15_24"].to_numpy()[:, None] * _walk(rng, n, WALK_SD["age"], WALK_ANCHOR_YEAR)
    o65_rel = profiles["o65"].to_numpy()[:, None] * _walk(rng, n, WALK_SD["age"], WALK_ANCHOR_YEAR)
    u18 = _rates_to_counts(pop, u18_rel, _series(CITY_U18_SHARE) / 100)
    u15 = np.rint(u18 * U15_OF_U18)
    y15_24 = _rates_to_counts(pop, y_rel, np.full(len(YEARS), CITY_15_24_SHARE / 100))
    o65 = _rates_to_counts(pop, o65_rel, _series(CITY_65PLUS_SHARE) / 100)
    u65 = pop - o65
    return {"einwohner_u15": u15, "einwohner_u18": u18, "einwohner_15_24": y15_24,
            "einwohner_15_64": u65 - u15, "einwohner_u65": u65}


def _sgb2(rng, profiles: pd.DataFrame, pop: np.ndarray, u15: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SGB II recipients and children in SGB II, anchored on the published Ortsteil values."""
    index = {a: i for i, a in enumerate(profiles.index)}
    n = len(profiles)
    y_sgb2, y_u15 = YEARS.index(SGB2_ANCHOR_YEAR), YEARS.index(SGB2_U15_ANCHOR_YEAR)
    share = _anchored_shares(profiles["sgb2"].to_numpy() / 100,
                             {index[a]: v / 100 for a, v in SGB2_ANCHORS.items()},
                             pop[:, y_sgb2], CITY_SGB2[SGB2_ANCHOR_YEAR])
    rel = share[:, None] * _walk(rng, n, WALK_SD["sgb2"], SGB2_ANCHOR_YEAR)
    level = _series(CITY_SGB2) / (rel * pop).sum(axis=0)
    level /= level[y_sgb2]  # exactly 1 in the anchor year, so the anchors hold
    recipients = np.rint(rel * level * pop)
    kids_share = _anchored_shares(profiles["sgb2_u15"].to_numpy() / 100,
                                  {index[a]: v / 100 for a, v in SGB2_U15_ANCHORS.items()},
                                  u15[:, y_u15], CITY_SGB2_U15[SGB2_U15_ANCHOR_YEAR])
    kids_rel = kids_share[:, None] * _walk(rng, n, WALK_SD["sgb2_u15"], SGB2_U15_ANCHOR_YEAR)
    kids_level = _series(CITY_SGB2_U15) / (kids_rel * u15).sum(axis=0)
    kids_level /= kids_level[y_u15]
    kids = np.rint(kids_rel * kids_level * u15)
    return recipients, kids


def _deprivation(profiles: pd.DataFrame) -> np.ndarray:
    """0 (least) to 1 (most deprived), from the 2018 SGB II profile."""
    s = profiles["sgb2"].to_numpy()
    return (s - s.min()) / (s.max() - s.min())


def _unemployment(rng, profiles: pd.DataFrame, ages: dict,
                  deprivation: np.ndarray) -> dict[str, np.ndarray]:
    """Unemployed and their parts: the city total follows the BA December rate."""
    n = len(profiles)
    base = ages["einwohner_15_64"]
    city_total = _series(BA_DECEMBER_RATE) * _labour_force_per_point()
    sgb2 = profiles["sgb2"].to_numpy()
    risk = (sgb2 / np.average(sgb2, weights=profiles["population"])) ** UNEMPLOYMENT_ELASTICITY
    weight = base * risk[:, None] * _walk(rng, n, WALK_SD["unemployed"], WALK_ANCHOR_YEAR)
    unemployed = np.rint(weight / weight.sum(axis=0) * city_total)
    d = deprivation[:, None]
    long_rel = (1 + LONG_TERM_GRADIENT * d) * _walk(rng, n, WALK_SD["long_term"], WALK_ANCHOR_YEAR)
    young = (ages["einwohner_15_24"] / base) / (ages["einwohner_15_24"].sum(0) / base.sum(0))
    u25_rel = young * _walk(rng, n, WALK_SD["under_25"], WALK_ANCHOR_YEAR)
    noq_rel = (1 + NO_QUALIFICATION_GRADIENT * d) * _walk(
        rng, n, WALK_SD["no_qualification"], WALK_ANCHOR_YEAR)
    noq_share = NO_QUALIFICATION_SHARE_2017 + NO_QUALIFICATION_SHARE_SLOPE * (np.asarray(YEARS) - 2017)
    return {
        "arbeitslose": unemployed,
        "langzeitarbeitslose": _rates_to_counts(unemployed, long_rel, _series(LONG_TERM_SHARE) / 100),
        "arbeitslose_u25": _rates_to_counts(unemployed, u25_rel, _series(UNDER_25_SHARE) / 100),
        "arbeitslose_ohne_ausbildung": _rates_to_counts(unemployed, noq_rel, noq_share / 100),
    }


def _employment(rng, profiles: pd.DataFrame, ages: dict, deprivation: np.ndarray) -> np.ndarray:
    """Employees subject to social insurance by residence."""
    rel = (1 + SV_GRADIENT * deprivation[:, None]) * _walk(
        rng, len(profiles), WALK_SD["sv"], WALK_ANCHOR_YEAR)
    quote = SV_QUOTE_2018 + SV_QUOTE_SLOPE * (np.asarray(YEARS) - 2018)
    return _rates_to_counts(ages["einwohner_15_64"], rel, quote / 100)


def _schools(rng, ages: dict, deprivation: np.ndarray) -> dict[str, np.ndarray]:
    """School leavers by residence, those without a qualification and transitions into training."""
    u18 = ages["einwohner_u18"]
    # school cohorts are small, so leavers jump more from year to year than the population
    weight = u18 * np.exp(rng.normal(0, WALK_SD["leavers"], size=u18.shape))
    leavers = np.rint(weight / weight.sum(axis=0) * _series(CITY_SCHOOL_LEAVERS))
    d = deprivation[:, None]
    without_rel = (WITHOUT_QUALIFICATION_FLOOR + WITHOUT_QUALIFICATION_GRADIENT * d) * np.exp(
        rng.normal(0, WALK_SD["without_qualification"], size=u18.shape))
    dual_rel = (1 + DUAL_TRAINING_GRADIENT * d) * np.exp(
        rng.normal(0, WALK_SD["dual_training"], size=u18.shape))
    return {
        "schulabgaenger": leavers,
        "schulabgaenger_ohne_abschluss": _rates_to_counts(
            leavers, without_rel, _series(WITHOUT_QUALIFICATION_SHARE) / 100),
        "uebergang_ausbildung": _rates_to_counts(leavers, dual_rel, _series(DUAL_TRAINING_SHARE) / 100),
    }


def _profiles() -> pd.DataFrame:
    """The Ortsteil profiles in the order of areas.csv (fails if an Ortsteil has none)."""
    ids = ortsteile()["area_id"].tolist()
    mismatch = sorted(set(ids) ^ set(PROFILES))
    if mismatch:
        raise ValueError(f"Demo-Profile und areas.csv passen nicht zusammen: {mismatch}")
    return pd.DataFrame([PROFILES[a] for a in ids], index=ids, columns=PROFILE_COLUMNS)


def generate(seed: int = SEED) -> pd.DataFrame:
    """The demo counts in the long counts schema: same seed, same table."""
    rng = np.random.default_rng(seed)
    profiles = _profiles()
    deprivation = _deprivation(profiles)
    pop = _population(rng, profiles)
    ages = _age_groups(rng, profiles, pop)
    recipients, kids = _sgb2(rng, profiles, pop, ages["einwohner_u15"])
    values = {"einwohner": pop, **ages,
              **_unemployment(rng, profiles, ages, deprivation),
              "sgb2_leistungsberechtigte": recipients, "sgb2_kinder_u15": kids,
              "sv_beschaeftigte": _employment(rng, profiles, ages, deprivation),
              **_schools(rng, ages, deprivation)}
    variables = list(load_catalog().variables)
    if set(variables) != set(values):
        mismatch = sorted(set(variables) ^ set(values))
        raise ValueError(f"Katalog und Demogenerator passen nicht zusammen: {mismatch}")
    # rows ordered by Ortsteil (areas.csv), year, variable (catalog order)
    cube = np.stack([values[v] for v in variables], axis=-1)
    counts = pd.DataFrame({
        "area_id": np.repeat(profiles.index.to_numpy(), len(YEARS) * len(variables)),
        "year": np.tile(np.repeat(YEARS, len(variables)), len(profiles)),
        "variable": np.tile(variables, len(profiles) * len(YEARS)),
        "value": cube.ravel().astype("float64"),
        "flag": "",
        "source_id": SOURCE_ID,
    })
    return counts[COUNT_COLUMNS].reset_index(drop=True)


def to_csv_bytes(counts: pd.DataFrame) -> bytes:
    """The CSV file as bytes: UTF-8, comma, '\\n', integer values, fixed row order."""
    out = counts.copy()
    out["value"] = out["value"].astype("int64")
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def read(path: Path = DEMO_COUNTS_FILE) -> pd.DataFrame:
    """The bundled demo counts as written by write() (illustrative, source 'demo'; empty value = NaN)."""
    counts = pd.read_csv(path, dtype={"area_id": str, "variable": str, "flag": str, "source_id": str},
                         keep_default_na=False, na_values={"value": [""]})
    counts["value"] = counts["value"].astype("float64")
    return counts[COUNT_COLUMNS]


def write(path: Path = DEMO_COUNTS_FILE, seed: int = SEED) -> Path:
    """Regenerate the bundled demo counts file."""
    path.write_bytes(to_csv_bytes(generate(seed)))
    return path


if __name__ == "__main__":
    print(f"geschrieben: {write()}")
