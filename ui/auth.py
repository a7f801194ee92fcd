"""Who may change the data: viewer or editor, from sign-in (OpenID Connect), server address and headers.

The decision is made by small pure functions (``decide_access`` and its helpers) that tests call
directly; the Streamlit side (``current_access``, ``sidebar_panel``, ``may_change``) only gathers
their inputs: ``st.secrets`` (``[auth]`` for Streamlit's built-in sign-in, ``[quartiersmonitor]``
for the editors), ``st.user``, ``st.context.headers``, ``st.context.ip_address``, the server
address and the environment.

Without ``[auth]`` the single local user is an editor only when nothing suggests a network: the
server listens on loopback, the request carries no proxy header and QUARTIERSMONITOR_NETWORK is
not set. Anything else is read-only unless QUARTIERSMONITOR_ALLOW_ANONYMOUS_EDIT=1.
"""

from __future__ import annotations

import ipaddress
import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit import config as st_config  # read at call time (tests patch config.get_option)

from indicators.paths import store_dir
from indicators.store import audit

ENV_ALLOW_ANONYMOUS_EDIT = "QUARTIERSMONITOR_ALLOW_ANONYMOUS_EDIT"
ENV_NETWORK = "QUARTIERSMONITOR_NETWORK"
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
CONFIG_SECTION = "quartiersmonitor"      # editors = [...], editor_groups = [...], groups_claim = "groups"
DEFAULT_GROUPS_CLAIM = "groups"
AUTH_KEYS = ("redirect_uri", "cookie_secret")                       # directly in [auth]
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")  # in [auth] or [auth.<name>]
REDIRECT_PATH = "/oauth2callback"
MIN_COOKIE_SECRET_CHARS = 16
METADATA_TIMEOUT_S = 3.0
METADATA_TTL_S = 60

ROLE_EDITOR, ROLE_VIEWER = "editor", "viewer"
MODE_SIGNED_IN = "signed_in"             # [auth] configured, signed in
MODE_SIGNED_OUT = "signed_out"           # [auth] configured, not signed in
MODE_AUTH_BROKEN = "auth_broken"         # [auth] present but unusable
MODE_LOCAL = "local"                     # no [auth], loopback only: the local user
MODE_ANONYMOUS_EDIT = "anonymous_edit"   # no [auth], network, explicitly writable
MODE_NETWORK = "network"                 # no [auth], network: read-only
ANONYMOUS_USER = "anonym"

HOW_TO_SIGN_IN = ("Die Anmeldung wird in .streamlit/secrets.toml eingerichtet (Abschnitt [auth] für den "
                  "Anmeldedienst der Stadt, Abschnitt [quartiersmonitor] für die Redakteur*innen); siehe "
                  "README, Abschnitt „Betrieb im Netz“.")
TEXT = {
    "network": {"de": "Import und Zurücksetzen sind ausgeschaltet: Das Dashboard ist im Netz erreichbar, und es ist "
                      "keine Anmeldung eingerichtet. " + HOW_TO_SIGN_IN,
                "en": "Import and reset are switched off: the dashboard is reachable over the network and no sign-in "
                      "is configured. Configure sign-in in .streamlit/secrets.toml ([auth] and [quartiersmonitor]); "
                      "see the README, section „Betrieb im Netz“."},
    "signed_out": {"de": "Zum Importieren oder Zurücksetzen bitte anmelden („Anmelden“ in der Seitenleiste). "
                         "Ansehen geht ohne Anmeldung.",
                   "en": "Please sign in to import or reset (“Sign in” in the sidebar). Viewing needs no sign-in."},
    "not_editor": {"de": "Sie sind als {name} angemeldet und dürfen alles ansehen. Importieren und Zurücksetzen "
                         "dürfen nur die in der Konfiguration genannten Redakteur*innen (E-Mail-Adresse oder Gruppe); "
                         "bitte an die Statistikstelle wenden.",
                   "en": "You are signed in as {name} and may view everything. Only the editors named in the "
                         "configuration (e-mail address or group) may import or reset; please ask the statistics "
                         "office."},
    "auth_broken": {"de": "Die Anmeldung ist falsch eingerichtet: {problem} Bis das behoben ist, kann niemand Daten "
                          "importieren oder zurücksetzen. " + HOW_TO_SIGN_IN,
                    "en": "Sign-in is misconfigured: {problem} Until this is fixed nobody can import or reset data. "
                          "See the README, section „Betrieb im Netz“."},
    "sign_in": {"de": "Anmelden", "en": "Sign in"},
    "sign_out": {"de": "Abmelden", "en": "Sign out"},
    "signed_in_as": {"de": "Angemeldet: **{name}** ({role})", "en": "Signed in: **{name}** ({role})"},
    "not_signed_in": {"de": "Nicht angemeldet – nur Ansicht.", "en": "Not signed in – view only."},
    "local": {"de": "Lokaler Modus: nur auf diesem Rechner erreichbar; Sie dürfen Daten importieren.",
              "en": "Local mode: reachable on this computer only; you may import data."},
    "anonymous_edit": {"de": "Achtung: Ohne Anmeldung darf jede Person im Netz Daten importieren und zurücksetzen "
                             f"({ENV_ALLOW_ANONYMOUS_EDIT}=1).",
                       "en": "Warning: without sign-in anybody on the network may import and reset data "
                             f"({ENV_ALLOW_ANONYMOUS_EDIT}=1)."},
    "network_short": {"de": "Nur Ansicht: keine Anmeldung eingerichtet.", "en": "View only: no sign-in configured."},
    "editor": {"de": "Redaktion", "en": "editor"},
    "viewer": {"de": "nur Ansicht", "en": "view only"},
    "refused": {"de": "Nicht ausgeführt: {reason} Der Datenbestand ist unverändert.",
                "en": "Not done: {reason} The data are unchanged."},
}


