"""The side panel's lines, written once for the app and the terminal (geo.explore.panel_text).

Facts are built by hand here (no data): each part of the panel, which words are
ours and which are names from files (those the app escapes), what is bold and
which class's colour starts a line.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from geo.explore import facts
from geo.explore.panel_text import Span, panel_lines, panel_text

NNBSP = "\u202f"  # thousands
NBSP = "\u00a0"  # before « % »
FIGURES = SimpleNamespace(  # the fields of geo.core.figures.Figures the panel reads
    covered_share=0.5,
    covered_population=1000,
    total_population=2000,
    opsn_filter=[],
    classes={
        "adherente": SimpleNamespace(label="Adhérente à un OPSN", communes=3, population=1000),
        "sans_opsn": SimpleNamespace(label="Sans OPSN", communes=1, population=1000),
    },
)
FRANCE = SimpleNamespace(covered_share=0.75, territory="france")
ZONE = facts.ZoneBrief("Z29001", "Les Monts", 12, 3400, ["29"], [facts.Named("x", "X")])
REGION = facts.ViewFacts(
    view=facts.ViewName("region", "53", "Bretagne", "Région", []),
    figures=FIGURES,
    france=FRANCE,
    outside_territory=False,
    opsn=[
        facts.Serving("m", "Mégalis <b>", "complete", 12, 3, 2),
        facts.Serving("p", "Partiel", "partielle", 0, 1, 0),
    ],
    partial_offers=[facts.PartialOffer("d", "DataSud", ["sig"], "SIG", 4, 0, False)],
    bordering_opsn=[facts.Named("a", "Alpha"), facts.Named("b", "Beta")],
    white_zones=facts.WhiteZones(2, 5000, 1000, [ZONE]),
    commune=None,
    zone=None,
    sources=facts.Sources("données livrées", "règle", "millésimes", 2026, 2023),
    definition="Territoire sans OPSN : …",
    reference_declic_2020={},
    tiles=[],
)


def test_a_region_in_lines_of_plain_text():
    assert panel_lines(REGION) == [
        "Bretagne",
        f"50,0{NBSP}% de la population couverte (1{NNBSP}000 sur 2{NNBSP}000 habitants), "
        f"contre 75,0{NBSP}% pour la France entière",
        f"Adhérente à un OPSN : 3 communes, 1{NNBSP}000 habitants",
        f"Sans OPSN : 1 commune, 1{NNBSP}000 habitants",
        "OPSN présents :",
        "- Mégalis <b> : périmètre (12 communes), 3 communes adhérentes (dont 2 par leur EPCI)",
        "- Partiel (offre partielle) : 1 commune adhérente",
        "Offres partielles présentes : DataSud (SIG) — non comptées",
        "OPSN voisins : Alpha, Beta",
        f"Territoires sans OPSN touchant ce territoire : 2 (1{NNBSP}000 habitants ici, "
        f"5{NNBSP}000 habitants en tout)",
        "Données : données livrées",
    ]


def test_names_are_marked_apart_from_our_words():
    text = panel_text(REGION)
    item = text.serving[1]
    assert item.spans[1] == Span("Mégalis <b>", name=True)  # escaped where shown as markup
    assert not item.spans[0].name and not item.spans[2].name
    assert text.serving[0].spans[0] == Span("OPSN présents", bold=True)
    assert [line.swatch for line in text.summary] == ["", "adherente", "sans_opsn"]
    assert text.summary[0].spans[0].bold  # the share
    assert text.data.spans[1] == Span("données livrées", name=True)


def test_france_names_no_serving_list_nor_comparison():
    france = replace(REGION, view=facts.ViewName("france", "", "France", "France", []), opsn=[])
    lines = panel_lines(france)
    assert not any(line.startswith(("OPSN présents", "Aucun OPSN")) for line in lines)
    assert "contre" not in lines[1]


def test_no_opsn_outside_the_territory_and_a_territorys_own_title():
    outside = replace(REGION, opsn=[], outside_territory=True)
    lines = panel_lines(outside)
    assert lines[1].startswith("Hors du territoire choisi")
    assert "Aucun OPSN compté sur ce territoire." in lines
    zone = facts.ZoneFacts(
        "Z29001", "Les Monts", "Les Monts et alentours", 12, 3400, 100.0, [facts.Place("29", "F")],
        "", "", False, None, [], [],
    )  # fmt: skip
    territory = replace(REGION, view=replace(REGION.view, niveau="territoire"), zone=zone)
    lines = panel_lines(territory)
    assert lines[0] == "Territoire sans OPSN : Bretagne"
    assert "Les Monts et alentours" in lines
    assert not any(line.startswith("Territoires sans OPSN touchant") for line in lines)


def test_a_commune_says_who_serves_it_and_its_territory():
    commune = facts.CommuneView(
        "29001", "Ville", "adherente", "Adhérente", "perimetre", "Dans un périmètre", True, 1234,
        facts.Place("29", "Finistère"), facts.Place("53", "Bretagne"), None,
        [facts.Membership("c", "C", "commune"), facts.Membership("e", "E", "epci")], [], ZONE,
    )  # fmt: skip
    shown = replace(REGION, view=replace(REGION.view, niveau="commune"), commune=commune)
    text = panel_text(shown)
    assert [line.text for line in text.summary[1:]] == [
        "Dans un périmètre",
        f"Population municipale : 1{NNBSP}234 habitants",
        "Département : Finistère (29) — EPCI : aucun",
        "Adhérente à : C, E (par son EPCI)",
        "Dans le périmètre de : aucun OPSN",
        f"Territoire sans OPSN « Les Monts » : 12 communes, 3{NNBSP}400 habitants",
    ]
    assert text.summary[1].swatch == "perimetre" and text.summary[1].spans[0].bold
    assert text.white_zones is None  # its own territory is said above
