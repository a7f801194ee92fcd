"""Sign-in end to end: a real OpenID Connect provider (oidc-provider-mock) and the dashboard on 127.0.0.1,
driven by Chromium through Playwright."""

from __future__ import annotations

import os
import threading
from urllib.parse import urlparse

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, LOCAL_SCHEMES, wait_until_idle

from indicators import store
from indicators.paths import DATA_DIR_ENV
from indicators.store import audit
from ui import auth, server
from ui.i18n import t
from ui.state import EDITOR_PAGES, PAGES

EDITOR = {"sub": "chefin", "email": "chefin@bochum.de", "name": "Anna Chefin"}
GROUP_EDITOR = {"sub": "gruppe", "email": "gruppe@bochum.de", "name": "Gerd Gruppe", "groups": ["qm-redaktion"]}
VIEWER = {"sub": "leser", "email": "leser@bochum.de", "name": "Lars Leser", "groups": ["alle"]}
CSV = "Ortsteil;Jahr;Merkmal;Wert\nHamme;2022;arbeitslose;1.234\nHamme;2022;einwohner;9.000\n"
IMPORT_TITLE = t("page_import")


@pytest.fixture(scope="module")
def provider():
    """oidc-provider-mock on a free loopback port, in a thread of the test process."""
    import werkzeug.serving
    from oidc_provider_mock import User, app

    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on loopback
    users = [User(sub=u["sub"], claims={k: v for k, v in u.items() if k != "sub"})
             for u in (EDITOR, GROUP_EDITOR, VIEWER)]
    httpd = werkzeug.serving.make_server(server.HOST, 0, app(user_claims=users), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://{server.HOST}:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(5)


def _secrets(port: int, provider: str, **overrides) -> str:
    values = {"redirect_uri": f"http://{server.HOST}:{port}/oauth2callback", "cookie_secret": os.urandom(24).hex(),
              "client_id": "quartiersmonitor", "client_secret": "test-secret",
              "server_metadata_url": f"{provider}/.well-known/openid-configuration", **overrides}
    lines = ["[auth]"] + [f'{k} = "{v}"' for k, v in values.items() if v is not None]
    lines += ["", "[quartiersmonitor]", 'editors = ["Chefin@Bochum.de"]', 'editor_groups = ["qm-redaktion"]',
              'groups_claim = "groups"']
    return "\n".join(lines) + "\n"


def _app(tmp_path, name: str, secrets: str | None, port: int | None = None):
    port = port or server.free_port()
    folder = tmp_path / name
    folder.mkdir()
    secrets_file = folder / "secrets.toml"
    if secrets is not None:
        secrets_file.write_text(secrets, encoding="utf-8")
    data_dir = folder / "store"
    process = server.start(port, env={DATA_DIR_ENV: str(data_dir)}, secrets_file=secrets_file)
    return port, process, data_dir


@pytest.fixture(scope="module")
def signin_app(provider, tmp_path_factory):
    port = server.free_port()
    tmp = tmp_path_factory.mktemp("signin")
    port, process, data_dir = _app(tmp, "app", _secrets(port, provider), port)
    try:
        server.wait_healthy(port, timeout=90)
        yield f"http://{server.HOST}:{port}", data_dir
    finally:
        server.stop(process)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _context(browser, outside: list, **kwargs):
    """A fresh browser profile; anything outside loopback (the mock's CDN stylesheet) is blocked and noted."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, **kwargs)

    def route(r):
        parsed = urlparse(r.request.url)
        if parsed.scheme in LOCAL_SCHEMES or parsed.hostname in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context


def _nav_titles(page) -> list[str]:
    """The page titles in the sidebar navigation (without their emoji icons)."""
    return [text.strip().splitlines()[-1] for text in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]


def _sign_in(page, base: str, sub: str) -> None:
    page.goto(base)
    page.get_by_text("Nicht angemeldet – nur Ansicht.").wait_for(timeout=90_000)
    press(page.locator("[data-testid='stSidebar'] button", has_text="Anmelden"))
    page.wait_for_url("**/oauth2/authorize**", timeout=90_000)
    press(page.locator(f"button[name='sub'][value='{sub}']"))  # the provider's sign-in form
    page.wait_for_url(f"{base}/**", timeout=90_000)
    wait_until_idle(page)
    page.get_by_text("Angemeldet:").first.wait_for(timeout=90_000)


def press(locator) -> None:
    """Click through a DOM event: on a loaded machine Playwright's click waited for animation frames
    (scrolling into view) for over a minute, a dispatched click does not."""
    locator.wait_for(state="attached", timeout=180_000)
    locator.dispatch_event("click")


def _no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()


def test_editor_signs_in_imports_and_signs_out(signin_app, browser):
    base, data_dir = signin_app
    outside = []
    context = _context(browser, outside)
    page = context.new_page()
    page.goto(base)
    page.get_by_text("Nicht angemeldet – nur Ansicht.").wait_for(timeout=90_000)
    assert IMPORT_TITLE not in _nav_titles(page)
    _sign_in(page, base, EDITOR["sub"])
    sidebar = page.locator("[data-testid='stSidebar']")
    assert "Angemeldet: Anna Chefin (Redaktion)" in sidebar.inner_text()
    assert IMPORT_TITLE in _nav_titles(page)
    press(page.locator("[data-testid='stSidebarNav'] a", has_text=IMPORT_TITLE))
    page.wait_for_url("**/importieren**")
    wait_until_idle(page)
    page.locator("input[type='file']").set_input_files(
        files=[{"name": "zaehlung.csv", "mimeType": "text/csv", "buffer": CSV.encode("utf-8")}])
    wait_until_idle(page)
    page.get_by_label("Titel *").fill("Sozialdaten 2022")
    press(page.get_by_role("button", name="Importieren"))
    page.get_by_text("„zaehlung.csv“ importiert").wait_for(timeout=90_000)
    _no_exception(page)
    assert store.list_versions(data_dir)[-1]["version"] == "0001"
    entry = audit.read(data_dir)[-1]
    assert (entry["user"], entry["action"], entry["file"], entry["version"], entry["outcome"]) == (
        "chefin@bochum.de", "import", "zaehlung.csv", "0001", "ok")

    press(page.locator("[data-testid='stSidebar'] button", has_text="Abmelden"))
    page.wait_for_url("**/oauth2/end_session**", timeout=90_000)  # the provider ends its session too
    press(page.get_by_role("button", name="End session"))
    page.wait_for_url(f"{base}/**", timeout=90_000)
    wait_until_idle(page)
    page.get_by_text("Nicht angemeldet – nur Ansicht.").wait_for(timeout=90_000)
    assert IMPORT_TITLE not in _nav_titles(page)
    page.goto(f"{base}/importieren")
    wait_until_idle(page)
    page.get_by_text("Zum Importieren oder Zurücksetzen bitte anmelden").first.wait_for(timeout=90_000)
    assert page.locator("input[type='file']").count() == 0
    assert {urlparse(u).hostname for u in outside} <= {"cdn.jsdelivr.net"}  # only the mock's own stylesheet
    context.close()


def test_group_member_is_an_editor(signin_app, browser):
    base, _data_dir = signin_app
    context = _context(browser, [])
    page = context.new_page()
    _sign_in(page, base, GROUP_EDITOR["sub"])
    assert "Angemeldet: Gerd Gruppe (Redaktion)" in page.locator("[data-testid='stSidebar']").inner_text()
    assert IMPORT_TITLE in _nav_titles(page)
    context.close()


def test_viewer_signs_in_and_cannot_reach_the_import(signin_app, browser):
    base, data_dir = signin_app
    before = store.store_fingerprint(data_dir)
    context = _context(browser, [])
    page = context.new_page()
    _sign_in(page, base, VIEWER["sub"])
    assert "Angemeldet: Lars Leser (nur Ansicht)" in page.locator("[data-testid='stSidebar']").inner_text()
    titles = _nav_titles(page)
    assert IMPORT_TITLE not in titles and len(titles) == len(PAGES) - len(EDITOR_PAGES)
    page.goto(f"{base}/importieren")  # the direct URL
    wait_until_idle(page)
    page.get_by_text("Sie sind als Lars Leser angemeldet und dürfen alles ansehen.").first.wait_for(timeout=90_000)
    assert page.locator("input[type='file']").count() == 0
    assert page.get_by_role("button", name="Zurücksetzen").count() == 0
    _no_exception(page)
    assert store.store_fingerprint(data_dir) == before
    context.close()


def test_wrong_auth_configuration_gives_a_german_message(provider, browser, tmp_path):
    port = server.free_port()
    port, process, _data_dir = _app(tmp_path, "broken", _secrets(port, provider, client_secret=None), port)
    try:
        server.wait_healthy(port, timeout=90)
        context = _context(browser, [])
        page = context.new_page()
        page.goto(f"http://{server.HOST}:{port}/importieren")
        wait_until_idle(page)
        page.get_by_text("Die Anmeldung ist falsch eingerichtet: In [auth] fehlt „client_secret“.").first.wait_for(
            timeout=90_000)
        assert page.get_by_role("button", name="Anmelden").count() == 0
        assert page.locator("input[type='file']").count() == 0
        _no_exception(page)
        context.close()
    finally:
        server.stop(process)


def test_without_auth_loopback_is_local_but_a_proxy_header_is_network(browser, tmp_path):
    port, process, data_dir = _app(tmp_path, "plain", None)  # the secrets file does not exist: no [auth]
    try:
        server.wait_healthy(port, timeout=90)
        base = f"http://{server.HOST}:{port}"
        context = _context(browser, [])
        page = context.new_page()
        page.goto(f"{base}/importieren")
        wait_until_idle(page)
        page.get_by_text(auth.TEXT["local"]["de"]).wait_for(timeout=90_000)
        page.locator("input[type='file']").wait_for(state="attached", timeout=90_000)  # the main area may come later
        assert page.locator("input[type='file']").count() == 1
        context.close()

        proxied = _context(browser, [], extra_http_headers={"X-Forwarded-For": "10.20.30.40"})
        page = proxied.new_page()
        page.goto(f"{base}/importieren")
        wait_until_idle(page)
        page.get_by_text("Import und Zurücksetzen sind ausgeschaltet").first.wait_for(timeout=90_000)
        assert page.locator("input[type='file']").count() == 0
        assert IMPORT_TITLE not in _nav_titles(page)
        _no_exception(page)
        proxied.close()
        assert not data_dir.exists()
    finally:
        server.stop(process)
