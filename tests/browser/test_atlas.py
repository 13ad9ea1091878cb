"""The static atlas in Chromium: exported once, served by ``python -m http.server`` and
opened from ``file://``; every headline equals ``python -m geo coverage --vue … --format json``.

One export per session (``atlas_dir``, about half a minute), a few tests that each
check several things a visitor does: open views by address, click, go Back, search,
present, download a table; the same pages from the disk; the embeddable map in a
600 × 400 frame; a phone.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.cli import main
from geo.core import fmt
from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.text import fold
from geo.explore import tables
from geo.explore.search import SearchIndex
from geo.exports.csv import csv_bytes
from geo.importers.inputs import bundled_inputs
from tests.browser import atlas_build
from tests.browser.conftest import assert_no_blocked, is_local_url, static_server

pytestmark = pytest.mark.browser

MB = 1_000_000


@pytest.fixture(scope="session")
def atlas_dir(tmp_path_factory) -> Path:
    """``python -m geo export site --out DIR``, once per session: under pytest-xdist the
    controller's (:mod:`tests.browser.atlas_build`), otherwise in-process."""
    exported = os.environ.get(atlas_build.ENV)
    if exported:
        return atlas_build.written(Path(exported))
    directory = tmp_path_factory.mktemp("atlas") / "atlas"
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert main(["export", "site", "--out", str(directory), "--donnees-livrees"]) == 0
    assert "Atlas écrit" in output.getvalue()
    return directory


@pytest.fixture(scope="session")
def atlas_url(atlas_dir) -> Iterator[str]:
    """The atlas served by ``python -m http.server`` on 127.0.0.1 (stopped by its PID)."""
    with static_server(atlas_dir) as (url, _):
        yield url


_COVERAGE: dict[tuple[str, str], dict] = {}


def coverage(level: str, code: str = "") -> dict:
    """``python -m geo coverage --vue LEVEL --code CODE --format json`` (in-process)."""
    key = (level, code)
    if key not in _COVERAGE:
        output = io.StringIO()
        args = ["coverage", "--vue", level, "--format", "json", "--donnees-livrees"] + (
            ["--code", code] if code else []
        )
        with contextlib.redirect_stdout(output):
            assert main(args) == 0
        _COVERAGE[key] = json.loads(output.getvalue())
    return _COVERAGE[key]


def drawn(page, view: str, timeout: float = 30.0):
    """The atlas's map once it has painted ``view`` (``level:code``)."""
    the_map = page.locator(".opsn-map")
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = the_map.evaluate(
            "e => [e.dataset.state, e.opsnMap && e.opsnMap.drawnView]", timeout=5000
        )
        assert state[0] != "error", the_map.locator(".opsn-map-message").inner_text()
        if state == ["drawn", view]:
            return the_map
        page.wait_for_timeout(50)
    raise AssertionError(f"{view} non dessinée : {state}")


def assert_headline(page, level: str, code: str = "") -> None:
    """The headline shows the figures of ``coverage --vue`` for the same view and options."""
    view = f"{level}:{code}"
    head = page.locator("#headline")
    page.wait_for_function(
        "v => document.querySelector('#headline').dataset.view === v", arg=view, timeout=30_000
    )
    expected = coverage(level, code)
    assert float(head.get_attribute("data-share")) == expected["covered_share"]
    assert int(head.get_attribute("data-covered")) == expected["covered_population"]
    assert int(head.get_attribute("data-total")) == expected["total_population"]
    text = head.inner_text()
    assert fmt.percent(expected["covered_share"]) in text
    assert fmt.inhabitants(expected["covered_population"]) in text
    assert fmt.integer(expected["total_population"]) in text
    assert expected["counting_rule"][1:] in text  # the rule, with a capital letter
    if level != "france":
        assert expected["view"]["nom"] in text


