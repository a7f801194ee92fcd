"""Live fetch against the local fake GENESIS/CKAN server: every path, no request leaves 127.0.0.1."""

from __future__ import annotations

import socket
import urllib.error
from pathlib import Path

import pytest

from indicators import cli
from indicators.cli import main_fetch
from indicators.limits import MB
from indicators.load import fetch
from indicators.load.fetch import FetchError, fetch_ckan, fetch_genesis

try:
    from tests import fake_genesis_server as fake
except ImportError:  # tests/ on sys.path instead of the project root
    import fake_genesis_server as fake


@pytest.fixture
def server():
    with fake.FakeServer() as srv:
        yield srv


@pytest.fixture
def credentials(monkeypatch):
    monkeypatch.setenv("GENESIS_USERNAME", fake.USERNAME)
    monkeypatch.setenv("GENESIS_PASSWORD", fake.PASSWORD)


@pytest.fixture
def no_credentials(monkeypatch):
    monkeypatch.delenv("GENESIS_USERNAME", raising=False)
    monkeypatch.delenv("GENESIS_PASSWORD", raising=False)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """Backoff and job polling without real sleeps; the sleeps asked for are recorded."""
    slept: list[float] = []
    monkeypatch.setattr(fetch.time, "sleep", slept.append)
    return slept


def value(result, area_id, year, variable):
    c = result.counts
    return c[(c.area_id == area_id) & (c.year == year) & (c.variable == variable)]["value"].item()


def tablefile_requests(server):
    return [r for r in server.requests if r["path"].endswith("/rest/2020/data/tablefile")]


# --------------------------------------------------------------------------- GENESIS

def test_ffcsv_zip_with_credentials_as_headers(server, credentials, tmp_path):
    out = tmp_path / "alo.csv"
    result = fetch_genesis(fake.TABLE_OK, "05911,05913", 2015, 2016, base_url=server.base_url, out=out)
    assert result.paths == [out] and not result.fallback_used
    assert out.read_bytes().startswith(b"\xef\xbb\xbfstatistics_code;")
    parsed = result.results[0]
    assert value(parsed, "ags_05911", 2016, "arbeitslose") == 18891
    assert value(parsed, "ags_05911", 2016, "langzeitarbeitslose") == 8017
    assert value(parsed, "ags_05913", 2016, "langzeitarbeitslose") == 15762
    assert parsed.rates["value"].tolist() == [10.1]
    (request,) = tablefile_requests(server)
    assert request["method"] == "POST"
    assert request["headers"]["username"] == fake.USERNAME and request["headers"]["password"] == fake.PASSWORD
    form = request["form"]
    assert {k: form[k] for k in ("name", "area", "startyear", "endyear", "regionalvariable", "regionalkey",
                                 "format", "job")} == {
        "name": fake.TABLE_OK, "area": "all", "startyear": "2015", "endyear": "2016",
        "regionalvariable": "KREISE", "regionalkey": "05911,05913", "format": "ffcsv", "job": "false"}
    assert fake.PASSWORD not in str(form)
    assert fake.PASSWORD.encode() not in out.read_bytes()
    assert result.source_meta["licence"] == "dl-de/by-2-0"
    assert fake.PASSWORD not in str(result.source_meta)


def test_default_output_goes_to_the_data_store(server, credentials):
    result = fetch_genesis(fake.TABLE_OK, ["05911"], 2016, 2016, base_url=server.base_url)
    assert result.paths[0] == fetch.store_dir() / "downloads" / f"{fake.TABLE_OK}_2016-2016_ffcsv.csv"


def test_status_22_is_fine_and_content_is_read(server, credentials, tmp_path):
    result = fetch_genesis(fake.TABLE_CODE22, "05911", 2014, 2015, base_url=server.base_url, out=tmp_path / "p.csv")
    parsed = result.results[0]
    assert value(parsed, "ags_05911", 2015, "einwohner") == 364742
    assert value(parsed, "ags_05911", 2014, "einwohner") == 361876


def test_status_98_reruns_as_job_polls_and_fetches_the_result(server, credentials, tmp_path, no_waiting):
    server.modes[fake.TABLE_OK] = "big"
    result = fetch_genesis(fake.TABLE_OK, "05911", 2016, 2016, base_url=server.base_url, out=tmp_path / "b.csv",
                           poll_interval=0.5)
    assert [r["form"]["job"] for r in tablefile_requests(server)] == ["false", "true"]
    assert server.job_polls == 2
    assert no_waiting == [0.5]
    result_request = [r for r in server.requests if r["path"].endswith("/data/resultfile")]
    assert result_request[0]["form"]["name"] == fake.TABLE_OK + fake.JOB_SUFFIX
    assert value(result.results[0], "ags_05911", 2016, "arbeitslose") == 18891
    assert result.messages[0].startswith(f"Tabelle {fake.TABLE_OK} ist zu groß für eine direkte Antwort (Code 98)")


