"""The map tells the truth and lands where one clicks (issue 17), in headless Chromium.

- « Adhérentes seulement »: the tiles' classes add up to the view's communes, and the
  map draws the same classes — counted from the map element's own data (the classes
  it was sent and the communes it draws), not from the server's figures;
- a click opens the department under the pointer once the page is scrolled (300 px,
  and as far as the map's top going above the fold, where the mouse-down used to
  scroll the page), at 1280×720 and 1920×1080, and in presentation mode;
- a click on a table row's name opens its view; a region's tables list its own rows;
- typing « lhay » lists L'Haÿ-les-Roses before any Enter, and the keyboard opens it;
- the map writes place names that never overlap, and « Vue entière » returns after a zoom.

One app server for the module; every test has its own browser context.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import assert_no_blocked, find_drawn_map

pytestmark = pytest.mark.browser

FIRST_MAP_TIMEOUT = 120.0
MAP_TIMEOUT = 60.0
UI_TIMEOUT = 60_000
SCROLLER = "document.querySelector('[data-testid=stMain]')"
NOT_COUNTED = "Dans un périmètre, non comptée avec cette règle"


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def tiles(page: Page) -> dict[str, int]:
    """The figures under the headline, by label."""
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.first).to_be_visible(timeout=UI_TIMEOUT)
    labels = metrics.get_by_test_id("stMetricLabel").all_inner_texts()
    values = metrics.get_by_test_id("stMetricValue").all_inner_texts()
    return {label.strip(): number(value) for label, value in zip(labels, values, strict=True)}


def settle(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=UI_TIMEOUT
    )


def opened(open_page, url: str, view: str, size: tuple[int, int] = (1280, 720)):
    """A new page at ``url`` once its map has painted ``view`` and the page has settled."""
    page = open_page(*size)
    page.goto(url)
    the_map = find_drawn_map(page, FIRST_MAP_TIMEOUT, view=view)
    settle(page)
    return page, the_map


# ----------------------------------------------------------------------------- classes


def test_members_only_tiles_and_map_classes_add_up(
    open_page, app_url, blocked_requests, artifacts
) -> None:
    page, the_map = opened(open_page, app_url + "?regle=adhesion", "france:")
    shown = tiles(page)
    communes = {k: v for k, v in shown.items() if not k.startswith(("Territoires", "Habitants"))}
    assert list(communes) == ["Communes couvertes", "Périmètre, non comptées", "Communes sans OPSN"]
    # Counted from the element's data: the classes it draws for the view's communes.
    drawn = the_map.evaluate("e => e.opsnMap.classCounts()")
    assert sum(drawn.values()) == sum(communes.values()), (drawn, communes)
    assert drawn["Adhérente à un OPSN"] == communes["Communes couvertes"]
    assert drawn[NOT_COUNTED] == communes["Périmètre, non comptées"] > 29_000
    assert drawn["Sans OPSN"] == communes["Communes sans OPSN"]
    legend = page.locator(".opsn-legend")
    expect(legend).to_contain_text(NOT_COUNTED)
    expect(legend).not_to_contain_text("Dans le périmètre d'un OPSN, sans adhésion connue")
    # The region view agrees with its own tiles too.
    page.goto(app_url + "?regle=adhesion&vue=region&code=84")
    the_map = find_drawn_map(page, MAP_TIMEOUT, view="region:84")
    settle(page)
    region = {k: v for k, v in tiles(page).items() if k.startswith(("Communes", "Périm"))}
    drawn = the_map.evaluate("e => e.opsnMap.classCounts()")
    assert sum(drawn.values()) == sum(region.values()) == 4025  # Auvergne-Rhône-Alpes
    page.mouse.move(0, 0)
    page.screenshot(path=artifacts / "map_members_only_84.png")
    assert_no_blocked(blocked_requests)


# ----------------------------------------------------------------------------- clicks


def click_under_pointer(page: Page, the_map, codes: list[str]) -> str:
    """Click a department the map names under the pointer; the view opened must be it,
    and the page must not move under the pointer between press and release."""
    point = the_map.evaluate(f"e => e.opsnMap.pointOn('departement', {codes})")
    assert point, "no department of the list under a visible point"
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(300)
    before = page.evaluate(f"{SCROLLER}.scrollTop")
    page.mouse.down()
    assert page.evaluate(f"{SCROLLER}.scrollTop") == before, "the page scrolled on mouse-down"
    page.mouse.up()
    find_drawn_map(page, MAP_TIMEOUT, view=f"departement:{point['code']}")
    return point["code"]


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_a_click_opens_the_department_under_the_pointer_once_scrolled(
    open_page, app_url, blocked_requests, width, height
) -> None:
    page, the_map = opened(open_page, app_url, "france:", (width, height))
    # The tables open: a page long enough to scroll at 1920 × 1080 too.
    page.get_by_text(re.compile(r"^Tableaux : régions")).click()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)
    page.evaluate(f"{SCROLLER}.scrollTop = 300")
    page.wait_for_timeout(300)
    # 300 px; then further, until the map's top is above the fold: there Leaflet's
    # focus used to scroll the page on mouse-down, and the click opened a neighbour.
    top = the_map.bounding_box()["y"]
    if top >= 0:
        page.evaluate(f"{SCROLLER}.scrollTop += {top + 40}")
        page.wait_for_timeout(300)
    assert the_map.bounding_box()["y"] < 0
    assert click_under_pointer(page, the_map, ["13", "84", "30", "34", "83"])
    assert_no_blocked(blocked_requests)


def test_a_click_in_a_slide_opens_the_department_under_the_pointer(
    open_page, app_url, blocked_requests, artifacts
) -> None:
    url = app_url + "?presentation=1&vue=region&code=53"
    page, the_map = opened(open_page, url, "region:53")
    code = click_under_pointer(page, the_map, ["29", "22", "56", "35"])
    expect(page).to_have_url(re.compile(rf"vue=departement&code={code}"), timeout=UI_TIMEOUT)
    expect(page.locator(".slide-title")).to_contain_text(f"({code})", timeout=UI_TIMEOUT)
    settle(page)
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts / "slide_after_click.png")
    # No tooltip of the slide's own buttons left on the projected slide.
    expect(page.get_by_test_id("stTooltipContent")).to_have_count(0)
    assert_no_blocked(blocked_requests)


# ----------------------------------------------------------------------------- tables


def test_a_click_on_a_row_name_opens_its_view(open_page, app_url, blocked_requests) -> None:
    page, _ = opened(open_page, app_url + "?vue=region&code=84", "region:84", (1280, 900))
    page.get_by_text(re.compile(r"^Tableaux : départements, EPCI")).click()
    expect(page.get_by_role("tab", name="Départements")).to_be_visible(timeout=UI_TIMEOUT)
    tabs = page.get_by_role("tab").all_inner_texts()
    assert "Régions" not in tabs and "Communes sans OPSN" in tabs
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible(timeout=UI_TIMEOUT)
    grid.scroll_into_view_if_needed()
    settle(page)
    area = grid.bounding_box()
    # The first row (sorted by code: 01, Ain), on its name — not on its checkbox.
    page.mouse.click(area["x"] + 110, area["y"] + 35 + 17)
    find_drawn_map(page, MAP_TIMEOUT, view="departement:01")
    expect(page.get_by_role("heading", name="Ain (01)", exact=True)).to_be_visible()
    assert_no_blocked(blocked_requests)


# ----------------------------------------------------------------------------- search, names


def test_typing_lists_suggestions_and_the_keyboard_opens_one(
    open_page, app_url, blocked_requests, artifacts
) -> None:
    page, the_map = opened(open_page, app_url, "france:")
    # Names on the map, none over another.
    labels = the_map.evaluate("e => e.opsnMap.labels()")
    texts = [label["text"] for label in labels]
    assert "Paris" in texts and len(texts) >= 8
    boxes = [label["box"] for label in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)

    box = page.get_by_role("combobox", name="Rechercher un territoire")
    box.click()
    box.press_sequentially("lhay", delay=60)  # no Enter: the list comes while typing
    suggestion = page.get_by_role("option", name=re.compile(r"^L'Haÿ-les-Roses \(94"))
    expect(suggestion).to_be_visible(timeout=UI_TIMEOUT)
    page.screenshot(path=artifacts / "search_lhay.png")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    find_drawn_map(page, MAP_TIMEOUT, view="commune:94038")
    expect(box).to_have_value("")  # the box does not keep the last search
    labels = [label["text"] for label in the_map.evaluate("e => e.opsnMap.labels()")]
    assert "Créteil" in labels  # the prefecture of its department, first of the names

    # A zoom with the wheel, then « Vue entière » back to the view's extent.
    reset = page.get_by_role("button", name=re.compile("Vue entière"))
    expect(reset).to_be_hidden()
    centre = the_map.bounding_box()
    page.mouse.move(centre["x"] + centre["width"] / 2, centre["y"] + centre["height"] / 2)
    page.mouse.wheel(0, 600)
    expect(reset).to_be_visible(timeout=UI_TIMEOUT)
    reset.click()
    expect(reset).to_be_hidden(timeout=UI_TIMEOUT)
    assert_no_blocked(blocked_requests)
