"""AppTest of "Daten importieren": upload, mapping, matching, report, import, versions, restore, escaping."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from indicators import figures, store
from indicators.build.pipeline import build
from indicators.build.pipeline import geometry as load_geometry
from indicators.paths import DATA_DIR_ENV, SCHEMATIC_GEOMETRY_FILE

TIMEOUT = 60
DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGE = "pages/importieren.py"
XSS = "<img src=x onerror=alert(1)>"
LINK = "[x](javascript:alert(1))"
# Markdown that would make every viewer's browser request a host, or render a link (issue 10)
PIXEL = "![x](http://192.0.2.1/pixel.png)"
CLICK = "[Hier klicken](http://192.0.2.1/)"
LIVE_MARKDOWN = re.compile(r"(?<!\\)\]\(|<img")   # '](' with an unescaped ']', or raw HTML
# Kruppwerke 2024: 1.234 long-term unemployed of 10.000 residents 15-64 -> 12,34 %
LONG_CSV = (b"Ortsteil;Jahr;Merkmal;Wert\n"
            b"Krupwerke;2024;langzeitarbeitslose;1.234\n"
            b"Krupwerke;2024;einwohner_15_64;10.000\n")


def open_page() -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    return at.switch_page(PAGE).run()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, content, "application/octet-stream"))
    return at.run()


def texts(at: AppTest) -> list[str]:
    """Every text the page renders as markdown: markdown, captions, alerts, titles and widget labels."""
    found = []
    for kind in ("markdown", "caption", "error", "warning", "success", "info", "title", "subheader"):
        found += [str(e.value) for e in getattr(at, kind)]
    for kind in ("selectbox", "text_input", "button", "date_input", "file_uploader"):
        found += [str(w.label) for w in getattr(at, kind)]
    found += [str(e.label) for e in at.expander]
    return found


def submit(at: AppTest, title: str = "Sozialdaten 2024") -> AppTest:
    at.text_input(key="imp_opt_title").input(title)
    return at.button(key="imp_submit").click().run()


def report(at: AppTest) -> list[str]:
    """Every message in the page's problem tables."""
    tables = [d.value for d in at.dataframe] + [t.value for t in at.table]
    return [m for d in tables if "Meldung" in d for m in d["Meldung"]]


def area_box(at: AppTest, name: str):
    return next(s for s in at.selectbox if s.key and s.key.startswith("imp_opt_area_") and name in s.label)


def map_values(at: AppTest) -> dict:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    trace = next(t for t in spec["data"] if t.get("type") == "choropleth" and t.get("customdata") is not None)
    return {loc: custom[0] for loc, custom in zip(trace["locations"], trace["customdata"])}


def test_page_runs_and_shows_the_demo_state():
    at = open_page()
    assert not at.exception, at.exception
    assert at.title[0].value == "Daten importieren"
    assert not any("Demodaten" in w.value for w in at.warning)  # the page shows no values
    assert any(c.value == "In Gebrauch: Demodaten (ohne Importe)." for c in at.caption)
    assert any("Noch nichts importiert" in c.value for c in at.caption)
    assert set(at.file_uploader[0].allowed_type) >= {".csv", ".xlsx", ".parquet", ".geojson", ".gpkg", ".zip"}