def test_job_that_never_finishes_gives_up(server, credentials, tmp_path, monkeypatch):
    monkeypatch.setattr(fake.Handler, "_jobs", lambda self, form: self._json(
        {"List": [{"Content": fake.TABLE_BIG + fake.JOB_SUFFIX, "State": "Läuft"}]}))
    with pytest.raises(FetchError, match="nach 3 Abfragen nicht fertig") as err:
        fetch_genesis(fake.TABLE_BIG, "05911", 2016, 2016, base_url=server.base_url, out=tmp_path / "b.csv",
                      poll_interval=0, polls=3)
    assert err.value.exit_code == 3


@pytest.mark.parametrize("table, text, exit_code", [
    (fake.TABLE_NOT_FOUND, f"Tabelle {fake.TABLE_NOT_FOUND} wurde nicht gefunden (Code 90)", 2),
    (fake.TABLE_NO_DATA, f"Für Tabelle {fake.TABLE_NO_DATA} gibt es in dieser Auswahl keine Daten (Code 104)", 2),
])
def test_status_errors_in_german(server, credentials, tmp_path, table, text, exit_code):
    with pytest.raises(FetchError) as err:
        fetch_genesis(table, "05911", 2016, 2016, base_url=server.base_url, out=tmp_path / "x.csv")
    assert err.value.message.startswith(text)
    assert err.value.exit_code == exit_code
    assert not (tmp_path / "x.csv").exists()


def test_status_15_falls_back_to_the_anonymous_table(server, credentials, tmp_path):
    server.modes[fake.TABLE_OK] = "forbidden"
    result = fetch_genesis(fake.TABLE_OK, "05911,05913", 2016, 2016, base_url=server.base_url,
                           out=tmp_path / "t.csv")
    assert result.fallback_used
    assert result.messages[0].startswith(f"Keine Berechtigung für Tabelle {fake.TABLE_OK} (Code 15).")
    assert result.messages[0].endswith("Es wird der anonyme Tabellen-Download versucht.")
    downloads = [r for r in server.requests if "/downloader/00/tables/" in r["path"]]
    assert downloads[0]["path"] == f"/genesisws/downloader/00/tables/{fake.TABLE_OK}_00.csv"
    assert "password" not in downloads[0]["headers"]
    parsed = result.results[0]
    assert sorted(parsed.counts["area_id"].unique()) == ["ags_05911", "ags_05913"]   # Essen filtered out
    assert sorted(parsed.counts["year"].unique()) == [2016]                          # 2015 filtered out
    assert value(parsed, "ags_05911", 2016, "langzeitarbeitslose") == 8017
    assert (tmp_path / "t.csv").read_bytes().startswith(b"GENESIS-Tabelle: ")


def test_http_401_without_credentials_falls_back(server, no_credentials, tmp_path):
    result = fetch_genesis(fake.TABLE_OK, "05911", 2015, 2016, base_url=server.base_url, out=tmp_path / "t.csv")
    assert result.fallback_used
    assert result.messages[0] == "GENESIS_USERNAME/GENESIS_PASSWORD nicht gesetzt; Abruf ohne Anmeldung."
    assert result.messages[1].startswith("Anmeldung abgelehnt (HTTP 401).")
    assert "username" not in tablefile_requests(server)[0]["headers"]
    assert value(result.results[0], "ags_05911", 2015, "arbeitslose") == 18556


def test_http_401_and_no_anonymous_table(server, no_credentials, tmp_path):
    with pytest.raises(FetchError, match="gibt es auch im anonymen Download nicht") as err:
        fetch_genesis(fake.TABLE_NO_DATA, "05911", 2016, 2016, base_url=server.base_url, out=tmp_path / "t.csv")
    assert err.value.exit_code == 2


def test_server_error_is_retried_with_backoff(server, credentials, tmp_path, no_waiting):
    server.modes[fake.TABLE_OK] = "flaky"
    result = fetch_genesis(fake.TABLE_OK, "05911", 2016, 2016, base_url=server.base_url, out=tmp_path / "f.csv")
    assert server.flaky_calls == 2
    assert no_waiting == [fetch.BACKOFF_S]
    assert value(result.results[0], "ags_05911", 2016, "arbeitslose") == 18891


