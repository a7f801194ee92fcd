"""Published figures: the copy of the fact sheet, its ids, sources and the lookup helpers."""

import pandas as pd
import pytest

from indicators.areas import load_areas
from indicators.catalog import load_catalog, load_sources
from indicators.load import published
from indicators.paths import PUBLISHED_FILE

# measures whose definition is exactly that of a catalog indicator; nothing else may be comparable
COMPARABLE = {
    "sgb2_quote_u15": "kinderarmut",                                     # children < 15 in SGB II / children < 15
    "u18_share": "anteil_u18",                                           # residents < 18 / residents
    "schulabgaenger_ohne_abschluss_share": "ohne_abschluss_quote",       # leavers without qualification / leavers
    "anteil_arbeitslose_ohne_berufsabschluss": "arbeitslose_ohne_ausbildung_anteil",
}
# published measures with a definition that differs from the catalog indicator of a similar name
NOT_COMPARABLE = {
    "sgb2_quote_published": "sgb2_quote",            # per all residents, catalog per residents < 65
    "arbeitslosenquote_ba_dezember": "arbeitslosenanteil",   # civilian labour force vs residents 15-64
    "arbeitslosenquote_ba_monat": "arbeitslosenanteil",
    "arbeitslose_anteil_stadt": "arbeitslosenanteil",        # definition not printed
    "arbeitslose_je_einwohner": "arbeitslosenanteil",        # per all residents
    "arbeitslosenquote_strukturdaten_2017": "arbeitslosenanteil",
    "svb_share": "sv_beschaeftigungsquote",          # base not stated
    "einwohner_itnrw": "einwohner",                  # IT.NRW estimate vs city register
    "einwohner_register": "einwohner",               # includes secondary residences
    "einwohner_gebiet": "einwohner",                 # Stadtteil boundaries may differ
}
COMBINED_WEITMAR = "Weitmar-Mitte und Weitmar-Mark (zusammen)"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return published.load_published()


def _value(table, area_id, measure, date):
    rows = table[(table["area_id"] == area_id) & (table["measure"] == measure)
                 & (table["reference_date"] == date)]
    assert len(rows) == 1
    return rows["value"].iloc[0]


def test_all_386_rows_are_kept(table):
    assert len(table) == 386
    assert table["level"].value_counts().to_dict() == {"stadt": 202, "ortsteil": 156, "stadtbezirk": 28}


def test_file_has_exactly_the_documented_columns():
    header = PUBLISHED_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == published.PUBLISHED_COLUMNS


def test_load_returns_a_copy():
    mine = published.load_published()
    mine.loc[0, "value"] = -1
    assert published.load_published().loc[0, "value"] != -1


@pytest.mark.parametrize(("area_id", "value"), [
    ("wattenscheid_mitte", 28.8), ("querenburg", 21.1),
    ("wiemelhausen_brenschede", 5.6), ("stiepel", 2.4)])
def test_sgb2_quota_2018(table, area_id, value):
    assert _value(table, area_id, "sgb2_quote_published", "2018-12-31") == value


def test_children_in_sgb2_2017(table):
    assert _value(table, "wattenscheid_mitte", "sgb2_quote_u15", "2017-12-31") == 45.6
    assert _value(table, "stiepel", "sgb2_quote_u15", "2017-12-31") == 3.2


def test_december_unemployment_rate_series():
    s = published.series("arbeitslosenquote_ba_dezember")
    by_year = dict(zip(s["year"], s["value"]))
    assert sorted(by_year) == [2010, 2011, 2012, 2013, 2014, 2015, 2017, 2018, 2019,
                               2020, 2021, 2022, 2023, 2024, 2025]
    assert by_year[2012] == 9.4
    assert by_year[2013] == 10.1
    assert by_year[2018] == 8.1
    assert by_year[2024] == 9.0
    assert 2016 not in by_year
    assert s["reference_date"].str.endswith("-12-31").all()


def test_series_has_one_value_per_date():
    # Dec 2024 is quoted twice (press report and the Agentur's own release)
    s = published.series("arbeitslose_ba_dezember")
    assert s["reference_date"].is_unique
    assert dict(zip(s["year"], s["value"]))[2024] == 17_863
    assert len(s) == 12


def test_other_months_are_a_separate_measure(table):
    monthly = table[table["measure"] == "arbeitslosenquote_ba_monat"]
    assert len(monthly) == 17
    assert not monthly["reference_date"].str.endswith("-12-31").any()