@dataclass(frozen=True)
class EditorConfig:
    """Who is an editor: e-mail addresses and groups (compared case-insensitively), and the groups claim."""

    editors: frozenset = frozenset()
    editor_groups: frozenset = frozenset()
    groups_claim: str = DEFAULT_GROUPS_CLAIM


@dataclass(frozen=True)
class Access:
    """The decision for one request: role, how it was reached, the audit name, and why not (German)."""

    role: str
    mode: str
    user: str = ""        # for the audit log: e-mail, 'lokal:<os user>', 'anonym' ('' when not signed in)
    name: str = ""        # shown in the sidebar
    reason: str = ""      # German explanation for a viewer ('' for an editor)
    problem: str = ""     # what is wrong with [auth] (MODE_AUTH_BROKEN)

    @property
    def can_edit(self) -> bool:
        return self.role == ROLE_EDITOR

    def reason_in(self, lang: str) -> str:
        """The explanation in the page's language (German is the reference)."""
        key = {MODE_NETWORK: "network", MODE_SIGNED_OUT: "signed_out", MODE_SIGNED_IN: "not_editor",
               MODE_AUTH_BROKEN: "auth_broken"}.get(self.mode)
        if self.can_edit or key is None:
            return ""
        return TEXT[key].get(lang, TEXT[key]["de"]).format(name=self.name, problem=self.problem)


# --------------------------------------------------------------------------- pure decisions

def _strings(value) -> frozenset:
    """A list (or one string) of names from the configuration, lower-cased and stripped."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    return frozenset(str(v).strip().lower() for v in value if str(v).strip())


def editor_config(section: Mapping | None) -> EditorConfig:
    """The [quartiersmonitor] section of the secrets as an EditorConfig."""
    section = section or {}
    return EditorConfig(_strings(section.get("editors")), _strings(section.get("editor_groups")),
                        str(section.get("groups_claim") or DEFAULT_GROUPS_CLAIM))


def provider_name(auth: Mapping) -> str | None:
    """None for a provider configured directly in [auth]; the name of the only [auth.<name>] otherwise."""
    if any(k in auth for k in PROVIDER_KEYS):
        return None
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    return named[0] if len(named) == 1 else None


def auth_problems(auth: Mapping) -> list[str]:
    """What is missing or wrong in a present [auth] section, as German sentences (empty when usable)."""
    problems = [f"In [auth] fehlt „{key}“." for key in AUTH_KEYS if not str(auth.get(key) or "").strip()]
    redirect = str(auth.get("redirect_uri") or "")
    if redirect and not redirect.rstrip("/").endswith(REDIRECT_PATH):
        problems.append(f"„redirect_uri“ muss auf {REDIRECT_PATH} enden (z. B. http://HOST:PORT{REDIRECT_PATH}), "
                        f"ist aber „{redirect}“.")
    secret = str(auth.get("cookie_secret") or "")
    if secret and len(secret) < MIN_COOKIE_SECRET_CHARS:
        problems.append(f"„cookie_secret“ ist zu kurz (mindestens {MIN_COOKIE_SECRET_CHARS} zufällige Zeichen).")
    name = provider_name(auth)
    provider = auth.get(name, {}) if name else auth
    where = f"[auth.{name}]" if name else "[auth]"
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    if name is None and len(named) > 1:
        problems.append(f"Mehrere Anmeldedienste ({', '.join(named)}) sind eingerichtet; das Dashboard unterstützt "
                        "genau einen.")
    else:
        problems += [f"In {where} fehlt „{key}“." for key in PROVIDER_KEYS if not str(provider.get(key) or "").strip()]
    return problems


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'; False for '', 0.0.0.0 and every other address."""
    if not address:
        return False  # Streamlit listens on every interface when no address is set
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def has_proxy_headers(headers: Mapping | None) -> bool:
    """True when the request came through a reverse proxy (X-Forwarded-For, Forwarded, X-Real-IP)."""
    names = {str(k).lower() for k in (headers or {})}
    return any(h in names for h in PROXY_HEADERS)