def test_offline_connection_refused(credentials, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]            # closed again: nothing listens there
    with pytest.raises(FetchError) as err:
        fetch_genesis(fake.TABLE_OK, "05911", 2016, 2016, base_url=f"http://127.0.0.1:{port}/genesisws",
                      out=tmp_path / "x.csv")
    assert err.value.message.startswith(f"Keine Verbindung zu 127.0.0.1:{port}")
    assert "offline" in err.value.message and err.value.exit_code == 3


def test_offline_dns_error(monkeypatch, credentials, tmp_path):
    def no_dns(*args, **kwargs):
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    monkeypatch.setattr(fetch, "_urlopen", no_dns)
    with pytest.raises(FetchError) as err:
        fetch_genesis(fake.TABLE_OK, "05911", 2016, 2016, out=tmp_path / "x.csv")
    assert err.value.message.startswith("Keine Verbindung zu www.regionalstatistik.de")
    assert err.value.exit_code == 3


def test_timeouts_are_bounded_and_retried(monkeypatch, credentials, tmp_path, no_waiting):
    calls = []

    def slow(request, timeout):
        calls.append(timeout)
        raise TimeoutError("timed out")

    monkeypatch.setattr(fetch, "_urlopen", slow)
    with pytest.raises(FetchError) as err:
        fetch_genesis(fake.TABLE_OK, "05911", 2016, 2016, database="nrw", out=tmp_path / "x.csv")
    assert calls == [30.0, 30.0, 30.0]
    assert no_waiting == [1.0, 2.0]
    assert err.value.message == ("www.landesdatenbank.nrw.de antwortet nicht (keine Antwort nach 30 s), "
                                 "auch nach 3 Versuchen. Bitte später erneut versuchen.")


def test_bad_arguments_are_input_errors(tmp_path):
    with pytest.raises(FetchError, match="nur einer Ebene") as err:
        fetch_genesis(fake.TABLE_OK, "05911,05", 2016, 2016, out=tmp_path / "x.csv")
    assert err.value.exit_code == 2
    with pytest.raises(FetchError, match="--from darf nicht nach --to liegen"):
        fetch_genesis(fake.TABLE_OK, "05911", 2017, 2016)
    with pytest.raises(FetchError, match="Unbekannte Datenbank"):
        fetch_genesis(fake.TABLE_OK, "05911", 2016, 2016, database="bayern")


def test_default_base_urls():
    assert fetch.GENESIS_BASE_URLS == {"regionalstatistik": "https://www.regionalstatistik.de/genesisws",
                                       "nrw": "https://www.landesdatenbank.nrw.de/ldbnrwws"}
    assert fetch.CKAN_DEFAULT_PORTAL == "https://bochum.opendata.ruhr"


# --------------------------------------------------------------------------- CKAN

def test_ckan_package_show_downloads_resources(server, tmp_path):
    result = fetch_ckan("bochum-stadtgebiet_stadtbezirke", portal=server.root_url, out_dir=tmp_path)
    assert [p.name for p in result.paths] == ["stadtbezirke.geojson", "readme.txt"]
    assert (tmp_path / "readme.txt").read_text() == "Stadtbezirke Bochum"
    assert result.messages == ["Datensatz 'Stadtbezirke Bochum', Lizenz: dl-de-zero-2.0.",
                               "Ressource 'Kartendienst' ohne herunterladbare Adresse übersprungen."]
    assert server.requests[0]["path"] == "/api/3/action/package_show?id=bochum-stadtgebiet_stadtbezirke"


def test_ckan_size_cap(server, tmp_path):
    result = fetch_ckan("sehr-gross", portal=server.root_url, out_dir=tmp_path, max_bytes=1024)
    assert [p.name for p in result.paths] == ["readme.txt"]
    assert result.messages[1].startswith(f"Die Datei unter {server.root_url}/files/big.bin ist größer als 0 MB")


def test_ckan_unknown_dataset(server, tmp_path):
    with pytest.raises(FetchError, match="Datensatz 'gibt-es-nicht' gibt es auf") as err:
        fetch_ckan("gibt-es-nicht", portal=server.root_url, out_dir=tmp_path)
    assert err.value.exit_code == 2


# --------------------------------------------------------------------------- CLI

