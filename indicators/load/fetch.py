"""Live fetch from GENESIS web services (REST 2020) and CKAN portals, with bounded timeouts and retries.

Credentials come only from the environment (GENESIS_USERNAME, GENESIS_PASSWORD) and travel only as
HTTP headers: they are never printed, logged or written to a file.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import http.client
import io
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from indicators.limits import FETCH_DEADLINE_SECONDS, MAX_DECOMPRESSED_BYTES, MAX_ERROR_BODY_BYTES
from indicators.load import readers
from indicators.load.bounded import BoundError, read_member
from indicators.load.genesis import GenesisResult
from indicators.load.german import is_zip
from indicators.load.sandbox import SandboxError, call_limited
from indicators.paths import store_dir

GENESIS_BASE_URLS = {
    "regionalstatistik": "https://www.regionalstatistik.de/genesisws",
    "nrw": "https://www.landesdatenbank.nrw.de/ldbnrwws",
}
CKAN_DEFAULT_PORTAL = "https://bochum.opendata.ruhr"
TABLEFILE_PATH = "/rest/2020/data/tablefile"
RESULTFILE_PATH = "/rest/2020/data/resultfile"
JOBS_PATH = "/rest/2020/catalogue/jobs"
DOWNLOADER_PATH = "/downloader/00/tables/{table}_00.csv"
CKAN_PACKAGE_SHOW = "/api/3/action/package_show"
ENV_USERNAME = "GENESIS_USERNAME"
ENV_PASSWORD = "GENESIS_PASSWORD"
TIMEOUT_S = 30.0
RETRIES = 3
BACKOFF_S = 1.0
JOB_POLLS = 20
JOB_POLL_INTERVAL_S = 5.0
MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
USER_AGENT = "Quartiersmonitor-Bochum/1.0"
IMPORTABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".zip", ".geojson", ".gpkg")
STATUS_OK = (0, 22)
STATUS_TOO_LARGE = 98
STATUS_JOB_CREATED = 99
STATUS_NOT_FOUND = 90
STATUS_NO_DATA = 104
STATUS_NOT_PERMITTED = 15
JOB_DONE_STATES = {"fertig", "beendet", "finished", "done", "abgeschlossen"}
REGION_VARIABLES = {5: "KREISE", 2: "DLAND", 8: "GEMEIN", 3: "REGBEZ"}
EXIT_INPUT, EXIT_NETWORK = 2, 3  # FetchError exit codes, as the command line returns them
GENESIS_PUBLISHER = "Statistische Ämter des Bundes und der Länder"
GENESIS_LICENCE = "dl-de/by-2-0"
ALLOWED_SCHEMES = ("http", "https")
# headers that identify the user: never sent on to another origin after a redirect
CREDENTIAL_HEADERS = ("username", "password", "authorization", "cookie", "proxy-authorization")
READ_CHUNK = 65536
# A reply is parsed in the limited child process (load/sandbox), as an upload is, so that a hostile
# one fails as a German message instead of taking the process down. JSON replies up to this size
# are parsed here: Python's objects take at most ~25 times the text (~25 MB), and the job polling
# and status replies stay fast. Off only in tests whose subject is not the sandbox (conftest).
INLINE_JSON_BYTES = 1024 * 1024
SANDBOX_PARSING = True
# the monotonic time by which the running fetch must be done (None outside fetch_genesis/fetch_ckan)
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("fetch_deadline", default=None)


class FetchError(Exception):
    """A fetch that failed; ``message`` is German, ``exit_code`` 2 (input) or 3 (network/service)."""

    def __init__(self, message: str, exit_code: int = EXIT_NETWORK, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.status = status


@dataclass
class FetchResult:
    """Downloaded files and what the readers made of them."""

    paths: list[Path] = field(default_factory=list)
    results: list = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    fallback_used: bool = False
    source_meta: dict = field(default_factory=dict)


@dataclass
class Reply:
    """An HTTP reply reduced to what the fetchers need."""

    status: int
    body: bytes
    content_type: str


# --------------------------------------------------------------------------- HTTP

def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http/https, and drop the credentials when the origin changes."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ALLOWED_SCHEMES:
            raise FetchError(f"{urllib.parse.urlsplit(req.full_url).netloc} leitet auf eine Adresse um, die "
                             "nicht mit http:// oder https:// beginnt; sie wird nicht geladen.", EXIT_INPUT)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(newurl) != _origin(req.full_url):
            for name in list(new.headers):
                if name.lower() in CREDENTIAL_HEADERS:
                    del new.headers[name]
            for name in list(new.unredirected_hdrs):
                if name.lower() in CREDENTIAL_HEADERS:
                    del new.unredirected_hdrs[name]
        return new


_OPENER = urllib.request.build_opener(_SafeRedirects)


def _urlopen(request: urllib.request.Request, timeout: float):
    """urlopen through the redirect rules above (tests replace this one function)."""
    return _OPENER.open(request, timeout=timeout)


@contextlib.contextmanager
def fetch_deadline(seconds: float = FETCH_DEADLINE_SECONDS):
    """Every request inside shares one overall deadline (not only a socket timeout per read)."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _with_deadline(func):
    """Run a whole fetch under one deadline (an outer fetch_deadline, e.g. a test's, is kept)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if _DEADLINE.get() is not None:
            return func(*args, **kwargs)
        with fetch_deadline():
            return func(*args, **kwargs)
    return wrapper


def _remaining(url: str) -> float | None:
    """Seconds left of the running fetch; FetchError once the deadline has passed."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"Der Abruf von {urllib.parse.urlsplit(url).netloc} dauert zu lange und wurde nach "
                         "der Höchstdauer abgebrochen. Bitte später erneut versuchen.", EXIT_NETWORK)
    return left


