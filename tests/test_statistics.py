"""Every worked example of the methods specification (intervals, comparisons, change, trend,
Sozialindex, peers, sentences, map classes) to the precision it states, plus property tests."""

from __future__ import annotations

import mapclassify
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.build import compare as cmp
from indicators.build.intervals import CHI2_TREND, Z95, Z998, interval_columns, poisson, poisson_rate, wilson
from indicators.build.sozialindex import IndexConfig, IndexNotComputable, compute_index, dynamics_class, status_class
from indicators.catalog import load_catalog
from indicators.views import mapstyle, sentences
from indicators.views.peers import find_peers


def close(actual, expected, digits=4):
    """Equal to within half a unit of the last digit shown."""
    assert abs(float(actual) - expected) <= 0.5 * 10 ** -digits + 1e-12, (actual, expected)


# --- §0 / §2.2 constants and intervals -------------------------------------------------------

def test_constants():
    assert Z95 == 1.959963984540054 and Z998 == 3.090232306167813
    close(CHI2_TREND, 9.54953570608324, 12)


def test_wilson_37_of_412():
    l95, u95 = wilson(37, 412, Z95)
    l998, u998 = wilson(37, 412, Z998)
    close(100 * 37 / 412, 8.9806)
    close(100 * l95, 6.5856), close(100 * u95, 12.1334)
    close(100 * (l95 + u95) / 2, 9.3595), close(100 * (u95 - l95) / 2, 2.7739)
    close(100 * l998, 5.5075), close(100 * u998, 14.3121)


def test_wilson_edges():
    low, high = wilson(0, 50, Z95)
    assert low == 0 and high == pytest.approx(Z95 ** 2 / (50 + Z95 ** 2), abs=1e-15)
    low, high = wilson(50, 50, Z95)
    assert high == 1 and low == pytest.approx(50 / (50 + Z95 ** 2), abs=1e-15)
    for x, n in ((1, 0), (5, 4), (np.nan, 10), (3, np.nan)):
        assert np.isnan(wilson(x, n)).all()


@pytest.mark.parametrize("o, method, ci95, ci998", [
    (0, "exact_poisson", (0, 3.6889), (0, 6.9078)),
    (5, "exact_poisson", (1.6235, 11.6683), (0.7394, 16.4547)),
    (9, "exact_poisson", (4.1154, 17.0848), (2.4524, 22.6574)),
    (10, "byar", (4.7874, 18.3915), (2.9163, 24.1937)),
    (37, "byar", (26.0480, 51.0011), (20.9772, 59.9570)),
])
def test_poisson_table(o, method, ci95, ci998):
    m, lo, hi = poisson(o, Z95)
    assert str(m) == method
    close(lo, ci95[0]), close(hi, ci95[1])
    _, lo, hi = poisson(o, Z998)
    close(lo, ci998[0]), close(hi, ci998[1])


def test_poisson_contrasts_and_rate():
    from indicators.build.intervals import byar, exact_poisson
    lo, hi = exact_poisson(37, Z95)
    close(lo, 26.0514), close(hi, 50.9996)
    close(byar(5, Z95)[0], 1.6113)
    m, lo, hi = poisson_rate(37, 412, Z95, 100)
    assert str(m) == "byar"
    close(lo, 6.3223), close(hi, 12.3789)


def test_interval_columns_rules():
    cols = interval_columns([37, 5, 3, 10, 0], [412, 4, 0, 50, 80], ["", "", "", "suppressed", "estimated"])
    close(cols["ci95_low"][0], 6.5856), close(cols["ci998_high"][0], 14.3121)
    assert list(cols["ci_method"]) == ["wilson", "", "", "", "wilson"]
    assert np.isnan(cols["ci95_low"][1:4]).all()          # x > n, n = 0, suppressed: no interval
    assert cols["ci95_low"][4] == 0                         # x = 0 still has an interval
    assert list(cols["small_count"]) == [False, False, False, False, True]
    counts = interval_columns([100], [np.nan], [""], kind="")
    assert counts["ci_method"][0] == "" and np.isnan(counts["ci95_low"][0])


