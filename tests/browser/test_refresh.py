"""A signed-in planner refreshes from the Suite territoriale: report, preview, save, source date.

The app's server reaches a local portal (``OPSN_ANCT_SOURCE``, :mod:`tests.anct_portal`)
serving ANCT-shaped files; the browser itself only talks to 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import Page, expect

from geo.core import fmt
from geo.storage import open_store
from tests.anct_portal import MEGALIS, OPERATORS_CSV, Portal, adherents_gz, commune_sirets

from .conftest import assert_no_blocked, signed_in_app
from .test_app import UI_TIMEOUT, settle
from .test_planner import PASSWORD, sign_in

pytestmark = pytest.mark.browser

DAY = dt.date.today() - dt.timedelta(days=2)


@pytest.fixture(scope="module")
def portal(reference):
    finistere = [c for c in reference.communes_by_insee.index if c.startswith("29")][:12]
    served = Portal()
    lines = [(siret, MEGALIS) for siret in commune_sirets(reference, finistere)]
    served.publish(OPERATORS_CSV, adherents_gz(lines), DAY.isoformat())
    yield served
    served.close()


@pytest.fixture(scope="module")
def app_url(module_app_server, portal, tmp_path_factory):
    previous = os.environ.get("OPSN_ANCT_SOURCE")
    os.environ["OPSN_ANCT_SOURCE"] = portal.url  # the server inherits it
    data_dir = tmp_path_factory.mktemp("refresh-data")
    try:
        url = signed_in_app(
            module_app_server, PASSWORD, data_dir, tmp_path_factory.mktemp("secrets")
        )
    finally:
        os.environ["OPSN_ANCT_SOURCE"] = previous or ""
    return url, data_dir


def test_a_planner_refreshes_and_the_map_names_the_source_date(
    page: Page, app_url, portal, blocked_requests, artifacts
):
    url, data_dir = app_url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, url)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Importer").click()
    section = page.get_by_role("heading", name="Mettre à jour depuis la Suite territoriale")
    expect(section).to_be_visible(timeout=UI_TIMEOUT)
    expect(page.get_by_text("aucune mise à jour depuis la Suite territoriale")).to_be_visible()
    page.get_by_role("button", name="Vérifier la Suite territoriale").click()

    # The report, then the preview.
    expect(page.get_by_text("Rapport de lecture")).to_be_visible(timeout=3 * UI_TIMEOUT)
    expect(page.get_by_text("adherents.csv.gz : 12 ligne(s) ; 12 acceptée(s)")).to_be_visible()
    expect(page.get_by_text("Aperçu des changements")).to_be_visible(timeout=3 * UI_TIMEOUT)
    expect(
        page.get_by_text(f"Adhésions en vigueur le {fmt.long_date(DAY)} : 12 nouvelles, 0 terminée")
    ).to_be_visible()
    expect(
        page.get_by_text("Communes dont le statut change (adhérentes seulement) : 12")
    ).to_be_visible()
    settle(page)
    page.get_by_text("Aperçu des changements").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "refresh_preview.png")
    with open_store(data_dir / "couverture-opsn.sqlite3") as store:
        assert len(store.versions()) == 1  # nothing saved before the confirmation

    page.get_by_role("button", name="Enregistrer la mise à jour").click()
    expect(page.get_by_text("Enregistré : base enregistrée, version 2")).to_be_visible(
        timeout=UI_TIMEOUT
    )
    with open_store(data_dir / "couverture-opsn.sqlite3") as store:
        saved = store.latest()
    assert saved.kind == "refresh" and saved.author == "Marie Test"
    assert saved.counts["source_date"] == DAY.isoformat()

    # The map's « Données » line names the source's date.
    page.get_by_role("link", name="Voir la carte").click()
    words = f"adhésions ANCT du {fmt.long_date(DAY)}"
    data_line = page.get_by_text("Données :", exact=False).filter(has_text=words).first
    expect(data_line).to_be_visible(timeout=UI_TIMEOUT)
    expect(page.get_by_text("Les adhésions ANCT en service datent")).to_have_count(0)
    settle(page)
    page.screenshot(path=artifacts / "refresh_map.png")

    # Checked again: nothing changed at the source, nothing downloaded.
    sent = list(portal.sent)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Importer").click()
    expect(page.get_by_text(f"Données en service : {words}")).to_be_visible(timeout=UI_TIMEOUT)
    page.get_by_role("button", name="Vérifier la Suite territoriale").click()
    expect(page.get_by_text("Rien n'a changé à la source")).to_be_visible(timeout=UI_TIMEOUT)
    assert portal.sent == sent
    assert_no_blocked(blocked_requests)
