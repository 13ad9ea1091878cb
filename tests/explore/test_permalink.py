"""The URL contract (geo.explore.permalink), without Streamlit: links that reopen the same view."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl

import pytest

from geo.core.coverage import CoverageOptions
from geo.core.views import FRANCE, View
from geo.explore.permalink import (
    PARAMS,
    Permalink,
    is_equivalent,
    is_new_entry,
    parse_query,
    query_string,
    to_query,
)

LINKS = [
    Permalink(),
    Permalink(View("departement", "29")),
    Permalink(View("commune", "2A004"), CoverageOptions(rule="adhesion")),
    Permalink(View("region", "53"), CoverageOptions(territory="metropole", epci_membership=False)),
    Permalink(View("epci", "200040715"), CoverageOptions(opsn=("sitpi", "megalis")), basemap=True),
    Permalink(FRANCE, CoverageOptions(at=dt.date(2020, 5, 18))),
    Permalink(View("departement", "14"), version=12),
]


@pytest.mark.parametrize("link", LINKS, ids=lambda link: query_string(link) or "france")
def test_every_link_round_trips(reference, link):
    parsed, messages = parse_query(dict(parse_qsl(query_string(link))), reference)
    assert messages == []
    assert parsed == link


def test_counting_options_are_always_written_and_empty_ones_left_out():
    assert to_query(Permalink()) == {"regle": "perimetre", "territoire": "france", "epci": "oui"}
    query = to_query(LINKS[4])
    assert list(query) == [p for p in PARAMS if p in query], "written in the contract's order"
    assert query == {
        "vue": "epci",
        "code": "200040715",
        "regle": "perimetre",
        "territoire": "france",
        "epci": "oui",
        "opsn": "sitpi,megalis",
        "fond": "ign",
    }


def test_bare_address_is_france_with_the_default_options(reference):
    assert parse_query({}, reference) == (Permalink(), [])
    assert is_equivalent({}, Permalink(), reference), "no rewrite (no history entry) on arrival"
    assert not is_equivalent({}, Permalink(View("departement", "29")), reference)
    assert not is_equivalent({"regle": "n'importe"}, Permalink(), reference)


def test_links_of_earlier_versions_still_open(reference):
    """The parameters the app wrote before the contract moved here keep their meaning."""
    old = {"vue": "departement", "code": "38", "regle": "adhesion", "territoire": "metropole"}
    old |= {"epci": "non", "opsn": "sitpi", "fond": "ign"}
    link, messages = parse_query(old, reference)
    assert messages == []
    assert link == Permalink(
        View("departement", "38"),
        CoverageOptions("adhesion", "metropole", False, None, ("sitpi",)),
        basemap=True,
    )


def test_bad_values_fall_back_with_a_french_message_each(reference):
    link, messages = parse_query(
        {
            "vue": "departement",
            "code": "XX",
            "regle": "n'importe",
            "territoire": "lune",
            "epci": "peut-être",
            "opsn": "inconnu,sitpi,sitpi",
            "date": "18/05/2020",
        },
        reference,
        known_opsn=["sitpi", "megalis"],
    )
    assert link == Permalink(FRANCE, CoverageOptions(opsn=("sitpi",)))
    text = " ".join(messages)
    assert len(messages) == 6, messages
    for value in ("XX", "n'importe", "lune", "peut-être", "inconnu", "18/05/2020"):
        assert value in text
    assert "introuvable" in text and "France" in text


def test_repeated_parameter_keeps_the_last_value(reference):
    link, _ = parse_query({"vue": ["region", "departement"], "code": ["53", "29"]}, reference)
    assert link.view == View("departement", "29")


def test_a_view_change_is_a_new_history_entry_an_option_change_is_not():
    france = to_query(Permalink())
    finistere = to_query(Permalink(View("departement", "29")))
    finistere_members = to_query(
        Permalink(View("departement", "29"), CoverageOptions(rule="adhesion"))
    )
    assert is_new_entry(france, finistere)
    assert not is_new_entry(finistere, finistere_members)
    assert is_new_entry(finistere_members, to_query(Permalink(View("commune", "29019"))))


def test_a_link_names_the_saved_version_it_shows(reference):
    assert to_query(Permalink(version=3))["version"] == "3"
    assert "version" not in to_query(Permalink())
    parsed, messages = parse_query({"version": "abc"}, reference)
    assert parsed.version is None
    assert messages == [
        "Version « abc » invalide : attendu un numéro (1, 2, 3…) dans le lien : "
        "dernière version affichée."
    ]


def test_presentation_mode_and_slides_round_trip(reference):
    link = Permalink(
        View("region", "53"),
        presentation=True,
        slides=(FRANCE, View("region", "53"), View("departement", "29")),
    )
    query = to_query(link)
    assert query["presentation"] == "1"
    assert query["diapos"] == "FR,53,D29"
    assert list(query)[-2:] == ["presentation", "diapos"], "new keys after the existing ones"
    assert parse_query(dict(parse_qsl(query_string(link))), reference) == (link, [])


def test_presentation_keys_leave_the_existing_contract_unchanged():
    assert PARAMS[:10] == (
        "vue", "code", "regle", "territoire", "epci", "opsn", "partielles", "date", "fond",
        "version",
    )  # fmt: skip
    assert "presentation" not in to_query(Permalink())
    assert "diapos" not in to_query(Permalink(presentation=True))


def test_a_bad_presentation_value_is_reported_not_followed(reference):
    link, messages = parse_query({"presentation": "peut-être", "diapos": "FR,zz"}, reference)
    assert not link.presentation and link.slides == (FRANCE,)
    assert len(messages) == 2
    assert parse_query({"presentation": "1"}, reference)[0].presentation


def test_entering_or_leaving_the_presentation_is_a_history_entry():
    assert is_new_entry({"regle": "perimetre"}, {"regle": "perimetre", "presentation": "1"})
    assert not is_new_entry({"presentation": "1"}, {"presentation": "1", "diapos": "FR,53"})


def test_the_copied_link_always_names_rule_territory_epci_and_version(reference):
    """From the bare address too (« ?version=1 » alone said nothing of the options)."""
    from geo.explore.permalink import shared_query

    assert shared_query(Permalink(), 1) == "regle=perimetre&territoire=france&epci=oui&version=1"
    link = Permalink(View("departement", "29"), CoverageOptions(rule="adhesion"), version=4)
    assert shared_query(link, 7) == (
        "vue=departement&code=29&regle=adhesion&territoire=france&epci=oui&version=4"
    )
    parsed, messages = parse_query(dict(p.split("=") for p in shared_query(link, 7).split("&")),
                                   reference)  # fmt: skip
    assert parsed == link and not messages