# --- §2.3 comparison -------------------------------------------------------------------------

def _ci_37():
    return (*wilson(37, 412, Z95), *wilson(37, 412, Z998))


@pytest.mark.parametrize("b, code", [(0.12, "aehnlich"), (0.135, "niedriger"), (0.15, "deutlich_niedriger"),
                                     (0.06, "hoeher"), (0.05, "deutlich_hoeher")])
def test_compare_city(b, code):
    l95, u95, l998, u998 = _ci_37()
    assert cmp.compare_with(b, l95, u95, l998, u998) == code


def test_compare_on_bound_and_unusable():
    l95, u95, l998, u998 = _ci_37()
    assert cmp.compare_with(l95, l95, u95, l998, u998) == "aehnlich"
    assert cmp.compare_with(u95, l95, u95, l998, u998) == "aehnlich"
    cols = interval_columns([37], [412], ["suppressed"])
    assert cmp.compare_with(0.12, cols["ci95_low"], cols["ci95_high"], cols["ci998_low"],
                            cols["ci998_high"])[0] == "nicht_verglichen"
    assert cmp.compare_with(np.nan, l95, u95, l998, u998) == "nicht_verglichen"


def test_compare_rest_of_city():
    code, d, lo95, hi95, lo998, hi998 = cmp.rest_compare(37, 412, 1200, 10000)
    close(100 * 1163 / 9588, 12.1297)
    close(100 * d, -3.1492), close(100 * lo95, -5.6358), close(100 * hi95, 0.0677)
    assert code == "aehnlich"
    code, d, lo95, hi95, lo998, hi998 = cmp.rest_compare(30, 412, 1200, 10000)
    close(100 * 30 / 412, 7.2816), close(100 * 1170 / 9588, 12.2028)
    close(100 * d, -4.9212), close(100 * lo95, -7.1577), close(100 * hi95, -1.9290)
    close(100 * lo998, -8.1641), close(100 * hi998, 0.1735)
    assert code == "niedriger"


def test_evaluation_by_polarity():
    assert cmp.evaluation("hoeher", "higher_is_worse") == "ungünstiger"
    assert cmp.evaluation("deutlich_niedriger", "higher_is_worse") == "günstiger"
    assert cmp.evaluation("hoeher", "higher_is_better") == "günstiger"
    assert cmp.evaluation("hoeher", "neutral") == "" and cmp.evaluation("aehnlich", "higher_is_worse") == ""
    assert cmp.COMPARE_WORDS["deutlich_hoeher"] == "deutlich höher als Bochum (99,8 %)"


# --- §2.4 change, §2.5 trend -----------------------------------------------------------------

def test_newcombe_change():
    code, d, lo95, hi95, lo998, hi998 = cmp.change(37, 412, 52, 430)
    close(100 * d, 3.1124), close(100 * lo95, -1.0717), close(100 * hi95, 7.2893)
    close(100 * lo998, -3.5843), close(100 * hi998, 9.7867)
    assert code == "keine_gesicherte_veraenderung"
    code, d, lo95, hi95, lo998, hi998 = cmp.change(50, 410, 37, 412)
    close(100 * d, -3.2145), close(100 * lo95, -7.4746), close(100 * hi95, 1.0163)
    close(100 * lo998, -10.0366), close(100 * hi998, 3.5423)
    assert code == "keine_gesicherte_veraenderung"


def test_change_codes():
    assert cmp.change(100, 1000, 160, 1000)[0] == "deutlich_gestiegen"
    assert cmp.change(100, 1000, 130, 1000)[0] == "gestiegen"
    assert cmp.change(130, 1000, 100, 1000)[0] == "gesunken"
    assert cmp.change(160, 1000, 100, 1000)[0] == "deutlich_gesunken"
    assert cmp.change(np.nan, 1000, 100, 1000)[0] == "nicht_berechenbar"


