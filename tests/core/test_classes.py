"""Display classes (geo.core.classes): a commune's status read with the counting rule.

On the hand-made reference of tests/tiny_reference.py: A offers its services in
Corsica (2A004, 2A005), B in Paris; C has 01005 as member.
"""

from __future__ import annotations

import pandas as pd
import pytest

from geo.core.analysis import analyse
from geo.core.classes import CoverageClass, commune_classes, rule_classes
from geo.core.coverage import CoverageOptions
from geo.core.inputs import Inputs
from geo.core.rules import Rule
from tests.tiny_reference import memberships, perimeters, tiny_reference

INPUTS = Inputs(
    pd.DataFrame({"id": ["A", "B", "C"], "nom": ["OPSN A", "OPSN B", "OPSN C"]}),
    perimeters([("A", "2A"), ("B", "75")]),
    memberships([("C", "01005", "")]),
)


@pytest.fixture(scope="module")
def tiny():
    return tiny_reference()


def by_code(reference, analysis, **kwargs) -> dict[str, str]:
    classes = commune_classes(analysis.coverage, **kwargs)
    return dict(zip(reference.communes["insee"], classes, strict=True))


def test_a_commune_only_in_a_perimeter_is_not_drawn_as_counted_under_members_only(tiny):
    members_only = analyse(tiny, INPUTS, CoverageOptions(rule=Rule.ADHESION))
    both = analyse(tiny, INPUTS, CoverageOptions(rule=Rule.PERIMETRE))
    assert by_code(tiny, members_only)["75056"] == CoverageClass.PERIMETRE_NON_COMPTEE
    assert by_code(tiny, both)["75056"] == CoverageClass.PERIMETRE
    assert by_code(tiny, members_only)["01005"] == CoverageClass.ADHERENTE
    assert by_code(tiny, members_only)["01001"] == CoverageClass.SANS_OPSN
    assert not CoverageClass.PERIMETRE_NON_COMPTEE.covered and CoverageClass.PERIMETRE.covered
    assert CoverageClass.PERIMETRE_NON_COMPTEE.label() == (
        "Dans un périmètre, non comptée avec cette règle"
    )


@pytest.mark.parametrize("rule", list(Rule))
@pytest.mark.parametrize("territory", ["france", "metropole"])
def test_the_classes_of_a_view_add_up_to_its_communes_and_agree_with_the_headline(
    tiny, rule, territory
):
    analysis = analyse(tiny, INPUTS, CoverageOptions(rule=rule, territory=territory))
    figures = analysis.figures
    classes = figures.classes
    assert list(classes) == [kind.value for kind in rule_classes(rule)]
    assert sum(c.communes for c in classes.values()) == figures.total_communes
    assert sum(c.population for c in classes.values()) == figures.total_population
    covered = [c for c in classes.values() if c.covered]
    assert sum(c.communes for c in covered) == figures.covered_communes
    assert sum(c.population for c in covered) == figures.covered_population


def test_the_map_marks_the_communes_outside_the_counted_territory(tiny):
    analysis = analyse(tiny, INPUTS, CoverageOptions(territory="metropole"))
    assert by_code(tiny, analysis, outside=True)["97101"] == CoverageClass.HORS_TERRITOIRE
    assert by_code(tiny, analysis)["97101"] == CoverageClass.SANS_OPSN


def test_an_opsn_filter_changes_the_words_not_the_classes(tiny):
    analysis = analyse(tiny, INPUTS, CoverageOptions(rule=Rule.ADHESION, opsn=("B",)))
    classes = analysis.figures.classes
    assert classes["sans_opsn"].label == "Hors des OPSN choisis"
    assert classes["perimetre_non_comptee"].communes == 1  # Paris, in B's perimeter
