"""The planner's pages driven by AppTest: access, import, versions, registry, what-if, then/now.

Each test has its own data directory (hence its own database, seeded from
``data/opsn/``); a signed-in person is put in the session as the sign-in page
would (the sign-in itself is tested in ``tests/access/test_auth.py`` and in the browser).
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from geo.access.auth import Identity, hash_password
from geo.core import fmt
from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.paths import ROOT
from geo.planning.scenarios import Change, compare
from geo.storage import open_store
from tests.markup import shown as rendered

APP = str(ROOT / "app.py")
LIST = ROOT / "tests" / "fixtures" / "planner" / "liste_nom_insee.csv"
VIRE = ROOT / "tests" / "fixtures" / "planner" / "liste_vire.csv"
DATED = ROOT / "tests" / "fixtures" / "planner" / "adhesions_datees.csv"
CAEN_LIST_POPULATION = 150_748  # Caen, Hérouville-Saint-Clair, Ifs, Fleury-sur-Orne
PAGES = ("scenario", "evolution", "versions", "registre", "connexion")


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("OPSN_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def app(signed_in: bool = False, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    if signed_in:
        at.session_state["identity"] = Identity("Marie Test", "password")
    for name, value in query.items():
        at.query_params[name] = value
    return run(at)


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"ui/pages/{page}.py")
    return run(at)


def covered_population(at: AppTest) -> int:
    (block,) = [m.value for m in at.markdown if 'class="headline"' in m.value]
    number = re.search(r"<b>([\d\u202f]+) habitants</b>", block).group(1)
    return int(number.replace("\u202f", ""))


def data_caption(at: AppTest) -> str:
    texts = [c.value for c in at.caption] + [i.value for i in at.info]
    # Markdown is escaped (the label holds names typed by people): compare the text shown.
    return rendered(next(t for t in texts if t.startswith("**Données**")))


def import_list(at: AppTest, opsn: str = "manche_numerique") -> AppTest:
    go(at, "importer")
    at.file_uploader(key="import_files").set_value([("liste.csv", LIST.read_bytes(), "text/csv")])
    run(at)
    (choice,) = [s for s in at.selectbox if s.label.startswith("OPSN de la liste")]
    choice.set_value(opsn)
    return run(at)


# ----------------------------------------------------------------------------- access


def test_signed_out_visitors_see_no_import_or_edit_control():
    at = app()
    assert not at.get("file_uploader")
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("ui/pages/importer.py")
    for page in PAGES:
        go(at, page)
        assert not at.get("file_uploader"), page
        assert not at.get("form"), page  # no registry form, no password form without a password
        labels = [b.label for b in at.button]
        assert not any(label.startswith(("Restaurer", "Enregistrer")) for label in labels), page
    go(at, "connexion")
    assert any("Aucune connexion n'est configurée" in i.value for i in at.info)


def submit(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    next(b for b in at.button if b.label == "Se connecter").click()
    return run(at)


def test_sign_in_with_a_password_from_secrets(monkeypatch):
    from geo.access.throttle import LoginThrottle
    from ui import access

    slow = LoginThrottle(base=600)  # a loaded machine's rerun must not outlast the wait
    monkeypatch.setattr(access, "throttle", lambda: slow)
    at = AppTest.from_file(APP, default_timeout=300)
    cost = {"n": 2**14, "r": 8, "p": 1}
    at.secrets["couverture_opsn"] = {
        "password_hash": hash_password("lanterne-bleue-2026", cost=cost)
    }
    run(at)
    go(at, "connexion")
    submit(at, "Marie Dupont", "mauvais mot de passe")
    assert any("incorrect" in e.value for e in at.error)
    assert "identity" not in at.session_state
    # At once again: refused before the password is even checked (geo.access.throttle).
    submit(at, "Marie Dupont", "lanterne-bleue-2026")
    assert any("Trop de tentatives" in e.value for e in at.error)
    assert "identity" not in at.session_state
    # Another client (a session whose address is unknown) has not been failing: let in.
    at.session_state["_signin_key"] = "une-autre-session"
    submit(at, "Marie Dupont", "lanterne-bleue-2026")
    assert at.session_state["identity"].name == "Marie Dupont"
    # Signed in: the Importer page exists now.
    go(at, "importer")
    assert at.get("file_uploader")


# ----------------------------------------------------------------------------- import


def test_import_report_preview_confirm_and_the_map_changes(reference):
    at = app(signed_in=True)
    before = covered_population(at)
    import_list(at)
    report = " ".join(w.value for w in at.warning)
    assert "4 acceptée(s)" in report and "1 rejetée(s)" in report
    lines = next(d.value for d in at.dataframe if "statut" in d.value.columns)
    # Communes of the Calvados on Manche Numérique's list: kept, flagged (issue 16).
    assert list(lines["statut"]).count("à vérifier") == 4
    assert lines.loc[lines["statut"] == "rejetée", "valeur"].tolist() == ["99999"]
    at.selectbox(key="report_status").set_value("rejetée")
    run(at)
    lines = next(d.value for d in at.dataframe if "statut" in d.value.columns)
    assert lines["statut"].tolist() == ["rejetée"]
    assert any(b.label == "Télécharger le rapport (CSV)" for b in at.get("download_button"))
    metrics = {m.label: m for m in at.metric}
    assert metrics["Habitants couverts"].delta == "+" + fmt.integer(CAEN_LIST_POPULATION)
    communes = next(d.value for d in at.dataframe if "Code INSEE" in d.value.columns)
    assert set(communes["Code INSEE"]) == {"14118", "14327", "14341", "14271"}
    assert len(open_store().versions()) == 1, "nothing saved before confirming"

    at.text_input(key="import_reason").input("liste de décembre")
    at.button(key="import_confirm").click()
    run(at)
    assert any("version 2" in s.value for s in at.success)
    (version,) = open_store().versions()[1:]
    assert version.author == "Marie Test" and version.reason == "liste de décembre"
    assert version.files[0]["name"] == "liste.csv" and version.files[0]["rejetees"] == 1
    go(at, "carte")
    assert covered_population(at) == before + CAEN_LIST_POPULATION
    assert "version 2" in data_caption(at)
    assert at.query_params["version"] == "2"


def test_a_garbage_file_is_reported_and_the_valid_one_is_kept():
    at = app(signed_in=True)
    go(at, "importer")
    at.file_uploader(key="import_files").set_value(
        [
            ("garbage.csv", b"\x00\x01\x02\xff\xfe not a table" * 40, "text/csv"),
            ("liste.csv", b"opsn;insee\nsitpi;38185\nsitpi;99999\n", "text/csv"),
            ("copie.csv", b"opsn;insee\nsitpi;38185\nsitpi;99999\n", "text/csv"),
        ]
    )
    run(at)
    errors = [rendered(e.value) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("garbage.csv : "), errors
    assert any("copie.csv" in rendered(i.value) and "lu une fois" in i.value for i in at.info)
    report = " ".join(w.value for w in at.warning)
    assert "1 acceptée(s)" in report and "1 rejetée(s)" in report


# ----------------------------------------------------------------------------- versions


def test_restoring_the_previous_version_brings_the_figures_back():
    at = app(signed_in=True)
    before = covered_population(at)
    import_list(at)
    at.button(key="import_confirm").click()
    run(at)
    go(at, "versions")
    table = next(d.value for d in at.dataframe if "version" in d.value.columns)
    assert table["version"].tolist() == [2, 1]
    compared, restoring = [m for m in at.metric if m.label == "Habitants couverts"]
    assert compared.delta == "+" + fmt.integer(CAEN_LIST_POPULATION)
    # Before restoring: what it would change in the version in service, then the button.
    at.selectbox(key="restore_target").set_value(1)
    run(at)
    assert restoring.delta == "-" + fmt.integer(CAEN_LIST_POPULATION)
    previewed = next(d.value for d in at.dataframe if "Après restauration" in d.value.columns)
    assert set(previewed["Code INSEE"]) == {"14118", "14327", "14341", "14271"}
    assert len(open_store().versions()) == 2, "nothing restored before the confirmation"
    at.button(key="restore_confirm").click()
    run(at)
    assert any("version 3" in s.value for s in at.success)
    go(at, "carte")
    assert covered_population(at) == before
    assert "restauration de la version 1" in data_caption(at)


def test_a_permalink_names_the_version_it_shows():
    at = app(signed_in=True)
    before = covered_population(at)
    import_list(at)
    at.button(key="import_confirm").click()
    run(at)
    old = app(version="1")
    assert covered_population(old) == before
    assert "une version plus récente existe (version 2)" in data_caption(old)
    old.button(key="to_latest").click()
    run(old)
    assert covered_population(old) == before + CAEN_LIST_POPULATION
    assert old.query_params["version"] == "2"
    unknown = app(version="9")
    assert any("version 9 inconnue" in w.value for w in unknown.warning)


# ----------------------------------------------------------------------------- registry


def test_registry_edit_is_checked_and_saved_as_a_version():
    at = app(signed_in=True)
    go(at, "registre")
    at.selectbox(key="registry_target").set_value("megalis")
    run(at)
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["SIREN"].input("253514492")  # wrong check digit
    next(b for b in at.get("form_submit_button")).click()
    run(at)
    assert any("SIREN" in e.value for e in at.error)
    assert len(open_store().versions()) == 1
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["SIREN"].input("253514491")
    form_inputs["Site web"].input("megalis.bzh")
    next(b for b in at.get("form_submit_button")).click()
    run(at)
    # Checked: before / after, field by field, then a confirmation.
    preview = next(d.value for d in at.dataframe if "Avant" in d.value.columns)
    site = preview.set_index("Champ").loc["Site web"]
    assert site["Avant"] == "https://www.megalis.bretagne.bzh"
    assert site["Après"] == "https://megalis.bzh"
    assert len(open_store().versions()) == 1
    assert at.query_params["fiche"] == "megalis"  # the record chosen is in the address
    at.button(key="registry_confirm").click()
    run(at)
    assert any("version 2" in s.value for s in at.success)
    _, snapshot = open_store().snapshot()
    assert snapshot.registry.set_index("id").at["megalis", "site_web"] == "https://megalis.bzh"


# ----------------------------------------------------------------------------- what-if


def test_a_what_if_changes_the_headline_by_what_the_scenario_command_gives(reference):
    at = app()
    before = covered_population(at)
    go(at, "scenario")
    at.selectbox(key="wi_opsn").set_value("manche_numerique")
    run(at)
    at.multiselect(key="wi_add_dep").set_value(["14"])
    at.button(key="wi_add").click()
    run(at)
    _, inputs = open_store().snapshot()
    expected = compare(
        reference, inputs.inputs("v1"), Change("manche_numerique", add_departements=("14",)),
        CoverageOptions(),
    )  # fmt: skip
    assert expected.population_gained > 0
    metrics = {m.label: m for m in at.metric}
    assert metrics["Habitants couverts"].delta == "+" + fmt.integer(expected.population_gained)
    go(at, "carte")
    assert covered_population(at) == before + expected.population_gained
    assert any("non enregistré" in m.value for m in at.markdown)
    at.button(key="drop_whatif").click()
    run(at)
    assert covered_population(at) == before
    assert len(open_store().versions()) == 1, "a what-if is never saved by itself"


def test_an_opportunity_opens_as_a_what_if(reference):
    at = app()
    before = covered_population(at)
    go(at, "scenario")
    table = next(d.value for d in at.dataframe if "Habitants gagnés" in d.value.columns)
    assert table["Habitants gagnés"].is_monotonic_decreasing
    at.selectbox(key="opportunity_rank").set_value(2)
    at.button(key="open_opportunity").click()
    run(at)
    gained = int(table.loc[table["Rang"] == 2, "Habitants gagnés"].iloc[0])
    metrics = {m.label: m for m in at.metric}
    assert metrics["Habitants couverts"].delta == "+" + fmt.integer(gained)
    go(at, "carte")
    assert covered_population(at) == before + gained


def epci_option(at: AppTest) -> bool:
    (box,) = [c for c in at.checkbox if c.label.startswith("Compter les communes des EPCI")]
    return box.value


def state_text(at: AppTest) -> str:
    return rendered(" ".join(i.value for i in at.info))


def test_a_what_if_is_saved_as_a_draft_reopened_by_its_link_then_published(reference):
    at = app(signed_in=True)
    assert epci_option(at)
    go(at, "scenario")
    at.selectbox(key="wi_opsn").set_value("manche_numerique")
    run(at)
    at.multiselect(key="wi_add_dep").set_value(["14"])
    at.button(key="wi_add").click()
    run(at)
    shown = {m.label: m.value for m in at.metric}
    assert "non enregistré" in state_text(at)
    at.text_input(key="wi_draft_name").input("Calvados")
    at.button(key="wi_save_draft").click()
    run(at)
    # A draft, not data in service: the page says so, nothing else changes.
    assert "Scénario 1 « Calvados », enregistré comme brouillon" in state_text(at)
    assert "non enregistré" not in state_text(at)
    assert len(open_store().versions()) == 1 and len(open_store().drafts()) == 1
    assert at.query_params["scenario"] == "1"
    assert "version la plus récente" in " ".join(c.value for c in at.caption)
    go(at, "carte")
    assert epci_option(at), "saving changes no display setting"
    assert fmt.integer(covered_population(at)) == shown["Habitants couverts"]  # still shown…
    assert "brouillon" in " ".join(m.value for m in at.markdown)  # …and said to be a draft

    # Reopened by its link, in another session (signed in as someone else).
    other = app(signed_in=True)
    other.session_state["identity"] = Identity("Paul Test", "password")
    other.switch_page("ui/pages/scenario.py")
    other.query_params["scenario"] = "1"
    run(other)
    assert {m.label: m.value for m in other.metric} == shown
    assert "Scénario 1 « Calvados », enregistré comme brouillon" in state_text(other)
    other.button(key="wi_publish_prepare").click()
    run(other)
    assert len(open_store().versions()) == 1, "the preview saves nothing"
    preview = next(d.value for d in other.dataframe if "Après publication" in d.value.columns)
    assert len(preview) > 0
    other.button(key="wi_publish_confirm").click()
    run(other)
    assert any("Scénario 1 « Calvados » publié" in s.value for s in other.success)
    latest = open_store().latest()
    assert latest.number == 2 and latest.kind == "scenario"
    assert open_store().draft(1).published_in == 2
    assert "publié : il est devenu la version 2" in state_text(other)
    caption = rendered(" ".join(c.value for c in other.caption))
    assert "version 2 du" in caption and "version la plus récente" in caption
    go(other, "carte")
    assert fmt.integer(covered_population(other)) == shown["Habitants couverts"]
    assert epci_option(other)
    assert not any("non enregistré" in m.value for m in other.markdown)


def test_two_people_import_at_once_the_second_is_told_and_saves_on_the_new_version(reference):
    marie = app(signed_in=True)
    paul = app(signed_in=True)
    paul.session_state["identity"] = Identity("Paul Test", "password")
    import_list(marie, "manche_numerique")
    go(paul, "importer")
    paul.file_uploader(key="import_files").set_value([("vire.csv", VIRE.read_bytes(), "text/csv")])
    run(paul)
    (choice,) = [s for s in paul.selectbox if s.label.startswith("OPSN de la liste")]
    choice.set_value("smico")
    run(paul)  # Paul's preview: on version 1
    marie.button(key="import_confirm").click()
    run(marie)
    assert open_store().latest().number == 2
    paul.button(key="import_confirm").click()
    run(paul)
    refused = rendered(" ".join(e.value for e in paul.error))
    assert "La version 2 a été enregistrée par Marie Test" in refused
    assert "import de liste.csv" in refused and "votre enregistrement est refusé" in refused
    assert "recalculé sur la version 2" in refused
    assert open_store().latest().number == 2, "refused: nothing saved"
    paul.button(key="import_confirm").click()
    run(paul)
    assert any("version 3" in s.value for s in paul.success)
    _, final = open_store().snapshot()
    assert {"manche_numerique", "smico"} <= set(final.memberships["opsn"])
    assert set(final.memberships.loc[final.memberships["opsn"] == "manche_numerique", "insee"]) >= {
        "14118"
    }


# ----------------------------------------------------------------------------- then / now


def test_then_and_now_of_dated_memberships(reference):
    store = open_store()
    from geo.planning.imports import apply_import, read_import

    _, snapshot = store.snapshot()
    batch = read_import(reference, [(DATED.name, DATED.read_bytes())], snapshot.registry_typed())
    store.commit(lambda s: apply_import(s, batch), author="t", kind="import", reason="dates")
    at = app()
    go(at, "evolution")
    changes = next(d.value for d in at.dataframe if "Évolution" in d.value.columns)
    assert set(changes.loc[changes["Évolution"] == "gagnée", "Code INSEE"]) == {"14327", "93066"}
    assert set(changes.loc[changes["Évolution"] == "perdue", "Code INSEE"]) == {"14341", "75056"}
    _, saved = store.snapshot()
    import dataclasses
    import datetime as dt

    options = CoverageOptions()
    then = analyse(
        reference, saved.inputs("x"), dataclasses.replace(options, at=dt.date(2020, 5, 1))
    )
    metrics = {m.label: m for m in at.metric}
    assert metrics["Habitants couverts"].help.endswith(fmt.integer(then.figures.covered_population))


def test_the_map_offers_a_date_when_memberships_are_dated(reference):
    at = app()
    assert not [d for d in at.date_input if d.label == "Adhésions en vigueur au"]
    store = open_store()
    from geo.planning.imports import apply_import, read_import

    _, snapshot = store.snapshot()
    batch = read_import(reference, [(DATED.name, DATED.read_bytes())], snapshot.registry_typed())
    store.commit(lambda s: apply_import(s, batch), author="t", kind="import", reason="dates")
    at = app(date="2020-05-01", regle="adhesion")
    (control,) = [d for d in at.date_input if d.label == "Adhésions en vigueur au"]
    _, saved = store.snapshot()
    import datetime as dt

    then = analyse(
        reference, saved.inputs("x"), CoverageOptions(rule="adhesion", at=dt.date(2020, 5, 1))
    )
    assert covered_population(at) == then.figures.covered_population
    control.set_value(dt.date.today())
    run(at)
    today = analyse(reference, saved.inputs("x"), CoverageOptions(rule="adhesion"))
    assert covered_population(at) == today.figures.covered_population
    assert at.query_params["date"] == dt.date.today().isoformat()


def test_oidc_configured_without_authlib_says_what_to_install():
    at = AppTest.from_file(APP, default_timeout=300)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "un secret assez long pour les tests",
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    }
    run(at)
    go(at, "connexion")
    from geo.access.auth import authlib_available

    if authlib_available():
        assert any(b.label.startswith("Se connecter") for b in at.button)
    else:
        assert any("Authlib" in w.value for w in at.warning)
        assert not any(b.label.startswith("Se connecter (") for b in at.button)


# ----------------------------------------------------------------------------- one source of truth


def cli_json(*argv: str) -> dict | list:
    """``python -m geo …`` in-process, as typed: the same data directory as the app."""
    import contextlib
    import io
    import json

    from geo.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(argv)) == 0
    return json.loads(out.getvalue())


def test_the_command_line_reads_what_the_app_shows_and_the_printed_command_reproduces_it():
    at = app(signed_in=True, regle="adhesion", territoire="metropole")
    import_list(at)
    at.button(key="import_confirm").click()
    run(at)
    at.query_params.pop("version")  # as the menu's link: the map follows the latest version
    go(at, "carte")
    assert at.radio(key="rule").value == "adhesion"
    # Without any option, the command line computes on the version in service.
    figures = cli_json("coverage", "--format", "json")
    assert figures["data_version"] == 2 and figures["data"].startswith(
        "base enregistrée, version 2"
    )
    assert figures["covered_population"] == covered_population(app())  # the app's default view
    # A what-if under other options: the command printed beside it gives its figures.
    go(at, "scenario")
    at.selectbox(key="wi_opsn").set_value("manche_numerique")
    run(at)
    at.multiselect(key="wi_add_epci").set_value(["200065563"])  # CC de la Vire au Noireau
    at.button(key="wi_add").click()
    run(at)
    (command,) = [c.value for c in at.code if c.value.startswith("python -m geo scenario")]
    assert "--rule adhesion" in command and "--territory metropole" in command
    assert "--db-version 2" in command
    import shlex

    printed = cli_json(*shlex.split(command)[3:], "--format", "json")
    shown = {m.label: m.value for m in at.metric}
    assert fmt.integer(printed["after"]["covered_population"]) == shown["Habitants couverts"]
    assert fmt.percent(printed["after"]["covered_share"], 1) == shown["Part couverte"]
    # The opportunities: the same extensions, in the same order, as the command shown.
    (listed,) = [c.value for c in at.code if c.value.startswith("python -m geo opportunities")]
    rows = cli_json(*shlex.split(listed)[3:], "--format", "json")
    table = next(d.value for d in at.dataframe if "Habitants gagnés" in d.value.columns)
    assert "--rule adhesion" in listed and len(rows) > 3
    assert len(table) == min(len(rows), 200)
    assert table["Habitants gagnés"].tolist() == [r["population_gagnee"] for r in rows[:200]]
    assert table["Territoire sans OPSN"].tolist() == [r["territoire_nom"] for r in rows[:200]]
    assert table["OPSN voisin"].tolist() == [r["opsn_nom"] for r in rows[:200]]


def test_the_chosen_opsn_survives_leaving_the_page_and_the_address_keeps_it():
    at = app()
    go(at, "scenario")
    at.selectbox(key="wi_opsn").set_value("megalis")
    run(at)
    assert at.query_params["opsn_choisi"] == "megalis"
    at.session_state["wi_click_message"] = "Calvados (14) ajouté au périmètre de Mégalis Bretagne."
    go(at, "carte")
    go(at, "scenario")
    assert at.selectbox(key="wi_opsn").value == "megalis"
    assert not any("Calvados (14)" in i.value for i in at.info), "an old message is gone"
    assert any("Un clic sur la carte change : **Mégalis Bretagne**" in m.value for m in at.markdown)
    # A reload (a new session) or a link sent to someone: the address alone.
    fresh = app()
    fresh.switch_page("ui/pages/scenario.py")
    fresh.query_params["opsn_choisi"] = "sitpi"
    fresh.query_params["changements"] = "sitpi!ajout-dep-73"
    run(fresh)
    assert fresh.selectbox(key="wi_opsn").value == "sitpi"
    assert "non enregistré" in state_text(fresh)
    assert any(m.label == "Habitants couverts" for m in fresh.metric)


def test_a_version_counts_the_same_in_the_history_and_in_the_comparison(reference):
    store = open_store()
    from geo.planning.imports import apply_import, read_import
    from geo.planning.saving import propose, save_on_base
    from geo.storage.versions import version_rows

    _, snapshot = store.snapshot()
    # Two communes SITPI already has, read again from a new file, one of them twice.
    data = b"opsn;insee\nsitpi;38111\nsitpi;38111\nsitpi;38151\n"
    batch = read_import(reference, [("doublons.csv", data)], snapshot.registry_typed())
    proposal = propose(store, lambda s: apply_import(s, batch))
    save_on_base(store, proposal.after, base=1, author="t", kind="import", reason="doublons")
    at = app()
    go(at, "versions")
    history = next(d.value for d in at.dataframe if "version" in d.value.columns)
    row = history.set_index("version").loc[2]
    compared = cli_json("db", "compare", "1", "2", "--no-figures", "--format", "json")
    assert (row["adhesions_ajoutees"], row["adhesions_retirees"]) == (
        compared["memberships"]["added"],
        compared["memberships"]["removed"],
    )
    (counted,) = version_rows(store.versions()[1:])
    assert (counted["adhesions_ajoutees"], counted["adhesions_retirees"]) == (0, 8)
    # Rows written differ (new provenance): they are not what the history shows.
    rows = store.versions()[1].counts
    assert (rows["lignes_ajoutees"], rows["lignes_retirees"]) == (2, 10)


def test_a_preview_recomputed_after_another_save_says_so_before_the_click(reference):
    from geo.planning.imports import apply_import, read_import
    from geo.planning.saving import save_on_base

    marie = app(signed_in=True)
    import_list(marie)
    marie.button(key="import_confirm").click()
    run(marie)
    go(marie, "versions")  # the restore preview, on version 2
    assert any(b.label == "Restaurer la version 1" for b in marie.button)
    store = open_store()
    _, snapshot = store.snapshot()
    batch = read_import(
        reference, [("vire.csv", VIRE.read_bytes())], snapshot.registry_typed(), "smico"
    )
    save_on_base(store, lambda s: apply_import(s, batch), base=2, author="Paul Test",
                 kind="import", reason="Vire", files=batch.files)  # fmt: skip
    marie.text_input(key="restore_reason").input("retour")  # any rerun draws the new preview
    run(marie)
    notice = " ".join(i.value for i in marie.info).replace("\\", "")
    assert "La version 3 a été enregistrée par Paul Test" in notice
    assert "depuis votre dernier aperçu, qui partait de la version 2" in notice
    assert "recalculé sur la version 3" in notice
    marie.button(key="restore_confirm").click()  # what she now sees: saved on version 3
    run(marie)
    assert any("version 4" in s.value for s in marie.success)
    assert open_store().latest().base == 3
