"""Erklärung zur Barrierefreiheit: measured conformance, what does not conform, feedback, enforcement.

Required by BITV 2.0 § 7 (federal) and § 10b BGG NRW with the BITV NRW (public bodies in NRW, e.g. a
city). The statement is honest about what was measured and how: the automated checks are the tests
tests/test_accessibility.py (axe-core, WCAG 2.0/2.1 A and AA, every page in both languages) and the
keyboard test; nothing here claims a manual screen-reader audit that was not done.
"""

import html

import streamlit as st

from indicators.formats import fmt_date
from ui.a11y import CONTACT_ENV, feedback_contact
from ui.components import view
from ui.i18n import t

# Update with every re-check (python -m scripts.a11y_check prints the axe result of every page).
LAST_CHECK = "2026-12-02"
AXE_VERSION = "4.12.1"

TEXT = {
    "scope": {
        "de": "Die Stadt Bochum ist bemüht, ihre Webanwendungen im Einklang mit dem Behindertengleichstellungsgesetz "
              "Nordrhein-Westfalen (BGG NRW) und der Barrierefreie-Informationstechnik-Verordnung NRW (BITV NRW), "
              "die auf die BITV 2.0 und die europäische Norm EN 301 549 (WCAG 2.1, Stufe AA) verweist, barrierefrei "
              "zugänglich zu machen. Diese Erklärung gilt für die Webanwendung „Quartiersmonitor Bochum“.",
        "en": "The City of Bochum strives to make its web applications accessible in line with the Disability "
              "Equality Act of North Rhine-Westphalia (BGG NRW) and its ordinance on accessible information "
              "technology (BITV NRW), which refers to the BITV 2.0 and the European standard EN 301 549 (WCAG 2.1, "
              "level AA). This statement applies to the web application “Quartiersmonitor Bochum”."},
    "status_h": {"de": "Stand der Vereinbarkeit mit den Anforderungen", "en": "Compliance status"},
    "status": {
        "de": "Die Anwendung ist **teilweise** mit der BITV 2.0 / WCAG 2.1 AA vereinbar. Die unten genannten Inhalte "
              "sind nicht oder nicht vollständig barrierefrei.",
        "en": "The application is **partially** compliant with BITV 2.0 / WCAG 2.1 AA. The content listed below is "
              "not, or not fully, accessible."},
    "measured_h": {"de": "Wie geprüft wurde", "en": "How it was checked"},
    "measured": {
        "de": "Letzte Prüfung: {date}. Automatisch mit axe-core {axe} (Regelsätze WCAG 2.0 und 2.1, Stufen A und "
              "AA) in Chromium auf jeder Seite, auf Deutsch und Englisch, im Präsentationsmodus, mit gewähltem "
              "Ortsteil auf der Karte und mit geöffneter Importvorschau: keine Verstöße. Ein automatischer Test "
              "bedient die Hauptaufgaben nur mit der Tastatur (Indikator, Jahr und Ortsteile wählen, Seiten "
              "wechseln, eine Karte als PNG exportieren, durch die Präsentation blättern). Die Farbpaletten wurden für "
              "Rot-, Grün- und Blauschwäche simuliert (colorspacious). Eine Prüfung mit Screenreadern durch "
              "Menschen (BITV-Test, NVDA/JAWS) steht noch aus.",
        "en": "Last check: {date}. Automated with axe-core {axe} (WCAG 2.0 and 2.1 rule sets, levels A and AA) in "
              "Chromium on every page, in German and English, in presentation mode, with a district selected on the "
              "map and with the import preview open: no violations. An automated test performs main tasks with "
              "the keyboard only (choose indicator, year and districts, switch pages, export a map as PNG, step "
              "through the presentation). The colour palettes were simulated for red, green and blue colour vision "
              "deficiencies (colorspacious). A manual audit with screen readers (BITV test, NVDA/JAWS) is "
              "still pending."},
    "gaps_h": {"de": "Nicht barrierefreie Inhalte", "en": "Content that is not accessible"},
    "gaps": {
        "de": [
            "**Diagramme und Karten** sind Grafiken (SVG), die ein Screenreader nicht sinnvoll vorlesen kann. "
            "Alternative: unter jedem Diagramm „Diagramm als Text und Tabelle“ mit Sätzen und den Werten als Tabelle.",
            "**Auswahl durch Klick in die Karte** geht nur mit der Maus. Alternative: das Auswahlfeld „Ortsteil "
            "auswählen“ über der Karte.",
            "**Interaktive Tabellen** (Datenraster der Seiten Karte, Steckbrief, Daten & Methoden) zeichnet "
            "Streamlit auf eine Zeichenfläche; Screenreader lesen sie nur eingeschränkt. Alternative: dieselben "
            "Daten als Tabelle unter dem Diagramm und als CSV-/Excel-Download.",
            "**Exportierte Dateien**: einzelne Diagramme tragen Titel und Beschreibung (Titel, Definition, "
            "Quelle, Hinweise) als Alternativtext – im PNG als Textfeld „Description“, im SVG als `<title>`/`<desc>`, "
            "im PDF als Dokumenttitel und Betreff –, das PDF eines einzelnen Diagramms ist aber nicht getaggt. "
            "Die Folien (PPTX) und der Steckbrief (PDF) haben Alternativtexte an den Bildern, der Steckbrief ist "
            "nur teilweise getaggt (Bilder, nicht der Fließtext).",
            "**Farbstufen der Karte (WCAG 1.4.11)**: der Kachelrand (#737373) hat gegen Weiß 4,7:1 und gegen die "
            "hellsten Stufen mindestens 3,9:1, einige mittlere Stufen (z. B. #feb24c, in der Beamer-Palette "
            "#d4b9da) erreichen 3:1 aber weder gegen Weiß noch gegen den Rand. Alternative: Wert und Stufe stehen "
            "als Beschriftung auf jeder Kachel, im Tooltip und in der Tabelle unter der Karte.",
            "**Leichte Sprache und Gebärdensprache**: Erläuterungen nach BITV 2.0 § 4 fehlen noch.",
            "**Umbruch bei 320 px Breite (WCAG 1.4.10)** ist für Überblick, Karte und Trends automatisch geprüft: "
            "die Seite scrollt nicht waagerecht, Datentabellen scrollen in ihrem eigenen Kasten. Die übrigen "
            "Seiten und die Textabstände (1.4.12) sind nicht systematisch geprüft; Diagramme werden bei dieser "
            "Breite sehr klein, lange Untertitel im Diagramm werden abgeschnitten. Alternative: „Diagramm als "
            "Text und Tabelle“.",
        ],
        "en": [
            "**Charts and maps** are graphics (SVG) that a screen reader cannot read meaningfully. Alternative: "
            "below every chart, “Chart as text and table” with sentences and the values as a table.",
            "**Selecting by clicking the map** needs a mouse. Alternative: the select box “Select district” "
            "above the map.",
            "**Interactive tables** (data grids on the Map, District profile and Data & methods pages) are drawn by "
            "Streamlit on a canvas; screen readers read them only partly. Alternative: the same data as a table "
            "below the chart and as CSV/Excel downloads.",
            "**Exported files**: single charts carry a title and a description (title, definition, source, "
            "notes) as alternative text – in PNG as a “Description” text field, in SVG as `<title>`/`<desc>`, in PDF "
            "as document title and subject –, but the PDF of a single chart is not tagged. The slides (PPTX) and "
            "the district profile (PDF) have alternative texts on their images; the profile is only partly "
            "tagged (images, not the running text).",
            "**Map colour classes (WCAG 1.4.11)**: the tile border (#737373) has 4.7:1 against white and at least "
            "3.9:1 against the lightest classes, but some middle classes (e.g. #feb24c, #d4b9da in the projector "
            "palette) reach 3:1 neither against white nor against the border. Alternative: value and class are "
            "written on every tile, in the tooltip and in the table below the map.",
            "**Easy-to-read language and sign language**: explanations required by BITV 2.0 § 4 are missing.",
            "**Reflow at 320 px (WCAG 1.4.10)** is checked automatically on Overview, Map and Trends: the page "
            "does not scroll sideways, data tables scroll inside their own box. The other pages and text spacing "
            "(1.4.12) have not been checked systematically; charts become very small at this width and long "
            "subtitles inside a chart are cut off. Alternative: “Chart as text and table”.",
        ]},
    "feedback_h": {"de": "Feedback und Kontakt", "en": "Feedback and contact"},
    "feedback": {
        "de": "Sind Ihnen Barrieren aufgefallen, oder brauchen Sie Inhalte in einer barrierefreien Form? Bitte "
              "schreiben Sie uns:",
        "en": "Have you found a barrier, or do you need content in an accessible form? Please contact us:"},
    "no_contact": {
        "de": "Eine Kontaktadresse ist für diese Installation noch nicht eingerichtet. Die betreibende Stelle trägt "
              "sie in `.streamlit/accessibility.toml` ein oder setzt die Umgebungsvariable `{env}`. Bis dahin "
              "erfüllt diese Erklärung die Pflicht zum Feedback-Mechanismus nicht.",
        "en": "No contact address has been configured for this installation yet. The operating office enters it in "
              "`.streamlit/accessibility.toml` or sets the environment variable `{env}`. Until then this statement "
              "does not meet the requirement for a feedback mechanism."},
    "enforce_h": {"de": "Durchsetzungsverfahren", "en": "Enforcement procedure"},
    "enforce": {
        "de": [
            "Bleibt Ihre Rückmeldung unbeantwortet oder ist die Antwort unbefriedigend, können Sie ein "
            "Durchsetzungsverfahren einleiten.",
            "**Öffentliche Stellen des Landes Nordrhein-Westfalen, auch Städte und Gemeinden:** zuständig ist die "
            "Ombudsstelle für barrierefreie Informationstechnik des Landes NRW bei der oder dem Beauftragten für "
            "die Belange der Menschen mit Behinderung (§§ 10d, 10e BGG NRW, §§ 9 ff. BITV NRW). Der Antrag auf ein "
            "Ombudsverfahren ist kostenlos und kann in Textform oder online gestellt werden: "
            "[www.lbbp.nrw.de/ombudsstelle](https://www.lbbp.nrw.de/ombudsstelle).",
            "**Öffentliche Stellen des Bundes:** zuständig ist die Schlichtungsstelle nach § 16 des "
            "Behindertengleichstellungsgesetzes (BGG) bei der oder dem Beauftragten der Bundesregierung für die "
            "Belange von Menschen mit Behinderungen: "
            "[www.schlichtungsstelle-bgg.de](https://www.schlichtungsstelle-bgg.de).",
        ],
        "en": [
            "If your feedback remains unanswered or the answer is unsatisfactory, you can start an enforcement "
            "procedure.",
            "**Public bodies of North Rhine-Westphalia, including cities and municipalities:** the Ombudsstelle für "
            "barrierefreie Informationstechnik of the State of NRW, attached to the Commissioner for the concerns "
            "of people with disabilities (§§ 10d, 10e BGG NRW, §§ 9 ff. BITV NRW). An application is free of "
            "charge and can be made in writing or online: "
            "[www.lbbp.nrw.de/ombudsstelle](https://www.lbbp.nrw.de/ombudsstelle).",
            "**Federal public bodies:** the conciliation body (Schlichtungsstelle) under § 16 of the Disability "
            "Equality Act (BGG) at the Federal Government Commissioner for Matters relating to Persons with "
            "Disabilities: [www.schlichtungsstelle-bgg.de](https://www.schlichtungsstelle-bgg.de).",
        ]},
    "contact_labels": {"de": {"name": "Stelle", "email": "E-Mail", "phone": "Telefon", "address": "Anschrift"},
                       "en": {"name": "Office", "email": "E-mail", "phone": "Phone", "address": "Address"}},
}


