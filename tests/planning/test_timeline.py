"""« Then / now » on dated memberships: the same figures as ``python -m geo coverage --at``."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from geo.cli import main
from geo.core import fmt
from geo.core.coverage import CoverageOptions
from geo.core.paths import ROOT
from geo.core.records import as_json
from geo.importers.inputs import load_inputs
from geo.maps.changes import change_map_spec, evolution_palette
from geo.planning.timeline import (
    changes_table,
    evolution_counts,
    evolution_status,
    membership_dates,
    then_now,
)

pytestmark = pytest.mark.usefixtures("bundled_data")  # the CLI's default data: the files

DATED = ROOT / "tests" / "fixtures" / "planner" / "adhesions_datees.csv"
THEN = dt.date(2020, 5, 1)  # Déclic's headline of May 2020


@pytest.fixture(scope="module")
def inputs(reference):
    return load_inputs(reference, adherents=[DATED]).inputs


@pytest.fixture(scope="module")
def result(reference, inputs):
    return then_now(reference, inputs, CoverageOptions(rule="adhesion"), THEN)


def coverage_json(capsys, *args) -> dict:
    assert main(["coverage", "--adherents", str(DATED), "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("rule", ["adhesion", "perimetre"])
def test_2020_and_today_equal_coverage_at(capsys, reference, inputs, rule):
    result = then_now(reference, inputs, CoverageOptions(rule=rule), THEN)
    then = coverage_json(capsys, "--rule", rule, "--at", THEN.isoformat())
    today = coverage_json(capsys, "--rule", rule, "--at", dt.date.today().isoformat())
    today_default = coverage_json(capsys, "--rule", rule)
    for key in (
        "covered_population",
        "covered_communes",
        "covered_share",
        "status",
        "white_zone_count",
    ):
        assert as_json(result.summary.before)[key] == then[key], key
        assert as_json(result.summary.after)[key] == today[key] == today_default[key], key


def test_communes_gained_and_lost(result, reference):
    table = changes_table(result).set_index("insee")
    # In force on 2020-05-01: Caen, Ifs (until 2021), Fleury-sur-Orne (no dates), Paris (2019-2023).
    # Today: Caen, Hérouville-Saint-Clair (since 2022), Fleury-sur-Orne, 93066 (since 2024).
    assert set(table.index[table["evolution"] == "gagnée"]) == {"14327", "93066"}
    assert set(table.index[table["evolution"] == "perdue"]) == {"14341", "75056"}
    population = reference.communes_by_insee["population"]
    summary = result.summary
    assert summary.population_gained == population["14327"] + population["93066"]
    assert summary.population_lost == population["14341"] + population["75056"]
    assert summary.covered_population_delta == summary.population_gained - summary.population_lost
    statuses = result.statuses.set_index("insee")
    assert statuses.at["14327", "evolution"] == "gagnee"
    assert statuses.at["14118", "evolution"] == "couverte"
    assert statuses.at["75056", "statut_avant"] == "adherente"
    assert len(statuses) == len(reference.communes)


def test_membership_dates_drive_the_date_control(inputs):
    days = membership_dates(inputs.memberships)
    assert dt.date(2015, 1, 1) in days and dt.date(2022, 1, 1) in days  # the day after 2021-12-31
    assert days == sorted(days)


def test_bundled_memberships_have_no_dates(capsys):
    assert main(["timeline", "--then", "2020-05-01"]) == 0
    assert "Aucune adhésion n'est datée" in capsys.readouterr().out


def test_cli_timeline_json_and_csv(capsys, result):
    args = ["timeline", "--then", "2020-05-01", "--adherents", str(DATED), "--rule", "adhesion"]
    assert main([*args, "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["communes_gained"] == 2 and summary["communes_lost"] == 2
    assert summary["before"]["at"] == "2020-05-01"
    assert main([*args, "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("\ufeffinsee;nom;departement;population") and "perdue" in text
    assert main([*args, "--at", "2021-01-01"]) == 2
    assert "--at n'a pas de sens" in capsys.readouterr().err


def test_the_evolution_map_classes_add_up_to_coverage_at_both_dates(capsys, reference, result):
    then = coverage_json(capsys, "--rule", "adhesion", "--at", THEN.isoformat())
    today = coverage_json(capsys, "--rule", "adhesion")
    classes = evolution_status(result.before, result.after)
    by_code = dict(zip(reference.communes["insee"], classes, strict=True))
    assert {c for c, k in by_code.items() if k == "gagnee"} == {"14327", "93066"}
    assert {c for c, k in by_code.items() if k == "perdue"} == {"14341", "75056"}
    counts = result.summary.evolution
    assert counts == evolution_counts(reference, classes)  # France: every commune counts
    for key, figure in (("communes", "covered_communes"), ("population", "covered_population")):
        assert getattr(counts["gagnee"], key) + getattr(counts["couverte"], key) == today[figure]
        assert getattr(counts["perdue"], key) + getattr(counts["couverte"], key) == then[figure]
        assert sum(getattr(c, key) for c in counts.values()) == sum(
            s[key] for s in today["status"].values()
        )
    assert counts["gagnee"].population == result.summary.population_gained

    # The map: four classes, their words with the dates, their counts in the legend.
    spec = change_map_spec(
        reference,
        {"legend": {"note": ""}},
        classes,
        result.statuses["dans_territoire"].to_numpy(),
        np.ones(len(classes), dtype=bool),
        evolution_palette(THEN, dt.date(2026, 11, 30)),
        "Évolution",
    )
    legend = {e["label"]: e["count"] for e in spec["legend"]["entries"]}
    gained = "Gagnée : couverte le 30/11/2026, pas le 01/05/2020"
    assert legend[gained] == f"2 communes, {fmt.inhabitants(counts['gagnee'].population)}"
    assert legend["Perdue : couverte le 01/05/2020, plus le 30/11/2026"].startswith("2 communes")
    assert set(spec["colours"]) == {"g", "l", "c", "n", "-"}


def test_cli_timeline_json_has_the_map_counts(capsys, result):
    args = ["timeline", "--then", "2020-05-01", "--adherents", str(DATED), "--rule", "adhesion"]
    assert main([*args, "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["evolution"]["perdue"]["communes"] == 2
    assert printed["evolution"]["couverte"] == as_json(result.summary.evolution["couverte"])
