"""Search box: what a person types finds the territory, homonyms with their department."""

from __future__ import annotations

import pytest

from geo.explore.search import SearchIndex, normalize_text


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


def test_apostrophes_hyphens_and_spaces_are_folded(index):
    for query in ("lhay les roses", "L'Haÿ-les-Roses", "l hay les roses", "lhaylesroses"):
        assert codes(index.search(query))[:1] == ["94038"], query
    assert "93066" in codes(index.search("saintdenis"))


def test_exact_names_first_then_prefixes_then_the_rest(index):
    hits = index.search("Saint-Denis", limit=10)
    # The four communes called exactly Saint-Denis come first, most populated first.
    assert codes(hits)[:4] == ["97411", "93066", "11339", "30247"]
    assert all(h.label.startswith("Saint-Denis-") for h in hits[4:] if h.kind == "commune")
    # « marseille »: Marseille, then names starting with it, then names containing it.
    names = [h.label.split(" (")[0].split(" — ")[0] for h in index.search("marseille", limit=10)]
    assert names[0] == "Marseille"
    assert names.index("Marseille-en-Beauvaisis") < names.index(
        "Métropole d'Aix-Marseille-Provence"
    )


def test_results_say_when_they_are_cut(index):
    results = index.find("saint denis", limit=30)
    assert len(results.hits) == 30 and results.total > 30 and results.truncated
    assert results.caption() == f"30 premiers résultats sur {results.total}"
    whole = index.find("marseille", limit=30)
    assert not whole.truncated and whole.caption() == f"{whole.total} résultats"
    assert index.find("l'hay les roses").caption() == "1 résultat"
    assert index.find("zzzz").caption() == "Aucun résultat"


def test_territories_without_opsn_are_found(index, reference):
    from geo.core.analysis import analyse
    from geo.core.coverage import CoverageOptions
    from geo.importers.inputs import bundled_inputs

    zones = analyse(reference, bundled_inputs(), CoverageOptions()).zones
    by_id = index.find("z13055", zones=zones).hits
    assert [(h.kind, h.code) for h in by_id] == [("territoire", "Z13055")]
    guadeloupe = index.search("guadeloupe", zones=zones)
    zone = next(h for h in guadeloupe if h.kind == "territoire")
    assert zone.code == "Z97101"  # all of Guadeloupe: one territory, its islands included
    assert zone.label.startswith("Guadeloupe — territoire sans OPSN (32 communes")
    assert all(h.kind != "territoire" for h in index.search("guadeloupe"))  # no zones given


def test_suggestions_while_typing(index):
    """The search box's list (issue 17): « lhay » gives L'Haÿ-les-Roses before Enter."""
    from geo.explore.search import suggestions

    typed = suggestions(index, "lhay")
    assert typed["query"] == "lhay"
    assert typed["items"][0] == {
        "level": "commune",
        "code": "94038",
        "label": "L'Haÿ-les-Roses (94, Val-de-Marne) — commune, code 94038",
    }
    assert typed["caption"] == "1 résultat"
    saint = suggestions(index, "saint denis", limit=8)
    assert len(saint["items"]) == 8 and saint["caption"].startswith("8 premiers résultats sur")
    homonyms = [i for i in saint["items"] if i["label"].startswith("Saint-Denis (")]
    assert {i["code"] for i in homonyms} >= {"93066", "97411"}  # each with its department
    assert suggestions(index, "  ") == {"query": "  ", "items": [], "caption": ""}
    nothing = suggestions(index, "zzzq")
    assert nothing["items"] == [] and nothing["caption"].startswith("Aucun territoire")