def test_trend_examples():
    x, n = [60, 55, 50, 45, 37], [420, 415, 410, 412, 412]
    code, chi, slope, slopes = cmp.trend(x, n)
    close(chi, 6.6097)
    for s, e in zip(slopes, [-0.1268, -0.1436, -0.1259, -0.1268, -0.1326, -0.1016]):
        close(s, e)
    assert code == "keine_gesicherte_veraenderung" and chi > 3.84
    code, chi, _, slopes_b = cmp.trend(np.array(x) * 10, np.array(n) * 10)
    close(chi, 66.0975)
    assert code == "fallend" and np.allclose(slopes_b, slopes)
    code, chi, _, slopes = cmp.trend([110, 100, 100, 100, 160], [1000] * 5)
    close(chi, 9.9006)
    close(slopes[5], -0.0319)
    assert all(0.0804 - 5e-5 <= s <= 0.1617 + 5e-5 for s in slopes[:5])
    assert code == "keine_gesicherte_veraenderung"
    assert cmp.trend([0, 1, 2, 3, 4], [10] * 5)[0] == "nicht_berechenbar"
    assert cmp.trend([1, 2, np.nan, 3, 4], [10] * 5)[0] == "nicht_berechenbar"


def test_trend_suffix_and_break_note():
    assert cmp.trend_suffix("steigend", "higher_is_worse") == " (ungünstige Entwicklung)"
    assert cmp.trend_suffix("fallend", "higher_is_worse") == " (günstige Entwicklung)"
    assert cmp.trend_suffix("steigend", "higher_is_better") == " (günstige Entwicklung)"
    assert cmp.trend_suffix("steigend", "neutral") == ""
    assert cmp.break_note([{"year": 2023}], 2020, 2024) == "über den Reihenbruch 2023 hinweg"
    assert cmp.break_note([{"year": 2020}], 2020, 2024) == ""


# --- §1 Sozialindex --------------------------------------------------------------------------

OT = list("ABCDEFGHIJ")
S0 = pd.DataFrame({"S1": [2, 3, 4, 4.5, 5, 5.5, 6, 7, 9, 13], "S3": [5, 6, 8, 9, 10, 10, 12, 14, 18, 24],
                   "S4": [6, 10, 15, 18, 20, 22, 25, 30, 38, 52]}, index=OT, dtype=float)
S2 = pd.DataFrame({"S1": [2.2, 3.1, 4.3, 4.0, 5.2, 5.6, 5.0, 7.4, 9.5, 13.0],
                   "S3": [5.1, 6.2, 8.1, 8.5, 10.4, 10.1, 10.5, 14.5, 18.9, 24.5],
                   "S4": [6.5, 10.5, 15.2, 16.0, 21.0, 22.5, 21.0, 31.5, 39.0, 52.5]}, index=OT)
WORSE = {c: "higher_is_worse" for c in S0}
# OT: zS1 zS3 zS4 SS SI Status dz1 dz3 dz4 DS DI Dynamik gesamt
EXPECTED = """
A -1.2900 -1.2042 -1.3610 -3.8551 -1.2866 hoch -0.3962 -0.0317 -0.3333 -0.7613 -0.2580 stabil 1+/-
B -0.9592 -1.0217 -1.0516 -3.0326 -1.0121 hoch -0.1631 -0.1903 -0.3333 -0.6868 -0.2328 stabil 1+/-
C -0.6285 -0.6568 -0.6650 -1.9503 -0.6509 mittel -0.6293 -0.0317 -0.1447 -0.8056 -0.2731 stabil 2+/-
D -0.4631 -0.4744 -0.4330 -1.3705 -0.4574 mittel 1.2352 0.9198 1.2390 3.3941 1.1504 negativ 2-
E -0.2977 -0.2919 -0.2784 -0.8680 -0.2897 mittel -0.3962 -0.5075 -0.6478 -1.5515 -0.5259 stabil 2+/-
F -0.1323 -0.2919 -0.1237 -0.5480 -0.1829 mittel -0.1631 -0.0317 -0.3333 -0.5282 -0.1790 stabil 2+/-
G 0.0331 0.0730 0.1083 0.2143 0.0715 mittel 2.4005 2.5057 2.4969 7.4031 2.5093 negativ 2-
H 0.3638 0.4379 0.4949 1.2966 0.4327 mittel -0.8623 -0.6661 -0.9623 -2.4907 -0.8442 stabil 2+/-
I 1.0254 1.1677 1.1135 3.3066 1.1035 niedrig -1.0954 -1.3004 -0.6478 -3.0436 -1.0316 positiv 3+
J 2.3485 2.2624 2.1961 6.8070 2.2716 sehr_niedrig 0.0699 -0.6661 -0.3333 -0.9295 -0.3150 stabil 4+/-
"""


