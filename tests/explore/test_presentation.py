"""geo.explore.presentation: the views ← / → step through in presentation mode, without Streamlit."""

from __future__ import annotations

import pytest

from geo.core.views import FRANCE, View
from geo.explore.presentation import (
    MAX_SLIDES,
    Position,
    default_slides,
    parse_slides,
    position,
    slides_text,
    step,
)
from geo.explore.views import breadcrumb

BRETAGNE, ARA, IDF = View("region", "53"), View("region", "84"), View("region", "11")
FINISTERE = View("departement", "29")


def test_default_list_is_france_then_every_region_by_population(reference):
    slides = default_slides(reference)
    assert slides[0] == FRANCE
    assert slides[1:3] == (IDF, ARA), "Île-de-France, then Auvergne-Rhône-Alpes"
    assert len(slides) == 1 + len(reference.regions), "the DROM regions included"
    populations = reference.regions.set_index("code")["population"]
    ordered = [populations[v.code] for v in slides[1:]]
    assert ordered == sorted(ordered, reverse=True)


def test_a_list_in_the_link_is_read_in_order_and_written_back(reference):
    slides, messages = parse_slides("FR, 53,84,d29,53", reference)
    assert messages == []
    assert slides == (FRANCE, BRETAGNE, ARA, FINISTERE), "in order, repeats kept once"
    assert slides_text(slides) == "FR,53,84,D29"
    assert parse_slides(slides_text(slides), reference) == (slides, [])
    assert parse_slides("", reference) == ((), [])


def test_unknown_entries_are_reported_and_left_out(reference):
    slides, messages = parse_slides("FR,99,Dxx,<b>", reference)
    assert slides == (FRANCE,)
    assert len(messages) == 1
    assert "99, Dxx, <b>" in messages[0] and "D29" in messages[0]


def test_a_huge_list_is_cut(reference):
    codes = ",".join(["FR", *reference.regions["code"], *("D" + reference.departements["code"])])
    slides, messages = parse_slides(codes, reference)
    assert len(slides) == MAX_SLIDES and messages


SLIDES = (FRANCE, BRETAGNE, ARA)


def test_arrows_step_through_the_list_without_wrapping():
    assert step(SLIDES, [FRANCE], +1) == BRETAGNE
    assert step(SLIDES, [FRANCE, BRETAGNE], +1) == ARA
    assert step(SLIDES, [FRANCE, ARA], +1) is None, "→ on the last slide does nothing"
    assert step(SLIDES, [FRANCE, ARA], -1) == BRETAGNE
    assert step(SLIDES, [FRANCE], -1) is None, "← on the first slide does nothing"


def test_below_a_slide_left_returns_to_it_and_right_goes_on(reference):
    trail = breadcrumb(reference, FINISTERE)  # France › Bretagne › Finistère
    assert position(SLIDES, trail) == Position(1, False, 3)
    assert step(SLIDES, trail, -1) == BRETAGNE
    assert step(SLIDES, trail, +1) == ARA
    assert position(SLIDES, trail).label == "Vue 2 / 3 (détail)"
    assert position(SLIDES, [FRANCE, BRETAGNE]).label == "Vue 2 / 3"


def test_off_the_list_right_opens_the_first_slide():
    slides = (BRETAGNE, ARA)
    assert position(slides, [FRANCE]) == Position(None, False, 2)
    assert step(slides, [FRANCE], +1) == BRETAGNE
    assert step(slides, [FRANCE], -1) is None
    assert step((), [FRANCE], +1) is None


@pytest.mark.parametrize("delta", [+1, -1])
def test_stepping_always_lands_on_a_slide(reference, delta):
    slides = default_slides(reference)
    seen, view = [FRANCE], FRANCE
    while (view := step(slides, breadcrumb(reference, view), delta)) is not None:
        assert view in slides
        seen.append(view)
    if delta > 0:
        assert seen == list(slides), "→ from France visits every slide once, in order"
    else:
        assert seen == [FRANCE]
