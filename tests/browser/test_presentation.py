"""Presentation mode, print and exports in headless Chromium, as a presenter would use them.

At 1280×720 (a meeting-room projector) and 1920×1080, ``?presentation=1`` shows the
headline, the whole map (mainland and the five DROM insets) and the legend without
scrolling and without overlap; → opens the next view; « Imprimer » gives one A4
landscape page; the map page shows its map above the fold at 1280×720; a download
button gives the 1920×1080 PNG. Screenshots and the print PDF go to ``artifacts/``
(look at them: nothing cut off, text readable at slide size).

One app server for the module; every test opens its own browser context (own size,
own Streamlit session). Nothing but 127.0.0.1 is reachable.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .conftest import MAP_SELECTOR, assert_no_blocked, find_drawn_map

pytestmark = pytest.mark.browser

FIRST_MAP_TIMEOUT = 90.0
UI_TIMEOUT = 60_000
SIZES = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}
HEADLINE = ".slide-head"
LEGEND = ".opsn-legend"


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).bounding_box()
    assert found, f"{selector} not on the page"
    return found


def inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (
        inner["x"] >= outer["x"] - slack
        and inner["y"] >= outer["y"] - slack
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack
    )


def overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def settle(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=UI_TIMEOUT
    )


@pytest.mark.parametrize("size", list(SIZES))
def test_presentation_mode_fits_the_window(app_url, open_page, blocked_requests, artifacts, size):
    width, height = SIZES[size]
    page = open_page(width, height)
    page.goto(app_url + "?presentation=1")
    the_map = find_drawn_map(page, timeout=FIRST_MAP_TIMEOUT, view="france:")
    settle(page)
    page.wait_for_timeout(300)  # the map is fitted again once the page has its final layout
    viewport = {"x": 0, "y": 0, "width": width, "height": height}
    headline, map_box, legend = box(page, HEADLINE), box(page, MAP_SELECTOR), box(page, LEGEND)
    for name, found in (("headline", headline), ("map", map_box), ("legend", legend)):
        assert inside(found, viewport), f"{name} cut off at {size}: {found}"
    assert not overlap(headline, map_box) and not overlap(map_box, legend)
    assert not overlap(headline, legend)
    assert map_box["height"] >= 0.7 * height, "the map fills the window"
    mainland = the_map.evaluate("e => e.opsnMap.mainlandBox()")
    insets = the_map.evaluate("e => e.opsnMap.insetBoxes()")
    assert len(insets) == 5, "the five DROM insets"
    for found in (mainland, *insets):
        assert inside(found, map_box), f"cut off: {found}"
    # Nothing to scroll to: the page is the window.
    scroll = page.get_by_test_id("stMain").evaluate("e => e.scrollHeight - e.clientHeight")
    assert scroll <= 2
    assert page.get_by_test_id("stSidebar").is_hidden(), "no controls in presentation mode"
    sizes = page.locator(LEGEND).evaluate(
        "e => [...e.querySelectorAll('.opsn-legend-label, .opsn-legend-count')]"
        ".map((x) => parseFloat(getComputedStyle(x).fontSize))"
    )
    if width >= 1920:
        assert min(sizes) >= 18, f"legend text too small for a projector: {sizes}"
        share = page.locator(".slide-share").evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert share >= 72
    page.screenshot(path=artifacts / f"presentation_{size}.png")
    assert_no_blocked(blocked_requests)


def test_arrow_keys_step_through_the_slides(app_url, open_page, blocked_requests):
    page = open_page(1280, 720)
    page.goto(app_url + "?presentation=1&diapos=FR,53,D29")
    find_drawn_map(page, timeout=FIRST_MAP_TIMEOUT, view="france:")
    settle(page)
    expect(page.locator(".slide-title")).to_have_text("France")
    page.keyboard.press("ArrowRight")
    find_drawn_map(page, view="region:53")
    expect(page.locator(".slide-title")).to_contain_text("Bretagne", timeout=UI_TIMEOUT)
    expect(page).to_have_url(re.compile(r"vue=region&code=53.*presentation=1"))
    settle(page)
    page.keyboard.press("ArrowRight")
    find_drawn_map(page, view="departement:29")
    expect(page.locator(".slide-title")).to_contain_text("Finistère", timeout=UI_TIMEOUT)
    settle(page)
    page.get_by_role("button", name="Vue précédente").click()
    find_drawn_map(page, view="region:53")
    settle(page)
    # Printed from a slide: one page, the slide's headline, legend and credits.
    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in ("Bretagne", "Couverture par un OPSN", "Licence Ouverte"):
        assert expected in text
    assert "Vue suivante" not in text
    page.emulate_media(media="screen")
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Mode présentation")).to_be_visible(timeout=UI_TIMEOUT)
    expect(page).not_to_have_url(re.compile("presentation="))
    assert_no_blocked(blocked_requests)


def test_map_page_at_1280x720_prints_on_one_page(app_url, open_page, blocked_requests, artifacts):
    page = open_page(1280, 720)
    page.goto(app_url)
    find_drawn_map(page, timeout=FIRST_MAP_TIMEOUT, view="france:")
    settle(page)
    headline, map_box = box(page, ".headline"), box(page, MAP_SELECTOR)
    assert headline["y"] >= 0 and headline["y"] + headline["height"] <= 720
    assert 0 <= map_box["y"] < 720 * 0.6, f"map below the fold: {map_box}"
    assert map_box["y"] + map_box["height"] <= 720 + 1, "the whole map above the fold"
    page.screenshot(path=artifacts / "carte_1280x720.png")

    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts / "impression_apercu.png", full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / "impression.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1, "« Imprimer » gives one page"
    sheet = reader.pages[0].mediabox
    assert float(sheet.width) > float(sheet.height), "landscape"
    assert abs(float(sheet.width) - 842) < 3 and abs(float(sheet.height) - 595) < 3, "A4"
    text = reader.pages[0].extract_text()
    for expected in ("70", "habitants", "Couverture par un OPSN", "Licence Ouverte", "Calculé le"):
        assert expected in text, f"« {expected} » missing from the printed page"
    for absent in ("Mode présentation", "Exporter", "Règle de comptage", "Outre-mer"):
        assert absent not in text, f"« {absent} » (controls) printed"
    assert_no_blocked(blocked_requests)


def test_slide_png_download(app_url, open_page, blocked_requests):
    page = open_page(1280, 720, accept_downloads=True)
    page.goto(app_url)
    find_drawn_map(page, timeout=FIRST_MAP_TIMEOUT, view="france:")
    settle(page)
    page.get_by_role("button", name="Exporter").click()
    button = page.get_by_role("button", name=re.compile("PNG pour diapositive"))
    with page.expect_download(timeout=UI_TIMEOUT) as download:
        button.click()
    assert download.value.suggested_filename == (
        "couverture_opsn_france_adherentes-ou-perimetre_france-entiere_diapositive.png"
    )
    image = Image.open(download.value.path())
    assert image.format == "PNG" and image.size == (1920, 1080)
    assert_no_blocked(blocked_requests)
