"""The what-if built by clicking its map: toggles, classes of the map, the workbook.

On the hand-made grid (:mod:`tests.tiny_reference`) every answer is known;
one test on the real data checks that a department clicked gives what
``python -m geo scenario`` gives for it.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from geo.cli import main
from geo.core.analysis import Inputs, analyse
from geo.core.coverage import CoverageOptions
from geo.core.registry import perimeter_table
from geo.exports.scenario import scenario_tables, scenario_workbook
from geo.maps.changes import (
    GAINED_COLOUR,
    SCENARIO_GAINED,
    SCENARIO_LOST,
    change_map_spec,
    class_counts,
    scenario_classes,
    scenario_palette,
)
from geo.maps.live import OUTSIDE_CODE
from geo.planning.scenario_toggle import holds, toggle
from geo.planning.scenarios import Change, apply_changes, run_scenario, status_changes
from tests.tiny_reference import memberships, tiny_reference

# R serves Paris; M has 01005 and EPCI E1 (01001, 01002, 01004); L is local to 2A.
REGISTRY = pd.DataFrame(
    {
        "id": ["R", "M", "L"],
        "nom": ["OPSN R", "OPSN M", "OPSN L"],
        "sigle": ["", "", ""],
        "portee": ["departementale", "", "locale"],
        "departements": [("75",), (), ("2A",)],
    }
)
INPUTS = Inputs(
    REGISTRY,
    perimeter_table(REGISTRY),
    memberships([("M", "01005", ""), ("M", "", "200000001"), ("L", "2A004", "")]),
)


@pytest.fixture(scope="module")
def tiny():
    return tiny_reference()


def click(tiny, changes, opsn, kind, code, **kw):
    return toggle(tiny, INPUTS, changes, opsn, kind, code, **kw)


def test_a_department_clicked_twice_gives_back_the_scenario(tiny):
    first = click(tiny, (), "R", "departement", "01")
    assert first.done and first.added
    assert first.changes == (Change("R", add_departements=("01",)),)
    assert "ajouté au périmètre de OPSN R" in first.message
    second = click(tiny, first.changes, "R", "departement", "01")
    assert second.done and not second.added
    assert second.changes == (), "the emptied change disappears"


def test_a_department_of_the_perimeter_is_dropped_then_put_back(tiny):
    dropped = click(tiny, (), "R", "departement", "75")
    assert dropped.changes == (Change("R", drop_departements=("75",)),)
    assert "retiré du périmètre" in dropped.message
    assert not holds(apply_changes(INPUTS, dropped.changes), "R", "departement", "75")
    assert click(tiny, dropped.changes, "R", "departement", "75").changes == ()


def test_clicks_write_into_the_last_change_of_that_opsn(tiny):
    changes = (Change("R", add_departements=("2A",)), Change("M", add_communes=("01009",)))
    result = click(tiny, changes, "R", "departement", "01")
    assert result.changes == (
        Change("R", add_departements=("2A", "01")),
        Change("M", add_communes=("01009",)),
    )
    # A list change is undone by a click as well.
    assert click(tiny, changes, "M", "commune", "01009").changes == changes[:1]


def test_communes_and_epci(tiny):
    joined = click(tiny, (), "R", "commune", "01003")
    assert joined.changes == (Change("R", add_communes=("01003",)),)
    assert "ajoutée aux adhérents" in joined.message
    left = click(tiny, (), "M", "commune", "01005")
    assert left.changes == (Change("M", drop_communes=("01005",)),)
    epci = click(tiny, (), "M", "epci", "200000001")
    assert epci.changes == (Change("M", drop_epci=("200000001",)),)
    assert "CC Un" in epci.message


def test_a_commune_member_through_its_epci_is_explained_not_changed(tiny):
    result = click(tiny, (), "M", "commune", "01002")
    assert not result.done and result.changes == ()
    assert "par son EPCI" in result.message and "CC Un" in result.message


def test_a_local_opsn_extended_by_a_click_serves_its_own_department_too(tiny):
    extended = click(tiny, (), "L", "departement", "01")
    after = apply_changes(INPUTS, extended.changes)
    assert holds(after, "L", "departement", "01") and holds(after, "L", "departement", "2A")
    # Its own department, now in the perimeter, can be clicked away again.
    dropped = click(tiny, extended.changes, "L", "departement", "2A")
    assert dropped.done
    assert not holds(apply_changes(INPUTS, dropped.changes), "L", "departement", "2A")


def test_a_new_opsn_is_created_by_its_first_click(tiny):
    result = click(tiny, (), "nouveau", "departement", "01", name="Nouvel OPSN")
    assert result.changes == (Change("nouveau", name="Nouvel OPSN", add_departements=("01",)),)
    assert "Nouvel OPSN" in result.message


def test_memberships_that_ended_do_not_count_as_held(tiny):
    dated = Inputs(
        REGISTRY,
        perimeter_table(REGISTRY),
        memberships([("M", "01009", "", "2010-01-01", "2015-12-31")]),
    )
    result = toggle(tiny, dated, (), "M", "commune", "01009", at=dt.date(2026, 1, 1))
    assert result.added and result.changes == (Change("M", add_communes=("01009",)),)


def test_unknown_kind_is_refused(tiny):
    with pytest.raises(ValueError):
        click(tiny, (), "R", "region", "84")


# ----------------------------------------------------------------------------- the map


def test_gained_and_lost_communes_have_their_own_class_and_legend_counts(tiny):
    changes = (Change("R", add_departements=("01",), drop_departements=("75",)),)
    options = CoverageOptions()
    result = run_scenario(tiny, INPUTS, changes, options)
    classes = scenario_classes(result.before, result.after)
    classes = dict(zip(tiny.communes["insee"], classes, strict=True))
    # Grid communes not yet covered are gained; Paris is lost; members stay members.
    assert classes["01009"] == SCENARIO_GAINED and classes["01003"] == SCENARIO_GAINED
    assert classes["75056"] == SCENARIO_LOST
    assert classes["01005"] == "adherente" and classes["2A005"] == "sans_opsn"
    counts = class_counts(tiny, np.array(list(classes.values())), np.ones(13, dtype=bool))
    assert counts[SCENARIO_GAINED].population == result.summary.population_gained
    assert counts[SCENARIO_LOST].population == result.summary.population_lost

    base = {"legend": {"note": "astuce"}, "view": "france:"}
    inside = result.after.coverage["dans_territoire"].to_numpy()
    spec = change_map_spec(
        tiny,
        base,
        scenario_classes(result.before, result.after),
        inside,
        np.ones(13, dtype=bool),
        scenario_palette(),
        "Avec le scénario — France",
    )
    assert spec["colours"]["g"] == GAINED_COLOUR and spec["labels"]["g"] == "Gagnée par le scénario"
    gained = next(e for e in spec["legend"]["entries"] if e["label"] == "Gagnée par le scénario")
    # 01003, 01006…01009: 2 500 + 300 + 10 + 20 + 30 inhabitants.
    assert gained["count"] == "5 communes, 2\u202f860 habitants"
    assert spec["legend"]["note"] == "astuce" and spec["view"] == "france:"
    # Reference order, run-length encoded: 01001…01009, 2A004, 2A005, 75056, 97101.
    assert spec["statuses"] == "a2g1a2g4a1s1l1s1"


def test_the_territory_left_out_is_greyed_and_named(tiny):
    options = CoverageOptions(territory="metropole")
    before = analyse(tiny, INPUTS, options)
    spec = change_map_spec(
        tiny,
        {"legend": {"note": ""}},
        scenario_classes(before, before),
        before.coverage["dans_territoire"].to_numpy(),
        np.ones(13, dtype=bool),
        scenario_palette(),
        "t",
    )
    assert spec["statuses"].endswith(OUTSIDE_CODE + "1")
    assert spec["legend"]["entries"][-1]["count"] == "DROM"


# ----------------------------------------------------------------------------- real data


def test_a_department_clicked_gives_what_the_scenario_command_gives(reference, capsys):
    from geo.importers.inputs import bundled_inputs

    inputs = bundled_inputs()
    result = toggle(reference, inputs, (), "manche_numerique", "departement", "14")
    assert result.changes == (Change("manche_numerique", add_departements=("14",)),)
    scenario = run_scenario(reference, inputs, result.changes, CoverageOptions())
    assert (
        main(["scenario", "manche_numerique", "--add-departements", "14", "--format", "json"]) == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert scenario.summary.population_gained == printed["population_gained"] > 0
    assert scenario.summary.after.covered_population == printed["after"]["covered_population"]
    classes = scenario_classes(scenario.before, scenario.after)
    calvados = (reference.communes["departement"] == "14").to_numpy()
    gained = classes == SCENARIO_GAINED
    assert gained.any() and calvados[gained].all()
    assert reference.communes["population"].to_numpy()[gained].sum() == printed["population_gained"]

    # The workbook: numbers as numbers, the scenario named with its rule.
    changed = status_changes(reference, scenario.before, scenario.after)
    workbook = load_workbook(
        io.BytesIO(scenario_workbook(reference, scenario.summary, changed, "version 1"))
    )
    assert workbook.sheetnames[:3] == ["Part couverte", "Chiffres", "Communes qui changent"]
    counts = {row[0]: row[1:] for row in workbook["Chiffres"].iter_rows(values_only=True) if row}
    assert counts["Population gagnée"][2] == printed["population_gained"]
    assert counts["Population couverte"][:2] == (
        printed["before"]["covered_population"],
        printed["after"]["covered_population"],
    )
    share = list(workbook["Part couverte"].iter_rows(values_only=True))[1]
    assert share[2] == pytest.approx(printed["after"]["covered_share"])
    assert workbook["Part couverte"]["C2"].number_format == "0.00 %"
    communes = list(workbook["Communes qui changent"].iter_rows(values_only=True))
    assert len([r for r in communes[1:] if r and r[0] and r[0].isdigit()]) == len(changed)
    sources = " ".join(
        str(c) for row in workbook["Sources et règle"].iter_rows(values_only=True) for c in row if c
    )
    assert "manche_numerique --add-departements 14" in sources
    assert "scénario « et si… » (pas dans la version en service)" in sources
    tables = scenario_tables(scenario.summary, changed, "version 1")
    assert tables[1].frame.set_index("Indicateur").at["Population perdue", "Écart"] == 0
