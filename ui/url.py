"""The view in the URL: ids, not labels (?ind=kinderarmut&jahr=2018&ot=hamme&ot=stiepel).

Streamlit's own widget binding writes the *formatted label* into the URL, which changes with
the language and is unreadable; so the app keeps the URL itself: seed a widget's state from the
URL when the URL changed from outside (a pasted link, a page link), write it back after the run.
"""

from __future__ import annotations

import streamlit as st

WRITTEN_KEY = "_url_written"


def _raw(key: str, many: bool):
    return st.query_params.get_all(key) if many else st.query_params.get(key)


def init(key: str, default, choices, *, many: bool = False, cast=str) -> None:
    """Before the widget: its state from the URL if that changed from outside and is valid, else the default.

    The default goes into session state rather than into the widget call, so that a value from
    the URL and a default never compete (Streamlit warns when both are given).
    """
    if key not in st.session_state:
        st.session_state[key] = default
    written = st.session_state.setdefault(WRITTEN_KEY, {})
    raw = _raw(key, many)
    if not raw or raw == written.get(key):
        return
    try:
        value = [cast(v) for v in raw] if many else cast(raw)
    except (TypeError, ValueError):
        return
    valid = all(v in choices for v in value) if many else value in choices
    if valid:
        st.session_state[key] = value
        written[key] = raw


def publish(key: str, value, *, many: bool = False) -> None:
    """After the widget: write its value (as ids) to the URL."""
    written = st.session_state.setdefault(WRITTEN_KEY, {})
    raw = [str(v) for v in value] if many else ("" if value is None else str(value))
    if raw == written.get(key) and _raw(key, many) == raw:
        return
    if raw in ("", []):
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = raw
    written[key] = raw
