"""``python -m geo coverage | white-zones | scenario`` on the bundled data: the script contract.

The JSON keys are a contract for scripts (only ever added). The bundled
perimeter-rule figures are pinned here, so that a change to the data or the
rules is a visible decision in a diff of this file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys

import pytest

from geo.cli import main
from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.paths import ROOT
from geo.core.records import as_json
from geo.core.views import View
from geo.explore.panel import view_facts
from geo.importers.inputs import bundled_inputs

pytestmark = pytest.mark.usefixtures("bundled_data")  # the CLI's default data: the files

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
    """``python -m geo ARGS`` in this process (``geo.cli.main``): status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exit_:  # argparse refusing an option
            status = exit_.code if isinstance(exit_.code, int) else 2
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def bundled_json() -> dict:
    """The one end-to-end run of this file: ``python -m geo coverage`` as a script calls it."""
    done = subprocess.run(
        [sys.executable, "-m", "geo", "coverage", "--format", "json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_coverage_json_has_the_contract_keys(bundled_json):
    assert CONTRACT_KEYS <= set(bundled_json)
    assert bundled_json["rule"] == "perimetre" and bundled_json["territory"] == "france"
    assert 0 <= bundled_json["covered_share"] <= 1


def test_bundled_perimeter_rule_figures_are_pinned(bundled_json):
    # Registry of 86 bodies after the November 2026 corrections (local ones paint no
    # department, the 12 partial offers do not count by default, SIB and Cogitis never)
    # + 17 sourced memberships. Before the corrections: 27 793 communes, 45 587 310
    # inhabitants (66.7 %), 20 territories; the corrections add the Ardennes, Aube and Meuse
    # (SPL-Xdemat), the Drôme (Numérian) and the Var (SICTIAM): +2 400 144 inhabitants.
    # A change here is a change of data or of counting rule: say why in the commit.
    assert bundled_json["total_communes"] == 34875
    assert bundled_json["total_population"] == 68_350_798
    assert bundled_json["covered_communes"] == 29685
    assert bundled_json["covered_population"] == 47_987_454
    assert bundled_json["covered_share"] == pytest.approx(0.702076, abs=1e-6)
    # Thirteen territories (README): whole islands and overseas departments count once.
    assert bundled_json["white_zone_count"] == 13
    assert bundled_json["white_zone_overseas"] == 5
    assert bundled_json["white_zone_islands"] == 5  # La Réunion, Guadeloupe, Martinique…
    assert bundled_json["white_zone_population"] == 20_363_344
    assert bundled_json["status"]["adherente"] == {"communes": 17, "population": 350_962}
    assert bundled_json["partial_offers_counted"] is False


def test_partial_offers_count_only_when_asked(bundled_json):
    done = geo_cli("coverage", "--format", "json", "--offres-partielles")
    assert done.returncode == 0, done.stderr
    partial = json.loads(done.stdout)
    # DataSud, OPenIG, DataGrandEst, GIP Maximilien, the DPO and GIS offers of Calvados,
    # Alsace… cover 13 456 527 more inhabitants, but only when asked.
    assert partial["partial_offers_counted"] is True
    assert partial["covered_population"] == 61_443_981
    assert partial["covered_population"] - bundled_json["covered_population"] == 13_456_527
    assert partial["white_zone_count"] == 8
    assert "offres partielles comptées" in partial["counting_rule"]
    assert "offres partielles" not in bundled_json["counting_rule"]
    # An OPSN chosen in the filter counts even when its offer is partial.
    chosen = json.loads(geo_cli("coverage", "--format", "json", "--filter", "datasud").stdout)
    assert chosen["covered_communes"] == 946  # the six departments of Provence-Alpes-Côte d'Azur
    zones = json.loads(geo_cli("white-zones", "--format", "json", "--offres-partielles").stdout)
    assert len(zones) == 8


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
    assert len(zones) == 13  # pinned with the coverage figures above
    assert [z["rang"] for z in zones] == list(range(1, 14))
    names = {z["id"]: z["nom"] for z in zones}
    # Whole departments and islands by their own names, never « autour de … ».
    assert names["Z97411"] == "La Réunion"
    assert names["Z97302"] == "Guyane"
    assert names["Z97209"] == "Martinique"
    assert names["Z14118"] == "Calvados"
    assert names["Z97101"] == "Guadeloupe"
    assert {z["id"] for z in zones if z["ile"]} == {
        "Z97411",
        "Z97101",
        "Z97209",
        "Z2A004",
        "Z97611",
    }
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


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """``python -m geo ARGS`` in-process: status, stdout, stderr."""
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_declic_2020_reference_beside_todays_figure(capsys, bundled_json):
    declic = bundled_json["reference_declic_2020"]
    assert (declic["population"], declic["share"], declic["date"]) == (
        38_000_000,
        0.57,
        "2020-05-18",
    )
    assert declic["structures"] == "une quarantaine"
    assert "70,2\u00a0% ici" in declic["why_different"]
    status, out, _ = run_cli(capsys, "coverage", "--format", "text")
    assert status == 0
    assert (
        "Référence : Déclic, mai 2020 : une quarantaine de structures, 38 millions d'habitants, "
        "57\u00a0% de la population (communiqué de presse de Déclic du 18 mai 2020)."
    ) in out
    assert "ne se compare pas directement" in out


def test_view_option_gives_the_view_figures_with_france_beside(capsys, reference, bundled_json):
    status, out, _ = run_cli(
        capsys, "coverage", "--format", "json", "--vue", "departement", "--code", "14"
    )
    assert status == 0
    view = json.loads(out)
    assert view["view"] == {"niveau": "departement", "code": "14", "nom": "Calvados (14)"}
    # Same keys as the national JSON, describing the view…
    assert set(bundled_json) <= set(view)
    assert (view["total_communes"], view["total_population"]) == (526, 709_441)
    assert view["covered_share"] == 0 and view["white_zone_count"] == 1
    # … and the national figures under "france", as printed without --vue.
    national = {k: v for k, v in bundled_json.items() if k != "reference_declic_2020"}
    assert view["france"] == national
    assert [o["id"] for o in view["partial_offers"]] == ["cdg14", "geocalvados_mapeo"]
    inputs = bundled_inputs()
    facts = view_facts(
        reference, analyse(reference, inputs, CoverageOptions()), inputs, View("departement", "14")
    )
    expected = as_json(facts.figures)
    assert {k: view[k] for k in expected} == expected


def test_view_option_text_and_errors(capsys):
    status, out, _ = run_cli(
        capsys, "coverage", "--vue", "commune", "--code", "97411", "--territory", "metropole"
    )
    assert status == 0
    assert "Couverture OPSN — Saint-Denis (97411) — données livrées" in out
    assert "Hors du territoire choisi" in out
    assert "Territoire sans OPSN « La Réunion »" in out

    status, out, err = run_cli(
        capsys, "coverage", "--format", "json", "--vue", "territoire", "--code", "Z69123"
    )
    assert status == 0 and json.loads(out)["view"]["code"] == "Z13055"
    assert "n'existe pas avec les options choisies" in err and "Lyon (69123)" in err

    status, out, err = run_cli(capsys, "coverage", "--vue", "region", "--code", "99")
    assert status == 2 and not out
    assert "--vue region : code « 99 » introuvable" in err
    status, out, err = run_cli(capsys, "coverage", "--vue", "departement")
    assert status == 2 and "il faut aussi --code" in err


def test_scenario_on_a_partial_offer_counts_only_when_asked(capsys):
    """DataSud reaching Haute-Vienne brings inhabitants only if partial offers count."""
    args = ("scenario", "datasud", "--add-departements", "87", "--format", "json")
    status, out, _ = run_cli(capsys, *args)
    assert status == 0 and json.loads(out)["population_gained"] == 0
    status, out, _ = run_cli(capsys, *args, "--offres-partielles")
    gained = json.loads(out)["population_gained"]
    assert status == 0 and gained == 373_167  # all of Haute-Vienne, without OPSN today
