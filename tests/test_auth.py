"""Who may change the data: the pure role decision, and the import page's defaults in AppTest."""

from __future__ import annotations

import getpass
import hashlib
import tomllib

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from indicators import limits, store
from indicators.paths import DATA_DIR_ENV, PROJECT_DIR
from indicators.store import audit
from indicators.store.importflow import md_escape
from ui import auth

DASHBOARD = str(PROJECT_DIR / "dashboard.py")
PAGE = "pages/importieren.py"
TIMEOUT = 90
LOCAL = f"lokal:{getpass.getuser()}"
GOOD = b"Ortsteil;Jahr;Merkmal;Wert\nHamme;2022;arbeitslose;1.234\nHamme;2022;einwohner;9.000\n"
CONFIG = auth.EditorConfig(frozenset({"chefin@bochum.de"}), frozenset({"qm-redaktion"}), "groups")
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "qm", "client_secret": "geheim", "server_metadata_url": "http://127.0.0.1:9/.well-known/x"}
NETWORK_MESSAGE = auth.TEXT["network"]["de"]


def decide(**kwargs) -> auth.Access:
    args = {"auth": None, "auth_problem": None, "user": {}, "config": CONFIG, "server_address": "127.0.0.1",
            "headers": {}, "env": {}, "remote_ip": None, "local_user": "lokal:ich"}
    return auth.decide_access(**{**args, **kwargs})


# --------------------------------------------------------------------------- pure decisions

def test_loopback_without_auth_is_the_local_editor():
    access = decide()
    assert (access.role, access.mode, access.user, access.reason) == ("editor", "local", "lokal:ich", "")
    assert decide(server_address="localhost").can_edit and decide(server_address="::1").can_edit


@pytest.mark.parametrize("address", ["0.0.0.0", "", None, "192.168.1.20", "::", "bochum.intranet"])
def test_any_other_address_without_auth_is_read_only_with_a_german_reason(address):
    access = decide(server_address=address)
    assert (access.role, access.mode, access.user) == ("viewer", "network", "")
    assert access.reason == NETWORK_MESSAGE
    assert "secrets.toml" in access.reason and "Betrieb im Netz" in access.reason


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP", "x-forwarded-for"])
def test_a_proxy_header_on_loopback_counts_as_network(header):
    assert decide(headers={"Host": "127.0.0.1", header: "10.0.0.7"}).mode == "network"


def test_network_environment_or_a_remote_client_disables_local_mode():
    assert decide(env={"QUARTIERSMONITOR_NETWORK": "1"}).mode == "network"
    assert decide(env={"QUARTIERSMONITOR_NETWORK": "0"}).mode == "local"
    assert decide(remote_ip="10.1.2.3").mode == "network"
    assert decide(remote_ip="127.0.0.1").mode == "local"


def test_only_the_explicit_variable_makes_an_anonymous_network_writable():
    for value in ("true", "yes", "2", ""):
        assert not decide(server_address="0.0.0.0", env={"QUARTIERSMONITOR_ALLOW_ANONYMOUS_EDIT": value}).can_edit
    access = decide(server_address="0.0.0.0", env={"QUARTIERSMONITOR_ALLOW_ANONYMOUS_EDIT": "1"})
    assert (access.role, access.mode, access.user) == ("editor", "anonymous_edit", "anonym")


def test_signed_in_editors_by_e_mail_or_group_others_are_viewers():
    signed_in = {"is_logged_in": True, "name": "Anna Beispiel"}
    by_mail = decide(auth=AUTH, user={**signed_in, "email": "Chefin@Bochum.de"})
    assert (by_mail.role, by_mail.mode, by_mail.user, by_mail.name) == (
        "editor", "signed_in", "Chefin@Bochum.de", "Anna Beispiel")
    by_group = decide(auth=AUTH, user={**signed_in, "email": "b@bochum.de", "groups": ["alle", "QM-Redaktion"]})
    assert by_group.can_edit
    viewer = decide(auth=AUTH, user={**signed_in, "email": "b@bochum.de", "groups": "alle"})
    assert (viewer.role, viewer.user) == ("viewer", "b@bochum.de")
    assert viewer.reason.startswith("Sie sind als Anna Beispiel angemeldet und dürfen alles ansehen.")
    other_claim = auth.EditorConfig(frozenset(), frozenset({"qm-redaktion"}), "roles")
    assert decide(auth=AUTH, config=other_claim, user={**signed_in, "roles": ["qm-redaktion"]}).can_edit
    assert not decide(auth=AUTH, config=other_claim, user={**signed_in, "groups": ["qm-redaktion"]}).can_edit


