"""The standalone HTML export draws its map in Chromium from a file, with no network."""

from __future__ import annotations

import pytest

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.reference import load_reference
from geo.exports.html_map import standalone_html
from geo.exports.scope import resolve
from geo.importers.inputs import bundled_inputs
from tests.browser.conftest import assert_no_blocked


@pytest.fixture(scope="module")
def bundled():
    reference = load_reference()
    inputs = bundled_inputs()
    return reference, inputs, analyse(reference, inputs, CoverageOptions())


@pytest.mark.browser
@pytest.mark.parametrize(
    ("level", "code"), [("france", ""), ("departement", "29"), ("territoire", "")]
)
def test_html_export_draws_offline(
    bundled, page, blocked_requests, artifacts, tmp_path, level, code
):
    reference, inputs, analysis = bundled
    if level == "territoire":
        code = analysis.zones["id"].iloc[4]
    scope = resolve(reference, analysis, level, code)
    path = tmp_path / f"carte_{level}.html"
    path.write_text(standalone_html(reference, analysis, inputs, scope), encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_selector(".leaflet-overlay-pane path", timeout=30_000)
    paths = page.locator(".leaflet-overlay-pane path").count()
    drawn = int(scope.drawn.sum())
    # France: one path per status and per department; a territory: one per commune at least.
    assert paths >= (100 if level == "france" else drawn), (paths, drawn)
    assert page.title() == f"Couverture OPSN — {scope.name}"
    assert page.locator("header.opsn-header h1").inner_text().startswith("Couverture OPSN")
    assert "Licence Ouverte 2.0" in page.locator("footer.opsn-footer").inner_text()
    legend = page.locator(".opsn-legend")
    assert legend.count() == 1 and legend.is_visible()
    assert "Cliquez" not in legend.inner_text()  # nothing opens from a file
    box = page.locator(".leaflet-container").bounding_box()
    assert box["height"] > 400  # the map fills the window between header and footer
    assert all(url.startswith(("file:", "data:", "about:")) for url in requests), requests
    assert_no_blocked(blocked_requests)
    page.screenshot(path=artifacts / f"export_html_{level}.png")
