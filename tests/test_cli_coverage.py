"""``python -m geo coverage | white-zones | scenario`` on the bundled data: the script contract.

The JSON keys are a contract for scripts (only ever added). The bundled
perimeter-rule figures are pinned here, so that a change to the data or the
rules is a visible decision in a diff of this file.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from geo.analysis import analyse
from geo.coverage import CoverageOptions
from geo.inputs import bundled_inputs

from .conftest import ROOT

CONTRACT_KEYS = {
    "total_communes",
    "total_population",
    "covered_communes",
    "covered_population",
    "covered_share",
    "white_zone_count",
    "white_zone_population",
    "rule",
    "territory",
}


def geo_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


@pytest.fixture(scope="module")
def bundled_json() -> dict:
    done = geo_cli("coverage", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_coverage_json_has_the_contract_keys(bundled_json):
    assert CONTRACT_KEYS <= set(bundled_json)
    assert bundled_json["rule"] == "perimetre" and bundled_json["territory"] == "france"
    assert 0 <= bundled_json["covered_share"] <= 1


def test_bundled_perimeter_rule_figures_are_pinned(bundled_json):
    # Registry of 74 OPSN (local ones paint no department) + 17 sourced memberships.
    # A change here is a change of data or of counting rule: say why in the commit.
    assert bundled_json["total_communes"] == 34875
    assert bundled_json["total_population"] == 68_350_798
    assert bundled_json["covered_communes"] == 27793
    assert bundled_json["covered_population"] == 45_587_310
    assert bundled_json["covered_share"] == pytest.approx(0.666961, abs=1e-6)
    assert bundled_json["white_zone_count"] == 20
    assert bundled_json["white_zone_population"] == 22_763_488
    assert bundled_json["status"]["adherente"] == {"communes": 17, "population": 350_962}


def test_statuses_add_up_to_the_totals(bundled_json):
    status = bundled_json["status"]
    assert sum(s["communes"] for s in status.values()) == bundled_json["total_communes"]
    assert sum(s["population"] for s in status.values()) == bundled_json["total_population"]
    covered = status["adherente"]["population"] + status["perimetre"]["population"]
    assert covered == bundled_json["covered_population"]
    sizes = bundled_json["by_size"]
    assert sum(s["population"] for s in sizes) == bundled_json["total_population"]
    assert sum(s["covered_communes"] for s in sizes) == bundled_json["covered_communes"]


def test_white_zone_population_equals_communes_without_opsn(reference):
    analysis = analyse(reference, bundled_inputs(), CoverageOptions())
    without = analysis.coverage["statut"] == "sans_opsn"
    assert analysis.zones["population"].sum() == reference.communes.loc[without, "population"].sum()
    assert analysis.zones["communes"].sum() == without.sum()
    assert analysis.zones["population"].is_monotonic_decreasing


def test_text_output_states_rule_and_vintages():
    done = geo_cli("coverage", "--format", "text", "--rule", "adhesion")
    assert done.returncode == 0, done.stderr
    assert "populations légales 2023" in done.stdout
    assert "communes au 1er janvier 2026" in done.stdout
    assert "adhérente à un OPSN (directement ou par son EPCI)" in done.stdout
    assert "\u00a0%" in done.stdout  # French percent sign


def test_opsn_filter_names_the_chosen_opsn_and_refuses_unknown_ids():
    done = geo_cli("coverage", "--format", "text", "--filter", "megalis")
    assert done.returncode == 0, done.stderr
    assert "OPSN choisis : Mégalis Bretagne" in done.stdout
    assert "Hors des OPSN choisis :" in done.stdout and "Sans OPSN" not in done.stdout
    figures = json.loads(geo_cli("coverage", "--format", "json", "--filter", "megalis").stdout)
    assert figures["opsn_filter"] == ["megalis"]
    assert figures["status_labels"]["sans_opsn"] == "Hors des OPSN choisis"

    done = geo_cli("coverage", "--format", "json", "--filter", "megalis,nope")
    assert done.returncode == 2 and not done.stdout
    assert "OPSN inconnu(s) : nope" in done.stderr and "Traceback" not in done.stderr


def test_options_change_the_figures(bundled_json):
    metro = json.loads(geo_cli("coverage", "--format", "json", "--territory", "metropole").stdout)
    members = json.loads(geo_cli("coverage", "--format", "json", "--rule", "adhesion").stdout)
    assert metro["territory"] == "metropole"
    assert metro["total_population"] < bundled_json["total_population"]
    assert members["covered_population"] < bundled_json["covered_population"]
    assert members["covered_population"] == bundled_json["status"]["adherente"]["population"]


def test_csv_output_is_per_department():
    done = geo_cli("coverage", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout), delimiter=";"))
    assert len(rows) == 101
    assert sum(int(r["population"]) for r in rows) == 68_350_798


def test_white_zones_json_is_ranked_by_population():
    done = geo_cli("white-zones", "--format", "json")
    assert done.returncode == 0, done.stderr
    zones = json.loads(done.stdout)
    assert len(zones) == 20
    assert [z["rang"] for z in zones] == list(range(1, 21))
    populations = [z["population"] for z in zones]
    assert populations == sorted(populations, reverse=True)
    assert {"id", "communes", "population", "superficie_km2", "departements"} <= set(zones[0])
    assert {"opsn_voisins_perimetre", "opsn_voisins_adhesion", "distance_km"} <= set(zones[0])


def test_files_given_on_the_command_line_replace_the_bundled_ones(tmp_path):
    members = tmp_path / "adherents.csv"
    members.write_text("opsn;code insee\nalpi;40192\nalpi;33063\n", encoding="utf-8")
    done = geo_cli(
        "coverage", "--format", "json", "--adherents", str(members), "--rule", "adhesion"
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["covered_communes"] == 2  # Mont-de-Marsan and Bordeaux only
    unreadable = tmp_path / "vide.csv"
    unreadable.write_bytes(b"")
    failed = geo_cli("coverage", "--adherents", str(unreadable))
    assert failed.returncode == 2
    assert "vide.csv" in failed.stderr and "Traceback" not in failed.stderr


def test_scenario_reports_population_gained():
    done = geo_cli("scenario", "essai", "--add-departements", "13", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["population_gained"] == 2_087_658  # Bouches-du-Rhône, without OPSN today
    assert (
        result["after"]["covered_population"] == result["before"]["covered_population"] + 2_087_658
    )
    assert result["white_zones_reduced"] + result["white_zones_split"] >= 1