def test_with_auth_configured_loopback_and_the_override_do_not_make_an_editor():
    access = decide(auth=AUTH, user={"is_logged_in": False}, env={"QUARTIERSMONITOR_ALLOW_ANONYMOUS_EDIT": "1"})
    assert (access.role, access.mode) == ("viewer", "signed_out")
    assert access.reason.startswith("Zum Importieren oder Zurücksetzen bitte anmelden")


def test_broken_auth_is_read_only_and_says_what_is_wrong():
    problems = auth.auth_problems({**AUTH, "client_secret": "", "redirect_uri": "http://h:1/callback",
                                   "cookie_secret": "kurz"})
    assert problems == [
        "„redirect_uri“ muss auf /oauth2callback enden (z. B. http://HOST:PORT/oauth2callback), ist aber "
        "„http://h:1/callback“.",
        "„cookie_secret“ ist zu kurz (mindestens 16 zufällige Zeichen).",
        "In [auth] fehlt „client_secret“."]
    assert auth.auth_problems({"cookie_secret": "y" * 20, "keycloak": {"client_id": "a"}}) == [
        "In [auth] fehlt „redirect_uri“.", "In [auth.keycloak] fehlt „client_secret“.",
        "In [auth.keycloak] fehlt „server_metadata_url“."]
    assert auth.auth_problems(AUTH) == []
    access = decide(auth=AUTH, auth_problem="In [auth] fehlt „client_id“.", user={"is_logged_in": True,
                                                                                 "email": "chefin@bochum.de"})
    assert (access.role, access.mode) == ("viewer", "auth_broken")
    assert access.reason.startswith("Die Anmeldung ist falsch eingerichtet: In [auth] fehlt „client_id“. Bis das "
                                    "behoben ist, kann niemand Daten importieren oder zurücksetzen.")


def test_editor_config_reads_lists_or_single_strings():
    assert auth.editor_config({"editors": "A@b.de", "editor_groups": ["G1", " "], "groups_claim": "roles"}) == \
        auth.EditorConfig(frozenset({"a@b.de"}), frozenset({"g1"}), "roles")
    assert auth.editor_config(None) == auth.EditorConfig()


# --------------------------------------------------------------------------- hardening in the repository

