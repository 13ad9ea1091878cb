"""The facts of a view: the same figures as an independent count, the headline's France.

For a sample of views × options on the bundled data, :func:`geo.explore.panel.view_facts`
is compared with a count written here from the inputs alone (pandas, no
``geo.core.coverage``): statuses from perimeters and memberships, then a groupby.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.inputs import Inputs
from geo.core.rules import STATUSES
from geo.core.views import View
from geo.explore.facts import Membership, Place
from geo.explore.panel import view_facts
from geo.explore.panel_text import panel_lines, partial_offers_text
from geo.importers.inputs import bundled_inputs
from tests.tiny_reference import memberships, perimeters, tiny_reference

OPTIONS = {
    "défaut": CoverageOptions(),
    "adhésion": CoverageOptions(rule="adhesion"),
    "métropole": CoverageOptions(territory="metropole"),
    "métropole + Mégalis": CoverageOptions(territory="metropole", opsn=("megalis",)),
    "sans EPCI, SITIV": CoverageOptions(epci_membership=False, opsn=("sitiv",)),
    "offres partielles": CoverageOptions(count_partial_offers=True),
    "DataSud choisi": CoverageOptions(opsn=("datasud",)),
    "date 2020": CoverageOptions(at=dt.date(2020, 1, 1)),
}
VIEWS = [
    View(),
    View("region", "53"),  # Bretagne
    View("region", "84"),  # Auvergne-Rhône-Alpes
    View("departement", "14"),  # Calvados: partial offers only
    View("departement", "971"),  # a DROM (outside « Métropole »)
    View("epci", "200046977"),  # Métropole de Lyon: SITIV members
    View("commune", "69259"),  # Vénissieux, SITIV member
    View("commune", "97411"),  # Saint-Denis (974)
    View("territoire", "Z13055"),
]


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    return bundled_inputs()


@pytest.fixture(scope="module")
def analyses(reference, inputs) -> dict:
    return {name: analyse(reference, inputs, options) for name, options in OPTIONS.items()}


def expected_statuses(reference, inputs: Inputs, options: CoverageOptions) -> pd.DataFrame:
    """Status of every commune, counted from the inputs alone (the registry's rules)."""
    registry = inputs.registry
    counted = set(registry["id"]) - set(registry.loc[~registry["sert_les_communes"], "id"])
    partial = set(registry.loc[registry["offre"] == "partielle", "id"])
    if not options.count_partial_offers:
        counted -= partial - set(options.opsn)
    if options.opsn:
        counted &= set(options.opsn)
    departments = set(inputs.perimeters.loc[inputs.perimeters["opsn"].isin(counted), "departement"])
    members = inputs.memberships[inputs.memberships["opsn"].isin(counted)]
    day = pd.Timestamp(options.at or dt.date.today())
    members = members[
        (members["depuis"].isna() | (members["depuis"] <= day))
        & (members["jusqu_a"].isna() | (members["jusqu_a"] >= day))
    ]
    communes = pd.DataFrame(reference.communes.drop(columns=["geometry", "geometry_generalisee"]))
    member = communes["insee"].isin(set(members["insee"]))
    if options.epci_membership:
        member |= communes["epci"].isin(set(members["epci"]) - {""})
    status = np.where(
        member,
        "adherente",
        np.where(communes["departement"].isin(departments), "perimetre", "sans_opsn"),
    )
    communes["statut"] = status
    communes["couverte"] = (
        communes["statut"] == "adherente"
        if options.rule == "adhesion"
        else communes["statut"] != "sans_opsn"
    )
    communes["metro"] = ~communes["departement"].str.startswith("97")
    return communes


def expected_view(communes: pd.DataFrame, view: View, zones: pd.DataFrame, territory: str):
    """The communes a view counts: its own, within the territory unless it lies outside."""
    if view.level == "france":
        rows = communes
    elif view.level == "territoire":
        rows = communes[
            communes["insee"].isin(zones.set_index("id").at[view.code, "insee"].split("|"))
        ]
    else:
        column = {
            "region": "region",
            "departement": "departement",
            "epci": "epci",
            "commune": "insee",
        }
        rows = communes[communes[column[view.level]] == view.code]
    if territory == "metropole" and rows["metro"].any():
        rows = rows[rows["metro"]]
    return rows


@pytest.mark.parametrize("option_name", list(OPTIONS))
def test_view_figures_equal_an_independent_count(reference, inputs, analyses, option_name):
    analysis = analyses[option_name]
    options = OPTIONS[option_name]
    communes = expected_statuses(reference, inputs, options)
    # The coverage engine agrees with the independent statuses, commune by commune.
    assert list(analysis.coverage["statut"]) == list(communes["statut"])
    for view in VIEWS:
        if view.level == "territoire" and view.code not in set(analysis.zones["id"]):
            continue  # the options gave no such territory (tested in test_views)
        facts = view_facts(reference, analysis, inputs, view)
        figures = facts.figures
        rows = expected_view(communes, view, analysis.zones, options.territory)
        where = f"{option_name}, {view.key}"
        assert figures.total_communes == len(rows), where
        assert figures.total_population == rows["population"].sum(), where
        assert figures.covered_communes == rows["couverte"].sum(), where
        assert figures.covered_population == rows.loc[rows["couverte"], "population"].sum(), where
        share = rows.loc[rows["couverte"], "population"].sum() / rows["population"].sum()
        assert figures.covered_share == pytest.approx(share, abs=1e-6), where
        by_status = rows.groupby("statut")["population"].agg(["size", "sum"])
        for status in STATUSES:
            got = figures.status[status]
            communes_, population = by_status.loc[status] if status in by_status.index else (0, 0)
            assert (got.communes, got.population) == (communes_, population), where
        # Territories without OPSN touching the view, and its inhabitants in them.
        codes = set(rows["insee"])
        touching = [z for z in analysis.zones.itertuples() if codes & set(z.insee.split("|"))]
        assert figures.white_zone_count == len(touching), where
        assert (
            figures.white_zone_population
            == rows.loc[rows["statut"] == "sans_opsn", "population"].sum()
        ), where
        # The France beside it is the headline's, whatever the view.
        assert facts.france is analysis.figures
        assert facts.outside_territory == (
            options.territory == "metropole" and view.level != "france" and not rows["metro"].any()
        )
        json.dumps(facts.as_json(), ensure_ascii=False)  # JSON-ready, for the command line


@pytest.mark.parametrize("option_name", list(OPTIONS))
def test_france_view_is_the_headline(reference, inputs, analyses, option_name):
    analysis = analyses[option_name]
    facts = view_facts(reference, analysis, inputs, View())
    assert facts.figures == analysis.figures
    assert facts.white_zones.count == analysis.figures.white_zone_count
    assert facts.white_zones.population == analysis.figures.white_zone_population


def test_who_serves_a_view_and_how(reference, inputs, analyses):
    facts = view_facts(reference, analyses["défaut"], inputs, View("region", "53"))
    opsn = {o.nom: o for o in facts.opsn}
    assert opsn["Mégalis Bretagne"].perimetre_communes == 1202  # all of Bretagne
    assert opsn["CDG29"].perimetre_communes == 277
    assert "SIB" not in opsn  # a health GIP: never counted
    assert {o.nom for o in facts.bordering_opsn} >= {"Manche Numérique", "e-Collectivités"}
    assert not {o.nom for o in facts.bordering_opsn} & set(opsn)
    lyon = view_facts(reference, analyses["défaut"], inputs, View("epci", "200046977"))
    sitiv = {o.id: o for o in lyon.opsn}["sitiv"]
    assert sitiv.adhesion_communes == 5 and sitiv.perimetre_communes == 0
    assert lyon.white_zones.count == 1
    assert lyon.white_zones.zones[0].id == "Z13055"


def test_partial_offers_are_listed_apart(reference, inputs, analyses):
    calvados = View("departement", "14")
    facts = view_facts(reference, analyses["défaut"], inputs, calvados)
    assert facts.opsn == []
    partial = {o.id: o for o in facts.partial_offers}
    assert set(partial) == {"cdg14", "geocalvados_mapeo"}
    assert partial["cdg14"].nature == "délégué à la protection des données"
    assert partial["cdg14"].perimetre_communes == 526
    assert not partial["cdg14"].counted
    lines = panel_lines(facts)
    assert (
        "Offres partielles présentes : CDG 14 (délégué à la protection des données), "
        "GéoCalvados (SIG) — non comptées"
    ) in lines
    counted = view_facts(reference, analyses["offres partielles"], inputs, calvados)
    assert all(o.counted for o in counted.partial_offers)
    assert {o.id: o.offre for o in counted.opsn} == {
        "cdg14": "partielle",
        "geocalvados_mapeo": "partielle",
    }
    assert partial_offers_text(counted.partial_offers).endswith("— comptées")


def test_commune_facts(reference, inputs, analyses):
    facts = view_facts(reference, analyses["défaut"], inputs, View("commune", "69259"))
    commune = facts.commune
    assert commune.nom == "Vénissieux" and commune.statut == "adherente"
    assert commune.departement == Place(code="69", nom="Rhône")
    assert commune.epci.siren == "200046977"
    assert commune.adhesion == [Membership(id="sitiv", nom="SITIV", via="commune")]
    assert commune.zone is None
    reunion = view_facts(reference, analyses["défaut"], inputs, View("commune", "97411"))
    assert reunion.commune.statut_libelle == "Sans OPSN"
    assert reunion.commune.zone.nom == "La Réunion"
    assert reunion.view.fil[-1].nom == "Saint-Denis (97411)"
    assert reunion.sources.data == inputs.label


def test_commune_member_through_its_epci():
    reference = tiny_reference()
    reference.epci["departements"] = "01"  # both EPCI lie in department 01
    regions = {"01": "84", "2A": "94", "75": "11", "971": "01"}
    reference.departements["region"] = reference.departements["code"].map(regions)
    registry = pd.DataFrame({"id": ["C", "D"], "nom": ["OPSN C", "OPSN D"]})
    inputs = Inputs(
        registry, perimeters([]), memberships([("C", "01001", ""), ("D", "", "200000001")])
    )
    analysis = analyse(reference, inputs, CoverageOptions())
    facts = view_facts(reference, analysis, inputs, View("commune", "01001"))
    assert facts.commune.adhesion == [
        Membership(id="C", nom="OPSN C", via="commune"),
        Membership(id="D", nom="OPSN D", via="epci"),
    ]
    assert "Adhérente à : OPSN C, OPSN D (par son EPCI)" in panel_lines(facts)
    epci = view_facts(reference, analysis, inputs, View("epci", "200000001"))
    d = {o.id: o for o in epci.opsn}["D"]
    assert (d.adhesion_communes, d.adhesion_via_epci_communes) == (3, 3)


def test_territory_view_facts(reference, inputs, analyses):
    facts = view_facts(reference, analyses["défaut"], inputs, View("territoire", "Z13055"))
    zone = facts.zone
    assert zone.communes == 2057 and zone.population == facts.figures.total_population
    assert Place(code="30", nom="Gard") in zone.departements
    neighbours = {o.nom for o in zone.opsn_voisins_perimetre}
    assert {"Numérian", "SICTIAM"} <= neighbours
    # Bordering OPSN of the view = those across the territory's border.
    assert neighbours <= {o.nom for o in facts.bordering_opsn}
    assert facts.figures.covered_share == 0
    assert facts.definition.startswith("Territoire sans OPSN")
    assert {o.id for o in facts.partial_offers} == {"datasud", "openig"}


def test_drom_under_metropole_is_flagged(reference, inputs, analyses):
    facts = view_facts(reference, analyses["métropole"], inputs, View("departement", "971"))
    assert facts.outside_territory
    assert facts.figures.total_population == 384_160
    assert "Hors du territoire choisi" in panel_lines(facts)[1]
