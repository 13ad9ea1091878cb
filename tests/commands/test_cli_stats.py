"""``python -m geo stats``: JSON for scripts, French text for people."""

from __future__ import annotations

import json

import pytest

from geo.core import fmt

# The JSON contract: keys are only ever added, never renamed (geo/cli.py).
CONTRACT_KEYS = {
    "communes",
    "population",
    "departements",
    "regions",
    "epci",
    "former_codes",
    "cog_year",
    "population_year",
}


def test_stats_json_contract(stats_json, reference):
    assert set(stats_json) >= CONTRACT_KEYS
    assert all(isinstance(stats_json[key], int) for key in CONTRACT_KEYS)
    assert stats_json["cog_year"] == 2026
    assert stats_json["population_year"] == 2023
    # The figures are those of the bundled data, not constants.
    assert stats_json["communes"] == len(reference.communes)
    assert stats_json["population"] == int(reference.communes["population"].sum())
    assert stats_json["epci"] == len(reference.epci) > 1000
    former = reference.former_codes
    assert stats_json["former_codes"] == (former["type"] != "arrondissement-municipal").sum()
    assert stats_json["arrondissement_codes"] == 45
    metro = ~reference.communes["departement"].str.startswith("97")
    assert stats_json["communes_metropole"] == metro.sum() < stats_json["communes"]
    assert stats_json["approximate_outlines"] == 5


def test_stats_json_is_one_line_of_utf8(stats_json_run):
    done = stats_json_run
    assert done.returncode == 0
    assert done.stderr == ""
    assert len(done.stdout.strip().splitlines()) == 1
    assert isinstance(json.loads(done.stdout), dict)


@pytest.fixture(scope="module")
def stats_text(geo_cli) -> str:
    done = geo_cli("stats", "--format", "text")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_stats_text_is_french_with_french_number_format(stats_text, stats_json):
    nnbsp = "\u202f"  # narrow no-break space, the French thousands separator
    assert fmt.NNBSP == nnbsp
    assert f"Communes : 34{nnbsp}875" in stats_text
    assert f"Population municipale : 68{nnbsp}350{nnbsp}798 habitants" in stats_text
    assert f"Départements : {stats_json['departements']}" in stats_text
    assert f"Régions : {stats_json['regions']}" in stats_text
    assert f"EPCI à fiscalité propre : {fmt.integer(stats_json['epci'])}" in stats_text
    assert "34,875" not in stats_text and "34875" not in stats_text


def test_stats_text_states_vintages_and_credits(stats_text):
    assert "populations légales 2023, communes au 1er janvier 2026" in stats_text
    for credit in ("IGN", "INSEE", "DGCL", "Etalab", "Licence Ouverte 2.0"):
        assert credit in stats_text


def test_default_format_is_text(geo_cli, stats_text):
    done = geo_cli("stats")
    assert done.returncode == 0
    assert done.stdout == stats_text


def test_unknown_format_is_refused(geo_cli):
    done = geo_cli("stats", "--format", "xml")
    assert done.returncode != 0
    assert "xml" in done.stderr
    assert done.stdout == ""


def test_missing_data_folder_gives_a_french_error(geo_cli, tmp_path):
    done = geo_cli("stats", "--data", str(tmp_path / "absent"))
    assert done.returncode == 2
    assert done.stderr.startswith("Erreur : données de référence incomplètes")
    assert "communes.parquet" in done.stderr
    assert "python -m geo build-communes" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
