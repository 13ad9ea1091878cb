"""The real app in headless Chromium: national map, drill-down, search, permalinks.

(The imported OPSN name with HTML is tested through the Importer page, signed in:
``tests/browser/test_planner.py``.)

One Streamlit server for the module (``module_app_server``); every test has its own
page, hence its own Streamlit session. Nothing but 127.0.0.1 is reachable, and each
test checks that no request to another host was even attempted.

Streamlit reruns replace the map's iframe, so a map is waited for by *what it
shows* (the features Leaflet holds: ``niveau`` and ``code`` of each clickable
polygon), never by a path count that the previous map might also satisfy.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Frame, Page, expect

from .conftest import FOLIUM_FRAME_PART, MAP_PATHS, REPO_ROOT, assert_no_blocked

pytestmark = pytest.mark.browser

FIRST_MAP_TIMEOUT = 90.0  # the first session loads the reference data
MAP_TIMEOUT = 60.0
UI_TIMEOUT = 60_000  # ms, for Playwright's expect
VIEWPORT = {"width": 1280, "height": 1500}  # tall enough to see the whole map
SEARCH_PLACEHOLDER = re.compile(r"^Commune, code INSEE ou postal")

# The streamlit-folium frame keeps its Leaflet map in ``window.map``.
FEATURES_JS = """() => {
  const map = window.map;
  if (!map || typeof map.eachLayer !== "function") return null;
  const keys = [];
  map.eachLayer((layer) => {
    const p = layer.feature && layer.feature.properties;
    if (p && p.niveau) keys.push(p.niveau + ":" + p.code);
  });
  return keys;
}"""

# Page point (in the frame) at the centre of the first feature whose own SVG path is
# what the browser hits there: a safe place to click or hover. Features are tried in
# the order of ``codes``, then by distance to ``target`` (fractions of the map's size).
POINT_ON_JS = """([level, codes, target]) => {
  const map = window.map;
  const layers = [];
  map.eachLayer((layer) => {
    const p = layer.feature && layer.feature.properties;
    if (p && p.niveau === level && layer.getElement) layers.push(layer);
  });
  const size = map.getSize();
  const rank = (layer) => {
    const at = codes.indexOf(layer.feature.properties.code);
    const p = map.latLngToContainerPoint(layer.getBounds().getCenter());
    const far = Math.hypot(p.x - target[0] * size.x, p.y - target[1] * size.y);
    return (at < 0 ? codes.length : at) * 1e6 + far;
  };
  layers.sort((a, b) => rank(a) - rank(b));
  const box = map.getContainer().getBoundingClientRect();
  for (const layer of layers) {
    const point = map.latLngToContainerPoint(layer.getBounds().getCenter());
    const x = box.left + point.x, y = box.top + point.y;
    if (x < box.left + 60 || y < box.top + 80 || x > box.right - 10 || y > box.bottom - 10)
      continue;  // off the map, or under the zoom buttons
    if (document.elementFromPoint(x, y) === layer.getElement())
      return {x: x, y: y, code: layer.feature.properties.code};
  }
  return null;
}"""


# ----------------------------------------------------------------------------- helpers


def wait_for_map(
    page: Page, accept: Callable[[list[str]], bool], timeout: float = MAP_TIMEOUT
) -> Frame:
    """The visible streamlit-folium frame whose drawn map holds features ``accept`` likes."""
    deadline = time.monotonic() + timeout
    seen: dict[str, object] = {}
    while time.monotonic() < deadline:
        for frame in page.frames:
            if FOLIUM_FRAME_PART not in frame.url:
                continue
            try:
                keys = frame.evaluate(FEATURES_JS)
                if not keys or not accept(keys):
                    seen[frame.url] = (keys or [])[:5]
                    continue
                if frame.locator(MAP_PATHS).count() == 0:
                    continue
                element = frame.frame_element()
                box = element.bounding_box()
                if not element.is_visible() or not box or box["height"] < 300:
                    continue
            except Exception:  # frame detached by a rerun
                continue
            return frame
        page.wait_for_timeout(250)
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
    frame: Frame,
    level: str,
    codes: tuple[str, ...] | list[str] = (),
    target: tuple[float, float] = (0.5, 0.5),
) -> dict:
    """Page coordinates of a safe point on a feature of ``level``.

    Features listed in ``codes`` come first, then those nearest ``target``
    (fractions of the map's width and height).
    """
    element = frame.frame_element()
    element.scroll_into_view_if_needed()
    point = frame.evaluate(POINT_ON_JS, [level, list(codes), list(target)])
    assert point, f"no {level} polygon reachable at its centre in the map"
    box = element.bounding_box()
    return {"x": box["x"] + point["x"], "y": box["y"] + point["y"], "code": point["code"]}


def side_heading(page: Page, text: str):
    return page.get_by_role("heading", name=text, exact=True)


def search_and_pick(page: Page, query: str, option: re.Pattern) -> list[str]:
    """Type ``query`` in the search box, pick the result matching ``option``.

    Returns the texts of the listed results.
    """
    box = page.get_by_placeholder(SEARCH_PLACEHOLDER)
    box.fill(query)
    box.press("Enter")
    results = page.get_by_role("combobox", name=re.compile(r"résultat\(s\)"))
    expect(results).to_be_visible(timeout=UI_TIMEOUT)
    results.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    texts = options.all_inner_texts()
    page.get_by_role("option", name=option).first.click()
    return texts


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def app_url(module_app_server) -> str:
    return module_app_server(REPO_ROOT / "app.py", "--server.fileWatcherType", "none")


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
    frame = wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    assert frame.locator(MAP_PATHS).count() >= 96  # one per department, at least
    legend = frame.locator(".opsn-legend")
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
    frame = wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    # Compact departments first: their centre lies inside them.
    point = page_point(app, frame, "departement", ["45", "18", "36", "21", "63", "87"])
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
    frame = wait_for_map(app, communes_of("2A"), timeout=FIRST_MAP_TIMEOUT)
    expect(frame.locator(".opsn-legend")).to_contain_text("Couverture par un OPSN")
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
    frame = wait_for_map(app, communes_of("2A"), timeout=FIRST_MAP_TIMEOUT)
    expect(frame.locator(".leaflet-tile-pane img").first).to_be_attached(timeout=UI_TIMEOUT)
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text("Plan IGN")
    settle(app)
    assert "fond=ign" in app.url, app.url
    assert blocked_requests, "no tile was asked for"
    assert all(url.startswith("https://data.geopf.fr/wmts?") for url in blocked_requests), [
        url for url in blocked_requests if not url.startswith("https://data.geopf.fr/")
    ]