def test_atlas_over_http(atlas_dir, atlas_url, browser, artifacts, reference):
    """National and department views by address, a click, Back, the search, presentation
    mode, a CSV download; every headline is the command line's; nothing else is asked."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    blocked: list[str] = []
    context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if is_local_url(r.request.url)
            else (blocked.append(r.request.url), r.abort())
        ),
    )
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        index = atlas_url + "index.html"
        page.goto(index)
        drawn(page, "france:")
        assert_headline(page, "france")
        assert "Déclic, mai 2020" in page.locator("#panel").inner_text()
        assert "Licence Ouverte 2.0" in page.locator("#sources").inner_text()
        page.screenshot(path=artifacts / "atlas_france.png")

        page.goto("about:blank")
        page.goto(index + "#vue=departement&code=29")
        drawn(page, "departement:29")
        assert_headline(page, "departement", "29")
        assert page.locator("#crumbs").inner_text().startswith("France")
        page.screenshot(path=artifacts / "atlas_departement_29.png")

        # A click on the national map opens the department under the pointer; Back returns.
        page.goto("about:blank")
        page.goto(index)
        the_map = drawn(page, "france:")
        point = the_map.evaluate("e => e.opsnMap.pointOn('departement', ['45'])")
        assert point and point["code"] == "45", point
        page.mouse.click(point["x"], point["y"])
        drawn(page, "departement:45")
        assert_headline(page, "departement", "45")
        assert "vue=departement&code=45" in page.url
        page.go_back()
        drawn(page, "france:")
        assert_headline(page, "france")

        # The search: type-ahead from the static index, as the app's search ranks.
        search = page.locator("#search")
        search.fill("lhay")
        first = page.locator("#search-results li").first
        first.wait_for(timeout=15_000)
        assert first.inner_text().startswith("L'Haÿ-les-Roses (94, Val-de-Marne) — commune")
        page.screenshot(path=artifacts / "atlas_search.png")
        first.click()
        drawn(page, "commune:94038")
        assert_headline(page, "commune", "94038")
        panel = page.locator("#panel").inner_text()
        expected = coverage("commune", "94038")
        assert expected["commune"]["statut_libelle"] in panel
        page.screenshot(path=artifacts / "atlas_commune_94038.png")
        inputs = bundled_inputs()
        analysis = analyse(reference, inputs, CoverageOptions())
        index_py = SearchIndex(reference)
        for query in ("lhay", "saint denis", "29", "75001", "brest", "métropole", "Z13055"):
            found = page.evaluate("q => OPSN_ATLAS.page.find(q)", query)
            results = index_py.find(query, limit=30, zones=analysis.zones)
            assert found["total"] == results.total, query
            assert [h["label"] for h in found["hits"]] == [h.label for h in results.hits], query

        # Names fold as geo.core.text.fold does (the search compares folded names).
        folded = page.evaluate(
            """() => OPSN_ATLAS.doc("recherche").then(d => Object.fromEntries(Object.entries(d.kinds)
                 .map(([k, c]) => [k, c.name.split("|").map(OPSN_ATLAS.page.fold)])))"""
        )
        entries = index_py.entries(analysis.zones)
        for kind, group in entries.groupby("kind"):
            assert folded[kind] == [fold(name) for name in group["name"]], kind
        numbers = [0, 1, 2, 999, 1000, 12345.5, 68350798, 0.125, 0.5, 2.5, 57.25, 1.005]
        js = page.evaluate(
            """v => v.map(x => [OPSN_ATLAS.page.fmt.integer(x), OPSN_ATLAS.page.fmt.decimal(x, 1),
                 OPSN_ATLAS.page.fmt.percent(x / 100), OPSN_ATLAS.page.fmt.inhabitants(x)])""",
            numbers,
        )
        assert js == [
            [fmt.integer(x), fmt.decimal(x, 1), fmt.percent(x / 100), fmt.inhabitants(x)]
            for x in numbers
        ]

        # Presentation mode: the same keys as the app's.
        page.goto(index)
        drawn(page, "france:")
        page.locator("#present").click()
        page.wait_for_function("() => document.body.dataset.mode === 'presentation'")
        page.keyboard.press("ArrowRight")
        drawn(page, "region:11")  # the most populated region comes after France
        assert page.locator(".slide-position").inner_text() == "Vue 2 / 19"
        page.screenshot(path=artifacts / "atlas_presentation.png")
        page.keyboard.press("Escape")
        page.wait_for_function("() => document.body.dataset.mode === 'page'")

        # A table of the view, downloaded as the app's CSV for French Excel.
        page.goto(index)
        drawn(page, "france:")
        page.locator(".tabs button[data-table='regions']").click()
        with page.expect_download() as download:
            page.locator(".table .download").click()
        data = Path(download.value.path()).read_bytes()
        table = tables.build("regions", reference, analysis, inputs, None, "France")
        assert data == csv_bytes(table.frame, list(table.notes))
        assert not errors, errors
        assert_no_blocked(blocked)
    finally:
        context.close()


def test_atlas_from_disk_and_its_size(atlas_dir, browser, artifacts):
    """The same pages open from file:// on a laptop; the site keeps to its budget."""
    sizes = {p: p.stat() for p in atlas_dir.rglob("*") if p.is_file()}
    disk = sum(s.st_blocks * 512 for s in sizes.values())
    assert disk <= 25 * MB, disk
    data = [p for p in sizes if "data" in p.relative_to(atlas_dir).parts]
    biggest = max(data, key=lambda p: sizes[p].st_size)
    views = [p for p in data if p.parent.name in ("vues", "epci", "communes")]
    assert max(sizes[p].st_size for p in views) <= MB, biggest
    for page_name in ("index.html", "embed.html"):
        text = (atlas_dir / page_name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text  # nothing from the network
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    try:
        index = (atlas_dir / "index.html").as_uri()
        for level, code in (("france", ""), ("departement", "29"), ("commune", "94038")):
            page.goto("about:blank")
            page.goto(index + (f"#vue={level}&code={code}" if code else ""))
            drawn(page, f"{level}:{code}")
            assert_headline(page, level, code)
        page.screenshot(path=artifacts / "atlas_file_commune.png")
        assert all(url.startswith(("file:", "data:", "about:", "blob:")) for url in requests)
    finally:
        context.close()


def test_embed_fits_a_600_by_400_frame(atlas_url, page, blocked_requests, artifacts):
    """The embeddable map of a department: map, headline and legend inside the frame."""
    embed = atlas_url + "embed.html#vue=departement&code=29"
    page.goto(atlas_url + "index.html")
    page.set_content(
        f'<iframe src="{embed}" width="600" height="400" style="border:0"></iframe>',
    )
    frame = page.frame_locator("iframe")
    the_map = frame.locator(".opsn-map")
    the_map.wait_for(timeout=30_000)
    page.wait_for_function(
        """() => { const d = document.querySelector('iframe').contentDocument;
             const m = d && d.querySelector('.opsn-map');
             return m && m.dataset.state === 'drawn' && m.opsnMap.drawnView === 'departement:29'; }""",
        timeout=30_000,
    )
    frame_box = page.locator("iframe").bounding_box()
    for selector in ("#headline", ".opsn-map", ".opsn-legend", "#open-atlas"):
        box = frame.locator(selector).bounding_box()
        assert box and box["height"] > 0, selector
        assert box["y"] >= frame_box["y"] - 1, selector
        assert box["y"] + box["height"] <= frame_box["y"] + frame_box["height"] + 1, selector
    legend = frame.locator(".opsn-legend").inner_text()
    assert "Dans le périmètre d'un OPSN" in legend
    expected = coverage("departement", "29")
    assert fmt.percent(expected["covered_share"]) in frame.locator("#headline").inner_text()
    assert frame.locator(".opsn-map").bounding_box()["height"] >= 150
    page.screenshot(path=artifacts / "atlas_embed_600x400.png")
    assert_no_blocked(blocked_requests)


def test_a_phone_sees_map_and_headline_and_taps_a_department(atlas_url, browser, artifacts):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
        device_scale_factor=2, locale="fr-FR",
    )  # fmt: skip
    page = context.new_page()
    try:
        for level, code in (("france", ""), ("region", "84")):
            page.goto("about:blank")
            page.goto(atlas_url + "index.html" + (f"#vue={level}&code={code}" if code else ""))
            the_map = drawn(page, f"{level}:{code}")
            assert page.evaluate("window.scrollY") == 0
            headline = page.locator("#headline").bounding_box()
            box = the_map.bounding_box()
            assert headline["y"] >= 0 and headline["y"] + headline["height"] <= box["y"] + 1
            assert box["y"] + box["height"] <= 844, box  # the whole map, no scrolling
            assert box["height"] >= 300, box
            page.screenshot(path=artifacts / f"atlas_phone_{level}.png")
        point = the_map.evaluate("e => e.opsnMap.pointOn('departement', ['63'])")
        assert point and point["code"] == "63", point
        page.touchscreen.tap(point["x"], point["y"])
        drawn(page, "departement:63")
        assert_headline(page, "departement", "63")
        page.screenshot(path=artifacts / "atlas_phone_departement_63.png")
    finally:
        context.close()
