"""The planner's workflow in headless Chromium: access, import with preview, restore, what-if.

One server for the module, with its own data directory (a fresh database seeded
from ``data/opsn/``) and a ``secrets.toml`` holding a password hash, as the README
describes. Each test opens its own page, hence its own Streamlit session; a
typed address opens a new session, which is signed out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.planning.scenarios import Change, compare
from geo.storage import open_store

from .conftest import REPO_ROOT, assert_no_blocked, signed_in_app
from .test_app import (
    FIRST_MAP_TIMEOUT,
    UI_TIMEOUT,
    VIEWPORT,
    communes_of,
    national,
    page_point,
    settle,
    wait_for_map,
)

pytestmark = pytest.mark.browser

PASSWORD = "lanterne-bleue-2026"
LIST = REPO_ROOT / "tests" / "fixtures" / "planner" / "liste_nom_insee.csv"
CAEN_LIST_POPULATION = 150_748
XSS = "<img src=x onerror=alert(1)>"
OPSN_NAME = f"Test {XSS}"
STATUS_JS = "(e, code) => e.opsnMap.statusOf(code)"
"""The status (its words) the live map shows for a commune of the view (ui/map_element)."""


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("planner-data")


@pytest.fixture(scope="module")
def app_url(module_app_server, data_dir, tmp_path_factory) -> str:
    return signed_in_app(module_app_server, PASSWORD, data_dir, tmp_path_factory.mktemp("secrets"))


@pytest.fixture
def app(page: Page) -> Page:
    page.set_viewport_size(VIEWPORT)
    page.on("dialog", lambda dialog: pytest.fail(f"JS dialog: {dialog.message}"))
    return page


def database(data_dir: Path):
    return open_store(data_dir / "couverture-opsn.sqlite3")


def headline_population(page: Page) -> int:
    text = page.locator(".headline .sentence b").first.inner_text(timeout=UI_TIMEOUT)
    return int(re.sub(r"\D", "", text))


def expect_headline(page: Page, population: int) -> None:
    from geo.core import fmt

    expect(page.locator(".headline .sentence b").first).to_have_text(
        f"{fmt.integer(population)} habitants", timeout=UI_TIMEOUT
    )


def commune_status(page: Page, department: str, insee: str) -> str:
    the_map = wait_for_map(page, communes_of(department), timeout=FIRST_MAP_TIMEOUT)
    return the_map.evaluate(STATUS_JS, insee)


def sign_in(page: Page, url: str) -> None:
    page.goto(url + "connexion")
    page.get_by_role("textbox", name="Votre nom").fill("Marie Test")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Connecté : Marie Test").first).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)


PAGE_TITLES = {
    "Carte": "Couverture OPSN",
    "Importer": "Importer des adhésions ou des opérateurs",
    "Versions": "Versions des données",
    "Et si…": "Et si… un OPSN s'étendait ?",
}


def open_page(page: Page, name: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name=name).click()
    heading = page.get_by_role("heading", name=PAGE_TITLES[name], exact=True)
    expect(heading).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)


def choose(page: Page, label: str | re.Pattern, typed: str, option: str | re.Pattern) -> None:
    """Pick ``option`` in a select box, typing ``typed`` first (long lists are virtual)."""
    box = page.get_by_role("combobox", name=label, exact=isinstance(label, str))
    expect(box).to_be_visible(timeout=UI_TIMEOUT)
    wanted = page.get_by_role("option", name=option).first
    for _ in range(20):  # a rerun still under way closes a list opened meanwhile
        box.click()
        page.keyboard.type(typed)
        try:
            expect(wanted).to_be_visible(timeout=3000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    wanted.click()
    settle(page)


def manche_in_calvados(page: Page) -> None:
    """On « Et si… »: Manche Numérique extended to the Calvados, by the lists."""
    open_page(page, "Et si…")
    choose(page, "OPSN", "Manche", re.compile(r"Manche Numérique"))
    multi = page.get_by_role("combobox", name="Départements ajoutés au périmètre")
    multi.click()
    multi.fill("Calvados")
    page.get_by_role("option", name=re.compile(r"^14 — Calvados")).click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Ajouter au scénario").click()
    settle(page)


# ----------------------------------------------------------------------------- tests


def test_signed_out_visitors_see_no_import_or_edit_control(app: Page, app_url, blocked_requests):
    app.goto(app_url)
    wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    sidebar = app.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("link", name="Se connecter")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Importer")).to_have_count(0)
    assert app.locator("input[type=file]").count() == 0
    # Typed by hand, the Importer's address leads nowhere.
    app.goto(app_url + "importer")
    settle(app)
    expect(
        app.get_by_role("heading", name="Importer des adhésions ou des opérateurs")
    ).to_have_count(0)
    assert app.locator("input[type=file]").count() == 0
    for path, forbidden in (
        ("registre", "Vérifier"),
        ("versions", re.compile(r"^Restaurer")),
        ("scenario", "Enregistrer"),
    ):
        app.goto(app_url + path)
        settle(app)
        expect(app.get_by_role("heading").first).to_be_visible()
        expect(app.get_by_role("button", name=forbidden)).to_have_count(0)
        assert app.locator("input[type=file]").count() == 0
    assert_no_blocked(blocked_requests)


def test_import_preview_confirm_then_restore(
    app: Page, app_url, data_dir, blocked_requests, artifacts
):
    app.goto(app_url + "?vue=departement&code=14")
    assert commune_status(app, "14", "14118") == "Sans OPSN"
    sign_in(app, app_url)
    open_page(app, "Carte")
    wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    before = headline_population(app)

    # Upload a « Nom ; Code Insee » list, pick its OPSN, read the report.
    open_page(app, "Importer")
    app.locator("input[type=file]").set_input_files(LIST)
    choose(app, re.compile(r"^OPSN de la liste"), "Manche", re.compile(r"Manche Numérique"))
    expect(
        app.get_by_text(
            re.compile(r"4 acceptée\(s\) dont 0 corrigée\(s\) et 4 à vérifier, 1 rejetée\(s\)")
        )
    ).to_be_visible(timeout=UI_TIMEOUT)
    expect(app.get_by_role("heading", name="Rapport de lecture")).to_be_visible()
    # The preview: the figures once saved, and the communes whose status changes.
    expect(app.get_by_role("heading", name="Aperçu des changements")).to_be_visible()
    expect(app.get_by_text(re.compile(r"Communes dont le statut change : 4"))).to_be_visible(
        timeout=UI_TIMEOUT  # the preview is computed after the report
    )
    expect(app.get_by_test_id("stMetric").filter(has_text="Habitants couverts")).to_contain_text(
        "+150\u202f748"
    )
    assert len(database(data_dir).versions()) == 1, "nothing saved before confirming"
    app.screenshot(path=artifacts / "planner_import_preview.png", full_page=True)

    app.get_by_role("button", name="Enregistrer comme nouvelle version").click()
    expect(app.get_by_text(re.compile(r"Enregistré : base enregistrée, version 2"))).to_be_visible(
        timeout=UI_TIMEOUT
    )
    app.get_by_role("link", name="Voir la carte").click()
    settle(app)
    wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    expect_headline(app, before + CAEN_LIST_POPULATION)
    expect(
        app.get_by_text(re.compile(r"version 2 du .*import de liste_nom_insee\.csv")).first
    ).to_be_visible()
    assert "version=1" not in app.url  # the bare address: the latest version
    expect(
        app.get_by_role("checkbox", name="Compter les communes des EPCI adhérents")
    ).to_be_checked()

    # The map changes: Caen is now a member.
    viewer = app.context.new_page()
    viewer.goto(app_url + "?vue=departement&code=14")
    assert commune_status(viewer, "14", "14118") == "Adhérente à un OPSN"
    viewer.close()

    # Restoring version 1 brings the figures back, after a preview of what it changes.
    open_page(app, "Versions")
    expect(app.get_by_role("button", name="Restaurer la version 1")).to_be_visible(
        timeout=UI_TIMEOUT
    )
    expect(app.get_by_text(re.compile(r"^Aperçu : restaurer la version 1"))).to_be_visible()
    preview = app.get_by_test_id("stMetric").filter(has_text="Habitants couverts").last
    expect(preview).to_contain_text("-150\u202f748")
    app.get_by_role("button", name="Restaurer la version 1").click()
    expect(app.get_by_text(re.compile(r"Enregistré : base enregistrée, version 3"))).to_be_visible(
        timeout=UI_TIMEOUT
    )
    app.get_by_role("link", name="Voir la carte").click()
    settle(app)
    expect_headline(app, before)
    restored = database(data_dir).latest()
    assert restored.kind == "restore" and restored.restored_from == 1
    assert restored.author == "Marie Test"
    assert_no_blocked(blocked_requests)


def test_what_if_adding_a_department_changes_the_headline_by_the_scenario_amount(
    app: Page, app_url, data_dir, reference, blocked_requests
):
    _, snapshot = database(data_dir).snapshot()
    inputs = snapshot.inputs("dernière version")
    change = Change("manche_numerique", add_departements=("14",))
    expected = compare(reference, inputs, change, CoverageOptions())
    assert expected.population_gained > 0
    now = analyse(reference, inputs, CoverageOptions()).figures.covered_population

    app.goto(app_url)
    wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    expect_headline(app, now)
    manche_in_calvados(app)
    expect(
        app.get_by_text("python -m geo scenario manche_numerique --add-departements 14")
    ).to_be_visible(timeout=UI_TIMEOUT)
    app.get_by_role("link", name="Voir sur la carte").click()
    settle(app)
    wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    expect_headline(app, now + expected.population_gained)
    expect(app.get_by_text(re.compile(r"Scénario « et si… » affiché"))).to_be_visible()
    expect(app.get_by_text(re.compile(r"Scénario en cours, non enregistré"))).to_be_visible()
    app.get_by_role("button", name="Abandonner le scénario").click()
    settle(app)
    expect_headline(app, now)
    assert_no_blocked(blocked_requests)


def test_an_imported_opsn_name_with_html_is_shown_as_text(
    app: Page, app_url, blocked_requests, artifacts, tmp_path: Path
):
    operators = tmp_path / "operators_test.csv"
    operators.write_text(
        "id;nom;nom_avec_article;statut;url;siret;services;departements\n"
        f"00000000-0000-4000-8000-000000000038;{OPSN_NAME};le test;actif;;;;38\n",
        encoding="utf-8",
    )
    dialogs: list[str] = []
    app.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(app, app_url)
    open_page(app, "Importer")
    app.locator("input[type=file]").set_input_files(operators)
    expect(app.get_by_text(re.compile(r"1 acceptée\(s\)"))).to_be_visible(timeout=UI_TIMEOUT)
    app.get_by_role("button", name="Enregistrer comme nouvelle version").click()
    expect(app.get_by_text(re.compile(r"Enregistré : base enregistrée"))).to_be_visible(
        timeout=UI_TIMEOUT
    )
    viewer = app.context.new_page()
    viewer.set_viewport_size(VIEWPORT)
    viewer.goto(app_url + "?vue=departement&code=38")
    frame = wait_for_map(viewer, communes_of("38"), timeout=FIRST_MAP_TIMEOUT)
    expect(viewer.get_by_text(OPSN_NAME).first).to_be_visible(timeout=UI_TIMEOUT)
    settle(viewer)
    viewer.screenshot(path=artifacts / "planner_xss.png")
    for where in (app, viewer, frame):
        assert where.locator("img[src='x']").count() == 0
    assert not dialogs, dialogs
    assert_no_blocked(blocked_requests)


def cli_json(monkeypatch, data_dir: Path, *argv: str) -> dict:
    """``python -m geo …--format json`` in-process, on the server's database (latest version)."""
    import contextlib
    import io
    import json

    from geo.cli import main

    monkeypatch.setenv("OPSN_DATA_DIR", str(data_dir))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*argv, "--db-version", "derniere", "--format", "json"]) == 0
    return json.loads(out.getvalue())