def contact_lines(contact: dict, lang: str) -> list[str]:
    """Markdown lines of the configured contact (escaped: the values come from a file or the environment)."""
    labels = TEXT["contact_labels"][lang]
    lines = []
    for key in ("name", "email", "phone", "address"):
        if key in contact:
            value = html.escape(contact[key])
            if key == "email":
                value = f"[{value}](mailto:{value})"
            lines.append(f"- {labels[key]}: {value}")
    return lines


v = view()
st.title(t("page_a11y", v.lang))
st.markdown(TEXT["scope"][v.lang])
st.header(TEXT["status_h"][v.lang])
st.markdown(TEXT["status"][v.lang])
st.header(TEXT["measured_h"][v.lang])
st.markdown(TEXT["measured"][v.lang].format(date=fmt_date(LAST_CHECK, v.lang), axe=AXE_VERSION))
st.header(TEXT["gaps_h"][v.lang])
st.markdown("\n".join(f"- {gap}" for gap in TEXT["gaps"][v.lang]))
st.header(TEXT["feedback_h"][v.lang])
st.markdown(TEXT["feedback"][v.lang])
lines = contact_lines(feedback_contact(), v.lang)
if lines:
    st.markdown("\n".join(lines))
if "email" not in feedback_contact():
    st.warning(TEXT["no_contact"][v.lang].format(env=CONTACT_ENV), icon="⚠️")
st.header(TEXT["enforce_h"][v.lang])
for paragraph in TEXT["enforce"][v.lang]:
    st.markdown(paragraph)
