"""Quartiersmonitor Bochum — the router: page config, navigation over pages/, the shared sidebar."""

import streamlit as st

from ui import auth, data, url, warmup
from ui.a11y import inject_focus_style, set_document_language
from ui.components import ROUTED_KEY
from ui.i18n import LANGUAGES, t
from ui.slots import script_slot
from ui.state import IMPORT_PAGE, current_lang, page_objects, sidebar

st.set_page_config(page_title="Quartiersmonitor Bochum", page_icon="🏘️", layout="wide")

url.init("lang", "de", LANGUAGES)  # before the navigation, so a link with ?lang=en names the pages in English
access = auth.current_access()  # viewers do not see „Daten importieren“; the page and its callbacks check again
navigation = st.navigation(page_objects(current_lang(), can_edit=access.can_edit))
# sessions take turns (ui/slots.py); the import page waits seconds for its sandboxed readers: no turn
with script_slot(needed=navigation.url_path != IMPORT_PAGE):
    table = data.indicator_table()
    warmup.ensure(data.data_version())  # once per data version and process: the default maps ahead of any click
    st.session_state["view"] = sidebar(sorted(table["year"].unique().tolist()))
    auth.sidebar_panel(access, st.session_state["view"].lang)
    st.sidebar.caption(t("app_subtitle", st.session_state["view"].lang))
    st.sidebar.page_link("pages/barrierefreiheit.py", label=t("page_a11y", st.session_state["view"].lang), icon="♿")
    set_document_language(st.session_state["view"].lang)
    inject_focus_style()
    st.session_state[ROUTED_KEY] = True
    try:
        navigation.run()
    finally:
        st.session_state[ROUTED_KEY] = False
