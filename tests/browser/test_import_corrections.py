"""A Finistère list corrected in the import page's table, in headless Chromium, then saved.

The table is Streamlit's data editor (a canvas): cells are reached by their
position, and read back through the grid's accessible copy
(``#glide-cell-COLUMN-ROW``), as a screen reader would.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import REPO_ROOT, assert_no_blocked, signed_in_app
from .test_app import UI_TIMEOUT, settle
from .test_planner import PASSWORD, choose, database, open_page, sign_in

pytestmark = pytest.mark.browser

LIST = REPO_ROOT / "tests" / "fixtures" / "import" / "cdg29_adherents.csv"
#: Widths of the table's columns (ui/pages/importer.py), and its header and row heights.
WIDTHS = (50, 120, 170, 200, 80, 95, 80)
HEADER, ROW = 35, 35
COMMUNE, TAKE, CORRECTION, LEAVE_OUT = 3, 4, 5, 6


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("corrections-data")


@pytest.fixture(scope="module")
def app_url(module_app_server, data_dir, tmp_path_factory) -> str:
    return signed_in_app(module_app_server, PASSWORD, data_dir, tmp_path_factory.mktemp("secrets"))


def click_cell(page: Page, editor, column: int, row: int) -> None:
    box = editor.get_by_test_id("data-grid-canvas").bounding_box()
    x = box["x"] + sum(WIDTHS[:column]) + WIDTHS[column] / 2
    page.mouse.click(x, box["y"] + HEADER + row * ROW + ROW / 2)
    # The grid's accessible copy says which cell is selected: wait for it rather than a
    # fixed delay, which a loaded machine outruns (the key then goes elsewhere).
    expect(editor.locator(f"#glide-cell-{column}-{row}").first).to_have_attribute(
        "aria-selected", "true"
    )


def cell_text(editor, column: int, row: int) -> str:
    return editor.locator(f"#glide-cell-{column}-{row}").first.text_content() or ""


def test_problem_lines_corrected_in_the_table_are_saved(
    page: Page, app_url, data_dir, blocked_requests, artifacts
):
    page.set_viewport_size({"width": 1280, "height": 720})
    sign_in(page, app_url)
    open_page(page, "Importer")
    page.locator("input[type=file]").set_input_files(LIST)
    choose(page, re.compile(r"^OPSN de la liste"), "CDG29", re.compile(r"CDG29"))
    summary = page.get_by_text(re.compile(r"9 ligne\(s\) ; \d acceptée\(s\)"))
    expect(summary).to_contain_text(
        "6 acceptée(s) dont 0 corrigée(s) et 1 à vérifier, 3 rejetée(s)", timeout=UI_TIMEOUT
    )
    heading = page.get_by_role("heading", name="Corriger les lignes rejetées ou à vérifier")
    heading.scroll_into_view_if_needed()
    editor = page.get_by_test_id("stDataFrame").first
    assert cell_text(editor, 1, 0) == "Brest ; 29190"
    assert cell_text(editor, 2, 0) == "rejetée : nom ≠ code"
    assert cell_text(editor, COMMUNE, 1) == "proposée : Landivisiau (29105)"
    page.screenshot(path=artifacts / "import_corrections_before.png")

    # Brest's code typed, Landivisiau's proposal taken, Vannes (Morbihan) left out.
    click_cell(page, editor, CORRECTION, 0)
    page.keyboard.press("Enter")
    expect(page.locator("textarea.gdg-input")).to_be_visible()  # the cell's editor is open
    page.keyboard.type("29019", delay=50)
    page.keyboard.press("Enter")
    settle(page)
    expect(editor.locator(f"#glide-cell-{COMMUNE}-0").first).to_have_text(
        "✓ Brest (29019)", timeout=UI_TIMEOUT
    )
    for column, row in ((TAKE, 1), (LEAVE_OUT, 2)):
        click_cell(page, editor, column, row)
        page.keyboard.press("Space")
        settle(page)
    expect(editor.locator(f"#glide-cell-{COMMUNE}-1").first).to_have_text(
        "✓ Landivisiau (29105)", timeout=UI_TIMEOUT
    )
    expect(editor.locator(f"#glide-cell-{COMMUNE}-2").first).to_have_text("✓ écartée")
    expect(summary).to_contain_text("7 acceptée(s) dont 2 corrigée(s) et 0 à vérifier")
    page.screenshot(path=artifacts / "import_corrections_after.png")
    assert len(database(data_dir).versions()) == 1, "nothing saved before confirming"

    page.get_by_role("button", name="Enregistrer comme nouvelle version").click()
    expect(page.get_by_text(re.compile(r"Enregistré : base enregistrée, version 2"))).to_be_visible(
        timeout=UI_TIMEOUT
    )
    _, saved = database(data_dir).snapshot()
    members = saved.memberships[saved.memberships["opsn"] == "cdg29"]
    assert set(members["insee"]) == {"29232", "29019", "29105", "29151", "29235", "29190", "29075"}
    assert members.set_index("insee").at["29019", "ligne"] == 5
    assert_no_blocked(blocked_requests)
