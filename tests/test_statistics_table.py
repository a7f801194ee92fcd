"""The statistics columns in the built indicator table and the Sozialindex on the bundled demo data."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from indicators.build import compare as cmp
from indicators.build.intervals import Z95, Z998, wilson
from indicators.build.pipeline import build, ortsteil_counts
from indicators.build.sozialindex import (
    IndexNotComputable,
    index_all_years,
    index_for_year,
    index_years,
    load_index_config,
)
from indicators.build.statistics import STATISTICS_COLUMNS, add_statistics
from indicators.catalog import load_catalog
from indicators.paths import PROJECT_DIR
from indicators.schema import INDICATOR_COLUMNS

FOCUS = ["kruppwerke", "hamme", "querenburg", "wattenscheid_mitte"]


@pytest.fixture(scope="module")
def table():
    return build()


def _row(table, area, year, ind):
    return table[(table.area_id == area) & (table.year == year) & (table.indicator_id == ind)].iloc[0]


def test_table_has_every_statistics_column(table):
    assert list(table.columns[-len(STATISTICS_COLUMNS):]) == STATISTICS_COLUMNS
    shares = table[table.indicator_id != "einwohner"]
    assert (shares["ci_method"] == "wilson").all()
    counts = table[table.indicator_id == "einwohner"]
    assert (counts["ci_method"] == "").all() and counts["ci95_low"].isna().all()
    assert (table.loc[table.level == "stadt", "compare_city"] == "").all()
    assert (table.loc[table.level != "stadt", "compare_city"] != "").all()


def test_row_matches_the_engine(table):
    row = _row(table, "hamme", 2024, "kinderarmut")
    city = _row(table, "bochum", 2024, "kinderarmut")
    before = _row(table, "hamme", 2022, "kinderarmut")
    l95, u95 = wilson(row.numerator, row.denominator, Z95)
    l998, u998 = wilson(row.numerator, row.denominator, Z998)
    assert row.ci95_low == pytest.approx(100 * l95, abs=1e-12) and row.ci998_high == pytest.approx(100 * u998, abs=1e-12)
    assert row.compare_city == cmp.compare_with(city.value / 100, l95, u95, l998, u998)[()]
    assert row.compare_rest == cmp.rest_compare(row.numerator, row.denominator, city.numerator, city.denominator)[0][()]
    code, d, lo, hi, *_ = cmp.change(before.numerator, before.denominator, row.numerator, row.denominator)
    assert row.change_class == code[()] and row.change_pp == pytest.approx(100 * d, abs=1e-12)
    assert row.change_ci95_low == pytest.approx(100 * lo, abs=1e-12)
    xs = [_row(table, "hamme", y, "kinderarmut") for y in range(2020, 2025)]
    tcode, chi, slope, _ = cmp.trend([r.numerator for r in xs], [r.denominator for r in xs])
    assert row.trend_class == tcode[()] and row.trend_chi2 == pytest.approx(float(chi))


def test_one_pass_over_all_indicators_equals_one_indicator_at_a_time(table):
    """The build computes every indicator in one vectorised pass; each indicator's columns must be the
    same as when that indicator is computed alone (no series, city or year leaks between indicators),
    also with the rows shuffled."""
    catalog = load_catalog()
    base = table[INDICATOR_COLUMNS]
    shuffled = add_statistics(base.sample(frac=1.0, random_state=7), catalog).loc[table.index]
    pd.testing.assert_frame_equal(shuffled, table, check_exact=True)
    for iid in catalog.indicators:
        rows = base[base.indicator_id == iid]
        alone = add_statistics(rows, catalog)
        pd.testing.assert_frame_equal(alone, table.loc[rows.index], check_exact=True)


def test_first_years_have_no_change_or_trend(table):
    first = table[table.year == table.year.min()]
    assert (first["change_class"] == "nicht_berechenbar").all() and (first["trend_class"] == "nicht_berechenbar").all()
    fourth = table[(table.year == table.year.min() + 3) & (table.indicator_id != "einwohner")]
    assert (fourth["trend_class"] == "nicht_berechenbar").all()
    assert (table[table.year == table.year.min() + 4]["trend_class"] != "nicht_berechenbar").any()


def test_suppressed_value_gets_no_interval_and_no_comparison():
    counts = ortsteil_counts()
    mask = (counts.area_id == "hamme") & (counts.year == 2024) & (counts.variable == "sgb2_kinder_u15")
    counts.loc[mask, ["value", "flag"]] = [np.nan, "suppressed"]
    row = _row(build(counts), "hamme", 2024, "kinderarmut")
    assert row.flag == "suppressed" and np.isnan(row.ci95_low) and row.ci_method == ""
    assert row.compare_city == "nicht_verglichen" and row.compare_rest == "nicht_verglichen"
    assert row.change_class == "nicht_berechenbar" and row.trend_class == "nicht_berechenbar"


def test_demo_2024_comparison_counts(table):
    rows = table[(table.indicator_id == "langzeitarbeitslosenanteil") & (table.year == 2024) & (table.level == "ortsteil")]
    counts = rows["compare_city"].value_counts().to_dict()
    assert counts == {"deutlich_niedriger": 14, "aehnlich": 8, "deutlich_hoeher": 6, "niedriger": 1, "hoeher": 1}


def test_index_every_year_and_focus_classes(table):
    years = index_years(table)
    assert years == list(range(2014, 2025))
    index, refused = index_all_years(table)
    assert refused == {} and sorted(index["year"].unique()) == years
    assert (index.groupby("year").size() == 30).all()
    y2024 = index[index.year == 2024].set_index("area_id")
    assert y2024.loc[FOCUS, "gesamt"].to_dict() == {"kruppwerke": "4+", "hamme": "4+/-", "querenburg": "3+",
                                                    "wattenscheid_mitte": "4-"}
    np.testing.assert_allclose(y2024["status_index"].std(ddof=0), 1.0)


def test_changing_the_configured_indicators_changes_the_classes(table):
    config = load_index_config()
    base = index_for_year(table, 2024, config).set_index("area_id")
    other = index_for_year(table, 2024, config.with_indicators(["langzeitarbeitslosenanteil"])).set_index("area_id")
    assert (base["status_index"] != other["status_index"]).any()
    assert (base["gesamt"] != other["gesamt"]).any()
    with pytest.raises(IndexNotComputable, match="„Anteil unter 18“ hat keine Wertungsrichtung"):
        index_for_year(table, 2024, config.with_indicators(["anteil_u18"]))
    with pytest.raises(IndexNotComputable, match="Unbekannter Index-Indikator „gibtsnicht“"):
        index_for_year(table, 2024, replace(config, indicators=("gibtsnicht",)))


def test_cli_index_writes_the_table(tmp_path):
    out = tmp_path / "index.csv"
    result = subprocess.run([sys.executable, "-m", "indicators", "index", "--year", "2024", "--out", str(out)],
                            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Sozialindex 2024 (Methode MSS Berlin) geschrieben" in result.stdout
    written = pd.read_csv(out, keep_default_na=False)
    assert len(written) == 30 and {"z_kinderarmut", "status_class", "gesamt", "grenzfall", "excluded"} <= set(written.columns)
    bad = subprocess.run([sys.executable, "-m", "indicators", "index", "--year", "2013"],
                         cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Für 2013 gibt es keinen Index" in bad.stderr


def test_indicator_summary_uses_the_codes_of_the_table(table):
    from indicators.catalog import load_catalog
    from indicators.views import sentences

    ind = load_catalog().indicators["kinderarmut"]
    row = _row(table, "hamme", 2024, "kinderarmut")
    city = _row(table, "bochum", 2024, "kinderarmut")
    before = _row(table, "hamme", 2022, "kinderarmut")
    texts = sentences.indicator_summary(table, "hamme", "Hamme", 2024, ind)
    assert texts[0] == sentences.value_sentence("Hamme", 2024, ind, row.numerator, row.denominator, row.value)
    assert texts[1] == sentences.city_sentence(row.compare_city, city.value, ind)
    assert texts[2] == sentences.change_sentence(2022, before.value, row.change_pp, row.change_class, ind)
    assert texts[3] == sentences.trend_sentence(2024, row.trend_class, "higher_is_worse",
                                                "über den Reihenbruch 2023 hinweg")
    assert texts[0].startswith("Hamme 2024: ") and "von" in texts[0] and len(texts) == 4
    assert all(sentences.word_count(t) <= sentences.MAX_WORDS for t in texts)
    counts = ortsteil_counts()
    mask = (counts.area_id == "hamme") & (counts.year == 2024) & (counts.variable == "sgb2_kinder_u15")
    counts.loc[mask, ["value", "flag"]] = [np.nan, "suppressed"]
    assert sentences.indicator_summary(build(counts), "hamme", "Hamme", 2024, ind) == [
        "Hamme 2024: Wert geheim (Datenschutz)."]
