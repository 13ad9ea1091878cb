"""Sources never mixed silently: an operators file replaces the bundled registry unless asked.

``python -m geo coverage --operators operators.csv`` gives the file's figures
alone: with the ANCT sample (30 operators, ``tests/fixtures/import/``), the
communes in a perimeter are exactly those of the departments its rows list,
computed here from the CSV itself. ``--merge-registry`` gives the union with
the bundled data. The ``data`` label, the ``data_sources`` key and the text output
name what was used.
"""

from __future__ import annotations

import csv
import json

import pytest

from geo.cli import main
from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.paths import ROOT
from geo.core.records import as_json
from geo.importers.inputs import build_inputs, bundled_inputs
from geo.planning.scenarios import Change, apply_change

pytestmark = pytest.mark.usefixtures("bundled_data")  # the CLI's default data: the files

OPERATORS = ROOT / "tests" / "fixtures" / "import" / "anct_operators.csv"


def coverage_json(capsys, *args: str) -> dict:
    assert main(["coverage", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def departments_of_the_file() -> set[str]:
    with OPERATORS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == 30
    return {d for row in rows for d in row["departements"].split(",") if d}


def test_operators_file_alone_gives_its_own_perimeters(capsys, reference):
    figures = coverage_json(capsys, "--operators", str(OPERATORS))
    communes = reference.communes
    inside = communes["departement"].isin(departments_of_the_file())
    assert figures["covered_communes"] == int(inside.sum())
    assert figures["covered_population"] == int(communes.loc[inside, "population"].sum())
    assert figures["status"]["adherente"] == {"communes": 0, "population": 0}  # no bundled member
    assert figures["data"] == (
        "opérateurs : fichier anct_operators.csv (remplace le registre livré) ; "
        "adhésions : aucune (le fichier d'opérateurs n'en donne pas)"
    )
    assert figures["data_sources"] == [
        {
            "kind": "registry",
            "origin": "file",
            "files": ["anct_operators.csv"],
            "text": "fichier anct_operators.csv (remplace le registre livré)",
        },
        {
            "kind": "memberships",
            "origin": "none",
            "files": [],
            "text": "adhésions : aucune (le fichier d'opérateurs n'en donne pas)",
        },
    ]


def test_merge_registry_gives_the_union(capsys, reference):
    merged = coverage_json(capsys, "--operators", str(OPERATORS), "--merge-registry")
    bundled = analyse(reference, bundled_inputs(), CoverageOptions())
    communes = reference.communes.set_index("insee")
    covered = set(communes.index[bundled.coverage["couverte"].to_numpy()])
    covered |= set(communes.index[communes["departement"].isin(departments_of_the_file())])
    assert merged["covered_communes"] == len(covered)
    assert merged["covered_population"] == int(communes.loc[sorted(covered), "population"].sum())
    assert merged["status"]["adherente"] == as_json(bundled.figures.status["adherente"])
    assert merged["data"] == (
        "opérateurs : registre livré complété par anct_operators.csv ; adhésions livrées"
    )
    assert [s["origin"] for s in merged["data_sources"]] == ["bundled+file", "bundled"]


def test_bundled_data_keep_their_label_and_gain_sources(capsys):
    figures = coverage_json(capsys)
    assert figures["data"] == "données livrées"
    assert [(s["kind"], s["origin"]) for s in figures["data_sources"]] == [
        ("registry", "bundled"),
        ("memberships", "bundled"),
    ]


def test_membership_files_name_themselves(capsys, tmp_path):
    members = tmp_path / "adherents.csv"
    members.write_text("opsn;code insee\nalpi;40192\n", encoding="utf-8")
    figures = coverage_json(capsys, "--adherents", str(members), "--rule", "adhesion")
    assert figures["covered_communes"] == 1
    assert figures["data"] == (
        "opérateurs : registre livré ; adhésions : adherents.csv (remplace les adhésions livrées)"
    )
    assert main(["coverage", "--adherents", str(members)]) == 0
    assert "adhésions : adherents.csv" in capsys.readouterr().out.splitlines()[0]


def test_text_output_names_the_sources(capsys):
    assert main(["coverage", "--operators", str(OPERATORS)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("Couverture OPSN — opérateurs : fichier anct_operators.csv")


def test_merge_registry_needs_an_operators_file(capsys):
    assert main(["coverage", "--merge-registry"]) == 2
    assert "--operators" in capsys.readouterr().err


def test_the_app_builder_takes_the_same_choice(reference):
    files = [("operators.csv", OPERATORS.read_bytes())]
    alone = build_inputs(reference, files).inputs
    merged = build_inputs(reference, files, merge_registry=True).inputs
    assert len(alone.registry) == 30 and len(alone.memberships) == 0
    assert alone.label.startswith("opérateurs : fichier operators.csv (remplace")
    bundled = bundled_inputs()
    assert set(bundled.registry["id"]) <= set(merged.registry["id"])
    assert len(merged.memberships) == len(bundled.memberships)
    assert merged.label.startswith("opérateurs : registre livré complété par operators.csv")


def test_a_scenario_keeps_the_sources(reference):
    loaded = build_inputs(reference, [("operators.csv", OPERATORS.read_bytes())]).inputs
    changed = apply_change(loaded, Change("megalis", add_departements=("50",)))
    assert changed.sources == loaded.sources


@pytest.mark.parametrize("flag", ["--operators", "--adherents"])
def test_a_file_in_the_wrong_place_is_refused(capsys, tmp_path, flag):
    members = tmp_path / "liste.csv"
    members.write_text("insee;opsn\n01001;sitpi\n", encoding="utf-8")
    path = members if flag == "--operators" else OPERATORS
    assert main(["coverage", flag, str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Erreur : {path.name} : ")