def test_main_fetch_genesis_ok_without_store_importer(server, credentials, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "store_importer", lambda: None)
    out = tmp_path / "alo.csv"
    code = main_fetch(["genesis", "--table", fake.TABLE_OK, "--regions", "05911,05913", "--from", "2015",
                       "--to", "2016", "--base-url", server.base_url, "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert f"Gespeichert unter {out}." in printed
    assert "8 Werte gelesen, 7 Katalogwerte, 0 Merkmale ohne Zuordnung." in printed
    assert fake.PASSWORD not in printed and fake.USERNAME not in printed


def test_main_fetch_imports_through_the_store(server, credentials, tmp_path, capsys, monkeypatch):
    calls = []

    class Outcome:
        ok, message, problems = True, "Version v0001 angelegt.", []

    monkeypatch.setattr(cli, "store_importer", lambda: lambda path, name, meta: calls.append((path, name, meta))
                        or Outcome())
    out = tmp_path / "alo.csv"
    code = main_fetch(["genesis", "--table", fake.TABLE_OK, "--regions", "05911", "--from", "2016", "--to", "2016",
                       "--base-url", server.base_url, "--out", str(out)])
    assert code == 0
    assert calls[0][:2] == (out, "alo.csv")
    assert calls[0][2]["licence"] == "dl-de/by-2-0" and fake.PASSWORD not in str(calls[0][2])
    assert f"Gespeichert unter {out}. Version v0001 angelegt." in capsys.readouterr().out


def test_main_fetch_exit_codes(server, credentials, capsys, monkeypatch):
    monkeypatch.setattr(cli, "store_importer", lambda: None)
    assert main_fetch(["genesis", "--table", fake.TABLE_OK]) == 2
    assert main_fetch(["genesis", "--table", fake.TABLE_OK, "--regions", "05911", "--from", "abc", "--to", "2016"]) == 2
    assert main_fetch(["wetter"]) == 2
    assert main_fetch(["genesis", "--table", fake.TABLE_NOT_FOUND, "--regions", "05911", "--from", "2016",
                       "--to", "2016", "--base-url", server.base_url]) == 2
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main_fetch(["genesis", "--table", fake.TABLE_OK, "--regions", "05911", "--from", "2016", "--to", "2016",
                       "--base-url", f"http://127.0.0.1:{port}/genesisws"]) == 3
    printed = capsys.readouterr().out
    assert f"Tabelle {fake.TABLE_NOT_FOUND} wurde nicht gefunden (Code 90)." in printed
    assert "Keine Verbindung zu 127.0.0.1" in printed


def test_main_fetch_ckan(server, capsys, monkeypatch):
    monkeypatch.setattr(cli, "store_importer", lambda: None)
    code = main_fetch(["ckan", "--dataset", "bochum-stadtgebiet_stadtbezirke", "--portal", server.root_url])
    printed = capsys.readouterr().out
    assert code == 0
    target = fetch.store_dir() / "downloads" / "bochum-stadtgebiet_stadtbezirke"
    assert f"Gespeichert unter {target / 'stadtbezirke.geojson'}." in printed
    assert Path(target / "readme.txt").exists()


def test_main_fetch_ckan_imports_only_data_files(server, capsys, monkeypatch):
    calls = []

    class Outcome:
        ok, message, problems = False, "„stadtbezirke.geojson“ wurde nicht importiert. Keine Flächen.", ["Keine Flächen."]

    monkeypatch.setattr(cli, "store_importer", lambda: lambda path, name, meta: calls.append(name) or Outcome())
    code = main_fetch(["ckan", "--dataset", "bochum-stadtgebiet_stadtbezirke", "--portal", server.root_url])
    printed = capsys.readouterr().out
    assert calls == ["stadtbezirke.geojson"]                       # readme.txt is only saved
    assert code == 2
    assert printed.count("Keine Flächen.") == 1
    assert meta_title_is_package_title(server)


def meta_title_is_package_title(server) -> bool:
    result = fetch_ckan("bochum-stadtgebiet_stadtbezirke", portal=server.root_url)
    return result.source_meta == {"title": "Stadtbezirke Bochum", "licence": "dl-de-zero-2.0", "publisher": "",
                                  "url": f"{server.root_url}/dataset/bochum-stadtgebiet_stadtbezirke"}


# --------------------------------------------------------------------------- hostile servers (issue 10)

def test_a_zipped_bomb_reply_is_refused_by_bytes_produced(server, credentials, tmp_path):
    server.modes[fake.TABLE_OK] = "bomb"
    out = tmp_path / "alo.csv"
    with pytest.raises(FetchError) as err:
        fetch_genesis(fake.TABLE_OK, "05911", 2016, 2016, base_url=server.base_url, out=out)
    assert err.value.exit_code == 2
    assert err.value.message == (f"Die Antwort für Tabelle {fake.TABLE_OK} wurde nicht übernommen: Der Eintrag "
                                 f"„{fake.TABLE_OK}_flat.csv“ in „{fake.TABLE_OK}.zip“ würde entpackt mehr als "
                                 "500 MB belegen und wird als mögliche ZIP-Bombe abgelehnt. Es wurde nichts "
                                 "geändert. Bitte die Originaldatei ungepackt hochladen oder nur die benötigten "
                                 "Daten exportieren.")
    assert not out.exists() and not list(tmp_path.iterdir())


def test_credentials_are_not_sent_to_another_origin_after_a_redirect(server, credentials, tmp_path):
    with fake.FakeServer() as other:
        server.modes[fake.TABLE_OK] = "redirect"
        server.redirect_to = other.root_url + "/files/readme.txt"
        with pytest.raises(Exception):          # the readme is no GENESIS table; what matters is below
            fetch_genesis(fake.TABLE_OK, "05911", 2016, 2016, base_url=server.base_url, out=tmp_path / "x.csv")
        assert tablefile_requests(server)[0]["headers"]["password"] == fake.PASSWORD
        [followed] = other.requests
        assert followed["path"] == "/files/readme.txt"
        assert "password" not in followed["headers"] and "username" not in followed["headers"]
        assert fake.PASSWORD not in str(followed)


def test_a_download_shorter_than_its_content_length_is_refused(server, credentials, tmp_path):
    server.modes[fake.TABLE_OK] = "short"
    out = tmp_path / "alo.csv"
    with pytest.raises(FetchError) as err:
        fetch_genesis(fake.TABLE_OK, "05911", 2016, 2016, base_url=server.base_url, out=out)
    assert err.value.exit_code == 3
    assert "kam unvollständig an" in err.value.message and "die Verbindung wurde vorzeitig beendet" in err.value.message
    assert not out.exists()


def test_a_dripping_server_hits_the_overall_deadline(server, credentials, tmp_path):
    import time

    server.modes[fake.TABLE_OK] = "drip"
    started = time.monotonic()
    with pytest.raises(FetchError) as err, fetch.fetch_deadline(1.5):
        fetch_genesis(fake.TABLE_OK, "05911", 2016, 2016, base_url=server.base_url, out=tmp_path / "x.csv")
    assert 1.5 <= time.monotonic() - started < 5          # the socket timeout alone would never fire
    assert err.value.exit_code == 3
    assert err.value.message == (f"Der Abruf von 127.0.0.1:{server.server_address[1]} dauert zu lange und wurde "
                                 "nach der Höchstdauer abgebrochen. Bitte später erneut versuchen.")


def test_error_bodies_are_capped(server):
    reply = fetch.http_request(server.root_url + "/files/huge-error")
    assert reply.status == 404 and len(reply.body) == fetch.MAX_ERROR_BODY_BYTES


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/genesisws"])
def test_only_http_and_https(url, credentials, tmp_path, capsys):
    with pytest.raises(FetchError) as err:
        fetch_genesis(fake.TABLE_OK, "05911", 2016, 2016, base_url=url, out=tmp_path / "x.csv")
    assert err.value.exit_code == 2 and "nicht mit http:// oder https://" in err.value.message
    assert main_fetch(["ckan", "--dataset", "x", "--portal", url]) == 2
    assert "nur solche Adressen werden geladen" in capsys.readouterr().out


def test_a_non_http_port_and_a_corrupt_zip_end_in_german_not_a_traceback(server, credentials, capsys, monkeypatch):
    monkeypatch.setattr(cli, "store_importer", lambda: None)
    with fake.NotHttpServer() as other:
        code = main_fetch(["genesis", "--table", fake.TABLE_OK, "--regions", "05911", "--from", "2016",
                           "--to", "2016", "--base-url", other.url])
    assert code == 3
    printed = capsys.readouterr().out
    assert "antwortet nicht (keine gültige HTTP-Antwort: BadStatusLine), auch nach 3 Versuchen." in printed
    server.modes[fake.TABLE_OK] = "corrupt_zip"
    code = main_fetch(["genesis", "--table", fake.TABLE_OK, "--regions", "05911", "--from", "2016",
                       "--to", "2016", "--base-url", server.base_url])
    assert code == 3
    assert (f"Die Antwort für Tabelle {fake.TABLE_OK} ist ein beschädigtes ZIP-Archiv. Bitte später erneut "
            "versuchen.") in capsys.readouterr().out


def test_remote_titles_are_printed_without_terminal_escapes(server, capsys, monkeypatch):
    monkeypatch.setattr(cli, "store_importer", lambda: None)
    assert main_fetch(["ckan", "--dataset", "bunt", "--portal", server.root_url]) == 3   # no resources
    printed = capsys.readouterr().out
    assert "Datensatz 'Bunt', Lizenz: cc-by." in printed
    assert "\x1b" not in printed and "\x07" not in printed


# --------------------------------------------------------------------------- replies parsed in the sandbox (issue 10)

def test_a_deeply_nested_json_reply_ends_in_german_not_a_traceback(server, credentials, capsys, monkeypatch):
    monkeypatch.setattr(cli, "store_importer", lambda: None)
    server.modes[fake.TABLE_OK] = "deep_json"
    code = main_fetch(["genesis", "--table", fake.TABLE_OK, "--regions", "05911", "--from", "2016",
                       "--to", "2016", "--base-url", server.base_url])
    printed = capsys.readouterr().out
    assert code == 2, printed
    assert printed.startswith("Die geladene Datei lässt sich nicht lesen: "), printed
    assert f"{fake.TABLE_OK}_2016-2016_ffcsv.csv: " in printed and "Traceback" not in printed
    assert main_fetch(["ckan", "--dataset", "tief", "--portal", server.root_url]) == 3
    assert capsys.readouterr().out == f"Das Portal {server.root_url} antwortet nicht wie erwartet (HTTP 200).\n"


@pytest.mark.sandbox
def test_a_genesis_reply_whose_parse_exceeds_the_memory_limit_ends_as_a_german_message(
        server, credentials, capsys, monkeypatch):
    from functools import partial

    from indicators import store
    from indicators.load.sandbox import call_limited

    imported = []
    monkeypatch.setattr(cli, "store_importer", lambda: lambda *args: imported.append(args))
    monkeypatch.setattr(fetch, "call_limited", partial(call_limited, memory_bytes=48 * MB))
    server.modes[fake.TABLE_OK] = "huge_ffcsv"
    before = store.store_fingerprint()
    code = main_fetch(["genesis", "--table", fake.TABLE_OK, "--regions", "05911", "--from", "2016",
                       "--to", "2016", "--base-url", server.base_url])
    printed = capsys.readouterr().out
    assert code == 2, printed
    # the reader ran in the child: this process is alive, prints the German limit message naming the file
    assert printed.splitlines()[-1].startswith(
        f"Die Datei „{fake.TABLE_OK}_2016-2016_ffcsv.csv“ ist zu groß oder zu komplex: sie "), printed
    assert printed.rstrip().endswith("oder als einfache CSV-Datei speichern und erneut hochladen."), printed
    assert imported == [] and store.store_fingerprint() == before


@pytest.mark.sandbox
def test_a_large_ckan_reply_is_parsed_in_the_sandbox(server, capsys, monkeypatch):
    from functools import partial

    from indicators.load.sandbox import call_limited

    monkeypatch.setattr(cli, "store_importer", lambda: None)
    monkeypatch.setattr(fetch, "call_limited", partial(call_limited, memory_bytes=48 * MB))
    assert main_fetch(["ckan", "--dataset", "riesig", "--portal", server.root_url]) == 2
    assert capsys.readouterr().out.startswith(
        "Die Datei „Antwort.json“ ist zu groß oder zu komplex: sie würde beim Lesen mehr als 48 MB "
        "Arbeitsspeicher brauchen und wurde deshalb abgebrochen.")


def test_an_unforeseen_reader_error_is_a_german_message_naming_the_file(server, credentials, capsys, monkeypatch):
    def broken(path, table):
        raise KeyError("value")

    monkeypatch.setattr(cli, "store_importer", lambda: None)
    monkeypatch.setattr(fetch.readers, "read_fetched_genesis", broken)
    code = main_fetch(["genesis", "--table", fake.TABLE_OK, "--regions", "05911", "--from", "2016",
                       "--to", "2016", "--base-url", server.base_url])
    assert code == 2
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"Die geladene Datei „{fake.TABLE_OK}_2016-2016_ffcsv.csv“ lässt sich nicht lesen (technischer Hinweis: "
        "KeyError). Bitte später erneut abrufen oder die Tabelle als CSV herunterladen und mit „import“ einlesen.")
