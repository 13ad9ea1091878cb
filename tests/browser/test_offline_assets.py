"""Maps draw with no network: Leaflet comes from the installed package, nothing else."""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
import urllib.request

import folium
import pytest

from geo.core.reference import load_reference
from geo.maps.web_assets import (
    LEAFLET_CSS,
    LEAFLET_JS,
    inline_assets_html,
    leaflet_asset_dir,
    leaflet_css_code,
    leaflet_dir_name,
    leaflet_js_code,
    offline_map,
)
from ui.map_element import prepare_map_files

from .conftest import REPO_ROOT, assert_no_blocked

MAP_ONLY_APP = REPO_ROOT / "bench" / "map_only_app.py"
"""The live map element alone, no network (the page ``bench_map.py`` measures)."""

ASSET_URL = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)["']""",
    re.IGNORECASE,
)

SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"nom": "Zone A"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[2, 46], [3, 46], [3, 47], [2, 47], [2, 46]]],
            },
        }
    ],
}


def _sample_map() -> folium.Map:
    m = offline_map(location=(46.5, 2.5), zoom_start=6, asset_prefix="../x.leaflet_assets")
    folium.GeoJson(SQUARE, tooltip=folium.GeoJsonTooltip(fields=["nom"])).add_to(m)
    folium.GeoJson(SQUARE, tooltip=folium.Tooltip("Zone")).add_to(m)
    return m


def test_asset_dir_holds_leaflet() -> None:
    directory = leaflet_asset_dir()
    assert (directory / LEAFLET_JS).is_file()
    assert (directory / LEAFLET_CSS).is_file()
    assert (directory / "images" / "layers.png").is_file()


def test_offline_map_loads_only_local_leaflet() -> None:
    m = _sample_map()
    html = m.get_root().render()
    urls = ASSET_URL.findall(html)
    assert urls == ["../x.leaflet_assets/leaflet.js", "../x.leaflet_assets/leaflet.css"]
    assert not [u for u in urls if "http" in u]
    assert "tile" not in html.lower()
    assert "background: #" in html
    # folium.Map's class-level asset lists are left alone.
    assert folium.Map.default_js[0][1].startswith("https://")


def test_inline_assets_html_is_standalone() -> None:
    html = inline_assets_html(_sample_map())
    assert ASSET_URL.findall(html) == []
    assert leaflet_js_code()[:2000] in html
    assert "leaflet-container" in html
    assert "url(images/" not in html
    assert "data:image/png;base64," in html
    # External URLs may appear only inside Leaflet's own code (attribution link, comments).
    outside_leaflet = html.replace(leaflet_js_code(), "").replace(leaflet_css_code(), "")
    assert "http://" not in outside_leaflet and "https://" not in outside_leaflet


@pytest.mark.browser
def test_map_draws_with_no_network(
    app_server, page, blocked_requests, drawn_map, artifacts, tmp_path
) -> None:
    """The live map in a fresh folder: it serves Leaflet and its geometry itself."""
    script = tmp_path / "offline_app.py"
    shutil.copy(MAP_ONLY_APP, script)
    url = app_server(script)
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    page.goto(url)
    the_map = drawn_map(page, timeout=90, view="france:")
    assert page.evaluate("typeof L !== 'undefined' && L.version") == "1.9.4"
    background = the_map.evaluate(
        "e => getComputedStyle(e.querySelector('.leaflet-container')).backgroundColor"
    )
    assert background == "rgb(221, 230, 238)"
    assert the_map.locator("img.leaflet-tile").count() == 0
    assert len(the_map.evaluate("e => e.opsnMap.features()")) == 101
    # Leaflet and the geometry came from the app's own static folder.
    served = [u for u in loaded if "/app/static/" in u]
    assert any(u.endswith("/leaflet.js") for u in served), served
    assert any("/mapdata/national." in u for u in served), served
    assert (tmp_path / "static" / leaflet_dir_name() / LEAFLET_JS).is_file()
    page.screenshot(path=artifacts / "offline_map.png", full_page=True)
    assert_no_blocked(blocked_requests)


@pytest.mark.browser
def test_map_files_are_served_as_written_with_validators(app_server, tmp_path) -> None:
    """Same bytes as on disk, names that change with the content, and an ETag."""
    script = tmp_path / "offline_app.py"
    shutil.copy(MAP_ONLY_APP, script)
    url = app_server(script)
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
    reference = load_reference()
    files = prepare_map_files(reference, tmp_path / "static").files
    path = tmp_path / "static" / "mapdata" / files.national
    request = urllib.request.Request(
        f"{url}app/static/mapdata/{files.national}", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        # Stored compressed, served as stored: the server compresses nothing per request.
        assert response.read() == path.read_bytes()
        assert response.headers["Content-Type"] == "application/gzip"
        assert "Content-Encoding" not in response.headers
        assert response.headers["ETag"]
        assert response.headers["Last-Modified"]
    digest = files.national.rsplit(".", 3)[1]
    assert hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest()[:12] == digest


@pytest.mark.browser
def test_page_fixture_blocks_external_requests(page, blocked_requests) -> None:
    """Self-check of the fixture: a CDN script is aborted and recorded, not fetched."""
    page.set_content(
        '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
    )
    assert page.evaluate("typeof L") == "undefined"
    assert blocked_requests == ["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"]