def test_what_if_by_clicking_a_department_on_its_map(
    app: Page, app_url, data_dir, monkeypatch, blocked_requests, artifacts
):
    from geo.core import fmt

    expected = cli_json(
        monkeypatch, data_dir, "scenario", "manche_numerique", "--add-departements", "14"
    )
    assert expected["population_gained"] > 0
    app.goto(app_url + "scenario")
    expect(app.get_by_role("heading", name=PAGE_TITLES["Et si…"])).to_be_visible(timeout=UI_TIMEOUT)
    choose(app, "OPSN", "Manche", re.compile(r"Manche Numérique"))
    covered = app.get_by_test_id("stMetric").filter(has_text="Habitants couverts")
    expect(covered).to_have_count(0)  # no scenario yet
    expect(app.get_by_role("switch", name="Cliquer pour ajouter / retirer")).to_be_checked()
    the_map = wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    point = page_point(app, the_map, "departement", ["14"])
    assert point["code"] == "14"
    app.mouse.click(point["x"], point["y"])
    expect(covered).to_contain_text(
        fmt.integer(expected["after"]["covered_population"]), timeout=UI_TIMEOUT
    )
    expect(covered).to_contain_text("+" + fmt.integer(expected["population_gained"]))
    expect(app.get_by_text("Calvados (14) ajouté au périmètre de Manche Numérique")).to_be_visible()
    expect(
        app.get_by_text("python -m geo scenario manche_numerique --add-departements 14")
    ).to_be_visible()
    legend = app.locator(".opsn-legend")
    expect(legend).to_contain_text("Gagnée par le scénario")
    gained = fmt.count(expected["communes_gained"], "commune")
    expect(legend).to_contain_text(f"{gained}, {fmt.inhabitants(expected['population_gained'])}")
    settle(app)
    app.screenshot(path=artifacts / "planner_whatif_click.png")
    # A second click on the same department takes it back out.
    point = page_point(app, the_map, "departement", ["14"])
    app.mouse.click(point["x"], point["y"])
    expect(covered).to_have_count(0, timeout=UI_TIMEOUT)
    expect(app.get_by_text("Calvados (14) retiré du périmètre de Manche Numérique")).to_be_visible()
    assert_no_blocked(blocked_requests)


