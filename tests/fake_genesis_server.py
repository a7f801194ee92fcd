"""A local stand-in for the GENESIS web service 2020 and a CKAN portal, on 127.0.0.1 only.

It answers as the real services do: ffcsv in a ZIP, JSON status replies (codes 0, 22, 90, 98/99, 104, 15),
HTTP 401 without credentials, background jobs with polling, the anonymous table download and
CKAN's package_show. Every request is recorded for the tests.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import urllib.parse
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from tests.hostile_files import zip_bomb
except ImportError:  # tests/ on sys.path instead of the project root
    from hostile_files import zip_bomb

USERNAME = "testuser"
PASSWORD = "s3cret-PASS-word"
PREFIX = "/genesisws"

TABLE_OK = "13211-02-05-4"             # ZIP with ffcsv (any mode can be forced on it: FakeServer.modes)
TABLE_CODE22 = "12411-01-01-4"         # JSON status 22 with the ffcsv as content
TABLE_BIG = "98000-01-01-4"            # 98 -> job -> poll -> resultfile
TABLE_NOT_FOUND = "90000-01-01-4"      # 90
TABLE_NO_DATA = "10400-01-01-4"        # 104
TABLE_FORBIDDEN = "15000-01-01-4"      # 15 -> anonymous download
TABLE_FLAKY = "50000-01-01-4"          # HTTP 500 once, then ZIP
DEFAULT_MODES = {TABLE_OK: "zip", TABLE_CODE22: "code22", TABLE_BIG: "big", TABLE_NO_DATA: "no_data",
                 TABLE_FORBIDDEN: "forbidden", TABLE_FLAKY: "flaky"}
DOWNLOADABLE = {TABLE_OK, TABLE_FORBIDDEN}
JOB_SUFFIX = "_123456789"
DRIP_INTERVAL_S = 0.2

FFCSV_HEADER = ("statistics_code;statistics_label;time_code;time_label;time;"
                "1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;"
                "2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;"
                "value;value_unit;value_variable_code;value_variable_label")
ALO_CELLS = [  # ags, name, year, group code, group label, value, unit, variable code, variable label
    ("05911", "Bochum, Kreisfreie Stadt", 2016, "", "", "18891", "Anzahl", "ERW032", "Arbeitslose"),
    ("05911", "Bochum, Kreisfreie Stadt", 2016, "LZA", "langzeitarbeitslos", "8017", "Anzahl", "ERW032", "Arbeitslose"),
    ("05911", "Bochum, Kreisfreie Stadt", 2016, "ALT1525", "15 bis unter 25 Jahre", "1682", "Anzahl", "ERW032",
     "Arbeitslose"),
    ("05911", "Bochum, Kreisfreie Stadt", 2016, "", "", "10,1", "Prozent", "ERW141",
     "Arbeitslosenquote bez. auf alle zivile Erwerbsp."),
    ("05913", "Dortmund, Kreisfreie Stadt", 2016, "", "", "35940", "Anzahl", "ERW032", "Arbeitslose"),
    ("05913", "Dortmund, Kreisfreie Stadt", 2016, "LZA", "langzeitarbeitslos", "15762", "Anzahl", "ERW032",
     "Arbeitslose"),
    ("05911", "Bochum, Kreisfreie Stadt", 2015, "", "", "18556", "Anzahl", "ERW032", "Arbeitslose"),
    ("05913", "Dortmund, Kreisfreie Stadt", 2015, "", "", "37414", "Anzahl", "ERW032", "Arbeitslose"),
]
POP_FFCSV = "\n".join([
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
    "1_variable_attribute_code;1_variable_attribute_label;2_variable_code;2_variable_label;"
    "2_variable_attribute_code;2_variable_attribute_label;value;value_unit;value_variable_code;value_variable_label",
    "12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2015-12-31;KREISE;Kreise und krfr. Städte;05911;"
    "Bochum, Kreisfreie Stadt;GES;Geschlecht;;Insgesamt;364742;Anzahl;BEVSTD;Bevölkerungsstand",
    "12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2014-12-31;KREISE;Kreise und krfr. Städte;05911;"
    "Bochum, Kreisfreie Stadt;GES;Geschlecht;;Insgesamt;361876;Anzahl;BEVSTD;Bevölkerungsstand",
]) + "\n"
CLASSIC_TABLE = "\r\n".join([
    f"GENESIS-Tabelle: {TABLE_OK}",
    "Arbeitslose nach ausgewählten Personengruppen - Jahresdurchschnitt -",
    "regionale Tiefe: Kreise und krfr. Städte",
    ";;;Arbeitslose;;",
    ";;;;langzeitarbeitslos;15 bis unter 25 Jahre",
    ";;;Anzahl;Anzahl;Anzahl",
    "2015;05911;      Bochum, Kreisfreie Stadt;18556;8133;1553",
    "2015;05913;      Dortmund, Kreisfreie Stadt;37414;17075;3377",
    "2016;05911;      Bochum, Kreisfreie Stadt;18891;8017;1682",
    "2016;05913;      Dortmund, Kreisfreie Stadt;35940;15762;3308",
    "2016;05113;      Essen, Kreisfreie Stadt;33212;14796;2845",
    "__________",
    "© Statistische Ämter des Bundes und der Länder, Deutschland, 2017; dl-de/by-2-0",
    "Stand: 10.10.2017 / 19:20:37",
]) + "\r\n"


def alo_ffcsv() -> str:
    """The 13211 flat file: German decimals, unsorted rows, empty attribute code = total."""
    rows = [FFCSV_HEADER]
    for ags, name, year, code, label, value, unit, vcode, vlabel in reversed(ALO_CELLS):
        rows.append(f"13211;Arbeitsmarktstatistik der Bundesagentur für Arbeit;JAHR;Jahr;{year};KREISE;"
                    f"Kreise und krfr. Städte;{ags};{name};PERSGR;Personengruppe;{code};{label};{value};{unit};"
                    f"{vcode};{vlabel}")
    return "\n".join(rows) + "\n"


def huge_ffcsv(rows: int = 150_000) -> str:
    """The 13211 flat file with many rows: legal, but its parse needs far more memory than its ZIP's size."""
    head, *cells = alo_ffcsv().splitlines()
    return "\n".join([head, *(cells[i % len(cells)].replace(";2016;", f";{1900 + i % 120};", 1)
                               for i in range(rows))]) + "\n"