def _index(s0=S0, s2=S2, pop=None, polarity=WORSE, config=None):
    pop = pd.Series(1000.0, index=s0.index) if pop is None else pop
    return compute_index(s0, s2, pop, polarity, year=2024, config=config).set_index("area_id")


def test_index_worked_example():
    out = _index()
    for line in EXPECTED.strip().splitlines():
        ot, *v = line.split()
        row = out.loc[ot]
        nums = [float(x) for x in v[:5]] + [float(x) for x in v[6:11]]
        got = [row.z_S1, row.z_S3, row.z_S4, row.status_sum, row.status_index,
               row.dz_S1, row.dz_S3, row.dz_S4, row.dynamics_sum, row.dynamics_index]
        for g, e in zip(got, nums):
            close(g, e)
        assert row.status_class == v[5].replace("_", " ") and row.dynamics_class == v[11] and row.gesamt == v[12]
    close(out.loc["D", "d_S4"], 2.0, 9)
    sd = S0.std(ddof=0)
    for k, e in zip(sd, (3.0232, 5.4809, 12.9321)):
        close(k, e)
    d = S0 - S2
    for k, e in zip(d.std(ddof=0), (0.4291, 0.6306, 1.5900)):
        close(k, e)
    close(out["status_sum"].std(ddof=0), 2.9965), close(out["dynamics_sum"].std(ddof=0), 2.9503)
    assert list(out["status_code"]) == [1, 1, 2, 2, 2, 2, 2, 2, 3, 4]
    assert list(out["dynamics_code"]) == ["+/-", "+/-", "+/-", "-", "+/-", "+/-", "-", "+/-", "+", "+/-"]


def test_index_ddof_trap():
    """ddof = 1 (pandas' default) gives the numbers below; the engine must not."""
    z1 = (S0 - S0.mean()) / S0.std(ddof=1)
    close(z1.loc["A", "S1"], -1.2238)
    ss = z1.sum(axis=1)
    si1 = ss / ss.std(ddof=1)
    close(si1["B"], -0.9601)
    d = S0 - S2
    dz1 = ((d - d.mean()) / d.std(ddof=1)).sum(axis=1)
    close((dz1 / dz1.std(ddof=1))["I"], -0.9787)
    out = _index()
    close(out.loc["A", "z_S1"], -1.2900)
    assert out.loc["B", "status_class"] == "hoch" and out.loc["I", "dynamics_class"] == "positiv"


def test_class_boundaries():
    assert [status_class(v)[0] for v in (-1.0, 1.0, 1.5)] == ["mittel", "mittel", "niedrig"]
    assert status_class(-1.0000001)[0] == "hoch"
    assert [dynamics_class(v)[0] for v in (-1.0, 1.0)] == ["stabil", "stabil"]
    # the trap the specification warns about: UserDefined puts −1.0 into the first class
    assert mapclassify.UserDefined(np.array([-1.0, 0.0]), [-1, 1, 1.5, np.inf]).yb[0] == 0


def test_grenzfall_and_relative_dynamics():
    out = _index()
    assert [ot for ot in OT if out.loc[ot, "grenzfall"]] == ["B", "I"]
    assert out.loc["J", "d_S3"] < 0 and out.loc["J", "d_S4"] < 0 and out.loc["J", "dynamics_class"] == "stabil"
    assert out.loc["G", "dynamics_class"] == "negativ"


