"""No lost save and drafts, in Chromium: two people importing at once, a scenario published.

One server for the module with its own data directory and a password sign-in.
Two browser contexts are two people (two Streamlit sessions): the second one to
confirm an import is refused with the first named, then saves on a fresh
preview; a what-if saved as a draft changes nothing in service until « Publier ».
Screenshots at 1280 × 720 and 1920 × 1080 go to ``artifacts/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from geo.storage import open_store

from .conftest import REPO_ROOT, assert_no_blocked, signed_in_app
from .test_app import FIRST_MAP_TIMEOUT, UI_TIMEOUT, national, settle, wait_for_map
from .test_planner import PASSWORD, choose, manche_in_calvados, open_page

pytestmark = pytest.mark.browser

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "planner"
SMALL, LARGE = {"width": 1280, "height": 720}, {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("saves-data")


@pytest.fixture(scope="module")
def app_url(module_app_server, data_dir, tmp_path_factory) -> str:
    return signed_in_app(module_app_server, PASSWORD, data_dir, tmp_path_factory.mktemp("secrets"))


def person(browser, blocked: list[str], viewport: dict) -> Page:
    """A browser context of its own (a person), where only this machine is reachable."""
    from .conftest import is_local_url

    context = browser.new_context(viewport=viewport, locale="fr-FR")

    def route(route) -> None:
        if is_local_url(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"JS dialog: {dialog.message}"))
    return page


def top(page: Page) -> None:
    """Scroll Streamlit's main area back to the top, for a screenshot of the page's head."""
    page.evaluate("() => document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
    page.wait_for_timeout(200)


def test_two_people_import_at_once_then_a_draft_is_published(
    browser, app_url, data_dir, blocked_requests, artifacts
):
    marie = person(browser, blocked_requests, SMALL)
    paul = person(browser, blocked_requests, LARGE)
    save = "Enregistrer comme nouvelle version"
    for who, page in (("Marie Test", marie), ("Paul Test", paul)):
        page.goto(app_url + "connexion")
        page.get_by_role("textbox", name="Votre nom").fill(who)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_text(f"Connecté : {who}").first).to_be_visible(timeout=UI_TIMEOUT)
        settle(page)
        open_page(page, "Importer")
    marie.locator("input[type=file]").set_input_files(FIXTURES / "liste_nom_insee.csv")
    choose(marie, re.compile(r"^OPSN de la liste"), "Manche", re.compile(r"Manche Numérique"))
    paul.locator("input[type=file]").set_input_files(FIXTURES / "liste_vire.csv")
    choose(paul, re.compile(r"^OPSN de la liste"), "SMICO", re.compile(r"SMICO"))
    for page in (marie, paul):  # both previews are on version 1
        expect(
            page.get_by_text(
                re.compile(r"L'aperçu ci-dessus part de la base enregistrée, version 1 ")
            )
        ).to_be_visible(timeout=UI_TIMEOUT)
    assert "opsn_liste=smico" in paul.url  # the list's OPSN is in the address

    marie.get_by_role("button", name=save).click()
    expect(
        marie.get_by_text(re.compile(r"Enregistré : base enregistrée, version 2"))
    ).to_be_visible(timeout=UI_TIMEOUT)
    paul.get_by_role("button", name=save).click()
    refused = paul.get_by_text(
        re.compile(
            r"La version 2 a été enregistrée par Marie Test à \d+ h \d\d \(import de liste_nom_insee\.csv"
        )
    )
    expect(refused).to_be_visible(timeout=UI_TIMEOUT)
    expect(refused).to_contain_text("votre enregistrement est refusé pour ne pas la défaire")
    expect(refused).to_contain_text("recalculé sur la version 2")
    expect(
        paul.get_by_text(re.compile(r"L'aperçu ci-dessus part de la base enregistrée, version 2 "))
    ).to_be_visible()
    settle(paul)
    refused.scroll_into_view_if_needed()
    paul.screenshot(path=artifacts / "saves_import_refused_1920.png")
    assert [v.number for v in open_store(data_dir / "couverture-opsn.sqlite3").versions()] == [1, 2]
    paul.get_by_role("button", name=save).click()
    expect(paul.get_by_text(re.compile(r"Enregistré : base enregistrée, version 3"))).to_be_visible(
        timeout=UI_TIMEOUT
    )
    settle(paul)
    top(paul)
    paul.screenshot(path=artifacts / "saves_import_saved_1920.png")
    _, final = open_store(data_dir / "couverture-opsn.sqlite3").snapshot()
    members = set(zip(final.memberships["opsn"], final.memberships["insee"], strict=True))
    assert {("manche_numerique", "14118"), ("smico", "14762")} <= members, "both imports kept"

    # Marie: a what-if, kept as a draft.
    manche_in_calvados(marie)
    expect(marie.get_by_text(re.compile(r"^Scénario en cours, non enregistré"))).to_be_visible(
        timeout=UI_TIMEOUT
    )
    covered = marie.get_by_test_id("stMetric").filter(has_text="Habitants couverts")
    shown = covered.locator("[data-testid=stMetricValue]").inner_text()
    marie.get_by_role("textbox", name="Nom du scénario").fill("Manche dans le Calvados")
    marie.get_by_role("button", name="Enregistrer le scénario").click()
    state = marie.get_by_text(
        re.compile(
            r"Scénario 1 « Manche dans le Calvados », enregistré comme brouillon par Marie Test"
        )
    )
    expect(state).to_be_visible(timeout=UI_TIMEOUT)
    expect(marie.get_by_text(re.compile(r"non enregistré"))).to_have_count(0)
    expect(
        marie.get_by_text(re.compile(r"version 3 du .* version la plus récente"))
    ).to_be_visible()
    settle(marie)
    top(marie)
    marie.screenshot(path=artifacts / "saves_draft_saved_1280.png")
    assert "scenario=1" in marie.url
    store = open_store(data_dir / "couverture-opsn.sqlite3")
    assert store.latest().number == 3, "a draft is not data in service"

    # Anyone reopens it from its link, with its figures, signed out.
    viewer = person(browser, blocked_requests, LARGE)
    viewer.goto(app_url + "scenario?scenario=1")
    expect(
        viewer.get_by_text(
            re.compile(r"Scénario 1 « Manche dans le Calvados », enregistré comme brouillon")
        )
    ).to_be_visible(timeout=UI_TIMEOUT)
    expect(viewer.get_by_test_id("stMetric").filter(has_text="Habitants couverts")).to_contain_text(
        shown
    )
    expect(viewer.get_by_role("button", name="Publier…")).to_have_count(0)  # signed out
    settle(viewer)
    top(viewer)
    viewer.screenshot(path=artifacts / "saves_draft_link_1920.png")
    viewer.reload()  # a reload keeps it
    expect(viewer.get_by_text(re.compile(r"Scénario 1 « Manche dans le Calvados »"))).to_be_visible(
        timeout=UI_TIMEOUT
    )

    # Paul reopens it and publishes it after the preview.
    open_page(paul, "Et si…")
    paul.get_by_role("button", name="Rouvrir").click()
    settle(paul)
    paul.get_by_role("button", name="Publier…").click()
    heading = paul.get_by_role("heading", name="Publier le scénario 1")
    expect(heading).to_be_visible(timeout=UI_TIMEOUT)
    expect(
        paul.get_by_text(
            re.compile(r"Aperçu calculé sur la version en service : base enregistrée, version 3")
        )
    ).to_be_visible()
    settle(paul)
    heading.scroll_into_view_if_needed()
    paul.screenshot(path=artifacts / "saves_publish_preview_1920.png")
    assert store.latest().number == 3, "the preview publishes nothing"
    paul.get_by_role("button", name="Publier le scénario 1").click()
    expect(
        paul.get_by_text(
            re.compile(
                r"Scénario 1 « Manche dans le Calvados » publié : il est devenu la version 4 \(par Paul Test\)"
            )
        )
    ).to_be_visible(timeout=UI_TIMEOUT)
    assert store.latest().kind == "scenario" and store.draft(1).published_in == 4
    open_page(paul, "Carte")
    wait_for_map(paul, national, timeout=FIRST_MAP_TIMEOUT)
    expect(paul.locator(".headline .sentence b").first).to_have_text(
        f"{shown} habitants", timeout=UI_TIMEOUT
    )
    expect(
        paul.get_by_text(re.compile(r"version 4 du .*scénario publié, par Paul Test")).first
    ).to_be_visible()
    expect(
        paul.get_by_role("checkbox", name="Compter les communes des EPCI adhérents")
    ).to_be_checked()
    settle(paul)
    paul.screenshot(path=artifacts / "saves_published_map_1920.png")
    # Back returns to the « Et si… » page, still on the published draft.
    paul.go_back()
    expect(paul.get_by_text(re.compile(r"publié : il est devenu la version 4"))).to_be_visible(
        timeout=UI_TIMEOUT
    )
    assert_no_blocked(blocked_requests)
