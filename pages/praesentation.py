"""Präsentation: prepared views for the projector, per theme map → trend → ranking; large type, no sidebar."""

import html

import streamlit as st

from indicators.figures import presentation
from ui import data, url
from ui.components import chart, is_illustrative, source_caption, view
from ui.i18n import t
from ui.print import print_css
from ui.state import MAP_STYLE_KEY

# The projector needs the whole width: the sidebar, its collapse control and the app header go;
# the page stays in the navigation of every other page. Type is set large for the back of the room.
PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarCollapseButton"], header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0.8rem 2rem 0.5rem 2rem !important; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.3rem !important; line-height: 1.15 !important;
  padding: 0 !important; color: #000000 !important; }
.qm-slide-subtitle { font-size: 1.45rem; color: #000000; margin: 0 0 0.2rem 0; }
.qm-slide-counter { font-size: 1.45rem; font-weight: 700; color: #000000; text-align: right; white-space: nowrap; }
[data-testid="stMainBlockContainer"] .stButton button { font-size: 1.3rem; min-height: 2.8rem; }
[data-testid="stMainBlockContainer"] .stButton button p { font-size: 1.3rem; }
[data-testid="stMainBlockContainer"] .stPageLink p, [data-testid="stMainBlockContainer"] a[data-testid="stPageLink-NavLink"] p
  { font-size: 1.2rem !important; }
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"],
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] p { font-size: 1.1rem !important; color: #1a1a1a !important; }
[data-testid="stMainBlockContainer"] [data-testid="stAlertContainer"] { padding: 0.4rem 1rem !important; }
[data-testid="stMainBlockContainer"] [data-testid="stAlertContainer"] p { font-size: 1.2rem !important; color: #4a3500 !important; }
</style>"""
SLIDE_KEY = "folie"
TEXT = {
    "counter": {"de": "Folie {n} von {total}", "en": "Slide {n} of {total}"},
    "back": {"de": "◀ Zurück", "en": "◀ Back"},
    "next": {"de": "Weiter ▶", "en": "Next ▶"},
    "end": {"de": "✖ Präsentation beenden", "en": "✖ End presentation"},
    "keys": {"de": "Auch mit den Pfeiltasten ← →", "en": "Arrow keys ← → work too"},
    "demo": {"de": "**Illustrative Demodaten** – keine amtlichen Werte.",
             "en": "**Illustrative demo data** – not official figures."},
    "style_deviation": {"de": "Karte: Abweichung von Bochum in Prozentpunkten (wie auf der Seite „Karte“ gewählt); "
                              "Rot heißt ungünstiger, Blau günstiger als Bochum.",
                        "en": "Map: deviation from Bochum in percentage points (as chosen on the “Map” page); "
                              "red means less favourable, blue more favourable than Bochum."},
    "style_comparison": {"de": "Karte: Vergleich mit Bochum über Konfidenzintervalle (wie auf der Seite „Karte“ "
                                "gewählt).",
                         "en": "Map: comparison with Bochum by confidence intervals (as chosen on the “Map” page)."},
}
MAP_STYLES = ("classes", "deviation", "comparison")


def _go(delta: int, total: int) -> None:
    """Previous/next slide (runs before the rerun, so the page draws the new slide)."""
    st.session_state[SLIDE_KEY] = min(max(int(st.session_state.get(SLIDE_KEY, 1)) + delta, 1), total)


v = view()
table = data.indicator_table()
steps = presentation.sequence(data.catalog())
total = len(steps)

st.html(PRESENT_CSS)
st.html(f"<style>{print_css()}</style>")
url.init(SLIDE_KEY, 1, range(1, total + 1), cast=int)
n = min(max(int(st.session_state[SLIDE_KEY]), 1), total)
step = steps[n - 1]

bar = st.columns([6, 1.6, 1.6, 1.6, 2.6], vertical_alignment="center")  # buttons readable at 1400 px too
bar[0].title(step.title(v.lang))
bar[1].markdown(f'<div class="qm-slide-counter">{TEXT["counter"][v.lang].format(n=n, total=total)}</div>',
                unsafe_allow_html=True)
bar[2].button(TEXT["back"][v.lang], key="folie_zurueck", on_click=_go, args=(-1, total), disabled=n == 1,
              shortcut="Left", width="stretch", help=TEXT["keys"][v.lang])
bar[3].button(TEXT["next"][v.lang], key="folie_weiter", on_click=_go, args=(1, total), disabled=n == total,
              shortcut="Right", width="stretch", type="primary", help=TEXT["keys"][v.lang])
bar[4].page_link("pages/ueberblick.py", label=TEXT["end"][v.lang], width="stretch")
url.publish(SLIDE_KEY, n)

# the map slides follow the map style chosen on the Karte page
style = st.session_state.get(MAP_STYLE_KEY, "classes")
style = style if style in MAP_STYLES else "classes"
figure, shown, subtitle = data.slide(n, v.lang, style)
geo = data.geometry("ortsteil")
st.markdown(f'<div class="qm-slide-subtitle">{html.escape(subtitle)}</div>', unsafe_allow_html=True)
if is_illustrative(shown):
    st.warning(TEXT["demo"][v.lang], icon="⚠️")
chart(figure, key=f"folie_chart_{n}")
if step.kind == "map":
    if style != "classes":
        st.caption(TEXT[f"style_{style}"][v.lang])
    geo_kind = geo["kind"].iloc[0] if len(geo) else "schematic"
    st.caption(t("geometry_schematic" if geo_kind == "schematic" else "geometry_official", v.lang))
source_caption(shown, v.lang)