def test_exclusion_leaves_others_unchanged():
    s0 = pd.concat([S0, pd.DataFrame({"S1": [50.0], "S3": [1.0], "S4": [99.0]}, index=["K"])])
    s2 = pd.concat([S2, pd.DataFrame({"S1": [1.0], "S3": [70.0], "S4": [3.0]}, index=["K"])])
    pop = pd.Series([1000.0] * 10 + [250.0], index=OT + ["K"])
    out, base = _index(s0, s2, pop), _index()
    assert out.loc["K", "excluded"] == "nicht berechnet (< 300 EW)"
    assert np.isnan(out.loc["K", "status_index"]) and out.loc["K", "status_class"] == "" and out.loc["K", "gesamt"] == ""
    numeric = base.select_dtypes("number").columns
    pd.testing.assert_frame_equal(out.loc[OT, numeric], base[numeric])
    assert (out.loc[OT, "excluded"] == "").all()


def test_exclusion_reasons_and_refusals():
    s0 = S0.copy()
    s0.loc["C", "S3"] = np.nan
    out = _index(s0, config=IndexConfig(outliers=("A",), min_valid_areas=5))
    assert out.loc["A", "excluded"] == "nicht berechnet (Ausreißer)"
    assert out.loc["C", "excluded"] == "nicht berechnet (Daten fehlen)"
    with pytest.raises(IndexNotComputable, match=r"^Index 2024 nicht berechenbar: nur 9 gültige Ortsteile \(mindestens 10\)\.$"):
        _index(s0)
    flat = S0.copy()
    flat["S3"] = 7.0
    with pytest.raises(IndexNotComputable, match="„S3“ ist in allen gültigen Ortsteilen gleich"):
        _index(flat)
    with pytest.raises(IndexNotComputable, match="„S1“ hat keine Wertungsrichtung"):
        _index(polarity={**WORSE, "S1": "neutral"})


def test_polarity_negated_inputs_give_same_index():
    better = {c: "higher_is_better" for c in S0}
    neg, base = _index(-S0, -S2, polarity=better), _index()
    for col in ("status_index", "dynamics_index"):
        np.testing.assert_allclose(neg[col], base[col], atol=1e-12)
    assert list(neg["gesamt"]) == list(base["gesamt"])


# --- §3 peers --------------------------------------------------------------------------------

PEER_X = pd.DataFrame({"u18": [14, 16, 17, 18, 16, 15, 19, 17, 20, 22], "a65": [28, 24, 22, 20, 21, 23, 18, 19, 17, 15],
                       "ausl": [12, 15, 20, 25, 22, 24, 30, 33, 40, 48]}, index=OT, dtype=float)


def test_peer_example():
    r = np.corrcoef(PEER_X.T.values)
    close(r[0, 1], -0.9252), close(r[0, 2], 0.8969), close(r[1, 2], -0.9312)
    peers = find_peers(PEER_X, "E")["peers"]
    expected = [("C", 0.5522, 0.1908, 0.0781, 0.0360, "ausl", "u18", True),
                ("F", 0.7342, 0.1908, 0.3123, 0.0360, "ausl", "a65", True),
                ("D", 0.9604, 0.7634, 0.0781, 0.0810, "a65", "u18", True),
                ("B", 1.0694, 0.0000, 0.7026, 0.4411, "u18", "a65", True),
                ("H", 1.2619, 0.1908, 0.3123, 1.0892, "u18", "ausl", False)]
    assert list(peers["rank"]) == [1, 2, 3, 4, 5]
    for (_, row), (ot, d, cu, ca, cs, sim, diff, stab) in zip(peers.iterrows(), expected):
        assert row.area_id == ot and row.similar_by == sim and row.differs_by == diff and row.stabil is stab
        close(row.distance, d), close(row.c_u18, cu), close(row.c_a65, ca), close(row.c_ausl, cs)