def test_misspelled_ortsteil_assigned_imported_shown_on_the_map_and_restored():
    demo = build()
    demo_value = demo[(demo.area_id == "kruppwerke") & (demo.year == 2024)
                      & (demo.indicator_id == "langzeitarbeitslosenanteil")]["value"].iloc[0]
    at = upload(open_page(), "bochum_2024.csv", LONG_CSV)
    assert not at.exception, at.exception
    assert any("Zähltabelle" in m.value for m in at.markdown)
    assert at.selectbox(key="imp_opt_layout").value == "long"
    assert [at.selectbox(key=f"imp_opt_col_{i}").value for i in range(4)] == ["area", "year", "variable", "value"]
    box = area_box(at, "Krupwerke")
    assert box.value is None and box.options[1] == "Kruppwerke"
    assert any(c.value == "Ähnlichste Ortsteile: Kruppwerke, Werne, Riemke" for c in at.caption)
    assert any(e.value.startswith("1 Fehler") for e in at.error)
    assert at.button(key="imp_submit").disabled

    box.set_value("kruppwerke").run()
    assert not at.exception, at.exception
    assert not any("Fehler" in e.value for e in at.error)
    # the notes: demo Arbeitslose, Einwohner and SV-Beschäftigte stay empty beside the real counts (store/inuse.py)
    assert [w.value for w in at.warning if "Hinweis" in w.value] == [
        "3 Hinweis(e) – sie verhindern den Import nicht."]
    assert not at.button(key="imp_submit").disabled

    submit(at)
    assert not at.exception, at.exception
    assert store.active_version() == "0001"
    assert any(s.value.startswith("„bochum\\_2024\\.csv“ importiert\\: 2 Werte") and "Version 0001" in s.value
               for s in at.success)
    assert len(at.file_uploader) == 1 and at.file_uploader[0].value is None  # the uploader was emptied
    assert store.imported_sources()["import_0001"]["title"]["de"] == "Sozialdaten 2024"

    at.switch_page("pages/karte.py").run()
    assert not at.exception, at.exception
    assert map_values(at)["kruppwerke"] == pytest.approx(12.34)
    assert any("Demodaten" in w.value for w in at.warning)  # the other Ortsteile are still demo values

    at.switch_page(PAGE).run()
    at.selectbox(key="imp_restore_target").set_value("demo")
    at.button(key="imp_restore").click().run()
    assert any("Wirklich auf Demodaten" in w.value for w in at.warning)
    at.button(key="imp_restore_yes").click().run()
    assert not at.exception, at.exception
    assert store.active_version() == "demo"
    assert [v["version"] for v in store.list_versions()] == ["0001"]  # kept, restorable
    at.switch_page("pages/karte.py").run()
    assert map_values(at)["kruppwerke"] == pytest.approx(demo_value)


def test_restore_can_be_cancelled():
    at = upload(open_page(), "b.csv", LONG_CSV.replace(b"Krupwerke", b"Kruppwerke"))
    submit(at)
    assert store.active_version() == "0001"
    at.button(key="imp_restore").click().run()
    at.button(key="imp_restore_no").click().run()
    assert not at.exception
    assert store.active_version() == "0001"
    assert not any("Wirklich" in w.value for w in at.warning)


def test_script_in_names_is_escaped_everywhere_on_the_page():
    content = (f"Ortsteil;Jahr;Merkmal;Wert;{LINK}\n"
               f"{XSS};2024;arbeitslose;100;{LINK}\n"
               f"Hamme;2024;arbeitslose;200;x\n").encode()
    at = upload(open_page(), f"{XSS}.csv", content)
    assert not at.exception, at.exception
    rendered = texts(at)
    assert not [t for t in rendered if "<img" in t or "](javascript" in t], rendered
    assert any("&lt;img src\\=x onerror\\=alert\\(1\\)&gt;" in t for t in rendered)
    assert any(s.label.startswith("\\[x\\]\\(javascript") for s in at.selectbox)
    assert not at.table  # st.table renders markdown in cells (a link from '[x](javascript:…)'); dataframes do not
    # assigned and imported: the success message names the file, the source caption the title, escaped
    area_box(at, "&lt;img").set_value("stiepel").run()
    submit(at, title=f"{XSS} {PIXEL} {CLICK}")
    assert store.active_version() == "0001"
    rendered = texts(at)
    assert not [t for t in rendered if LIVE_MARKDOWN.search(t)], rendered
    captions = [t for t in rendered if "pixel" in t]
    assert captions and all("\\!\\[x\\]\\(http\\:" in t and "\\[Hier klicken\\]" in t for t in captions), captions


def test_an_invalid_file_is_rejected_and_the_store_is_unchanged():
    before = store.store_fingerprint()
    bad = b"Ortsteil;Jahr;Merkmal;Wert\nHamme;2024;arbeitslose;-5\nHamme;zwanzig;arbeitslose;abc\n"
    at = upload(open_page(), "falsch.csv", bad)
    assert not at.exception, at.exception
    assert any(e.value.startswith("3 Fehler") for e in at.error), [e.value for e in at.error]
    shown = report(at)
    assert any("keine Jahreszahl" in m for m in shown) and any("keine Zahl" in m for m in shown), shown
    assert at.button(key="imp_submit").disabled
    at.text_input(key="imp_opt_title").input("x")
    at.run()
    assert at.button(key="imp_submit").disabled  # a title does not unlock an invalid file
    assert store.store_fingerprint() == before
    assert store.active_version() == "demo"


