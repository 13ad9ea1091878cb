"""The real app in headless Chromium: national map, drill-down, search, permalinks.

(The imported OPSN name with HTML is tested through the Importer page, signed in:
``tests/browser/test_planner.py``.)

One Streamlit server for the module (``module_app_server``); every test has its own
page, hence its own Streamlit session. Nothing but 127.0.0.1 is reachable, and each
test checks that no request to another host was even attempted.

The map is drawn in the page (a custom component, no iframe) and updated in place
from one view to the next, so a map is waited for by *what it shows*: the features
a click can open in the view it has painted (``level:code``, from its test
interface ``opsnMap.features()``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import MAP_SELECTOR, assert_no_blocked

pytestmark = pytest.mark.browser

FIRST_MAP_TIMEOUT = 90.0  # the first session loads the reference data
MAP_TIMEOUT = 60.0
UI_TIMEOUT = 60_000  # ms, for Playwright's expect
VIEWPORT = {"width": 1280, "height": 1500}  # tall enough to see the whole map
SEARCH_PLACEHOLDER = re.compile(r"^Commune, code INSEE ou postal")
DROM_CODES = ("971", "972", "973", "974", "976")

# ----------------------------------------------------------------------------- helpers


def wait_for_map(
    page: Page, accept: Callable[[list[str]], bool], timeout: float = MAP_TIMEOUT
) -> Locator:
    """The live map once it has painted a view whose clickable features ``accept`` likes."""
    deadline = time.monotonic() + timeout
    the_map = page.locator(MAP_SELECTOR)
    seen: object = None
    while time.monotonic() < deadline:
        try:
            state = the_map.evaluate("e => e.dataset.state", timeout=2000)
            if state == "error":
                raise AssertionError(the_map.locator(".opsn-map-message").inner_text())
            keys = the_map.evaluate("e => e.opsnMap.features()", timeout=2000)
            seen = (keys or [])[:5]
            box = the_map.bounding_box()
            if keys and accept(keys) and box and box["height"] >= 300:
                return the_map
        except AssertionError:
            raise
        except Exception:  # not on the page yet
            pass
        page.wait_for_timeout(200)
    raise AssertionError(f"No drawn map matching the view after {timeout:.0f} s: {seen}")


def national(keys: list[str]) -> bool:
    return "departement:38" in keys and not any(k.startswith("commune:") for k in keys)


def communes_of(department: str) -> Callable[[list[str]], bool]:
    return lambda keys: any(k.startswith(f"commune:{department}") for k in keys)


def settle(page: Page) -> None:
    """Wait until Streamlit has finished running the script."""
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=UI_TIMEOUT
    )


def page_point(
    page: Page,
    the_map: Locator,
    level: str,
    codes: tuple[str, ...] | list[str] = (),
    target: tuple[float, float] = (0.5, 0.5),
) -> dict:
    """Page coordinates of a point where a click opens a feature of ``level``.

    Features listed in ``codes`` come first, then those nearest ``target``
    (fractions of the map's width and height). The page is settled first, so
    that nothing moves the map between this and the click.
    """
    settle(page)
    the_map.scroll_into_view_if_needed()
    point = the_map.evaluate(
        "(e, args) => e.opsnMap.pointOn(...args)", [level, list(codes), list(target)]
    )
    assert point, f"no {level} reachable at its label point in the map"
    return point


def side_heading(page: Page, text: str):
    return page.get_by_role("heading", name=text, exact=True)


def search_and_pick(page: Page, query: str, option: re.Pattern) -> list[str]:
    """Type ``query`` in the search box, pick the suggestion matching ``option`` (no Enter:
    the suggestions come while typing).

    Returns the texts of the suggestions listed.
    """
    box = page.get_by_placeholder(SEARCH_PLACEHOLDER)
    box.fill(query)
    wanted = page.get_by_role("option", name=option).first
    expect(wanted).to_be_visible(timeout=UI_TIMEOUT)
    texts = page.get_by_role("option").all_inner_texts()
    wanted.click()
    return texts


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture
def dialogs() -> list[str]:
    return []


@pytest.fixture
def app(page: Page, dialogs: list[str]) -> Page:
    """The ``page`` fixture, taller, recording (and dismissing) every JS dialog."""
    page.set_viewport_size(VIEWPORT)

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page


# ----------------------------------------------------------------------------- tests


def test_national_map_draws(app: Page, app_url, blocked_requests, dialogs, artifacts) -> None:
    app.goto(app_url)
    the_map = wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    keys = the_map.evaluate("e => e.opsnMap.features()")
    # Every department clickable, the five DROM included (drawn in insets).
    assert len([k for k in keys if k.startswith("departement:")]) == 101
    assert {f"departement:{code}" for code in DROM_CODES} <= set(keys)
    legend = app.locator(".opsn-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("Couverture par un OPSN")
    expect(legend).to_contain_text("Sans OPSN")
    expect(side_heading(app, "France")).to_be_visible()
    settle(app)
    app.screenshot(path=artifacts / "app_national.png")
    assert not dialogs
    assert_no_blocked(blocked_requests)


def test_click_on_map_opens_department(
    app: Page, app_url, blocked_requests, dialogs, artifacts
) -> None:
    app.goto(app_url)
    the_map = wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    point = page_point(app, the_map, "departement", ["45", "18", "36", "21", "63", "87"])
    code = point["code"]
    app.mouse.click(point["x"], point["y"])
    heading = app.get_by_role("heading", name=re.compile(rf"^.+ \({code}\)$"))
    expect(heading).to_be_visible(timeout=UI_TIMEOUT)
    expect(app).to_have_url(re.compile(rf"[?&]vue=departement&code={code}(&|$)"))
    wait_for_map(app, communes_of(code))
    app.mouse.move(0, 0)  # no tooltip in the screenshot
    settle(app)
    app.screenshot(path=artifacts / "app_department.png")
    assert not dialogs
    assert_no_blocked(blocked_requests)


def test_search_finds_homonyms_and_opens_commune(
    app: Page, app_url, blocked_requests, dialogs, artifacts
) -> None:
    app.goto(app_url)
    wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    listed = search_and_pick(app, "Saint-Denis", re.compile(r"^Saint-Denis \(974\b"))
    exact = [t for t in listed if t.startswith("Saint-Denis (")]
    assert any("(93," in t and "93066" in t for t in exact), listed
    assert any("(974," in t and "97411" in t for t in exact), listed
    expect(side_heading(app, "Saint-Denis (97411)")).to_be_visible(timeout=UI_TIMEOUT)
    expect(app).to_have_url(re.compile(r"[?&]vue=commune&code=97411(&|$)"))
    wait_for_map(app, lambda keys: "commune:97411" in keys)
    app.mouse.move(0, 0)
    settle(app)
    # No help tooltip over the page: the focused breadcrumb button would show its own.
    app.evaluate("document.activeElement && document.activeElement.blur()")
    expect(app.get_by_test_id("stTooltipContent")).to_have_count(0, timeout=UI_TIMEOUT)
    app.screenshot(path=artifacts / "app_commune.png")

    # The address of the view, opened in another tab (a new session), shows it again.
    link = app.url
    other = app.context.new_page()
    other.goto(link)
    expect(side_heading(other, "Saint-Denis (97411)")).to_be_visible(timeout=UI_TIMEOUT)
    wait_for_map(other, lambda keys: "commune:97411" in keys)
    other.close()
    assert not dialogs
    assert_no_blocked(blocked_requests)


def test_permalink_reopens_view(app: Page, app_url, blocked_requests, dialogs) -> None:
    app.goto(app_url + "?vue=departement&code=2A&regle=adhesion&territoire=metropole&epci=non")
    expect(side_heading(app, "Corse-du-Sud (2A)")).to_be_visible(timeout=UI_TIMEOUT)
    sidebar = app.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("radio", name="Adhérentes seulement", exact=True)).to_be_checked()
    expect(sidebar.get_by_role("radio", name="Métropole", exact=True)).to_be_checked()
    expect(sidebar.get_by_role("checkbox", name=re.compile("EPCI adhérents"))).not_to_be_checked()
    wait_for_map(app, communes_of("2A"), timeout=FIRST_MAP_TIMEOUT)
    expect(app.locator(".opsn-legend")).to_contain_text("Couverture par un OPSN")
    settle(app)
    for part in ("vue=departement", "code=2A", "regle=adhesion", "territoire=metropole"):
        assert part in app.url, app.url
    assert not dialogs
    assert_no_blocked(blocked_requests)


def test_plan_ign_basemap_is_an_online_option(app: Page, app_url, blocked_requests) -> None:
    """With ``fond=ign`` the map asks the IGN Géoplateforme for tiles (here aborted:
    no network) and still draws everything; other tests check that nothing is asked
    without it."""
    app.goto(app_url + "?vue=departement&code=2A&fond=ign")
    sidebar = app.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("checkbox", name=re.compile("Plan IGN"))).to_be_checked()
    the_map = wait_for_map(app, communes_of("2A"), timeout=FIRST_MAP_TIMEOUT)
    expect(the_map.locator(".leaflet-tile-pane img").first).to_be_attached(timeout=UI_TIMEOUT)
    expect(the_map.locator(".leaflet-control-attribution")).to_contain_text("Plan IGN")
    settle(app)
    assert "fond=ign" in app.url, app.url
    assert blocked_requests, "no tile was asked for"
    assert all(url.startswith("https://data.geopf.fr/wmts?") for url in blocked_requests), [
        url for url in blocked_requests if not url.startswith("https://data.geopf.fr/")
    ]


def test_drom_inset_opens_its_department(app: Page, app_url, blocked_requests, dialogs) -> None:
    """The DROM are on the national map, in insets, clickable like any department."""
    app.goto(app_url)
    the_map = wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    point = page_point(app, the_map, "departement", ["974"])
    assert point["code"] == "974"
    box = the_map.bounding_box()
    mainland = the_map.evaluate("e => e.opsnMap.mainlandBox()")
    assert point["x"] < mainland["x"], "the inset lies west of the mainland"
    assert box["x"] <= point["x"] <= box["x"] + box["width"]
    app.mouse.click(point["x"], point["y"])
    expect(side_heading(app, "La Réunion (974)")).to_be_visible(timeout=UI_TIMEOUT)
    expect(app).to_have_url(re.compile(r"[?&]vue=departement&code=974(&|$)"))
    wait_for_map(app, communes_of("974"))
    assert not dialogs
    assert_no_blocked(blocked_requests)


def test_regions_open_from_the_national_map(app: Page, app_url, blocked_requests, dialogs) -> None:
    """« Ouvrir : Régions » on the map makes a click open the region instead."""
    app.goto(app_url)
    the_map = wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    the_map.get_by_role("button", name="Régions").click()
    wait_for_map(app, lambda keys: "region:53" in keys and "departement:29" not in keys)
    point = page_point(app, the_map, "region", ["53"])
    app.mouse.click(point["x"], point["y"])
    expect(side_heading(app, "Bretagne")).to_be_visible(timeout=UI_TIMEOUT)
    expect(app).to_have_url(re.compile(r"[?&]vue=region&code=53(&|$)"))
    assert not dialogs
    assert_no_blocked(blocked_requests)


def test_region_view_opens_a_department_by_click(
    app: Page, app_url, blocked_requests, dialogs, artifacts
) -> None:
    """A region shows its departments, clickable; its communes only on demand."""
    app.goto(app_url + "?vue=region&code=53")
    expect(side_heading(app, "Bretagne")).to_be_visible(timeout=UI_TIMEOUT)
    the_map = wait_for_map(
        app,
        lambda keys: "departement:29" in keys and not any(k.startswith("commune:") for k in keys),
        timeout=FIRST_MAP_TIMEOUT,
    )
    app.mouse.move(0, 0)
    settle(app)
    app.screenshot(path=artifacts / "app_region.png")
    # « Communes » shows them, hoverable and clickable.
    the_map.get_by_role("checkbox", name="Communes").check()
    wait_for_map(app, communes_of("29"))
    the_map.get_by_role("checkbox", name="Communes").uncheck()
    wait_for_map(app, lambda keys: not any(k.startswith("commune:") for k in keys))
    point = page_point(app, the_map, "departement", ["29"])
    app.mouse.click(point["x"], point["y"])
    expect(side_heading(app, "Finistère (29)")).to_be_visible(timeout=UI_TIMEOUT)
    expect(app).to_have_url(re.compile(r"[?&]vue=departement&code=29(&|$)"))
    wait_for_map(app, communes_of("29"))
    assert not dialogs
    assert_no_blocked(blocked_requests)


def test_neighbouring_departments_are_clickable(
    app: Page, app_url, blocked_requests, dialogs
) -> None:
    app.goto(app_url + "?vue=departement&code=29")
    the_map = wait_for_map(app, communes_of("29"), timeout=FIRST_MAP_TIMEOUT)
    point = page_point(app, the_map, "departement", ["22", "56"])
    app.mouse.click(point["x"], point["y"])
    name = {"22": "Côtes-d'Armor (22)", "56": "Morbihan (56)"}[point["code"]]
    expect(side_heading(app, name)).to_be_visible(timeout=UI_TIMEOUT)
    wait_for_map(app, communes_of(point["code"]))
    assert not dialogs
    assert_no_blocked(blocked_requests)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_legend_never_hides_the_mainland(
    app: Page, app_url, blocked_requests, size: tuple[int, int]
) -> None:
    app.set_viewport_size({"width": size[0], "height": size[1]})
    app.goto(app_url)
    the_map = wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    settle(app)
    legend = app.locator(".opsn-legend")
    expect(legend).to_be_visible()
    box = legend.bounding_box()
    mainland = the_map.evaluate("e => e.opsnMap.mainlandBox()")
    drawn = the_map.bounding_box()
    # The mainland is in the map, whole, and the legend does not cover any of it.
    assert (
        drawn["x"] <= mainland["x"]
        and mainland["x"] + mainland["width"] <= drawn["x"] + drawn["width"]
    )
    assert (
        drawn["y"] <= mainland["y"]
        and mainland["y"] + mainland["height"] <= drawn["y"] + drawn["height"]
    )
    apart = (
        box["x"] >= mainland["x"] + mainland["width"]
        or box["x"] + box["width"] <= mainland["x"]
        or box["y"] >= mainland["y"] + mainland["height"]
        or box["y"] + box["height"] <= mainland["y"]
    )
    assert apart, (box, mainland)
    sizes = legend.evaluate(
        "e => [...e.querySelectorAll('*')].filter(n => n.textContent.trim())"
        ".map(n => parseFloat(getComputedStyle(n).fontSize))"
    )
    assert sizes and min(sizes) >= 12, sizes
    assert_no_blocked(blocked_requests)


def test_territory_without_opsn_opens_from_the_national_map(
    app: Page, app_url, blocked_requests, dialogs, artifacts
) -> None:
    """« Sans OPSN » on the map: a click opens the territory, drawn with its communes."""
    app.goto(app_url)
    the_map = wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    the_map.get_by_role("button", name="Sans OPSN").click()
    wait_for_map(app, lambda keys: any(k.startswith("territoire:") for k in keys))
    point = page_point(app, the_map, "territoire")
    app.mouse.move(point["x"], point["y"])
    expect(the_map.locator(".opsn-tooltip")).to_contain_text("Territoire sans OPSN")
    app.mouse.click(point["x"], point["y"])
    code = point["code"]
    expect(app).to_have_url(re.compile(rf"[?&]vue=territoire&code={code}(&|$)"), timeout=UI_TIMEOUT)
    the_map = wait_for_map(app, lambda keys: any(k.startswith("commune:") for k in keys))
    app.mouse.move(0, 0)
    settle(app)
    app.screenshot(path=artifacts / "app_territory.png")
    assert not dialogs
    assert_no_blocked(blocked_requests)


def test_territory_row_opens_its_view(app: Page, app_url, blocked_requests, dialogs) -> None:
    """« Territoires sans OPSN » table: a click on a row opens that territory on the map."""
    app.goto(app_url)
    wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    app.get_by_text(re.compile(r"^Tableaux : régions")).click()
    app.get_by_role("tab", name="Territoires sans OPSN").click()
    settle(app)
    grid = app.get_by_test_id("stDataFrame").last
    expect(grid).to_be_visible(timeout=UI_TIMEOUT)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The first data row's selection box: Glide's grid is a canvas, so click by position
    # (header 35 px, rows 35 px, the selection column first).
    app.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
    expect(app).to_have_url(re.compile(r"[?&]vue=territoire&code=Z\d"), timeout=UI_TIMEOUT)
    the_map = wait_for_map(app, lambda keys: any(k.startswith("commune:") for k in keys))
    assert the_map.is_visible()
    assert not dialogs
    assert_no_blocked(blocked_requests)