def test_peer_runs_and_sixth():
    from indicators.views.peers import _distances, _top
    z = (PEER_X - PEER_X.mean()) / PEER_X.std(ddof=0)
    con = ((z - z.loc["E"]) ** 2).drop(index="E")
    d = _distances(con).sort_values()
    assert d.index[5] == "G"
    close(d.iloc[5], 1.7310)
    assert _top(con.drop(columns="u18")) == ["C", "D", "F", "B", "G"]
    assert _top(con.drop(columns="a65")) == ["C", "F", "B", "D", "H"]
    assert _top(con.drop(columns="ausl")) == ["C", "F", "H", "B", "D"]
    no_a65 = _distances(con.drop(columns="a65"))
    close(no_a65["C"], 0.4763), close(no_a65["F"], 0.4763)


def test_peers_too_few_and_constant_variable():
    assert find_peers(PEER_X.iloc[:6], "E")["peers"].empty
    x = PEER_X.assign(const=1.0)
    res = find_peers(x, "E")
    assert res["dropped"] == ["const"] and list(res["peers"]["area_id"]) == ["C", "F", "D", "B", "H"]


# --- §4 sentences ----------------------------------------------------------------------------

def test_sentence_worked_example():
    k = load_catalog().indicators["kinderarmut"]
    code, d, *_ = cmp.change(50, 410, 37, 412)
    trend_code = cmp.trend([60, 55, 50, 45, 37], [420, 415, 410, 412, 412])[0]
    l95, u95, l998, u998 = _ci_37()
    texts = [
        sentences.value_sentence("Ortsteil X", 2024, k, 37, 412, 100 * 37 / 412),
        sentences.city_sentence(cmp.compare_with(0.12, l95, u95, l998, u998)[()], 12.0, k),
        sentences.change_sentence(2022, 100 * 50 / 410, 100 * float(d), code, k),
        sentences.trend_sentence(2024, trend_code, k.polarity),
    ]
    assert texts == [
        "Ortsteil X 2024: 37 von 412 Kindern unter 15 Jahren leben in SGB-II-Bedarfsgemeinschaften (9,0 %).",
        "Das ist statistisch nicht von Bochum insgesamt (12,0 %) zu unterscheiden.",
        "Gegenüber 2022 (12,2 %) ist der Anteil um 3,2 Prozentpunkte gesunken; das liegt im Rahmen zufälliger Schwankungen.",
        "Trend 2020–2024: keine gesicherte Veränderung.",
    ]
    assert all(sentences.word_count(t) <= sentences.MAX_WORDS for t in texts)
    alt = sentences.alt_text("line", k.label("de", short=True), "Ortsteil X", "2020–2024", texts)
    assert alt.startswith("Liniendiagramm: Kinderarmut, Ortsteil X, 2020–2024. Ortsteil X 2024: 37 von 412")


def test_other_templates():
    k = load_catalog().indicators["kinderarmut"]
    assert sentences.city_sentence("deutlich_hoeher", 12.0, k) == "Das ist deutlich höher als in Bochum insgesamt (12,0 %)."
    assert sentences.city_sentence("nicht_verglichen", 12.0, k) == "Ein Vergleich mit Bochum insgesamt (12,0 %) ist nicht möglich."
    assert sentences.change_sentence(2022, 12.2, 0.04, "keine_gesicherte_veraenderung", k) == \
        "Gegenüber 2022 (12,2 %) ist der Anteil praktisch unverändert."
    assert sentences.change_sentence(2022, 12.2, 3.0, "deutlich_gestiegen", k) == \
        "Gegenüber 2022 (12,2 %) ist der Anteil um 3,0 Prozentpunkte gestiegen (statistisch gesichert, 99,8 %)."
    assert sentences.trend_sentence(2024, "fallend", "higher_is_worse") == "Trend 2020–2024: fallend (günstige Entwicklung)."
    assert sentences.missing_sentence("Hamme", 2024, True) == "Hamme 2024: Wert geheim (Datenschutz)."
    assert sentences.missing_sentence("Hamme", 2024, False) == "Hamme 2024: keine Daten."
    assert sentences.small_count_sentence() == "Geringe Fallzahl – mit Vorsicht interpretieren."
    fallback = load_catalog().indicators["arbeitslosenanteil"]
    assert sentences.value_sentence("Hamme", 2024, fallback, 1234, 10000, 12.34) == \
        "Hamme 2024: Arbeitslosenanteil: 1.234 von 10.000 (12,3 %)."
    row = {"status_class": "niedrig", "dynamics_class": "positiv", "gesamt": "3+", "grenzfall": True, "excluded": ""}
    assert sentences.index_sentence("I", 2024, row) == \
        "I 2024: Status niedrig, Dynamik positiv (Gruppe 3+), Methode MSS Berlin. Grenzfall: nahe an einer Klassengrenze."
    assert sentences.peers_sentence(["C", "F"]) == "Ähnlichste Ortsteile nach Bevölkerungsstruktur: C, F."