def test_comparable_only_where_definition_is_identical(table):
    marked = table.loc[table["comparable_indicator"] != "", ["measure", "comparable_indicator"]]
    assert dict(marked.drop_duplicates().itertuples(index=False)) == COMPARABLE


@pytest.mark.parametrize(("measure", "indicator"), sorted(NOT_COMPARABLE.items()))
def test_different_definitions_not_comparable(table, measure, indicator):
    rows = table[table["measure"] == measure]
    assert len(rows) > 0
    assert (rows["comparable_indicator"] == "").all()


def test_no_measure_reuses_a_catalog_id(table):
    catalog = load_catalog()
    assert not set(table["measure"]) & (set(catalog.indicators) | set(catalog.variables))


def test_comparable_indicators_exist_in_catalog(table):
    used = set(table["comparable_indicator"]) - {""}
    assert used <= set(load_catalog().indicators)


def test_comparable_points_for_child_poverty():
    points = published.comparable_points("kinderarmut")
    got = sorted(zip(points["area_id"], points["year"], points["value"]))
    assert got == [("bochum", 2007, 24.0), ("bochum", 2009, 22.8),
                   ("stiepel", 2017, 3.2), ("wattenscheid_mitte", 2017, 45.6)]


def test_no_comparable_points_for_catalog_sgb2_quote():
    assert published.comparable_points("sgb2_quote").empty
    assert published.comparable_points("arbeitslosenanteil").empty


def test_comparable_points_are_dated_and_placed():
    points = published.comparable_points("anteil_u18")
    assert len(points) == 19
    assert points["year"].notna().all()
    assert (points["area_id"] != "").all()
    assert COMBINED_WEITMAR not in set(points["area_name"])


def test_area_ids_exist_and_match_level(table):
    areas = load_areas().set_index("area_id")
    placed = table[table["area_id"] != ""]
    assert set(placed["area_id"]) <= set(areas.index)
    assert (areas.loc[placed["area_id"], "level"].to_numpy() == placed["level"].to_numpy()).all()


def test_only_the_combined_weitmar_rows_are_unplaced(table):
    unplaced = table[table["area_id"] == ""]
    assert len(unplaced) == 6
    assert set(unplaced["area_name"]) == {COMBINED_WEITMAR}


def test_stadtbezirk_and_city_ids(table):
    assert set(table.loc[table["level"] == "stadtbezirk", "area_id"]) == {
        "sb_mitte", "sb_wattenscheid", "sb_nord", "sb_ost", "sb_sued", "sb_suedwest"}
    assert set(table.loc[table["level"] == "stadt", "area_id"]) == {"bochum"}


def test_undated_rows_have_no_year(table):
    undated = table[table["reference_date"] == ""]
    assert len(undated) == 63
    assert undated["year"].isna().all()
    assert table.loc[table["reference_date"] != "", "year"].notna().all()


def test_every_row_has_a_published_source_with_url(table):
    sources = load_sources()
    assert set(table["source_id"]) <= set(sources)
    for sid in set(table["source_id"]):
        assert sources[sid]["kind"] == "published"
        assert sources[sid]["title"]["de"] and sources[sid]["licence"]
    assert (table["source_url"].str.startswith("http")).all()


def test_every_measure_has_a_label_and_a_definition(table):
    labels = published.measure_labels()
    assert set(table["measure"]) == set(labels)
    assert (table["definition_de"] != "").all()
    assert table.groupby("measure")["definition_de"].nunique().eq(1).all()


def test_for_area_returns_only_that_area():
    rows = published.for_area("wattenscheid_mitte")
    assert len(rows) == 15
    assert set(rows["area_id"]) == {"wattenscheid_mitte"}
    assert published.for_area("kruppwerke")["measure"].tolist() == ["durchschnittsalter", "einkommen_pro_kopf"]


def test_caption_in_german(table):
    row = table[(table["area_id"] == "wattenscheid_mitte") & (table["measure"] == "sgb2_quote_published")].iloc[0]
    assert published.caption(row) == "veröffentlicht: 28,8 % am 31.12.2018"
    age = table[(table["area_id"] == "querenburg") & (table["measure"] == "durchschnittsalter")].iloc[0]
    assert published.caption(age) == "veröffentlicht: 38,1 Jahre (ohne Datum)"
    hamme = table[(table["area_id"] == "hamme") & (table["reference_date"] == "2016-12-31")].iloc[0]
    assert published.caption(hamme) == "veröffentlicht: 15.389 am 31.12.2016"