def zipped(name: str, text: str) -> bytes:
    """A ZIP holding one UTF-8 (with BOM) CSV, as the service sends it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, "\ufeff" + text)
    return buffer.getvalue()


def status(code: int, content: str, object_content: str | None = None) -> dict:
    """A GENESIS 2020 JSON reply."""
    reply = {"Ident": {"Service": "data", "Method": "tablefile"},
             "Status": {"Code": code, "Content": content, "Type": "Information" if code in (0, 22, 99) else "Fehler"},
             "Parameter": {}, "Object": None, "Copyright": "© Statistisches Bundesamt (Destatis), 2024"}
    if object_content is not None:
        reply["Object"] = {"Content": object_content, "Structure": {}}
    return reply


class Handler(BaseHTTPRequestHandler):
    """Routes of the fake services."""

    server: FakeServer

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, code: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str((headers or {}).get("Content-Length", len(body))))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, payload: dict, code: int = 200) -> None:
        self._send(code, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _record(self, form: dict) -> None:
        self.server.requests.append({"method": self.command, "path": self.path, "form": form,
                                     "headers": {k.lower(): v for k, v in self.headers.items()}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}
        self._record(form)
        path = urllib.parse.urlsplit(self.path).path
        if not path.startswith(PREFIX + "/rest/2020/"):
            return self._send(404, b"not found", "text/plain")
        if self.headers.get("username") != USERNAME or self.headers.get("password") != PASSWORD:
            return self._send(401, b'{"Code": 401, "Content": "Unauthorized"}', "application/json")
        route = path[len(PREFIX + "/rest/2020/"):]
        if route == "data/tablefile":
            return self._tablefile(form)
        if route == "catalogue/jobs":
            return self._jobs(form)
        if route == "data/resultfile":
            if not self.server.job_name or form.get("name") != self.server.job_name:
                return self._json(status(90, "Es wurde kein Objekt gefunden."))
            return self._send(200, zipped(f"{self.server.job_name}_flat.csv", alo_ffcsv()), "application/zip")
        return self._send(404, b"not found", "text/plain")

    def _tablefile(self, form: dict) -> None:
        name = form.get("name", "")
        mode = self.server.modes.get(name, DEFAULT_MODES.get(name, "not_found"))
        if mode == "zip":
            return self._send(200, zipped(f"{name}_flat.csv", alo_ffcsv()), "application/zip")
        if mode == "code22":
            return self._json(status(22, "Es wurden nicht alle Parameter verwendet.", POP_FFCSV))
        if mode == "big":
            if form.get("job") == "true":
                self.server.job_name = name + JOB_SUFFIX
                return self._json(status(99, "Der Bearbeitungsauftrag wurde erstellt. Die Tabelle kann in Kürze als "
                                             f"Ergebnis mit folgendem Namen abgerufen werden: {self.server.job_name}"))
            return self._json(status(98, "Die Tabelle ist zu groß, bitte als Hintergrundauftrag abrufen."))
        if mode == "no_data":
            return self._json(status(104, "Es gibt keine Objekte zum angegebenen Selektionskriterium."))
        if mode == "forbidden":
            return self._json(status(15, "Sie besitzen keine Berechtigung für diesen Service."))
        # hostile replies (issue 10)
        if mode == "bomb":                     # 620 KB that unpack to 600 MB
            return self._send(200, zip_bomb(f"{name}_flat.csv", 600), "application/zip")
        if mode == "deep_json":                # nesting deeper than any JSON parser's recursion
            return self._send(200, b"[" * 200_000, "application/json")
        if mode == "huge_ffcsv":               # a valid flat file of ~25 MB in a ZIP of ~1 MB
            return self._send(200, zipped(f"{name}_flat.csv", huge_ffcsv()), "application/zip")
        if mode == "corrupt_zip":
            return self._send(200, b"PK\x03\x04" + b"\x00kaputt" * 50, "application/zip")
        if mode == "short":                    # the connection ends before Content-Length is reached
            body = zipped(f"{name}_flat.csv", alo_ffcsv())
            return self._send(200, body, "application/zip", {"Content-Length": len(body) + 5000})
        if mode == "drip":                     # one byte per DRIP_INTERVAL_S, forever
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            try:
                while not self.server.stopping.is_set():
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(DRIP_INTERVAL_S)
            except OSError:
                pass
            return None
        if mode == "redirect":                 # to another origin (FakeServer.redirect_to)
            self.send_response(302)
            self.send_header("Location", self.server.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if mode == "flaky":
            self.server.flaky_calls += 1
            if self.server.flaky_calls == 1:
                return self._send(500, b"internal error", "text/plain")
            return self._send(200, zipped(f"{name}_flat.csv", alo_ffcsv()), "application/zip")
        return self._json(status(90, "Es wurde kein Objekt gefunden (Tabelle nicht vorhanden)."))

    def _jobs(self, form: dict) -> None:
        self.server.job_polls += 1
        state = "Fertig" if self.server.job_polls >= 2 else "Läuft"
        return self._json({"Status": {"Code": 0, "Content": "erfolgreich"},
                           "List": [{"Content": self.server.job_name, "State": state, "Date": "01.01.2024"}]})

    def do_GET(self) -> None:
        self._record({})
        parts = urllib.parse.urlsplit(self.path)
        if parts.path.startswith(PREFIX + "/downloader/00/tables/"):
            code = parts.path.rsplit("/", 1)[-1].removesuffix("_00.csv")
            if code in DOWNLOADABLE:
                return self._send(200, CLASSIC_TABLE.encode("cp1252"), "text/csv; charset=windows-1252")
            return self._send(404, b"not found", "text/plain")
        if parts.path == "/api/3/action/package_show":
            return self._package_show(urllib.parse.parse_qs(parts.query).get("id", [""])[0])
        if parts.path == "/files/stadtbezirke.geojson":
            return self._send(200, b'{"type": "FeatureCollection", "features": []}', "application/geo+json")
        if parts.path == "/files/readme.txt":
            return self._send(200, b"Stadtbezirke Bochum", "text/plain")
        if parts.path == "/files/huge-error":   # a 4xx page of 5 MB
            return self._send(404, b"e" * (5 * 1024 * 1024), "text/plain")
        if parts.path == "/files/big.bin":
            return self._send(200, b"x" * 2048, "application/octet-stream")
        return self._send(404, b"not found", "text/plain")

    def _package_show(self, dataset: str) -> None:
        base = self.server.root_url
        if dataset == "bochum-stadtgebiet_stadtbezirke":
            resources = [
                {"name": "Stadtbezirke (GeoJSON)", "format": "GeoJSON", "url": f"{base}/files/stadtbezirke.geojson"},
                {"name": "Beschreibung", "format": "TXT", "url": f"{base}/files/readme.txt"},
                {"name": "Kartendienst", "format": "WMS", "url": ""},
            ]
        elif dataset == "sehr-gross":
            resources = [{"name": "Groß", "format": "BIN", "url": f"{base}/files/big.bin"},
                         {"name": "Beschreibung", "format": "TXT", "url": f"{base}/files/readme.txt"}]
        elif dataset == "tief":                # nesting deeper than any JSON parser's recursion
            return self._send(200, b"[" * 200_000, "application/json")
        elif dataset == "riesig":              # 8 MB of JSON that are ~200 MB as Python objects
            return self._send(200, b'{"success": true, "result": {"x": [' + b"[]," * 2_800_000 + b"[]]}}",
                              "application/json")
        elif dataset == "bunt":                # a portal title with terminal escape sequences
            return self._json({"success": True, "result": {"name": dataset, "title": "Bunt\x1b[2J\x1b]0;owned\x07",
                                                           "license_id": "cc-by", "resources": []}})
        else:
            return self._json({"success": False, "error": {"message": "Nicht gefunden", "__type": "Not Found Error"}},
                              404)
        return self._json({"success": True, "result": {"name": dataset, "title": "Stadtbezirke Bochum",
                                                       "license_id": "dl-de-zero-2.0", "resources": resources}})


class FakeServer(ThreadingHTTPServer):
    """The server with its request log and counters; use as a context manager."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[dict] = []
        self.job_polls = 0
        self.flaky_calls = 0
        self.job_name = ""
        self.modes: dict[str, str] = {}
        self.redirect_to = ""
        self.stopping = threading.Event()
        self.root_url = f"http://127.0.0.1:{self.server_address[1]}"
        self.base_url = self.root_url + PREFIX
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


class NotHttpServer:
    """A service on 127.0.0.1 that speaks something else (an SSH banner), for the 'non-HTTP port' case."""

    def __init__(self):
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(8)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}/genesisws"
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)           # the request, so the client is not cut off mid-send
                    conn.sendall(b"SSH-2.0-OpenSSH_9.2p1\r\n")
                except OSError:
                    pass

    def __enter__(self) -> NotHttpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._socket.close()
        self._thread.join(timeout=5)