# --- §5 map classes and palettes -------------------------------------------------------------

def test_quantile_and_deviation_examples():
    y = np.array([4.0, 5.5, 6.1, 7.3, 8.0, 9.4, 10.2, 12.5, 14.9, 21.0])
    q = mapclassify.Quantiles(y, k=5)
    for b, e in zip(q.bins, (5.98, 7.72, 9.72, 12.98, 21.0)):
        close(b, e)
    assert list(q.yb) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4] and list(q.find_bin([7.72, 7.7200001])) == [1, 2]
    dev = [-6.2, -3.1, -1.0, -0.4, 0.3, 1.2, 2.5, 4.8, 7.9, 12.0]
    cuts = mapstyle.deviation_cuts(dev)
    close(cuts[3] / 1.5, 5.0402), close(cuts[2], 2.5201), close(cuts[3], 7.5604), close(cuts[0], -7.5604)
    assert [mapstyle.deviation_class(v, cuts) for v in dev] == [1, 1, 2, 2, 2, 2, 2, 3, 4, 4]
    assert mapstyle.deviation_class(float("nan"), cuts) is None


def test_palettes():
    assert mapstyle.sequential_palette("higher_is_worse", 5) == ["#f1eef6", "#d7b5d8", "#df65b0", "#dd1c77", "#980043"]
    assert mapstyle.sequential_palette("higher_is_better", 3) == ["#dd1c77", "#c994c7", "#e7e1ef"]
    assert mapstyle.sequential_palette("neutral", 4) == ["#ffffcc", "#c2e699", "#78c679", "#238443"]
    assert mapstyle.sequential_palette("higher_is_worse", 5, projector=True) == \
        ["#d4b9da", "#c994c7", "#df65b0", "#dd1c77", "#980043"]
    assert mapstyle.diverging_palette("higher_is_worse") == ["#0571b0", "#92c5de", "#f7f7f7", "#f4a582", "#ca0020"]
    assert mapstyle.comparison_colour("deutlich_hoeher", "higher_is_worse") == "#ca0020"
    assert mapstyle.comparison_colour("nicht_verglichen", "higher_is_worse") == "#d9d9d9"
    assert list(mapstyle.STATUS_COLOURS.values()) == ["#92c5de", "#f7f7f7", "#f4a582", "#ca0020"]
    with pytest.raises(ValueError):
        mapstyle.sequential_palette("neutral", 6)


# --- property tests --------------------------------------------------------------------------

counts = st.integers(min_value=1, max_value=100_000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n)))


@settings(max_examples=200, deadline=None)
@given(counts)
def test_wilson_properties(xn):
    x, n = xn
    l95, u95 = wilson(x, n, Z95)
    l998, u998 = wilson(x, n, Z998)
    p = x / n
    assert 0 <= l998 <= l95 <= p + 1e-12 and p - 1e-12 <= u95 <= u998 <= 1
    cols = interval_columns([x], [n], [""])
    assert 0 <= cols["ci998_low"][0] and cols["ci998_high"][0] <= 100
    if x < n:  # monotone in x
        l2, u2 = wilson(x + 1, n, Z95)
        assert l2 > l95 and u2 > u95


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=5000))
def test_poisson_properties(o):
    _, l95, u95 = poisson(o, Z95)
    _, l998, u998 = poisson(o, Z998)
    assert 0 <= l998 <= l95 <= o <= u95 <= u998


