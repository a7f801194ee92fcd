"""Official figures for every German Kreis: exact values from the shipped files, vintages, gaps, sets, export."""

import io
import shutil

import pandas as pd
import pytest

from indicators.export import kreise as ke
from indicators.figures import kreise as kf
from indicators.load import genesis, kreise, ruhr, sniff
from indicators.paths import DATA_DIR
from indicators.views import kreise as kv
from indicators.views import ruhr as rv

LZA = "langzeitarbeitslose_an_arbeitslosen"
BOCHUM, DORTMUND = "ags_05911", "ags_05913"
NEW_FILES = ["12411-0018_2015-2020.csv", "13211-02-05-4_2015-2020.csv", "13211-02-05-4_2023.csv",
             "13211-02-05-4_2025.csv", "21111-02-06-4_2023.csv", "21111-02-06-4_2024_ruhr_excerpt.csv"]


@pytest.fixture(scope="module")
def data():
    return kreise.kreis_data()


@pytest.fixture(scope="module")
def table():
    return rv.ruhr_indicator_table()


@pytest.fixture(scope="module")
def measures(table):
    return rv.measures(table)


def count(data, area_id, variable, year):
    c = data.counts
    rows = c[(c.area_id == area_id) & (c.variable == variable) & (c.year == year)]
    assert len(rows) == 1, (area_id, variable, year)
    return rows.iloc[0]


def rate(data, area_id, rate_id, year):
    r = data.rates
    return r[(r.area_id == area_id) & (r.rate_id == rate_id) & (r.year == year)]["value"].item()


# --------------------------------------------------------------------------- shipped files and reader

