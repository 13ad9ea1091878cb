"""Search box: what a person types finds the territory, homonyms with their department."""

from __future__ import annotations

import pytest

from geo.search import SearchIndex, normalize_text


@pytest.fixture(scope="module")
def index(reference) -> SearchIndex:
    return SearchIndex(reference)


def codes(hits, kind="commune") -> list[str]:
    return [h.code for h in hits if h.kind == kind]


def test_homonyms_come_with_their_department(index):
    hits = index.search("Saint-Denis")
    found = codes(hits)
    assert {"93066", "97411", "11339", "30247"} <= set(found[:6])
    labels = {h.code: h.label for h in hits}
    assert "(93, Seine-Saint-Denis)" in labels["93066"]
    assert "(974, La Réunion)" in labels["97411"]


def test_accents_case_and_hyphens_are_ignored(index):
    assert normalize_text("Saint-Étienne") == "saint etienne"
    assert codes(index.search("SAINT ETIENNE"))[0] == "42218"
    assert codes(index.search("chateauroux"))[0] == "36044"


def test_codes_find_the_commune(index):
    assert codes(index.search("2a004")) == ["2A004"]
    assert codes(index.search("1001")) == ["01001"]  # leading zero lost by a spreadsheet
    assert "93066" in codes(index.search("93200"))  # postal code of Saint-Denis
    assert codes(index.search("217500016")) == ["75056"]  # SIREN of Paris


def test_departments_regions_and_epci_by_name(index):
    assert index.search("Gironde")[0].kind == "departement"
    assert index.search("bretagne")[0].label == "Bretagne — région"
    assert "200046977" in codes(index.search("Métropole de Lyon"), kind="epci")


def test_nothing_found_is_an_empty_list(index):
    assert index.search("") == []
    assert index.search("zzzzzz") == []