def _check_scheme(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme.lower() not in ALLOWED_SCHEMES:
        raise FetchError(f"Die Adresse „{url[:200]}“ beginnt nicht mit http:// oder https://; nur solche "
                         "Adressen werden geladen.", EXIT_INPUT)


def _offline_message(url: str, reason) -> str:
    host = urllib.parse.urlsplit(url).netloc
    return (f"Keine Verbindung zu {host} ({reason}). Der Rechner scheint offline zu sein oder der Dienst ist "
            "nicht erreichbar. Bitte die Internetverbindung prüfen oder mit --base-url einen erreichbaren "
            "Server angeben.")


def _is_offline(reason) -> bool:
    return isinstance(reason, (ConnectionRefusedError, socket.gaierror, ConnectionResetError, OSError)) and not \
        isinstance(reason, (TimeoutError, socket.timeout))


def http_request(url: str, data: dict | None = None, headers: dict | None = None, timeout: float | None = None,
                 retries: int | None = None, backoff: float | None = None, max_bytes: int | None = None) -> Reply:
    """GET (or POST form data) with a timeout and retries on timeouts and 5xx; 4xx are returned, not retried."""
    timeout = TIMEOUT_S if timeout is None else timeout
    retries = RETRIES if retries is None else retries
    backoff = BACKOFF_S if backoff is None else backoff
    max_bytes = MAX_DOWNLOAD_BYTES if max_bytes is None else max_bytes
    _check_scheme(url)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    last: str = ""
    for attempt in range(retries):
        request = urllib.request.Request(url, data=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        left = _remaining(url)
        try:
            with _urlopen(request, timeout if left is None else min(timeout, left)) as response:
                return Reply(response.status, _read_capped(response, max_bytes, url), response.headers.get(
                    "Content-Type", ""))
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                # only the status matters; a huge error page is cut, not read
                return Reply(exc.code, _read_capped(exc, MAX_ERROR_BODY_BYTES, url, cut=True),
                             exc.headers.get("Content-Type", "") if exc.headers else "")
            last = f"HTTP {exc.code}"
        except http.client.HTTPException as exc:     # not an HTTP server (e.g. another service on the port)
            last = f"keine gültige HTTP-Antwort: {type(exc).__name__}"
        except urllib.error.URLError as exc:
            if _is_offline(exc.reason):
                raise FetchError(_offline_message(url, exc.reason)) from None
            last = str(exc.reason)
        except TimeoutError:
            last = f"keine Antwort nach {timeout:g} s"
        except ConnectionError as exc:
            last = str(exc)
        if attempt + 1 < retries:
            left = _remaining(url)
            time.sleep(backoff * 2 ** attempt if left is None else min(backoff * 2 ** attempt, left))
    raise FetchError(f"{urllib.parse.urlsplit(url).netloc} antwortet nicht ({last}), auch nach {retries} "
                     "Versuchen. Bitte später erneut versuchen.")


def _read_capped(response, max_bytes: int, url: str, cut: bool = False) -> bytes:
    """The body, refused when it exceeds max_bytes (by header or while reading), or cut there (``cut``).

    Read chunk by chunk with read1 (one socket read each), so the overall deadline is checked even
    when a server drips one byte at a time; a body shorter than its Content-Length is refused.
    """
    length = (response.headers.get("Content-Length") or "").strip() if response.headers else ""
    declared = int(length) if length.isdigit() else None
    if declared is not None and declared > max_bytes and not cut:
        raise FetchError(f"Die Datei unter {url} ist größer als {max_bytes // (1024 * 1024)} MB und wurde nicht "
                         "geladen.", EXIT_INPUT)
    chunks, total = [], 0
    read = getattr(response, "read1", response.read)
    try:
        while True:
            _remaining(url)
            chunk = read(min(READ_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                if cut:
                    return b"".join(chunks) + chunk[:max_bytes - total + len(chunk)]
                raise FetchError(f"Die Datei unter {url} ist größer als {max_bytes // (1024 * 1024)} MB und "
                                 "wurde nicht geladen.", EXIT_INPUT)
            chunks.append(chunk)
    except http.client.IncompleteRead:
        pass                                           # counted below as a short download
    if declared is not None and total < declared and not cut:
        raise FetchError(f"Die Datei unter {url} kam unvollständig an ({total:n} von {declared:n} Bytes); "
                         "die Verbindung wurde vorzeitig beendet. Bitte erneut versuchen.", EXIT_NETWORK)
    return b"".join(chunks)


# --------------------------------------------------------------------------- GENESIS

def credentials_headers() -> dict:
    """HTTP headers with the GENESIS user name and password from the environment ({} when unset)."""
    user, password = os.environ.get(ENV_USERNAME, ""), os.environ.get(ENV_PASSWORD, "")
    return {"username": user, "password": password} if user and password else {}


def region_variable(regions: list[str]) -> str:
    """KREISE for 5-digit keys, DLAND for 2 digits, GEMEIN for 8; one level per request."""
    lengths = {len(r) for r in regions}
    if len(lengths) != 1 or next(iter(lengths)) not in REGION_VARIABLES or not all(r.isdigit() for r in regions):
        raise FetchError("Regionalschlüssel bitte nur einer Ebene angeben: 5-stellig (Kreise, z. B. 05911), "
                         "2-stellig (Länder) oder 8-stellig (Gemeinden).", EXIT_INPUT)
    return REGION_VARIABLES[lengths.pop()]


def parse_untrusted(func, *args, filename: str):
    """``func(*args)`` in the limited child process; a limit or a crash becomes a FetchError naming ``filename``.

    The readers' own German errors (ValueError, e.g. GenesisFormatError) pass unchanged; any other
    exception from a reply nobody foresaw is a German message too, never a traceback.
    """
    try:
        if not SANDBOX_PARSING:
            return func(*args)
        return call_limited(func, *args, filename=filename)
    except SandboxError as exc:
        raise FetchError(exc.problem.message, EXIT_INPUT) from None
    except (ValueError, FetchError):
        raise
    except Exception as exc:  # noqa: BLE001 - a hostile reply must not end in a traceback
        raise FetchError(f"Die geladene Datei „{filename}“ lässt sich nicht lesen (technischer Hinweis: "
                         f"{type(exc).__name__}). Bitte später erneut abrufen oder die Tabelle als CSV "
                         "herunterladen und mit „import“ einlesen.", EXIT_INPUT) from None


def _document(reply: Reply, filename: str = "Antwort.json"):
    """The reply parsed as JSON (None when it is none): large replies in the sandbox."""
    if len(reply.body) <= INLINE_JSON_BYTES:
        return readers.json_document(reply.body)
    return parse_untrusted(readers.json_document, reply.body, filename=filename)


def _status(reply: Reply) -> tuple[int, str] | None:
    """(code, content) of a GENESIS JSON status reply, else None."""
    if reply.body[:1] not in (b"{", b"[") and "json" not in reply.content_type:
        return None
    payload = _document(reply)
    status = payload.get("Status", payload) if isinstance(payload, dict) else {}
    code = status.get("Code") if isinstance(status, dict) else None
    try:
        return (int(code), str(status.get("Content", ""))) if code is not None else None
    except (TypeError, ValueError):                # a code that is no number: not a status reply
        return None


def _json(reply: Reply) -> dict:
    payload = _document(reply)
    return payload if isinstance(payload, dict) else {}


def _status_error(code: int, content: str, table: str) -> FetchError:
    """The German message for a GENESIS status code."""
    messages = {
        STATUS_NOT_FOUND: (f"Tabelle {table} wurde nicht gefunden (Code 90). Bitte den Tabellencode prüfen, "
                           "z. B. 13211-02-05-4.", EXIT_INPUT),
        STATUS_NO_DATA: (f"Für Tabelle {table} gibt es in dieser Auswahl keine Daten (Code 104). Bitte Jahre "
                         "und Regionalschlüssel prüfen.", EXIT_INPUT),
        STATUS_NOT_PERMITTED: (f"Keine Berechtigung für Tabelle {table} (Code 15). Bitte Zugangsdaten in "
                               f"{ENV_USERNAME}/{ENV_PASSWORD} prüfen.", EXIT_NETWORK),
    }
    text, exit_code = messages.get(code, (f"GENESIS meldet Code {code}: {content}", EXIT_NETWORK))
    return FetchError(text, exit_code, status=code)


def _payload(reply: Reply, table: str) -> bytes:
    """The CSV bytes of a tablefile reply: unpacked from a ZIP, taken from JSON (codes 0/22) or as sent."""
    if reply.status == 401:
        raise FetchError("Anmeldung abgelehnt (HTTP 401). Bitte GENESIS_USERNAME und GENESIS_PASSWORD setzen "
                         "oder prüfen.", EXIT_NETWORK, status=401)
    if reply.status >= 400:
        raise FetchError(f"Der Dienst antwortet mit HTTP {reply.status} für Tabelle {table}.", EXIT_NETWORK,
                         status=reply.status)
    if is_zip(reply.body):
        try:
            with zipfile.ZipFile(io.BytesIO(reply.body)) as zf:
                names = [n for n in zf.namelist() if not n.endswith("/")]
            if not names:
                raise FetchError(f"Das ZIP-Archiv für Tabelle {table} ist leer.")
            # streamed and bounded by bytes produced: a zipped reply may be a bomb
            return read_member(reply.body, f"{table}.zip", names[0], MAX_DECOMPRESSED_BYTES)
        except zipfile.BadZipFile:
            raise FetchError(f"Die Antwort für Tabelle {table} ist ein beschädigtes ZIP-Archiv. Bitte später "
                             "erneut versuchen.", EXIT_NETWORK) from None
        except BoundError as exc:
            raise FetchError(f"Die Antwort für Tabelle {table} wurde nicht übernommen: {exc.problem.message}",
                             EXIT_INPUT) from None
    status = _status(reply)
    if status is None:
        return reply.body
    code, content = status
    if code in STATUS_OK:
        data = _json(reply).get("Object", {}) or {}
        if isinstance(data, dict) and isinstance(data.get("Content"), str) and data["Content"]:
            return data["Content"].encode("utf-8")
        raise FetchError(f"GENESIS meldet Code {code}, liefert aber keine Daten für Tabelle {table}.", status=code)
    raise _status_error(code, content, table)


def _job_name(content: str, table: str) -> str:
    """The result name announced when a job was created ('..._123456789')."""
    names = re.findall(rf"{re.escape(table)}_\d+|[\w-]+_\d{{4,}}", content)
    if not names:
        raise FetchError(f"Der Hintergrundauftrag für Tabelle {table} wurde angelegt, sein Name fehlt in der "
                         "Antwort. Bitte später erneut versuchen.")
    return names[-1]


def _wait_for_job(base: str, name: str, headers: dict, interval: float, polls: int) -> None:
    """Poll catalogue/jobs until the job is done."""
    for _ in range(polls):
        reply = http_request(base + JOBS_PATH, {"selection": name, "searchcriterion": "code",
                                                "sortcriterion": "code", "pagelength": "10"}, headers)
        entries = _json(reply).get("List")
        entries = entries if isinstance(entries, list) else []
        states = [str(e.get("State", "")).strip().lower() for e in entries
                  if isinstance(e, dict) and name in str(e.get("Content", e))]
        if any(s in JOB_DONE_STATES for s in states):
            return
        time.sleep(interval)
    raise FetchError(f"Der Hintergrundauftrag {name} ist nach {polls} Abfragen nicht fertig. Bitte später mit "
                     "demselben Aufruf erneut versuchen.")


def _tablefile_form(table: str, regions: list[str], year_from: int, year_to: int, job: bool) -> dict:
    return {
        "name": table, "area": "all", "compress": "false", "transpose": "false",
        "startyear": str(year_from), "endyear": str(year_to),
        "regionalvariable": region_variable(regions), "regionalkey": ",".join(regions),
        "format": "ffcsv", "job": "true" if job else "false", "stand": "", "language": "de",
    }


def _fetch_tablefile(base: str, table: str, regions: list[str], year_from: int, year_to: int,
                     headers: dict, poll_interval: float, polls: int, messages: list[str]) -> bytes:
    """POST tablefile; a table too large for a direct answer is rerun as a job and polled."""
    reply = http_request(base + TABLEFILE_PATH, _tablefile_form(table, regions, year_from, year_to, False), headers)
    status = _status(reply) if reply.status < 400 else None
    if status and status[0] == STATUS_TOO_LARGE:
        messages.append(f"Tabelle {table} ist zu groß für eine direkte Antwort (Code 98); sie wird als "
                        "Hintergrundauftrag erstellt.")
        reply = http_request(base + TABLEFILE_PATH, _tablefile_form(table, regions, year_from, year_to, True),
                             headers)
        status = _status(reply) if reply.status < 400 else None
        if status is None or status[0] not in (STATUS_JOB_CREATED, *STATUS_OK):
            return _payload(reply, table)
        name = _job_name(status[1], table)
        _wait_for_job(base, name, headers, poll_interval, polls)
        reply = http_request(base + RESULTFILE_PATH, {"name": name, "area": "all", "compress": "false",
                                                      "format": "ffcsv", "language": "de"}, headers)
    return _payload(reply, table)


def _anonymous_download(base: str, table: str) -> bytes:
    """The classic table CSV from the anonymous downloader (all regions and years)."""
    url = base + DOWNLOADER_PATH.format(table=urllib.parse.quote(table))
    reply = http_request(url)
    if reply.status == 404:
        raise FetchError(f"Tabelle {table} gibt es auch im anonymen Download nicht (HTTP 404).", EXIT_INPUT, 404)
    if reply.status >= 400:
        raise FetchError(f"Der anonyme Download von Tabelle {table} scheitert (HTTP {reply.status}).",
                         status=reply.status)
    return reply.body


def _default_out(table: str, year_from: int, year_to: int, suffix: str) -> Path:
    return store_dir() / "downloads" / f"{table}_{year_from}-{year_to}{suffix}"


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def _filter_result(result: GenesisResult, regions: list[str], year_from: int, year_to: int) -> GenesisResult:
    """Keep the requested regions and years (the anonymous download holds every region and year)."""
    ids = {f"ags_{r.lower()}" for r in regions}
    in_years = lambda df: df["year"].between(year_from, year_to)  # noqa: E731
    result.tidy = result.tidy[result.tidy["ags"].isin(regions) & in_years(result.tidy)].reset_index(drop=True)
    result.counts = result.counts[result.counts["area_id"].isin(ids) & in_years(result.counts)].reset_index(drop=True)
    result.rates = result.rates[result.rates["area_id"].isin(ids) & in_years(result.rates)].reset_index(drop=True)
    return result


@_with_deadline
def fetch_genesis(table: str, regions, year_from: int, year_to: int, database: str = "regionalstatistik",
                  base_url: str | None = None, out=None, poll_interval: float = JOB_POLL_INTERVAL_S,
                  polls: int = JOB_POLLS) -> FetchResult:
    """Fetch a GENESIS table as ffcsv (REST 2020), falling back to the anonymous table CSV where refused."""
    regions = [r.strip() for r in (regions.split(",") if isinstance(regions, str) else regions) if r.strip()]
    if database not in GENESIS_BASE_URLS and not base_url:
        raise FetchError(f"Unbekannte Datenbank '{database}'. Erlaubt: {', '.join(GENESIS_BASE_URLS)}.", EXIT_INPUT)
    if not regions or year_from > year_to or not re.match(r"^[\w-]+$", table):
        raise FetchError("Bitte Tabelle, Regionalschlüssel und Jahre prüfen (--from darf nicht nach --to liegen).",
                         EXIT_INPUT)
    region_variable(regions)
    base = (base_url or GENESIS_BASE_URLS[database]).rstrip("/")
    result = FetchResult()
    headers = credentials_headers()
    if not headers:
        result.messages.append(f"{ENV_USERNAME}/{ENV_PASSWORD} nicht gesetzt; Abruf ohne Anmeldung.")
    try:
        data = _fetch_tablefile(base, table, regions, year_from, year_to, headers, poll_interval, polls,
                                result.messages)
        suffix = "_ffcsv.csv"
    except FetchError as exc:
        if exc.status not in (401, STATUS_NOT_PERMITTED):
            raise
        result.messages.append(exc.message + " Es wird der anonyme Tabellen-Download versucht.")
        data = _anonymous_download(base, table)
        result.fallback_used = True
        suffix = ".csv"
    result.source_meta = {
        "title": f"GENESIS-Tabelle {table} ({urllib.parse.urlsplit(base).netloc})",
        "publisher": GENESIS_PUBLISHER, "licence": GENESIS_LICENCE, "url": base,
        "reference_date": time.strftime("%Y-%m-%d"),
    }
    path = _write(Path(out) if out else _default_out(table, year_from, year_to, suffix), data)
    result.paths.append(path)
    parsed = parse_untrusted(readers.read_fetched_genesis, path, table, filename=path.name)
    result.results.append(_filter_result(parsed, regions, year_from, year_to) if result.fallback_used else parsed)
    return result


# --------------------------------------------------------------------------- CKAN

def _safe_name(name: str, fallback: str) -> str:
    clean = re.sub(r"[^\w.\-]+", "_", name).strip("._")
    return clean or fallback


@_with_deadline
def fetch_ckan(dataset: str, portal: str = CKAN_DEFAULT_PORTAL, out_dir=None,
               max_bytes: int | None = None) -> FetchResult:
    """Download every resource of a CKAN dataset (package_show); files over max_bytes are skipped."""
    if not re.match(r"^[\w-]+$", dataset):
        raise FetchError(f"Ungültiger Datensatzname '{dataset}' (erlaubt: Buchstaben, Ziffern, - und _).", EXIT_INPUT)
    url = portal.rstrip("/") + CKAN_PACKAGE_SHOW + "?" + urllib.parse.urlencode({"id": dataset})
    reply = http_request(url)
    payload = _json(reply)
    if reply.status == 404 or payload.get("success") is False:
        raise FetchError(f"Datensatz '{dataset}' gibt es auf {portal} nicht.", EXIT_INPUT, reply.status)
    if reply.status >= 400 or not isinstance(payload.get("result"), dict):
        raise FetchError(f"Das Portal {portal} antwortet nicht wie erwartet (HTTP {reply.status}).",
                         status=reply.status)
    target = Path(out_dir) if out_dir else store_dir() / "downloads" / dataset
    result = FetchResult()
    package = payload["result"]
    licence = package.get("license_title") or package.get("license_id") or ""
    result.source_meta = {"title": str(package.get("title") or dataset), "licence": licence,
                          "publisher": str((package.get("organization") or {}).get("title", "")),
                          "url": f"{portal.rstrip('/')}/dataset/{dataset}"}
    result.messages.append(f"Datensatz '{package.get('title', dataset)}', Lizenz: "
                           f"{package.get('license_title') or package.get('license_id') or 'nicht angegeben'}.")
    for i, resource in enumerate(package.get("resources", [])):
        res_url = resource.get("url", "")
        if not res_url.startswith(("http://", "https://")):
            result.messages.append(f"Ressource '{resource.get('name', i)}' ohne herunterladbare Adresse übersprungen.")
            continue
        base_name = Path(urllib.parse.urlsplit(res_url).path).name
        fname = _safe_name(base_name or resource.get("name", ""), f"resource_{i}")
        try:
            res = http_request(res_url, max_bytes=max_bytes)
        except FetchError as exc:
            if exc.exit_code != EXIT_INPUT:
                raise
            result.messages.append(exc.message)
            continue
        if res.status >= 400:
            result.messages.append(f"Ressource {fname}: HTTP {res.status}, übersprungen.")
            continue
        result.paths.append(_write(target / fname, res.body))
    return result


__all__ = ["fetch_genesis", "fetch_ckan", "FetchError", "FetchResult", "http_request",
           "GENESIS_BASE_URLS", "CKAN_DEFAULT_PORTAL"]