def test_evolution_shows_the_map_of_communes_gained_and_lost(
    app: Page, app_url, data_dir, monkeypatch, blocked_requests, artifacts
):
    import datetime as dt

    from geo.core import fmt

    today = cli_json(monkeypatch, data_dir, "coverage")
    app.goto(app_url + "evolution")
    expect(app.get_by_role("heading", name="Évolution de la couverture")).to_be_visible(
        timeout=UI_TIMEOUT
    )
    expect(app.get_by_role("heading", name="Carte des communes gagnées et perdues")).to_be_visible()
    wait_for_map(app, national, timeout=FIRST_MAP_TIMEOUT)
    legend = app.locator(".opsn-legend")
    now = f"{dt.date.today():%d/%m/%Y}"
    expect(legend).to_contain_text(f"Gagnée : couverte le {now}, pas le 01/05/2020")
    expect(legend).to_contain_text(f"Perdue : couverte le 01/05/2020, plus le {now}")
    # The bundled memberships carry no dates: nothing gained or lost, the covered stay covered.
    expect(legend).to_contain_text("Couverte aux deux dates")
    expect(legend).to_contain_text(
        f"{fmt.count(today['covered_communes'], 'commune')}, "
        f"{fmt.inhabitants(today['covered_population'])}"
    )
    settle(app)
    app.screenshot(path=artifacts / "planner_evolution_map.png")
    assert_no_blocked(blocked_requests)
