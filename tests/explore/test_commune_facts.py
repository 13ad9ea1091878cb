"""The facts of every commune at once are those ``view_facts`` gives one commune at a time.

The static atlas shows 34,875 commune views from :func:`geo.explore.commune_facts.commune_facts`
(half a second) instead of calling ``view_facts`` for each (20 minutes): on communes of
every kind — member directly or through its EPCI, in a territory without OPSN, with a
partial offer, outside the counted territory, without inhabitants — and under options
that change who counts, both must say the same.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.views import Level, View
from geo.explore.commune_facts import FIGURE_KEYS, commune_facts, facts_of
from geo.explore.panel import facts_context, view_facts, zone_brief
from geo.importers.inputs import bundled_inputs

OPTIONS = {
    "défaut": CoverageOptions(),
    "adhésion, métropole, offres partielles": CoverageOptions(
        rule="adhesion", territory="metropole", count_partial_offers=True
    ),
    "sans EPCI, DataSud et Mégalis": CoverageOptions(
        epci_membership=False, opsn=("datasud", "megalis")
    ),
    "date 2020": CoverageOptions(at=dt.date(2020, 1, 1)),
}
KEYS = ("outside_territory", "opsn", "partial_offers", "bordering_opsn", "white_zones", "commune")


@pytest.fixture(scope="module")
def inputs():
    return bundled_inputs()


def sample(reference, inputs, analysis) -> list[str]:
    """Communes of every kind, and some at random."""
    communes = reference.communes
    members = inputs.memberships
    chosen = [
        "94038",  # L'Haÿ-les-Roses: in a territory without OPSN, partial offer nearby
        "69259",  # Vénissieux: SITIV member
        "97411",  # Saint-Denis (974): outside « Métropole »
        "14118",  # Caen: partial offers only
        "29019",  # Brest
    ]
    chosen += list(members["insee"].dropna().head(4))  # direct members
    with_epci = members["epci"].dropna()
    if len(with_epci):  # members through their EPCI
        chosen += list(communes.loc[communes["epci"] == with_epci.iloc[0], "insee"].head(3))
    chosen += list(communes.loc[communes["population"] == 0, "insee"].head(2))
    chosen += list(analysis.zones["id"].str[1:].head(3))  # the main commune of territories
    rng = np.random.default_rng(20)
    chosen += list(rng.choice(communes["insee"].to_numpy(dtype=object), 25, replace=False))
    return list(dict.fromkeys(chosen))


@pytest.mark.parametrize("name", OPTIONS)
def test_every_commune_at_once_says_what_view_facts_says(reference, inputs, name):
    analysis = analyse(reference, inputs, OPTIONS[name])
    context = facts_context(reference, analysis, inputs)
    facts = commune_facts(reference, analysis, inputs, context)
    assert len(facts.table) == len(reference.communes)
    briefs = [zone_brief(zone, context.names) for zone in analysis.zones.itertuples()]
    position = {code: k for k, code in enumerate(reference.communes["insee"])}
    for insee in sample(reference, inputs, analysis):
        expected = view_facts(reference, analysis, inputs, View(Level.COMMUNE, insee), context)
        found = facts_of(facts, reference, analysis, position[insee], briefs)
        assert found.figures == {k: getattr(expected.figures, k) for k in FIGURE_KEYS}, insee
        for key in KEYS:
            assert getattr(found, key) == getattr(expected, key), (insee, key)


def test_lists_name_opsn_by_index_with_how_they_serve(reference, inputs):
    """Vénissieux (SITIV member through the Métropole de Lyon): the flags say how."""
    analysis = analyse(reference, inputs, CoverageOptions())
    facts = commune_facts(reference, analysis, inputs)
    row = facts.table[facts.table["insee"] == "69259"].iloc[0]
    serving = {
        facts.opsn[int(e.rstrip("pae"))].id: e.lstrip("0123456789")
        for e in row["serving"].split(",")
    }
    assert "a" in serving["sitiv"]
    assert row["statut"] == "adherente"