@settings(max_examples=100, deadline=None)
@given(counts, st.sampled_from(["suppressed", "missing", "incomplete", "zero_denominator"]),
       st.floats(min_value=0, max_value=1))
def test_no_comparison_for_unusable_values(xn, flag, b):
    x, n = xn
    cols = interval_columns([x], [n], [flag])
    assert cols["ci_method"][0] == "" and np.isnan(cols["ci95_low"][0])
    assert cmp.compare_with(b, cols["ci95_low"], cols["ci95_high"], cols["ci998_low"],
                            cols["ci998_high"])[0] == "nicht_verglichen"


def test_sentence_worked_example_in_english():
    """The §4 worked example rendered in English: the same codes, English words and number format."""
    k = load_catalog().indicators["kinderarmut"]
    code, d, *_ = cmp.change(50, 410, 37, 412)
    trend_code = cmp.trend([60, 55, 50, 45, 37], [420, 415, 410, 412, 412])[0]
    l95, u95, l998, u998 = _ci_37()
    texts = [
        sentences.value_sentence("District X", 2024, k, 37, 412, 100 * 37 / 412, "en"),
        sentences.city_sentence(cmp.compare_with(0.12, l95, u95, l998, u998)[()], 12.0, k, "en"),
        sentences.change_sentence(2022, 100 * 50 / 410, 100 * float(d), code, k, "en"),
        sentences.trend_sentence(2024, trend_code, k.polarity, lang="en"),
    ]
    assert texts == [
        "District X 2024: 37 of 412 children under 15 live in SGB II benefit households (9.0%).",
        "This is statistically indistinguishable from Bochum as a whole (12.0%).",
        "Compared with 2022 (12.2%), the share has fallen by 3.2 percentage points; this is within random variation.",
        "Trend 2020–2024: no significant change.",
    ]
    assert all(sentences.word_count(t) <= sentences.MAX_WORDS for t in texts)
    alt = sentences.alt_text("line", k.label("en", short=True), "District X", "2020–2024", texts, lang="en")
    assert alt.startswith("Line chart: ") and alt.endswith(" Trend 2020–2024: no significant change.")
    assert sentences.city_sentence("deutlich_hoeher", 12.0, k, "en") == \
        "This is significantly higher than in Bochum as a whole (12.0%)."
    assert sentences.change_sentence(2022, 12.2, 3.0, "deutlich_gestiegen", k, "en") == \
        "Compared with 2022 (12.2%), the share has risen by 3.0 percentage points (statistically significant, 99.8 %)."
    assert sentences.trend_sentence(2024, "fallend", "higher_is_worse", lang="en") == "Trend 2020–2024: falling (favourable)."
    assert sentences.missing_sentence("Hamme", 2024, True, "en") == "Hamme 2024: value confidential (data protection)."
    assert sentences.small_count_sentence("en") == "Small numbers – interpret with caution."
    row = {"status_class": "niedrig", "dynamics_class": "positiv", "gesamt": "3+", "grenzfall": True, "excluded": ""}
    assert sentences.index_sentence("I", 2024, row, "en") == \
        "I 2024: status low, dynamics positive (group 3+), MSS Berlin method. Borderline: close to a class boundary."
    assert sentences.peers_sentence(["C", "F"], "en") == "Most similar districts by population structure: C, F."
    fallback = load_catalog().indicators["arbeitslosenanteil"]
    assert sentences.value_sentence("Hamme", 2024, fallback, 1234, 10000, 12.34, "en").startswith(
        "Hamme 2024: ") and " 1,234 of 10,000 (12.3%)." in sentences.value_sentence(
        "Hamme", 2024, fallback, 1234, 10000, 12.34, "en")
