"""Accessibility plumbing that is not a chart: the document language and the feedback contact.

Streamlit serves a fixed ``<html lang="en">``; a screen reader then reads German text with English
pronunciation (WCAG 3.1.1). Streamlit has no option for it, so a tiny script (st.html runs it in the
page itself, not in an iframe) sets the attribute on every run. The language is part of the script
text, so a language switch changes the element and the script runs again.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import streamlit as st

PROJECT = Path(__file__).resolve().parent.parent
CONTACT_FILE = PROJECT / ".streamlit" / "accessibility.toml"
CONTACT_ENV = "QUARTIERSMONITOR_A11Y_CONTACT"


def language_script(lang: str) -> str:
    """A hidden marker with the language and a script that copies it to ``<html lang>``.

    Streamlit runs an st.html script when the element mounts, not when its content changes on a
    rerun, so the script also watches its own element (not the whole page: cheap) and re-applies
    the marker's language when the content changes, e.g. after the language switch.
    """
    return (f'<span class="qm-doc-lang" data-lang="{html.escape(lang)}" hidden></span><script>(() => {{'
            "const apply = () => { const m = document.querySelector('.qm-doc-lang');"
            " if (m && document.documentElement.lang !== m.dataset.lang) document.documentElement.lang = m.dataset.lang; };"
            " apply();"
            " const box = document.querySelector('.qm-doc-lang') && document.querySelector('.qm-doc-lang').parentElement;"
            " if (box && !box.qmLangObserved) { box.qmLangObserved = true;"
            " new MutationObserver(apply).observe(box, {subtree: true, childList: true, attributes: true,"
            " characterData: true}); }"
            "})();</script>")


# A clearly visible keyboard focus everywhere (WCAG 2.4.7): Streamlit's own focus rings are faint or,
# for some elements (page links, expander summaries), missing. :focus-visible leaves mouse clicks alone.
FOCUS_COLOR = "#0b5394"  # the theme's primaryColor: 7.9:1 on white
# Reflow at 320 CSS px (WCAG 1.4.10, a 1280 px window at 400 % zoom): the page never scrolls sideways
# (data tables and grids scroll inside their own box, which 1.4.10 allows). Streamlit's 2.75rem page
# title put one word per line there and split long words ("Langzeitarbeit|slose"): smaller below 480 px.
NARROW_CSS = """@media (max-width: 480px) {
  h1 { font-size: 1.75rem !important; }
}"""
FOCUS_CSS = f"""<style>
:focus-visible {{ outline: 3px solid {FOCUS_COLOR} !important; outline-offset: 2px !important; }}
{NARROW_CSS}
</style>"""


def inject_focus_style() -> None:
    """The visible focus outline and the narrow-screen rules (a style-only st.html goes to Streamlit's
    event container: no space)."""
    st.html(FOCUS_CSS)


# Streamlit disables a download button while it fetches the file (a deferred download), and a disabled
# element loses the focus to <body>: after Enter on „Diagramm als PNG“ a keyboard user started again at
# the top of the page (WCAG 2.4.3). The script gives the focus back to the button once it is enabled
# again, unless the user has moved the focus elsewhere meanwhile. Installed once per page load.
DOWNLOAD_FOCUS_SCRIPT = (
    "<script>(() => { if (window.qmDownloadFocus) return; window.qmDownloadFocus = true;"
    " document.addEventListener('focusout', (event) => { const button = event.target;"
    " if (!button.disabled || !button.closest || !button.closest(\"[data-testid='stDownloadButton']\")) return;"
    " const back = new MutationObserver(() => { if (button.disabled) return; back.disconnect();"
    " const lost = !document.activeElement || document.activeElement === document.body;"
    " if (button.isConnected && lost) button.focus(); });"
    " back.observe(button, {attributes: true, attributeFilter: ['disabled']});"
    " setTimeout(() => back.disconnect(), 300000); }, true); })();</script>")


def set_document_language(lang: str) -> None:
    """Make ``<html lang>`` follow the UI language, and keep the focus on a download button while its file
    is made (both scripts in one element in the sidebar: it takes no space there)."""
    st.sidebar.html(language_script(lang) + DOWNLOAD_FOCUS_SCRIPT, unsafe_allow_javascript=True)


def feedback_contact() -> dict:
    """Who receives accessibility feedback: the env var QUARTIERSMONITOR_A11Y_CONTACT (an e-mail address)
    wins, else ``.streamlit/accessibility.toml`` ([contact] name, email, phone, address). Empty when unset."""
    import tomllib

    contact = {}
    if CONTACT_FILE.exists():
        with CONTACT_FILE.open("rb") as handle:
            contact = dict(tomllib.load(handle).get("contact", {}))
    if os.environ.get(CONTACT_ENV, "").strip():
        contact["email"] = os.environ[CONTACT_ENV].strip()
    return {k: str(v).strip() for k, v in contact.items() if str(v).strip()}