def is_local_request(server_address: str | None, headers: Mapping | None, env: Mapping,
                     remote_ip: str | None = None) -> bool:
    """Local mode applies: loopback server, no proxy header, no QUARTIERSMONITOR_NETWORK, loopback client."""
    if env.get(ENV_NETWORK, "").strip() not in ("", "0"):
        return False
    if remote_ip and not is_loopback(remote_ip):  # st.context.ip_address is None for a loopback client
        return False
    return is_loopback(server_address) and not has_proxy_headers(headers)


def user_groups(user: Mapping, claim: str) -> frozenset:
    """The groups in the user's claim (a list, or one string), lower-cased."""
    return _strings(user.get(claim))


def is_editor(user: Mapping, config: EditorConfig) -> bool:
    """Named by e-mail, or a member of an editor group."""
    email = str(user.get("email") or "").strip().lower()
    return bool(email and email in config.editors) or bool(user_groups(user, config.groups_claim)
                                                           & config.editor_groups)


def decide_access(*, auth: Mapping | None, auth_problem: str | None, user: Mapping, config: EditorConfig,
                  server_address: str | None, headers: Mapping | None, env: Mapping, remote_ip: str | None = None,
                  local_user: str | None = None) -> Access:
    """The role of one request. ``auth``: the [auth] section or None; ``auth_problem``: why it is unusable."""
    if auth or auth_problem:
        if auth_problem:
            access = Access(ROLE_VIEWER, MODE_AUTH_BROKEN, problem=auth_problem)
        elif user.get("is_logged_in"):
            email = str(user.get("email") or "").strip()
            name = str(user.get("name") or email or user.get("sub") or "")
            role = ROLE_EDITOR if is_editor(user, config) else ROLE_VIEWER
            access = Access(role, MODE_SIGNED_IN, user=email or f"sub:{user.get('sub', '')}", name=name)
        else:
            access = Access(ROLE_VIEWER, MODE_SIGNED_OUT)
    elif is_local_request(server_address, headers, env, remote_ip):
        who = local_user or audit.local_user()
        access = Access(ROLE_EDITOR, MODE_LOCAL, user=who, name=who)
    elif env.get(ENV_ALLOW_ANONYMOUS_EDIT, "").strip() == "1":
        access = Access(ROLE_EDITOR, MODE_ANONYMOUS_EDIT, user=ANONYMOUS_USER, name=ANONYMOUS_USER)
    else:
        access = Access(ROLE_VIEWER, MODE_NETWORK)
    return Access(access.role, access.mode, access.user, access.name, access.reason_in("de"), access.problem)


# --------------------------------------------------------------------------- Streamlit side

def _secrets() -> tuple[Mapping | None, Mapping | None, str | None]:
    """([auth], [quartiersmonitor], problem) from st.secrets; a secrets file that does not parse is a problem."""
    if not st.secrets.load_if_toml_exists():
        unreadable = [p for p in st_config.get_option("secrets.files") or [] if Path(p).is_file()]
        if unreadable:
            return None, None, (f"Die Datei {Path(unreadable[0]).name} lässt sich nicht lesen (kein gültiges TOML). "
                                "Bitte Anführungszeichen und Klammern prüfen.")
        return None, None, None
    auth = st.secrets.get("auth")
    config = st.secrets.get(CONFIG_SECTION)
    return (dict(auth) if isinstance(auth, Mapping) and auth else None,
            dict(config) if isinstance(config, Mapping) else None, None)


