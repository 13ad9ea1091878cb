"""The view follows the browser: one history entry per view, Back and Forward walk them.

France → Finistère → a commune → Back → Back returns to France, with exactly one
history entry per view opened; changing a control replaces the current entry, so
Back still goes to the previous *view*. Views are opened the way a user would
(search, breadcrumb, overseas buttons); the map's own clicks are tested with the map.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import assert_no_blocked

pytestmark = pytest.mark.browser

UI_TIMEOUT = 90_000  # ms: the first session loads the reference data
SEARCH_PLACEHOLDER = re.compile(r"^Commune, code INSEE ou postal")


def heading(page: Page, text: str):
    return page.get_by_role("heading", name=text, exact=True)


def search_and_open(page: Page, query: str, option: re.Pattern) -> None:
    """Type ``query``, click the suggestion matching ``option`` (listed while typing)."""
    box = page.get_by_placeholder(SEARCH_PLACEHOLDER)
    box.fill(query)
    wanted = page.get_by_role("option", name=option).first
    expect(wanted).to_be_visible(timeout=UI_TIMEOUT)
    wanted.click()


def history_length(page: Page) -> int:
    return page.evaluate("window.history.length")


def test_back_and_forward_walk_the_views(page: Page, app_url, blocked_requests) -> None:
    page.goto(app_url)
    expect(heading(page, "France")).to_be_visible(timeout=UI_TIMEOUT)
    start = history_length(page)
    assert "?" not in page.url, "arriving adds nothing to the address (nor to the history)"

    search_and_open(page, "Finistère", re.compile(r"^Finistère"))
    expect(heading(page, "Finistère (29)")).to_be_visible(timeout=UI_TIMEOUT)
    expect(page).to_have_url(re.compile(r"[?&]vue=departement&code=29(&|$)"))
    search_and_open(page, "Quimper", re.compile(r"^Quimper \(29"))
    expect(heading(page, "Quimper (29232)")).to_be_visible(timeout=UI_TIMEOUT)
    assert history_length(page) == start + 2, "one entry per view opened"

    # A control change replaces the current entry: the rule is kept in it.
    page.get_by_text("Adhérentes seulement", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]regle=adhesion(&|$)"))
    page.wait_for_timeout(500)
    assert history_length(page) == start + 2, "a control change adds no entry"

    page.go_back()
    expect(heading(page, "Finistère (29)")).to_be_visible(timeout=UI_TIMEOUT)
    expect(page).to_have_url(re.compile(r"[?&]vue=departement&code=29(&|$)"))
    page.go_back()
    expect(heading(page, "France")).to_be_visible(timeout=UI_TIMEOUT)
    expect(page).not_to_have_url(re.compile(r"vue="))
    # The page does not put the view back after Back (it used to reopen Finistère).
    page.wait_for_timeout(1500)
    expect(heading(page, "France")).to_be_visible()
    assert history_length(page) == start + 2

    page.go_forward()
    expect(heading(page, "Finistère (29)")).to_be_visible(timeout=UI_TIMEOUT)
    page.go_forward()
    expect(heading(page, "Quimper (29232)")).to_be_visible(timeout=UI_TIMEOUT)
    expect(page).to_have_url(re.compile(r"[?&]regle=adhesion(&|$)"))
    expect(page.get_by_role("radio", name="Adhérentes seulement")).to_be_checked()
    assert history_length(page) == start + 2

    # The breadcrumb and the overseas buttons are view changes too.
    page.get_by_role("button", name="› Finistère (29)").click()
    expect(heading(page, "Finistère (29)")).to_be_visible(timeout=UI_TIMEOUT)
    page.get_by_role("button", name="La Réunion").click()
    expect(heading(page, "La Réunion (974)")).to_be_visible(timeout=UI_TIMEOUT)
    page.go_back()
    expect(heading(page, "Finistère (29)")).to_be_visible(timeout=UI_TIMEOUT)
    assert_no_blocked(blocked_requests)
