"""The top menu in a real browser (issue 18 §9 "small things"): at 1280 px it is one line in Chinese and in English for
every role, at 360 px it folds behind the toggler without widening the page, and every page has the favicon.

Screenshots of each role's top of page at both widths and in both languages are written to
``$TONGHU_SCREENSHOT_DIR`` when that is set (``scripts/screenshots.sh``), so a reviewer can look at them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import PASSWORD, browser_marks

pytestmark = browser_marks()

def _login(page, base, username, language):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "tonghu_language", "value": language, "url": base}])
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


@pytest.mark.django_db(transaction=True)
def test_the_menu_is_one_line_at_1280_px_and_folds_on_a_phone_in_both_languages(live_server, users, open_page):
    shots = os.environ.get("TONGHU_SCREENSHOT_DIR")
    wide = open_page(viewport={"width": 1280, "height": 800})
    phone = open_page(viewport={"width": 360, "height": 740})
    wrapped, too_wide, no_icon = [], [], []
    for language in ("zh-hans", "en"):
        for role, user in users.items():
            for width, page in ((1280, wide), (360, phone)):
                _login(page, live_server.url, user.username, language)
                if width == 1280:
                    # Every top-level entry (and the user menu) sits on the navbar's single row.
                    tops = page.evaluate("""() => [...document.querySelectorAll('#mainnav > ul > li')]
                        .map(li => Math.round(li.getBoundingClientRect().top))""")
                    height = page.evaluate("document.querySelector('nav.navbar').getBoundingClientRect().height")
                    if len(set(tops)) > 1 or height > 64:
                        wrapped.append((language, role, height, tops))
                if page.evaluate("document.documentElement.scrollWidth") > width:
                    too_wide.append((language, role, width))
                icons = page.evaluate("[...document.querySelectorAll('link[rel~=icon]')].map(l => l.getAttribute('href'))")
                if not any(href.endswith(".svg") for href in icons) or not any(href.endswith(".ico") for href in icons):
                    no_icon.append((language, role, icons))
                if shots:
                    Path(shots).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(Path(shots) / f"{role}-{language}-{width}.png"))
    assert not wrapped, f"the top menu wraps onto a second line at 1280 px: {wrapped}"
    assert not too_wide, f"pages wider than the window: {too_wide}"
    assert not no_icon, f"pages without the SVG and ICO favicons: {no_icon}"


@pytest.mark.django_db
def test_the_favicon_files_are_served_from_the_repository(client):
    """The icon is generated in the repository (no external asset): the SVG is a drawing, the ICO a real icon file."""
    from django.contrib.staticfiles import finders

    svg = Path(finders.find("tonghu/favicon.svg")).read_text(encoding="utf-8")
    ico = Path(finders.find("tonghu/favicon.ico")).read_bytes()
    assert svg.lstrip().startswith("<svg") and "http://www.w3.org/2000/svg" in svg
    assert ico[:4] == b"\x00\x00\x01\x00"  # ICONDIR: reserved 0, type 1 (icon)
    response = client.get("/favicon.ico")  # not logged in: the icon is public, not the login page
    assert response.status_code == 301 and response["Location"].endswith("tonghu/favicon.ico")