@st.cache_data(ttl=METADATA_TTL_S, show_spinner=False)
def metadata_problem(url: str) -> str | None:
    """Why the provider's discovery document cannot be used (German), or None; cached for a minute."""
    try:
        with urllib.request.urlopen(url, timeout=METADATA_TIMEOUT_S) as reply:  # noqa: S310 - configured URL
            metadata = json.loads(reply.read(1024 * 1024))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return (f"Der Anmeldedienst unter „{url}“ ist nicht erreichbar oder antwortet nicht mit einer "
                f"OpenID-Konfiguration ({type(exc).__name__}: {str(reason)[:120]}). Bitte „server_metadata_url“ "
                "prüfen.")
    missing = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if k not in metadata]
    if missing:
        return f"Die OpenID-Konfiguration unter „{url}“ ist unvollständig (es fehlt: {', '.join(missing)})."
    return None


def _auth_problem(auth: Mapping | None, file_problem: str | None) -> str | None:
    if file_problem:
        return file_problem
    if not auth:
        return None
    problems = auth_problems(auth)
    if not problems:
        name = provider_name(auth)
        problems = [p for p in [metadata_problem(str((auth.get(name) if name else auth)["server_metadata_url"]))] if p]
    return " ".join(problems) or None


def _headers() -> dict:
    try:
        return dict(st.context.headers or {})
    except Exception:  # noqa: BLE001 - no session client (AppTest): no headers
        return {}


def _remote_ip() -> str | None:
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001
        return None
    return address if isinstance(address, str) else None  # AppTest has a mock client here


def current_access() -> Access:
    """The role of the running session, decided afresh on every call (sign-out takes effect at once)."""
    auth, config, file_problem = _secrets()
    try:
        user = st.user.to_dict()
    except Exception:  # noqa: BLE001 - st.user needs a script run context
        user = {}
    return decide_access(auth=auth, auth_problem=_auth_problem(auth, file_problem), user=user,
                         config=editor_config(config), server_address=st_config.get_option("server.address"),
                         headers=_headers(), env=os.environ, remote_ip=_remote_ip())


def sidebar_panel(access: Access, lang: str) -> None:
    """Who is signed in (or which mode applies), and the Anmelden / Abmelden button."""
    text = {k: v.get(lang, v["de"]) for k, v in TEXT.items()}
    with st.sidebar:
        if access.mode == MODE_SIGNED_IN:
            st.markdown(text["signed_in_as"].format(name=access.name.replace("*", "\\*"),
                                                    role=text[access.role]))
            if st.button(text["sign_out"], key="auth_logout", icon="🔓"):
                st.logout()
        elif access.mode == MODE_SIGNED_OUT:
            st.caption(text["not_signed_in"])
            if st.button(text["sign_in"], key="auth_login", icon="🔑", type="primary"):
                auth, _, _ = _secrets()
                st.login(provider_name(auth or {}) or "default")
        elif access.mode == MODE_AUTH_BROKEN:
            st.warning(access.reason_in(lang))
        elif access.mode == MODE_LOCAL:
            st.caption(text["local"])
        elif access.mode == MODE_ANONYMOUS_EDIT:
            st.error(text["anonymous_edit"])  # Streamlit's error colours: dark red text on pale red, AA contrast
        else:
            st.caption(text["network_short"])


def refusal(access: Access, lang: str) -> str:
    """The German (or English) message shown when a viewer tries to change the data."""
    return TEXT["refused"].get(lang, TEXT["refused"]["de"]).format(reason=access.reason_in(lang))


def may_change(action: str, lang: str, *, file: str | None = None, content: bytes | None = None,
               version: str | None = None) -> tuple[bool, Access, str]:
    """Server-side check before an import or a reset: (allowed, access, refusal message).

    A refused attempt is written to the audit log, so a crafted request leaves a trace.
    """
    access = current_access()
    if access.can_edit:
        return True, access, ""
    sha256, size = audit.file_digest(content) if content is not None else (None, None)
    audit.append(store_dir(), audit.make_entry(user=access.user or ANONYMOUS_USER, action=action,
                                               outcome=audit.OUTCOME_REFUSED, file=file, sha256=sha256, size=size,
                                               version=version, error=access.reason))
    return False, access, refusal(access, lang)
