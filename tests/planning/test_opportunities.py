"""Opportunities on the bundled data: ranked like ``python -m geo scenario`` would rank them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from geo.cli import main
from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.importers.inputs import bundled_inputs
from geo.planning.opportunities import COLUMNS, KINDS, opportunities
from geo.planning.scenarios import Change, run_scenario

pytestmark = pytest.mark.usefixtures("bundled_data")  # the CLI's default data: the files


@pytest.fixture(scope="module")
def inputs():
    return bundled_inputs()


@pytest.fixture(scope="module")
def analysis(reference, inputs):
    return analyse(reference, inputs, CoverageOptions())


@pytest.fixture(scope="module")
def ranked(reference, inputs, analysis):
    return opportunities(reference, inputs, analysis=analysis)


def cli_json(capsys, *args):
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_first_opportunity_is_the_best_scenario_of_the_largest_territory(
    capsys, reference, inputs, analysis, ranked
):
    largest = analysis.zones.iloc[0]
    bordering = set(largest["opsn_voisins_perimetre"].split("|")) | set(
        largest["opsn_voisins_adhesion"].split("|")
    )
    bordering.discard("")
    assert len(bordering) >= 2
    departments = tuple(largest["departements"].split(","))
    gains = {
        opsn: run_scenario(
            reference,
            inputs,
            Change(opsn, add_departements=departments),
            CoverageOptions(),
            analysis,
        ).summary.population_gained
        for opsn in sorted(bordering)
    }
    best = max(gains, key=gains.get)
    # The same figure as typed in a terminal.
    result = cli_json(
        capsys, "scenario", best, "--add-departements", largest["departements"], "--format", "json"
    )
    assert result["population_gained"] == gains[best]
    first = ranked.iloc[0]
    assert first["population_gagnee"] == gains[best]
    assert first["territoire"] == largest["id"]
    assert first["opsn"] in bordering


def test_each_kind_matches_the_scenario_engine(reference, inputs, analysis, ranked):
    assert {"departements", "departement", "epci"} <= set(ranked["extension"]) <= set(KINDS)
    sample = [ranked.iloc[0]]
    for kind in KINDS:
        rows = ranked[ranked["extension"] == kind]
        sample += [rows.iloc[i] for i in (0, len(rows) // 2, len(rows) - 1) if len(rows)]
    for row in sample:
        summary = run_scenario(
            reference, inputs, row["change"], CoverageOptions(), analysis
        ).summary
        assert summary.population_gained == row["population_gagnee"], row["commande"]
        assert summary.communes_gained == row["communes_gagnees"], row["commande"]
        assert summary.after.covered_share == pytest.approx(row["part_apres"], abs=1e-6)


def test_ranking_rules(ranked):
    gains = ranked["population_gagnee"].tolist()
    assert gains == sorted(gains, reverse=True)
    assert ranked["rang"].tolist() == list(range(1, len(ranked) + 1))
    assert (ranked["population_gagnee"] > 0).all()
    keys = ranked["opsn"] + ranked["extension"] + ranked["codes"].str.join(",")
    assert keys.is_unique  # the same extension from two territories is listed once
    # A one-department extension is never offered for a department already in the perimeter.
    one = ranked[ranked["extension"] == "departement"]
    assert len(one) and (one["codes"].map(len) == 1).all()


def test_under_the_membership_rule_only_memberships_are_offered(reference, inputs):
    table = opportunities(reference, inputs, CoverageOptions(rule="adhesion"))
    assert len(table) and set(table["extension"]) <= {"epci", "epci_territoire"}


def test_without_epci_expansion_no_epci_is_offered(reference, inputs):
    table = opportunities(reference, inputs, CoverageOptions(epci_membership=False))
    assert len(table) and set(table["extension"]) <= {"departements", "departement"}


def test_cli_json_csv_and_text(capsys, ranked):
    records = cli_json(capsys, "opportunities", "--format", "json", "--limit", "3")
    assert len(records) == 3
    assert set(COLUMNS) <= set(records[0])
    assert records[0]["population_gagnee"] == ranked.iloc[0]["population_gagnee"]
    assert records[0]["change"]["opsn"] == records[0]["opsn"]
    assert records[0]["commande"].startswith("python -m geo scenario ")

    assert main(["opportunities", "--format", "csv", "--extension", "epci", "--limit", "5"]) == 0
    out = capsys.readouterr()
    text = out.out
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    table = [r for r in rows if r.get("rang", "").isdigit()]
    assert len(table) == 5 and {r["extension"] for r in table} == {"epci"}

    assert main(["opportunities", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "habitants" in lines[1] and lines[1].lstrip().startswith("1.")


def test_cli_refuses_an_unknown_extension(capsys):
    assert main(["opportunities", "--extension", "canton"]) == 2
    assert "extension inconnue" in capsys.readouterr().err
