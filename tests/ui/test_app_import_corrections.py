"""Import page: problem lines corrected in the app's table, re-checked at once, then saved.

The list is ``tests/fixtures/import/cdg29_adherents.csv`` (see
``tests/importers/test_name_code_agreement.py`` for what each line is).
"""

from __future__ import annotations

import csv

import pytest

from geo.cli import main
from geo.storage import open_store
from tests.ui.test_app_planner import app, go, run

LIST = "tests/fixtures/import/cdg29_adherents.csv"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("OPSN_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def problems_table(at):
    (editor,) = at.data_editor
    return editor.key, editor.value.set_index("ligne")


def test_problem_lines_are_corrected_in_the_table_and_saved_in_the_version(tmp_path):
    from geo.core.paths import ROOT

    at = app(signed_in=True)
    go(at, "importer")
    data = (ROOT / LIST).read_bytes()
    at.file_uploader(key="import_files").set_value([("cdg29.csv", data, "text/csv")])
    run(at)
    (choice,) = [s for s in at.selectbox if s.label.startswith("OPSN de la liste")]
    choice.set_value("cdg29")
    run(at)
    summary = " ".join(w.value for w in at.warning)
    assert "6 acceptée(s)" in summary and "1 à vérifier" in summary
    assert "3 rejetée(s)" in summary
    key, table = problems_table(at)
    assert table.index.tolist() == [5, 6, 9, 11]
    assert table.at[5, "lu"] == "Brest ; 29190"
    assert table.at[5, "probleme"] == "rejetée : nom ≠ code"
    assert table.at[5, "commune"] == "Plougonvelin (29190) ou Brest (29019)"
    assert table.at[6, "commune"] == "proposée : Landivisiau (29105)"
    assert table.at[9, "probleme"] == "à vérifier : hors périmètre"
    assert table.at[9, "commune"] == "gardée : Vannes (56260)"

    # The planner types Brest's code, takes the suggestion for Landivisiau,
    # leaves Vannes out; Saint-Pol-de-Léon is left as it is.
    at.session_state[key] = {
        "edited_rows": {
            "0": {"correction": "29019"},
            "1": {"prendre_suggestion": True},
            "2": {"ecarter": True},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    run(at)
    _, table = problems_table(at)
    assert table.at[5, "commune"] == "✓ Brest (29019)"
    assert table.at[6, "commune"] == "✓ Landivisiau (29105)"
    assert table.at[9, "commune"] == "✓ écartée"
    assert table.at[11, "commune"] == "proposée : Saint-Pol-de-Léon (29259)"  # untouched
    summary = " ".join(w.value for w in at.warning)
    assert "7 acceptée(s) dont 2 corrigée(s) et 0 à vérifier" in summary
    assert len(open_store().versions()) == 1, "nothing saved before confirming"

    at.button(key="import_confirm").click()
    run(at)
    assert any("version 2" in s.value for s in at.success)
    version = open_store().versions()[-1]
    assert version.files[0]["corrections"] == [
        {"ligne": 5, "code": "29019", "ecartee": False},
        {"ligne": 6, "code": "29105", "ecartee": False},
        {"ligne": 9, "code": "", "ecartee": True},
    ]
    out = tmp_path / "export"
    assert main(["db", "export", "--out", str(out), "--version", "2"]) == 0
    with (out / "adhesions.csv").open(encoding="utf-8-sig") as handle:
        saved = {
            row["insee"] for row in csv.DictReader(handle, delimiter=";") if row["opsn"] == "cdg29"
        }
    assert saved == {"29232", "29019", "29105", "29151", "29235", "29190", "29075"}


def test_an_operators_file_shows_each_field_before_and_after_and_what_it_leaves_aside():
    header = '"id";"nom";"nom_avec_article";"statut";"url";"siret";"services";"departements"\n'
    megalis = (
        '"7e7ff701-de04-476e-bfca-3db263c7dc33";"Mégalis Bretagne";"";"";'
        '"https://www.megalis.bretagne.bzh/";"25351449100047";"";"22,29,35,56,44"\n'
    )
    at = app(signed_in=True)
    go(at, "importer")
    at.file_uploader(key="import_files").set_value(
        [("operators.csv", (header + megalis).encode(), "text/csv")]
    )
    run(at)
    assert any("0 modifié(s) (0 champ(s)), 1 valeur(s)" in m.value for m in at.markdown)
    ignored = next(d.value for d in at.dataframe if "Pourquoi" in d.value.columns)
    assert ignored.iloc[0]["Champ"] == "Périmètre (départements)"
    assert ignored.iloc[0]["Registre"] == "22|29|35|56"
    assert ignored.iloc[0]["Pourquoi"].startswith("44 non ajouté(s)")
    assert any(
        c.value.startswith("Avant : ") and "% de la population" in c.value for c in at.caption
    )
    at.radio(key="operator_mode").set_value("remplacer")
    run(at)
    changed = next(d.value for d in at.dataframe if "Après" in d.value.columns)
    perimeter = changed[changed["Champ"] == "Périmètre (départements)"].iloc[0]
    assert perimeter["Avant"] == "22|29|35|56" and "44" in perimeter["Après"]


def test_the_registry_form_refuses_another_opsn_s_siren_and_keeps_plain_sources():
    at = app(signed_in=True)
    go(at, "registre")
    at.selectbox(key="registry_target").set_value("megalis")
    run(at)
    fields = {t.label: t for t in at.text_input}
    fields["SIREN"].input("384452611")  # ADICO's
    next(b for b in at.get("form_submit_button")).click()
    run(at)
    assert any("déjà celui de « Association pour le développement" in e.value for e in at.error)
    assert len(open_store().versions()) == 1
    fields = {t.label: t for t in at.text_input}
    fields["SIREN"].input("253514491")
    (sources,) = [t for t in at.text_area if t.label.startswith("Sources")]
    sources.input("https://www.megalis.bretagne.bzh\nDélibération du comité syndical, 3 mars 2021")
    next(b for b in at.get("form_submit_button")).click()
    run(at)
    at.button(key="registry_confirm").click()  # after the before / after preview
    run(at)
    assert any("version 2" in s.value for s in at.success)
    _, snapshot = open_store().snapshot()
    saved = snapshot.registry.set_index("id").at["megalis", "sources"]
    assert saved == "https://www.megalis.bretagne.bzh|Délibération du comité syndical, 3 mars 2021"
