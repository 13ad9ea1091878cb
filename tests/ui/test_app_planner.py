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
from tests.markup import shown

APP = str(ROOT / "app.py")
LIST = ROOT / "tests" / "fixtures" / "planner" / "liste_nom_insee.csv"
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
    return shown(next(t for t in texts if t.startswith("**Données**")))


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


def test_sign_in_with_a_password_from_secrets():
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
    # At once again: refused before the password is even checked (geo.access.auth.LoginThrottle).
    submit(at, "Marie Dupont", "lanterne-bleue-2026")
    assert any("Trop de tentatives" in e.value for e in at.error)
    assert "identity" not in at.session_state
    at.session_state["_signin_key"] = "une-autre-session"  # a new session, a second later
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
    assert list(lines["statut"]).count("acceptée") == 4
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
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("garbage.csv : "), errors
    assert any("copie.csv" in shown(i.value) and "lu une fois" in i.value for i in at.info)
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
    metrics = {m.label: m for m in at.metric}
    assert metrics["Habitants couverts"].delta == "+" + fmt.integer(CAEN_LIST_POPULATION)
    at.selectbox(key="restore_target").set_value(1)
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
    assert expected["population_gained"] > 0
    metrics = {m.label: m for m in at.metric}
    assert metrics["Habitants couverts"].delta == "+" + fmt.integer(expected["population_gained"])
    go(at, "carte")
    assert covered_population(at) == before + expected["population_gained"]
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


def test_saving_a_what_if_needs_signing_in_and_keeps_its_figures(reference):
    at = app(signed_in=True)
    go(at, "scenario")
    at.selectbox(key="wi_opsn").set_value("manche_numerique")
    run(at)
    at.multiselect(key="wi_add_dep").set_value(["14"])
    at.button(key="wi_add").click()
    run(at)
    shown = {m.label: m.value for m in at.metric}
    at.button(key="wi_save").click()
    run(at)
    assert any("version 2" in s.value for s in at.success)
    go(at, "carte")
    assert fmt.integer(covered_population(at)) == shown["Habitants couverts"]
    assert not any("non enregistré" in m.value for m in at.markdown)


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
    assert metrics["Habitants couverts"].help.endswith(
        fmt.integer(then.figures["covered_population"])
    )


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
    assert covered_population(at) == then.figures["covered_population"]
    control.set_value(dt.date.today())
    run(at)
    today = analyse(reference, saved.inputs("x"), CoverageOptions(rule="adhesion"))
    assert covered_population(at) == today.figures["covered_population"]
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