@pytest.mark.parametrize("name, content, message", [
    ("leer.csv", b"", "Die Datei „leer.csv“ ist leer."),
    ("alt.xls", b"\xd0\xcf\x11\xe0", "im alten Excel-Format (.xls)"),
    ("kaputt.xlsx", b"PK\x03\x04kaputt", "ist kein gültiges ZIP-Archiv"),
    ("kaputt.zip", b"PK\x03\x04kaputt", "ist kein gültiges ZIP-Archiv"),
    ("grenzen.geojson", b'{"type": "FeatureCollection", "features": [', "konnte nicht gelesen werden"),
])
def test_unreadable_uploads_show_the_stores_german_message(name, content, message):
    before = store.store_fingerprint()
    at = upload(open_page(), name, content)
    assert not at.exception, at.exception
    shown = " ".join(report(at))
    assert message in shown, shown
    assert store.store_fingerprint() == before


def test_a_table_over_the_stores_limit_is_refused(monkeypatch):
    monkeypatch.setattr(store, "MAX_TABLE_BYTES", 1024)
    at = upload(open_page(), "gross.csv", LONG_CSV * 30)
    assert not at.exception, at.exception
    assert "für Tabellen sind höchstens 1 KB erlaubt" in report(at)[0]
    assert store.list_versions() == []


def test_a_wide_and_a_years_across_file_load_the_same_values(tmp_path, monkeypatch):
    wide = b"Ortsteil;Jahr;Arbeitslose\nHamme;2022;1.100\nHamme;2023;1.200\nQuerenburg;2022;800\nQuerenburg;2023;850\n"
    across = b"Ortsteil;2022;2023\nHamme;1.100;1.200\nQuerenburg;800;850\n"
    at = upload(open_page(), "breit.csv", wide)
    assert at.selectbox(key="imp_opt_layout").value == "wide"
    assert at.selectbox(key="imp_opt_col_2").value == "arbeitslose"
    submit(at)
    first = store.load_imported_counts().drop(columns="source_id").sort_values(["area_id", "year"])

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "zweiter"))
    at = upload(open_page(), "jahre.csv", across)
    assert at.selectbox(key="imp_opt_layout").value == "years_across"
    assert any("Merkmal ist nicht angegeben" in m for m in report(at))
    assert at.button(key="imp_submit").disabled
    at.selectbox(key="imp_opt_variable").set_value("arbeitslose").run()
    assert not at.button(key="imp_submit").disabled
    submit(at)
    second = store.load_imported_counts().drop(columns="source_id").sort_values(["area_id", "year"])
    assert len(first) == 4
    assert first.reset_index(drop=True).equals(second.reset_index(drop=True))


def test_correcting_a_column_in_the_form_changes_what_is_imported():
    content = b"Ortsteil;Jahr;Fantasie\nHamme;2022;1.100\n"
    at = upload(open_page(), "fantasie.csv", content)
    assert at.selectbox(key="imp_opt_col_2").value == "fantasie"
    assert any("fantasie" in m for m in report(at)), report(at)
    assert at.button(key="imp_submit").disabled
    at.selectbox(key="imp_opt_col_2").set_value("langzeitarbeitslose").run()
    submit(at)
    counts = store.load_imported_counts()
    assert counts[["area_id", "year", "variable", "value"]].values.tolist() == [["hamme", 2022, "langzeitarbeitslose",
                                                                                1100.0]]