def test_six_new_files_are_shipped_and_listed_with_provenance():
    names = {p.name for p in ruhr.ruhr_files()}
    assert set(NEW_FILES) <= names and len(names) == 11
    listed = pd.read_csv(DATA_DIR / "kreise_files.csv", dtype=str)
    assert set(listed["file"]) == names
    readme = (DATA_DIR / "kreise" / "README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in NEW_FILES)


def test_every_file_is_read_by_the_genesis_reader_without_unmapped_catalog_measures(data):
    stands = dict(zip(data.files["file"], data.files["stand"]))
    assert stands["13211-02-05-4_2015-2020.csv"] == "17.08.2021"
    assert stands["13211-02-05-4_2023.csv"] == "09.07.2026"
    assert stands["13211-02-05-4_2025.csv"] == "26.02.2026"
    assert stands["21111-02-06-4_2024_ruhr_excerpt.csv"] == "28.03.2026"
    assert stands["12411-0018_2015-2020.csv"] == "17.08.2021"
    assert ruhr.ruhr_report() == []


def test_excerpt_with_hash_provenance_lines_is_accepted():
    path = DATA_DIR / "kreise" / "21111-02-06-4_2024_ruhr_excerpt.csv"
    assert sniff.detect_format(path.read_bytes(), path.name) == genesis.FORMAT_TABLE
    result = genesis.read_table_csv(path)
    assert result.meta["table"] == "21111-02-06-4"
    assert result.meta["provenance"][0].startswith("Excerpt, transcribed line by line")
    assert result.unmapped == [] or all("weiblich" in u or "mit " in u or "dar." in u for u in result.unmapped)
    assert set(result.counts["variable"]) == {"schulabgaenger", "schulabgaenger_ohne_abschluss"}


def test_a_file_that_is_only_comments_names_the_line():
    with pytest.raises(genesis.GenesisFormatError, match="Zeile 3"):
        genesis.parse_table_csv("# a\n# b\nkeine Tabelle;;\n", "x.csv")


def test_exact_values_from_the_shipped_files(data, table):
    assert count(data, BOCHUM, "arbeitslose", 2025)["value"] == 18079
    assert count(data, BOCHUM, "langzeitarbeitslose", 2025)["value"] == 7296
    assert rate(data, BOCHUM, "alq_alle", 2025) == 9.1
    lza = table[(table.area_id == BOCHUM) & (table.indicator_id == LZA) & (table.year == 2025)].iloc[0]
    assert round(lza["value"], 1) == 40.4 and (lza["numerator"], lza["denominator"]) == (7296, 18079)
    assert count(data, DORTMUND, "arbeitslose", 2023)["value"] == 37080
    assert count(data, DORTMUND, "langzeitarbeitslose", 2023)["value"] == 16278
    assert count(data, BOCHUM, "einwohner", 2020)["value"] == 364454
    assert count(data, BOCHUM, "schulabgaenger", 2024)["value"] == 3450
    assert count(data, BOCHUM, "schulabgaenger_ohne_abschluss", 2024)["value"] == 290


def test_auslaendisch_maps_like_auslaender(data):
    # 2023 file: "Arbeitslosenquote bez. auf alle zivile Erwerbsp. | ausländisch" = 23,1 for Bochum
    assert rate(data, BOCHUM, "alq_alle_auslaender", 2023) == 23.1
    assert rate(data, BOCHUM, "alq_alle_auslaender", 2025) == 21.0
    assert {2020, 2023, 2025} <= set(data.rates.loc[(data.rates.area_id == BOCHUM)
                                                    & (data.rates.rate_id == "alq_alle_auslaender"), "year"])


def test_12411_0018_age_groups_times_sex_sum_to_the_catalog_age_variables(data):
    tidy = genesis.read_table_csv(DATA_DIR / "kreise" / "12411-0018_2015-2020.csv").tidy
    bochum = tidy[(tidy.ags == "05911") & (tidy.year == 2020)]
    assert len(bochum) == 34  # 17 age groups x 2 sexes
    age = bochum["measure"].str.split(" | ", regex=False).str[1]
    u15 = bochum[age.isin(["unter 3 Jahre", "3 bis unter 6 Jahre", "6 bis unter 10 Jahre", "10 bis unter 15 Jahre"])]
    assert count(data, BOCHUM, "einwohner", 2020)["value"] == bochum["value"].sum() == 364454
    assert count(data, BOCHUM, "einwohner_u15", 2020)["value"] == u15["value"].sum()
    # 2015: equal to the older 12411-02-03-4 file, so the newer file wins without a revision
    assert count(data, BOCHUM, "einwohner", 2015)["value"] == 364742
    assert count(data, BOCHUM, "einwohner_u15", 2015)["file"] == "12411-0018_2015-2020.csv"


# --------------------------------------------------------------------------- vintages

def test_overlapping_vintages_agree_today_so_no_revision_is_listed(data):
    assert data.revisions.empty
    # 2016 comes from the newer file (Stand 17.08.2021) and equals the 2017 vintage
    row = count(data, BOCHUM, "arbeitslose", 2016)
    assert (row["value"], row["file"], row["stand"]) == (18891, "13211-02-05-4_2015-2020.csv", "17.08.2021")
    assert count(data, BOCHUM, "arbeitslose", 2013)["stand"] == "10.10.2017"


def test_a_newer_file_changing_one_cell_wins_and_the_old_value_is_a_revision(tmp_path, monkeypatch):
    src = DATA_DIR / "kreise" / "13211-02-05-4.csv"
    text = src.read_bytes().decode("cp1252")
    old_line = next(line for line in text.splitlines() if line.startswith("2013;05911;"))
    cells = old_line.split(";")
    assert cells[3] == "19112"
    new_line = ";".join(cells[:3] + ["19114"] + cells[4:])
    newer = text.replace(old_line, new_line).replace("Stand: 10.10.2017", "Stand: 01.03.2026")
    folder = tmp_path / "kreise"
    folder.mkdir()
    shutil.copy(src, folder / src.name)
    (folder / "13211-02-05-4_neu.csv").write_bytes(newer.encode("cp1252"))
    paths = sorted(folder.glob("*.csv"))
    combined = kreise.combine(paths, tuple(genesis.read_table_csv(p) for p in paths))
    row = combined.counts[(combined.counts.area_id == BOCHUM) & (combined.counts.variable == "arbeitslose")
                          & (combined.counts.year == 2013)].iloc[0]
    assert (row["value"], row["stand"]) == (19114, "01.03.2026")
    rev = combined.revisions
    assert len(rev) == 1
    r = rev.iloc[0]
    assert (r.area_id, r.year, r.measure_id, r.old_value, r.old_stand, r.value) == (
        BOCHUM, 2013, "arbeitslose", 19112, "10.10.2017", 19114)
    monkeypatch.setattr(kreise, "kreis_data", lambda: combined)
    measure = rv.measures()[LZA]
    notes = kv.revision_notes(measure, [BOCHUM], {BOCHUM: "Bochum"})
    assert notes == ["Revision: Bochum 2013, Arbeitslose: 19.112 (Stand 10.10.2017) → 19.114 (Stand 01.03.2026); "
                     "gezeigt wird der neuere Wert."]


def test_notes_say_the_2008_2013_totals_are_an_older_vintage(table, measures):
    notes = kv.notes(table, measures[LZA], kreise.set_members("ruhr"), {}, "de")
    assert any("2008–2013" in n and "10.10.2017" in n and "Bundesagentur" in n for n in notes)
    assert any(n.startswith("Stand je Datei:") and "13211-02-05-4_2025.csv (13211-02-05-4): 26.02.2026" in n
               for n in notes)


# --------------------------------------------------------------------------- gaps and breaks

def test_no_value_is_invented_for_2021_2022_2024(table, data):
    unemployment = data.counts[data.counts.variable.isin(["arbeitslose", "langzeitarbeitslose"])]
    assert not set(unemployment["year"]) & {2021, 2022, 2024}
    lza = table[table.indicator_id == LZA]
    assert not set(lza["year"]) & {2021, 2022, 2024}
    assert not set(data.rates["year"]) & {2021, 2022, 2024}


def test_gap_years_and_fetch_command(table, measures):
    assert kv.gap_years(table, measures[LZA]) == [2021, 2022, 2024]
    notes = kv.gap_notes(table, measures[LZA])
    assert notes == ["Keine amtliche Datei für 2021, 2022, 2024 (13211-02-05-4): Diese Jahre bleiben Lücken, nichts "
                     "wird interpoliert. Abrufen, sobald der Rechner online ist: `python -m indicators fetch genesis "
                     "--table 13211-02-05-4 --regions 05911,05913 --from 2021 --to 2024`"]
    # child poverty at Kreis level ends in 2016: the years after are named, not filled
    assert max(measures["kinderarmut"].years) == 2016
    assert kv.gap_years(table, measures["kinderarmut"])[-1] == 2025
    assert "22811-02-02-4" in kv.gap_notes(table, measures["kinderarmut"])[0]


def test_trend_figure_leaves_the_missing_years_empty(table, measures):
    fig = kf.set_figure("trend", table, measures, LZA, None, "ruhr", kreise.set_members("ruhr"))
    bochum = next(t for t in fig.data if (t.meta or {}).get("area_id") == BOCHUM)
    by_year = dict(zip(bochum.x, bochum.y))
    assert by_year[2021] is None and by_year[2022] is None and by_year[2024] is None
    assert by_year[2025] == pytest.approx(7296 / 18079 * 100)
    labels = [a.text for a in fig.layout.annotations]
    assert "Bürgergeld ab 2023" in labels


def test_school_label_change_and_rounding_note(table, measures):
    measure = measures["ohne_abschluss_quote"]
    assert {2014, 2015, 2023, 2024} <= set(measure.years)
    assert (2023.5, kv.TEXT["school_label"]) in kv.extra_breaks(measure)
    notes = kv.notes(table, measure, kreise.set_members("ruhr"), {}, "de")
    assert any("Vielfache von 5" in n for n in notes)
    assert any("ohne Ersten Schulabschluss" in n for n in notes)


# --------------------------------------------------------------------------- comparison sets

def test_comparison_sets():
    areas = kreise.kreis_areas()
    names = dict(zip(areas.area_id, areas.name))
    ruhr_ids = kreise.set_members("ruhr")
    assert len(ruhr_ids) == 15 and BOCHUM in ruhr_ids
    nrw = kreise.set_members("nrw")
    assert len(nrw) == 22 and "Köln" in {names[a] for a in nrw} and "Kreis Wesel" not in {names[a] for a in nrw}
    staedte = kreise.set_members("staedte")
    pop = kreise.latest_population()
    assert kreise.population_year() == 2020
    assert all(200_000 <= pop[a] <= 700_000 for a in staedte)
    assert "ags_05315" not in staedte  # Köln: over 700,000
    assert len(staedte) == 33
    assert kreise.set_members("auswahl", [DORTMUND]) == [BOCHUM, DORTMUND]


def test_rank_inside_a_set_counts_only_that_set(table):
    ids = kreise.set_members("nrw")
    ranked = kv.set_table(table, ids)
    rows = rv.ranking_slice(ranked, "alq_alle", 2025)
    kreise_rows = rows[rows.level == "kreis"]
    assert len(kreise_rows) == 22 and (kreise_rows["n_ranked"] == 22).all()
    values = kreise_rows["value"].tolist()
    assert values == sorted(values, reverse=True)
    bochum = kreise_rows[kreise_rows.area_id == BOCHUM].iloc[0]
    assert bochum["rank"] == 1 + (kreise_rows["value"] > bochum["value"]).sum()
    median = kv.set_median(ranked, "alq_alle", ids)
    assert median.set_index("year").loc[2025, "value"] == pytest.approx(kreise_rows["value"].median())


def test_overview_line_bochum_nrw_germany(table, measures):
    line = kv.overview_line(table, measures["alq_alle"], "de")
    assert (line["year"], line["bochum"]) == (2025, "9,1 %")
    assert kv.overview_text(line).startswith("Amtlich, Kreisebene: Arbeitslosenquote (alle zivilen Erwerbspersonen) – "
                                             "**Bochum 9,1 %** (2025) · NRW ")


# --------------------------------------------------------------------------- export

def test_cli_csv_one_row_per_kreis_plus_nrw_and_germany(tmp_path, capsys):
    from indicators.cli import main_export

    out = tmp_path / "ruhr.csv"
    code = main_export(["--kind", "kreise", "--indicator", LZA, "--year", "2025", "--set", "ruhr",
                        "--format", "csv", "--out", str(out)])
    assert code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", dtype={"AGS": str}, encoding="utf-8-sig")
    assert list(frame.columns) == kv.EXPORT_COLUMNS
    assert len(frame) == 17 and frame["AGS"].tolist()[-2:] == ["05", "DG"]
    bochum = frame[frame.AGS == "05911"].iloc[0]
    assert (bochum["Wert"], bochum["Zähler"], bochum["Nenner"], bochum["n"], bochum["Stand"]) == (
        40.4, 7296, 18079, 15, "26.02.2026")
    assert bochum["Rang"] == 1 + (frame.loc[frame.Rang.notna(), "Wert"] > 40.4).sum()


def test_cli_rejects_unknown_set_and_ags(tmp_path, capsys):
    from indicators.cli import main_export

    out = tmp_path / "x.csv"
    assert main_export(["--kind", "kreise", "--indicator", LZA, "--set", "welt", "--format", "csv",
                        "--out", str(out)]) == 2
    assert "Unbekannte Vergleichsgruppe „welt“" in capsys.readouterr().err
    assert main_export(["--kind", "kreise", "--indicator", LZA, "--set", "ruhr", "--kreise", "99999",
                        "--format", "csv", "--out", str(out)]) == 2
    assert "Unbekannte AGS: 99999" in capsys.readouterr().err
    assert not out.exists()


def test_cli_extra_kreise_join_the_set(tmp_path):
    from indicators.cli import main_export

    out = tmp_path / "x.xlsx"
    assert main_export(["--kind", "kreise", "--indicator", "alq_alle", "--year", "2023", "--set", "ruhr",
                        "--kreise", "05315", "--format", "xlsx", "--out", str(out)]) == 0
    frame = pd.read_excel(out, sheet_name=0, dtype={"AGS": str})
    assert "05315" in set(frame["AGS"]) and (frame["n"].dropna() == 16).all()
    meta = pd.read_excel(out, sheet_name=1)
    assert any("13211-02-05-4_2023.csv" in str(x) and "09.07.2026" in str(x) for x in meta["Angabe"])


def test_svg_of_the_ranking_names_the_set_source_and_stand(table, measures):
    from indicators.export import chromium_available

    if not chromium_available():
        pytest.skip("Chromium fehlt")
    ids = kreise.set_members("nrw")
    svg = ke.export_bytes("svg", table, measures, "alq_alle", 2025, "nrw", ids, "de").decode("utf-8")
    assert "Kreisfreie Städte in NRW" in svg and "Bochum" in svg
    assert "26.02.2026" in svg and "dl-de/by-2-0" in svg
    assert "2021, 2022, 2024" in svg and "fetch genesis" in svg  # the gap note travels with the image


def test_ueberblick_shows_bochums_newest_official_value_with_nrw_and_germany():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    lines = [m.value for m in at.markdown if m.value.startswith("Amtlich, Kreisebene:")]
    assert len(lines) == 4  # the four themes with a key indicator; kinderarmut ends 2016 at Kreis level
    assert "Langzeitarbeitslose an Arbeitslosen – **Bochum 40,4 %** (2025) · NRW 41,0 % · Deutschland 35,1 %" in lines[0]
    assert any("Arbeitslosenquote 15 bis unter 25 Jahre – **Bochum 6,6 %** (2025) · NRW 6,4 % · Deutschland 5,7 %"
               in line for line in lines)
    assert any("(2016)" in line for line in lines)
    links = [p for p in at.get("page_link") if "Vergleich" in str(p.proto.label)]
    assert len(links) == 4
