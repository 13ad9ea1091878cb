"""Commands printed beside a figure reproduce it; the « Et si… » address names its state."""

from __future__ import annotations

import contextlib
import io
import json
import shlex

import pytest

from geo.cli import main
from geo.core.coverage import CoverageOptions
from geo.explore.scenario_link import (
    ScenarioLink,
    changes_text,
    parse_changes,
    parse_scenario_query,
    scenario_query,
)
from geo.importers.inputs import bundled_inputs
from geo.planning.command_line import options_dict, options_from_dict
from geo.planning.registry_preview import edit_preview
from geo.planning.scenarios import Change, run_scenario

pytestmark = pytest.mark.usefixtures("bundled_data")  # the CLI's default data: the files

CHANGES = (
    Change("manche_numerique", add_departements=("14",), drop_communes=("50129",)),
    Change("nouvel_opsn", name="Syndicat « test », Nord; Sud!", add_epci=("200065563",)),
)


def cli(*argv: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(argv)) == 0
    return json.loads(out.getvalue())


def test_the_printed_command_of_a_scenario_of_several_changes_gives_its_figures(reference):
    options = CoverageOptions(rule="adhesion", territory="metropole", epci_membership=True)
    summary = run_scenario(reference, bundled_inputs(), CHANGES, options).summary
    line = summary.command
    assert line.startswith("python -m geo scenario manche_numerique --add-departements 14 ")
    assert "--rule adhesion --territory metropole --donnees-livrees --puis nouvel_opsn" in line
    printed = cli(*shlex.split(line)[3:], "--format", "json")
    assert printed["after"]["covered_population"] == summary.after.covered_population
    assert printed["population_gained"] == summary.population_gained > 0
    assert printed["changes"] == [c.as_dict() for c in CHANGES]  # the name survived the quoting
    assert printed["command"] == line


def test_options_after_a_puis_count_for_the_whole_command(capsys):
    argv = ["scenario", "sitpi", "--add-departements", "73", "--puis", "alpi", "--add-departements"]
    last = cli(*argv, "01", "--rule", "adhesion", "--format", "json")
    first = cli(*argv[:1], "--rule", "adhesion", *argv[1:], "01", "--format", "json")
    assert last == first and "--rule adhesion" in last["command"]
    assert main([*argv, "01", "--nimporte", "quoi"]) == 2
    assert "« --nimporte quoi » n'est pas une option connue" in capsys.readouterr().err


def test_options_of_a_draft_come_back_as_they_were():
    import datetime as dt

    options = CoverageOptions("adhesion", "metropole", False, dt.date(2020, 5, 1), ("sitpi",), True)
    assert options_from_dict(json.loads(json.dumps(options_dict(options)))) == options
    assert options_from_dict({}) == CoverageOptions()


def test_the_what_if_in_the_address_comes_back_as_it_was():
    text = changes_text(CHANGES)
    assert "!" in text and "," in text and ";" not in text.split("~")[0]
    assert parse_changes(text) == (CHANGES, [])
    link = ScenarioLink(opsn="megalis", draft=3, changes=CHANGES, version=7)
    query = scenario_query(link)
    assert set(query) == {"opsn_choisi", "scenario", "changements", "version"}
    assert parse_scenario_query(query) == (link, [])
    emptied = ScenarioLink(draft=3, changes=())
    assert scenario_query(emptied)["changements"] == "aucun"
    assert parse_scenario_query(scenario_query(emptied))[0] == emptied
    assert parse_scenario_query({}) == (ScenarioLink(), [])


@pytest.mark.parametrize(
    "value",
    [
        "<script>",
        "sitpi!ajout-dep-",
        "sitpi!voler-dep-14",
        "sitpi!ajout-dep-1;4",
        "SITPI!ajout-dep-14",
    ],
)
def test_a_garbled_address_is_set_aside_with_a_message(value):
    link, messages = parse_scenario_query({"changements": value, "scenario": "x1", "version": "0"})
    assert link.changes == () and link.draft is None and link.version is None
    assert len(messages) == 3 and "illisible" in messages[0]


def test_a_registry_edit_shows_each_field_before_and_after_and_what_moved():
    opened = {"id": "megalis", "site_web": "https://a.bzh", "sigle": "MB", "siren": "1"}
    current = {"id": "megalis", "site_web": "https://b.bzh", "sigle": "MB", "siren": "1"}
    edited = {"id": "megalis", "site_web": "https://c.bzh", "sigle": "Mégalis"}
    table = edit_preview(edited, opened, current, {"site_web": "Site web", "sigle": "Sigle"})
    rows = table.set_index("Champ")
    assert (
        rows.at["Site web", "Avant"] == "https://b.bzh"
        and rows.at["Site web", "Après"] == "https://c.bzh"
    )
    assert (
        "modifié entre-temps (vous aviez ouvert « https://a.bzh »)"
        == rows.at["Site web", "Remarque"]
    )
    assert rows.at["Sigle", "Avant"] == "MB" and rows.at["Sigle", "Remarque"] == ""
    new = edit_preview({"id": "x", "nom": "X"}, None, None, {})
    assert new["Avant"].tolist() == ["(nouvel OPSN)", "(nouvel OPSN)"]
