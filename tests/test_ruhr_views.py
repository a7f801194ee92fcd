"""Bochum among the Ruhr cities: the table, ranks, official rates and figures, with exact values from data/kreise/."""

import math

import pandas as pd
import pytest

from indicators.catalog import load_catalog
from indicators.figures import ruhr as rf
from indicators.load.ruhr import ruhr_areas
from indicators.views import ruhr as rv

LZA = "langzeitarbeitslose_an_arbeitslosen"


@pytest.fixture(scope="module")
def full():
    return rv.ruhr_indicator_table()


@pytest.fixture(scope="module")
def table(full):
    """The table cut to the 15 Ruhr Kreise (plus NRW and Germany), ranked among them."""
    from indicators.load import kreise
    from indicators.views import kreise as kreise_views

    return kreise_views.set_table(full, kreise.set_members("ruhr"))


@pytest.fixture(scope="module")
def measures(full):
    return rv.measures(full)


def row(table, area_id, indicator_id, year):
    rows = table[(table.area_id == area_id) & (table.indicator_id == indicator_id) & (table.year == year)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_area_frame_has_every_kreis_the_laender_and_germany_each_its_own_top():
    areas = rv.ruhr_area_frame()
    assert list(areas.columns) == ["area_id", "name", "level", "parent_id", "is_focus", "code"]
    assert areas["level"].value_counts().to_dict() == {"kreis": 403, "land": 16, "bund": 1}
    assert areas["area_id"].tolist()[:15] == ruhr_areas()["area_id"].tolist()[:15]  # the Ruhr first
    assert (areas["parent_id"] == "").all()
    assert areas.loc[areas.is_focus, "area_id"].tolist() == [rv.BOCHUM_ID]


def test_bochum_2016_long_term_share_of_unemployed_is_exact(table):
    r = row(table, rv.BOCHUM_ID, LZA, 2016)
    assert r.numerator == 8017 and r.denominator == 18891
    assert r.value == pytest.approx(8017 / 18891 * 100)
    assert round(r.value, 2) == 42.44
    assert r.kind == rv.KIND_INDICATOR and r.flag == "" and not r.is_demo


def test_rank_among_the_15_kreise(table):
    rows = table[(table.indicator_id == LZA) & (table.year == 2016)]
    kreise = rows[rows.level == "kreis"]
    assert sorted(kreise["rank"].astype(int)) == list(range(1, 16))
    assert (kreise["n_ranked"] == 15).all()
    bochum = row(table, rv.BOCHUM_ID, LZA, 2016)
    expected = 1 + (kreise["value"] > bochum.value).sum()
    assert bochum["rank"] == expected == 12
    top = kreise.sort_values("value", ascending=False).iloc[0]
    assert top["rank"] == 1 and top["name"] == "Kreis Recklinghausen"
    assert top.value == pytest.approx(17906 / 33203 * 100)


def test_nrw_and_germany_are_present_as_references_without_rank(table):
    nrw = row(table, rv.NRW_ID, LZA, 2016)
    de = row(table, rv.DE_ID, LZA, 2016)
    assert nrw.value == pytest.approx(312795 / 725653 * 100)
    assert de.value == pytest.approx(993073 / 2690975 * 100)
    assert pd.isna(nrw["rank"]) and pd.isna(de["rank"])
    assert (nrw.level, de.level) == ("land", "bund")
    bochum = row(table, rv.BOCHUM_ID, LZA, 2016)
    assert bochum.value_nrw == pytest.approx(nrw.value) and bochum.value_de == pytest.approx(de.value)
    assert bochum.dev_nrw_pp == pytest.approx(bochum.value - nrw.value)


def test_suppressed_kreise_stay_missing_and_are_not_ranked(table):
    rows = table[(table.indicator_id == LZA) & (table.year == 2006) & (table.level == "kreis")]
    missing = rows[rows.value.isna()]
    assert sorted(missing.name) == ["Ennepe-Ruhr-Kreis", "Hamm", "Mülheim an der Ruhr"]
    assert (missing.flag == "suppressed").all() and missing["rank"].isna().all()
    assert (rows.n_ranked == 12).all()
    assert pd.isna(row(table, rv.NRW_ID, LZA, 2006).value)


def test_kinderarmut_only_where_numerator_and_denominator_exist(table, measures):
    # SGB II 2010-2016 (22811), under-15 population from 2015 (12411-02-03-4, then 12411-0018 to 2020)
    assert measures["kinderarmut"].years == (2015, 2016)
    r = row(table, rv.BOCHUM_ID, "kinderarmut", 2015)
    assert r.numerator == 10575 and r.denominator == 8846 + 8274 + 11037 + 14420
    assert r.value == pytest.approx(10575 / 42577 * 100)
    assert set(table.loc[table.indicator_id == "kinderarmut", "year"]) == {2015, 2016}
    notes = " ".join(measures["kinderarmut"].notes["de"])
    assert "Sozialgeld" in notes and "2010–2016" in notes and "nur Jahre mit beiden: 2015–2016" in notes
    assert "2015" in " ".join(measures["kinderarmut"].notes["en"])


def test_supported_indicators_and_years(measures):
    computed = {m: x.years for m, x in measures.items() if x.kind == rv.KIND_INDICATOR}
    assert computed[LZA] == tuple(range(2001, 2021)) + (2023, 2025)
    assert computed["ohne_abschluss_quote"] == (2014, 2015, 2023, 2024)
    for m in ("arbeitslosenanteil", "langzeitarbeitslosenanteil", "jugendarbeitslosenanteil", "anteil_u18"):
        assert computed[m] == tuple(range(2015, 2021))
    assert computed["sgb2_quote"] == (2015, 2016)
    assert "sv_beschaeftigungsquote" not in measures and "uebergangsquote_ausbildung" not in measures
    assert list(computed) == [i for i in load_catalog().indicators if i in computed]  # catalog order


def test_official_rates_are_kept_as_published_with_their_own_definition(table, measures):
    r = row(table, rv.BOCHUM_ID, "alq_alle", 2016)
    assert r.value == 10.1 and r.kind == rv.KIND_OFFICIAL
    assert math.isnan(r.numerator) and math.isnan(r.denominator)
    assert row(table, rv.NRW_ID, "alq_alle", 2016).value == 7.7
    assert row(table, rv.DE_ID, "alq_abhaengige", 2016).value == 6.8
    m = measures["alq_alle"]
    assert m.kind == rv.KIND_OFFICIAL and "alq_alle" not in load_catalog().indicators
    assert m.label("de") == "Arbeitslosenquote bezogen auf alle zivilen Erwerbspersonen"
    assert "zivilen Erwerbspersonen" in m.definition["de"] and m.definition["en"]
    assert measures["alq_alle_frauen"].years == tuple(range(2009, 2021)) + (2023, 2025)  # '-' before 2009


def test_everything_is_official_never_demo(table):
    assert not table["is_demo"].any()
    with_value = table[table["value"].notna()]
    assert set(with_value["source_ids"]) == {"regionaldatenbank", "destatis_genesis", "destatis_genesis;regionaldatenbank"} or \
        set(";".join(with_value["source_ids"]).split(";")) == {"regionaldatenbank", "destatis_genesis"}


def test_position_and_summary_in_german(table, measures):
    pos = rv.bochum_position(table, [LZA])
    r = pos[pos.year == 2016].iloc[0]
    assert (r["rank"], r["n_ranked"]) == (12, 15)
    text = rv.position_summary(table, measures[LZA], 2016, "de")
    assert "42,4 %" in text and "Rang 12 von 15" in text and "NRW 43,1 %" in text and "Deutschland 36,9 %" in text
    assert "42.4%" in rv.position_summary(table, measures[LZA], 2016, "en")


def test_display_table_german_numbers_and_source_line(table, measures):
    display = rv.display_table(rv.ranking_slice(table, LZA, 2016), measures[LZA], "de")
    bochum = display[display["Gebiet"] == "Bochum"].iloc[0]
    assert (bochum["Wert"], bochum["Zähler"], bochum["Nenner"], bochum["Rang"]) == ("42,4 %", "8.017", "18.891", 12)
    assert display["Gebiet"].tolist()[-2:] == ["Nordrhein-Westfalen", "Deutschland"]
    line = rv.source_line(measures[LZA], "de")
    assert "13211-02-05-4" in line and "Stand 09.07.2026" in line and "dl-de/by-2-0" in line  # newest file
    meta = rv.metadata_frame(measures["alq_alle"], "de")
    assert meta.loc[meta.Art == "Quelle", "Lizenz"].iloc[0] == "dl-de/by-2-0"


def test_ranking_figure_carries_exactly_the_table_values(table, measures):
    fig = rf.ranking_figure(table, measures[LZA], 2016, "de")
    bars = fig.data[0]
    kreise = table[(table.indicator_id == LZA) & (table.year == 2016) & (table.level == "kreis")]
    expected = dict(zip(kreise.area_id, kreise.value))
    assert len(bars.y) == 15
    for area_id, x in zip(bars.y, bars.x):
        assert x == pytest.approx(expected[area_id])
    assert list(bars.x) == sorted(bars.x, reverse=True)
    colors = dict(zip(bars.y, bars.marker.color))
    assert colors[rv.BOCHUM_ID] == rf.BOCHUM_COLOR and len(set(colors.values())) == 2
    assert fig.layout.separators == ",."
    assert fig.layout.meta["bochum_rank"] == 12
    assert fig.layout.meta["nrw_value"] == pytest.approx(312795 / 725653 * 100)
    assert {s.line.dash for s in fig.layout.shapes} == {rf.NRW_DASH, rf.DE_DASH}
    assert any(a.text == "<b>42,4 %</b>" for a in fig.layout.annotations)


def test_trend_figure_bochum_bold_others_grey_references_dashed(table, measures):
    fig = rf.trend_figure(table, measures[LZA], "en")
    by_area = {tr.meta["area_id"]: tr for tr in fig.data}
    assert len(by_area) == 17
    bochum = by_area[rv.BOCHUM_ID]
    assert bochum.line.color == rf.BOCHUM_COLOR
    assert bochum.line.width > max(tr.line.width for a, tr in by_area.items() if a != rv.BOCHUM_ID)
    assert list(bochum.x) == list(range(2001, 2026))  # every year; no file for 2021, 2022, 2024: gaps
    assert [y for y, v in zip(bochum.x, bochum.y) if v is None] == [2021, 2022, 2024]
    assert by_area[rv.NRW_ID].line.dash == rf.NRW_DASH and by_area[rv.DE_ID].line.dash == rf.DE_DASH
    assert by_area["ags_05113"].line.color == rf.OTHER_LINE_COLOR
    assert fig.layout.separators == ".,"


def test_counts_get_no_reference_lines_and_census_break_is_marked(table, measures):
    ew = measures["einwohner"]
    ranking = rf.ranking_figure(table, ew, 2015, "de")
    assert not ranking.layout.shapes
    trend = rf.trend_figure(table, ew, "de")
    assert rv.NRW_ID not in {tr.meta["area_id"] for tr in trend.data}
    assert any("Zensus 2011" in a.text for a in trend.layout.annotations)


def test_position_figure_ranks(table, measures):
    rates = [m for m, x in measures.items() if x.is_rate]
    fig = rf.position_figure(rv.bochum_position(table, rates), measures, "de")
    meta = fig.layout.meta
    assert meta["indicator_ids"] == rates
    i, j = meta["indicator_ids"].index(LZA), meta["years"].index(2016)
    assert meta["ranks"][i][j] == 12
    k = meta["indicator_ids"].index("kinderarmut")
    assert [y for y, r in zip(meta["years"], meta["ranks"][k]) if r is not None] == [2015, 2016]


def test_unemployment_series_mark_the_sgb2_break_of_2005(measures):
    for m in (LZA, "alq_alle"):
        assert any(x == 2004.5 for x, _ in measures[m].series_breaks)
        assert any("Hartz IV" in n for n in measures[m].notes["de"])
    assert not measures["alq_alle_frauen"].series_breaks  # published from 2009 only


def test_imported_kreis_counts_replace_the_shipped_ones():
    from indicators.load.ruhr import load_ruhr_counts

    counts = load_ruhr_counts()
    bochum = counts[(counts.area_id == "ags_05911") & (counts.year == 2016)
                    & counts.variable.isin(["arbeitslose", "langzeitarbeitslose"])].copy()
    bochum.loc[bochum.variable == "langzeitarbeitslose", "value"] = 9_000.0
    bochum["source_id"] = "import_0001"
    table = rv.ruhr_indicator_table(bochum)
    row = table[(table.area_id == "ags_05911") & (table.year == 2016)
                & (table.indicator_id == "langzeitarbeitslose_an_arbeitslosen")].iloc[0]
    assert row["value"] == pytest.approx(9_000 / 18_891 * 100)