def test_boundaries_in_epsg_25832_import_and_the_map_says_official(tmp_path):
    path = tmp_path / "ortsteile_25832.geojson"
    gpd.read_file(SCHEMATIC_GEOMETRY_FILE).to_crs(25832).to_file(path, driver="GeoJSON")
    at = upload(open_page(), path.name, path.read_bytes())
    assert not at.exception, at.exception
    assert any("Gebietsgrenzen" in m.value for m in at.markdown)
    assert any("Koordinatensystem EPSG\\:25832" in m.value and "30 von 30 Ortsteilen" in m.value
               for m in at.markdown)
    assert at.get("plotly_chart"), "no map preview"
    submit(at, "Ortsteilgrenzen Bochum")
    assert not at.exception, at.exception
    assert store.current_boundaries_file() is not None
    at.switch_page("pages/karte.py").run()
    assert any(c.value == "Amtliche Ortsteilgrenzen (importiert)." for c in at.caption)


def _rendered(obj):
    """A figure's dict without the GeoJSON shapes (plotly never renders their properties)."""
    if isinstance(obj, dict):
        return {k: _rendered(v) for k, v in obj.items() if k != "geojson"}
    if isinstance(obj, list):
        return [_rendered(v) for v in obj]
    return obj


def test_map_hover_escapes_a_script_in_a_boundary_name():
    geo = load_geometry()
    geo.loc[geo["area_id"] == "hamme", "name"] = XSS
    fig = figures.map_figure(build(), geo, "langzeitarbeitslosenanteil", 2024, focus_ids=["hamme"],
                             selected_id="hamme")
    shown = json.dumps(_rendered(json.loads(fig.to_json())), ensure_ascii=False)
    assert "<img" not in shown
    main = fig.data[0]
    hamme = list(main.locations).index("hamme")
    assert main.customdata[hamme][1] == "&lt;img src=x onerror=alert(1)&gt;"   # the hover's name
    labels = next(t for t in fig.data if t.name == "labels")
    assert any("&lt;img" in text for text in labels.text)
    assert any(t.name == "&lt;img src=x onerror=alert(1)&gt;" for t in fig.data)  # legend of the selection


def test_a_boundary_file_with_a_script_as_name_is_refused_and_shown_escaped(tmp_path):
    gdf = gpd.read_file(SCHEMATIC_GEOMETRY_FILE)[["name", "geometry"]]
    gdf.loc[gdf["name"] == "Hamme", "name"] = XSS
    path = tmp_path / "grenzen.geojson"
    gdf.to_file(path, driver="GeoJSON")
    before = store.store_fingerprint()
    at = upload(open_page(), path.name, path.read_bytes())
    assert not at.exception, at.exception
    assert any(f"„{XSS}“ ist kein Bochumer Ortsteil" in m for m in report(at))  # in a dataframe: shown as text
    rendered = texts(at)
    assert not [t for t in rendered if "<img" in t], rendered
    assert any("Flächen ohne Ortsteil\\: &lt;img src\\=x" in t for t in rendered), rendered
    assert at.button(key="imp_submit").disabled
    assert store.store_fingerprint() == before


def test_a_partial_boundary_file_needs_the_checkbox_and_the_map_names_the_missing(tmp_path):
    two = json.loads(SCHEMATIC_GEOMETRY_FILE.read_text(encoding="utf-8"))
    two["features"] = two["features"][:2]
    at = upload(open_page(), "zwei.geojson", json.dumps(two).encode("utf-8"))
    assert not at.exception, at.exception
    assert any("2 von 30 Ortsteilen haben eine Fläche\\." in m.value
               and "Mit Fläche\\: Grumme, Gleisdreieck\\." in m.value for m in at.markdown)
    assert any(m.startswith("Die Datei enthält Flächen für 2 von 30 Ortsteilen; es fehlen: Altenbochum") for m in
               report(at))
    assert at.button(key="imp_submit").disabled
    at.checkbox(key="imp_opt_partial_map").check().run()
    assert not at.button(key="imp_submit").disabled
    assert any(m.startswith("Unvollständige Karte bestätigt: 2 von 30 Ortsteilen") for m in report(at))
    submit(at, "Zwei Ortsteile")
    assert not at.exception, at.exception
    assert load_geometry()["area_id"].tolist() == ["grumme", "gleisdreieck"]
    at.switch_page("pages/karte.py").run()
    assert any(i.value.startswith("Unvollständige Karte: für 28 Ortsteile liegen keine Grenzen vor") for i in at.info)
