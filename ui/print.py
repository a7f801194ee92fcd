"""The print layout (A4 landscape) for the map and trend pages: only title, notes, chart and sources."""

from __future__ import annotations

import streamlit as st

# What a printout has no use for: the app's chrome, every widget, downloads, tables one would scroll.
HIDDEN_IN_PRINT = [
    '[data-testid="stSidebar"]', '[data-testid="stSidebarCollapsedControl"]',
    '[data-testid="stExpandSidebarButton"]', '[data-testid="stSidebarCollapseButton"]',
    'header[data-testid="stHeader"]', '[data-testid="stToolbar"]', '[data-testid="stDecoration"]',
    '[data-testid="stStatusWidget"]', '[data-testid="stBottom"]', '[data-testid="stElementToolbar"]',
    '.stButton', '.stDownloadButton', '.stPageLink', '[data-testid="stPageLink"]',
    '.stRadio', '.stSelectbox', '.stMultiSelect', '.stSlider', '.stSelectSlider', '.stCheckbox',
    '[data-testid="stCheckbox"]', '.stToggle', '.stTextInput', '.stNumberInput', '.stFileUploader',
    '[data-testid="stExpander"]', '[data-testid="stDataFrame"]', '.stDataFrame',
    '.modebar-container', '.qm-print-hint',
    # a heading, caption or container whose only content is hidden above would print as an orphan
    '[data-testid="stElementContainer"]:has(.qm-print-hint)',
    '[data-testid="stElementContainer"]:has(+ [data-testid="stElementContainer"] [data-testid="stDataFrame"])',
    '[data-testid="stElementContainer"]:has([data-testid="stDataFrame"])',
    '[data-testid="stElementContainer"]:has(.stDownloadButton)',
    '[data-testid="stElementContainer"]:has(.stButton)',
    '[data-testid="stHorizontalBlock"]:not(:has([data-testid="stPlotlyChart"], [data-testid="stMarkdown"]))',
    '[data-testid="stLayoutWrapper"]:not(:has([data-testid="stPlotlyChart"], [data-testid="stMarkdown"]))',
]
# Plotly draws at the screen's pixel width, usually wider than the paper: the printout would cut
# the chart off. While printing, each chart's SVGs get a viewBox (kept in step with plotly's own
# width/height, which change if it redraws) and the class below lets the print CSS scale them to
# the page width; afterwards everything is put back. Without this script the page still prints,
# only with charts cut at the right edge.
FIT_CLASS = "qm-print-fit"
FIT_CHARTS_JS = """(() => {
  if (window.qmPrintFit) return;
  const svgs = () => document.querySelectorAll('.js-plotly-plot svg.main-svg');
  const sync = () => svgs().forEach((svg) => {
    const w = svg.getAttribute('width'), h = svg.getAttribute('height');
    if (!w || !h) return;
    if (svg.getAttribute('viewBox') !== `0 0 ${w} ${h}`) svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    const box = svg.closest('.svg-container');
    if (box) box.style.aspectRatio = `${w} / ${h}`;
  });
  const watcher = new MutationObserver(sync);
  const fit = () => {
    sync();
    document.documentElement.classList.add('FIT_CLASS');
    watcher.observe(document.body, {subtree: true, childList: true, attributes: true,
                                    attributeFilter: ['width', 'height']});
  };
  const undo = () => {
    watcher.disconnect();
    document.documentElement.classList.remove('FIT_CLASS');
    svgs().forEach((svg) => svg.removeAttribute('viewBox'));
    document.querySelectorAll('.js-plotly-plot .svg-container').forEach((box) => { box.style.aspectRatio = ''; });
  };
  window.qmPrintFit = fit;
  window.addEventListener('beforeprint', fit);
  window.addEventListener('afterprint', undo);
  window.matchMedia('print').addEventListener('change', (event) => (event.matches ? fit() : undo()));
})();""".replace("FIT_CLASS", FIT_CLASS)
# A4 landscape leaves 186 mm between the margins; title, demo note and source line take ~45 mm.
# A chart keeps its screen proportions (Streamlit redraws at a new width with the same aspect), so a
# chart from a narrow window is capped in height and centred rather than pushed onto a second page.
CHART_MAX_HEIGHT = "135mm"
HINT_STYLE = "font-size: 0.875rem; color: #4d4d4d;"  # 8.5:1 on white (WCAG AA needs 4.5:1)
PRINT_HINT = {"de": "Drucken: Strg+P – die Druckansicht ist auf A4 quer eingerichtet.",
              "en": "Print: Ctrl+P – the print layout is set up for A4 landscape."}


def print_css() -> str:
    """The print stylesheet: A4 landscape, 12 mm margins, no sidebar or widgets, charts full width."""
    hidden = ",\n    ".join(HIDDEN_IN_PRINT)
    return f"""@media print {{
  @page {{ size: A4 landscape; margin: 12mm; }}
  html, body {{ background: #ffffff !important; }}
  * {{ -webkit-print-color-adjust: exact !important; print-color-adjust: exact !important; }}
  {hidden} {{ display: none !important; }}
  [data-testid="stAppViewContainer"], [data-testid="stMain"], section.main {{
    position: static !important; overflow: visible !important; height: auto !important;
    margin: 0 !important; padding: 0 !important; }}
  [data-testid="stMainBlockContainer"], .block-container {{
    max-width: 100% !important; width: 100% !important; padding: 0 !important; margin: 0 !important; }}
  [data-testid="stPlotlyChart"], .stPlotlyChart {{ width: 100% !important; max-width: 100% !important;
    break-inside: avoid; page-break-inside: avoid; }}
  html.{FIT_CLASS} [data-testid="stElementContainer"]:has(.stPlotlyChart),
  html.{FIT_CLASS} [data-testid="stPlotlyChart"], html.{FIT_CLASS} .js-plotly-plot,
  html.{FIT_CLASS} .js-plotly-plot .plot-container {{ width: 100% !important; height: auto !important; }}
  html.{FIT_CLASS} .js-plotly-plot .svg-container {{ width: 100% !important; height: auto !important;
    max-height: {CHART_MAX_HEIGHT} !important; }}
  html.{FIT_CLASS} .js-plotly-plot svg.main-svg {{ width: 100% !important; height: 100% !important; }}
  h1 {{ font-size: 20pt !important; padding: 0 0 4pt 0 !important; }}
  h2, h3 {{ break-after: avoid; page-break-after: avoid; }}
  [data-testid="stAlert"] {{ padding: 2pt 6pt !important; }}
  [data-testid="stCaptionContainer"] {{ color: #1a1a1a !important; }}
}}"""


def inject_print_css(lang: str = "de") -> None:
    """Inject the print stylesheet and the chart fitting, and say how to print (on screen only)."""
    st.html(f"<style>{print_css()}</style>")
    hint = PRINT_HINT.get(lang, PRINT_HINT["de"])
    st.html(f'<div class="qm-print-hint" style="{HINT_STYLE}">{hint}</div><script>{FIT_CHARTS_JS}</script>',
            unsafe_allow_javascript=True)