def test_upload_limit_xsrf_and_no_secret_in_the_repository():
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    largest = max(limits.MAX_TABLE_BYTES, limits.MAX_BOUNDARY_BYTES) // limits.MB
    assert config["server"]["maxUploadSize"] == largest == 200
    assert config["server"]["enableXsrfProtection"] is True
    assert "cookieSecret" not in config["server"]
    assert ".streamlit/secrets.toml" in (PROJECT_DIR / ".gitignore").read_text().splitlines()
    example = tomllib.loads((PROJECT_DIR / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    assert sorted(example) == ["auth", "quartiersmonitor"]
    assert auth.auth_problems(example["auth"]) == []  # complete, only placeholders to replace


# --------------------------------------------------------------------------- the page in AppTest

@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    monkeypatch.delenv(auth.ENV_NETWORK, raising=False)
    monkeypatch.delenv(auth.ENV_ALLOW_ANONYMOUS_EDIT, raising=False)
    return folder


def open_page(address: str = "127.0.0.1", **secrets) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.secrets.update(secrets)
    with patch_config_options({"server.address": address}):
        at.run()
        return at.switch_page(PAGE).run()


def rerun(at: AppTest, address: str = "127.0.0.1") -> AppTest:
    with patch_config_options({"server.address": address}):
        return at.run()


def sidebar_texts(at: AppTest) -> list[str]:
    return [str(e.value) for kind in ("caption", "error", "warning", "markdown") for e in getattr(at.sidebar, kind)]


def test_loopback_page_is_the_local_editors(data_dir):
    at = open_page()
    assert not at.exception
    assert len(at.file_uploader) == 1
    assert auth.TEXT["local"]["de"] in sidebar_texts(at)
    assert not at.error


@pytest.mark.parametrize("address, env", [("0.0.0.0", {}), ("127.0.0.1", {"QUARTIERSMONITOR_NETWORK": "1"})])
def test_network_page_refuses_with_german_message(data_dir, monkeypatch, address, env):
    store.import_file(GOOD, "a.csv")
    before = store.store_fingerprint()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = open_page(address)
    assert not at.exception
    assert [e.value for e in at.main.error] == [NETWORK_MESSAGE]
    assert len(at.file_uploader) == 0
    assert not [b for b in at.button if b.key in ("imp_restore", "imp_submit", "imp_restore_yes")]
    assert auth.TEXT["network_short"]["de"] in sidebar_texts(at)
    assert store.store_fingerprint() == before


def test_anonymous_edit_is_announced_in_red(data_dir, monkeypatch):
    monkeypatch.setenv(auth.ENV_ALLOW_ANONYMOUS_EDIT, "1")
    at = open_page("0.0.0.0")
    assert len(at.file_uploader) == 1
    assert [e.value for e in at.sidebar.error] == [auth.TEXT["anonymous_edit"]["de"]]


def test_crafted_import_rerun_of_a_viewer_is_refused_and_logged(data_dir, monkeypatch):
    at = open_page()
    at.file_uploader[0].set_value(("zaehlung.csv", GOOD, "text/csv"))
    at = rerun(at)
    at.text_input(key="imp_opt_title").input("Sozialdaten")
    before = store.store_fingerprint()
    # the same session's widget values arrive, but the request now comes through a proxy / the network
    monkeypatch.setenv(auth.ENV_NETWORK, "1")
    at.button(key="imp_submit").click()
    at = rerun(at)
    assert not at.exception
    assert at.main.error[0].value == md_escape(auth.TEXT["refused"]["de"].format(reason=NETWORK_MESSAGE))
    assert store.store_fingerprint() == before and store.list_versions() == []
    [entry] = audit.read(data_dir)
    assert (entry["user"], entry["action"], entry["file"], entry["sha256"], entry["size"], entry["outcome"],
            entry["error"]) == ("anonym", "import", "zaehlung.csv", hashlib.sha256(GOOD).hexdigest(), len(GOOD),
                                "refused", NETWORK_MESSAGE)


def test_crafted_restore_rerun_of_a_viewer_is_refused(data_dir, monkeypatch):
    store.import_file(GOOD, "a.csv", user="x@bochum.de")
    at = open_page()
    at.button(key="imp_restore").click()
    at = rerun(at)
    before = store.store_fingerprint()
    assert at.button(key="imp_restore_yes").label == "Ja, zurücksetzen"  # shown to the editor ...
    monkeypatch.setenv(auth.ENV_NETWORK, "1")
    at.button(key="imp_restore_yes").click()  # ... and clicked after the role is gone
    at = rerun(at)
    assert store.active_version() == "0001" and store.store_fingerprint() == before
    assert [(e["action"], e["version"], e["outcome"]) for e in audit.read(data_dir)] == [
        ("import", "0001", "ok"), ("restore", "demo", "refused")]


def test_editor_restore_and_import_are_logged_with_the_local_user(data_dir):
    store.import_file(GOOD, "a.csv", user="x@bochum.de")
    at = open_page()
    at.button(key="imp_restore").click()
    at = rerun(at)
    at.button(key="imp_restore_yes").click()
    at = rerun(at)
    assert store.active_version() == "demo"
    assert [(e["user"], e["action"], e["outcome"]) for e in audit.read(data_dir)] == [
        ("x@bochum.de", "import", "ok"), (LOCAL, "restore", "ok")]
    audit_table = next(d.value for d in at.dataframe if "Person" in d.value.columns)
    assert audit_table["Person"].tolist() == [LOCAL, "x@bochum.de"]
    versions = next(d.value for d in at.dataframe if "Erstellt von" in d.value.columns)
    assert versions["Erstellt von"].tolist() == ["x@bochum.de"]


def test_incomplete_auth_gives_a_german_message_not_a_traceback(data_dir):
    at = open_page(auth={k: v for k, v in AUTH.items() if k != "client_id"})
    assert not at.exception
    expected = ("Die Anmeldung ist falsch eingerichtet: In [auth] fehlt „client_id“. Bis das behoben ist, kann "
                "niemand Daten importieren oder zurücksetzen.")
    assert at.sidebar.warning[0].value.startswith(expected)
    assert at.main.error[0].value.startswith(expected)
    assert len(at.file_uploader) == 0


def test_unreachable_provider_gives_a_german_message(data_dir):
    auth.metadata_problem.clear()
    at = open_page(auth=AUTH)  # port 9 on loopback: nothing listens there
    assert not at.exception
    message = at.sidebar.warning[0].value
    assert message.startswith("Die Anmeldung ist falsch eingerichtet: Der Anmeldedienst unter "
                              "„http://127.0.0.1:9/.well-known/x“ ist nicht erreichbar")
    assert "Bitte „server_metadata_url“ prüfen." in message
    assert len(at.file_uploader) == 0
