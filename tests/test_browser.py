"""A real browser (Playwright + Debian's Chromium) against the dashboard on 127.0.0.1."""

from urllib.parse import urlparse

import pytest

from scripts.a11y_check import CHROMIUM, CHROMIUM_ARGS, IDLE
from ui import server
from ui.i18n import t
from ui.state import PAGES

LOCAL_SCHEMES = {"data", "blob", "about"}


@pytest.fixture(scope="module")
def dashboard():
    port = server.free_port()
    process = server.start(port)
    try:
        server.wait_healthy(port)
        yield f"http://{server.HOST}:{port}"
    finally:
        server.stop(process)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def wait_until_idle(page):
    """Streamlit has finished the run a click or a page load started (a11y_check.IDLE); the pause lets
    the browser send the click's rerun request first."""
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    page.wait_for_timeout(300)
    page.wait_for_function(IDLE, timeout=60_000)


def test_every_page_renders_without_errors_and_only_talks_to_loopback(dashboard, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests, console_errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(str(e)))
    page.goto(dashboard)
    wait_until_idle(page)
    for index, (_path, key, _icon, slug) in enumerate(PAGES):
        # navigate as a person does: through the sidebar's page links (in the page list's order)
        page.locator("[data-testid='stSidebarNav'] a").nth(index).click()
        if index:
            page.wait_for_url(f"**/{slug}**")
        wait_until_idle(page)
        heading = page.locator("h1").first.inner_text()
        if slug == "praesentation":  # a slide's title, and the step-through controls
            assert page.get_by_text("Folie 1 von 13").count() == 1
        elif index:
            assert t(key) in heading, (slug, heading)
        assert page.locator("[data-testid='stException']").count() == 0, slug
        assert page.locator("h1").count() >= 1, slug
        if slug == "karte":
            page.wait_for_selector("path.choroplethlocation", timeout=20_000)
            # one shape per Ortsteil in the map (plus the focus outlines drawn on top)
            assert page.locator(".geo").first.locator("path.choroplethlocation").count() >= 30
    outside = [u for u in requests if urlparse(u).scheme not in LOCAL_SCHEMES
               and urlparse(u).hostname not in ("127.0.0.1", "localhost")]
    assert outside == []
    assert console_errors == []
    page.close()


def test_clicking_an_ortsteil_on_the_map_selects_it_for_the_other_views(dashboard, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{dashboard}/karte")
    page.wait_for_selector("path.choroplethlocation", timeout=30_000)
    wait_until_idle(page)
    label = page.locator(".geo text", has_text="Stiepel").first
    label.scroll_into_view_if_needed()
    box = label.bounding_box()
    # just below the label: the hexagon itself, not the label trace
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + 18)
    page.wait_for_url("**gebiet=stiepel**", timeout=20_000)
    assert "ot=stiepel" in page.url  # added to the chosen Ortsteile for Trends and Steckbrief
    page.locator("[data-testid='stSidebarNav'] a[href$='/steckbrief']").first.click()
    page.wait_for_url("**/steckbrief**")
    wait_until_idle(page)
    assert "Steckbrief: Stiepel" in page.locator("h1").first.inner_text()
    page.close()


def test_an_overview_link_opens_the_map_of_that_theme(dashboard, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(dashboard)
    wait_until_idle(page)
    page.locator("[data-testid='stPageLink'] a[href*='karte?ind=kinderarmut']").first.click()
    page.wait_for_url("**/karte?ind=kinderarmut**")
    wait_until_idle(page)
    assert page.locator("h1").first.inner_text().startswith("Karte: Kinderarmut")
    page.close()
