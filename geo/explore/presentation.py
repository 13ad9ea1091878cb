"""Presentation mode: the short list of views a presenter steps through, and the steps.

At an association meeting the map is projected and the presenter walks through a few
views with ← and → (or the « Vue précédente / suivante » buttons). The list is France,
then the regions chosen: by default every region by population (Île-de-France first,
the DROM regions with the others), or the list given in the link, ``diapos=FR,53,84``.

Entries of ``diapos``: ``FR`` (France), a region code (``53``), or ``D`` + a department
code (``D29``, ``D2A``, ``D974``): region and department codes overlap (``84`` is both
Auvergne-Rhône-Alpes and Vaucluse), so a department carries its letter.

A presenter may also click into the map (a department of the region shown): the
position in the list is then the deepest slide above the view shown, so that → goes
on to the next slide and ← comes back to the slide left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geo.core.reference import ReferenceData
from geo.core.views import FRANCE, Level, View

FRANCE_TOKEN = "FR"
DEPARTMENT_PREFIX = "D"
MAX_SLIDES = 40
"""A link naming more views than this keeps the first ones (a talk, not a tour of France)."""


def default_slides(reference: ReferenceData) -> tuple[View, ...]:
    """France, then every region by population (largest first; ties by code)."""
    regions = reference.regions[["code", "population"]].sort_values(
        ["population", "code"], ascending=[False, True]
    )
    return (FRANCE, *(View(Level.REGION, code) for code in regions["code"]))


def slide_token(view: View) -> str:
    """``FR``, ``53`` or ``D29``: how ``view`` is written in ``diapos``."""
    if view == FRANCE:
        return FRANCE_TOKEN
    if view.level == Level.DEPARTEMENT:
        return DEPARTMENT_PREFIX + view.code
    return view.code


def slides_text(slides: Sequence[View]) -> str:
    """``FR,53,84``: the ``diapos`` value of ``slides`` (empty for none)."""
    return ",".join(slide_token(view) for view in slides)


def parse_slides(text: str, reference: ReferenceData) -> tuple[tuple[View, ...], list[str]]:
    """The views named by ``diapos`` and a French message for each entry set aside.

    Unknown entries are left out (and reported), repeated ones kept once, in order.
    """
    regions = set(reference.regions["code"])
    departments = set(reference.departements["code"])
    views: list[View] = []
    unknown: list[str] = []
    for raw in str(text or "").split(","):
        token = raw.strip().upper()
        if not token:
            continue
        if token in (FRANCE_TOKEN, "FRANCE"):
            view = FRANCE
        elif token in regions:
            view = View(Level.REGION, token)
        elif token[:1] == DEPARTMENT_PREFIX and token[1:] in departments:
            view = View(Level.DEPARTEMENT, token[1:])
        else:
            unknown.append(raw.strip())
            continue
        if view not in views:
            views.append(view)
    messages = []
    if unknown:
        messages.append(
            f"Vue(s) inconnue(s) dans « diapos », ignorée(s) : {', '.join(unknown)} "
            "(FR, un code de région comme 53, ou D + un code de département comme D29)."
        )
    if len(views) > MAX_SLIDES:
        messages.append(f"« diapos » : {len(views)} vues, les {MAX_SLIDES} premières gardées.")
        views = views[:MAX_SLIDES]
    return tuple(views), messages


@dataclass(frozen=True)
class Position:
    """Where the view shown sits in the list of slides."""

    index: int | None  # the slide shown, or the deepest slide above it; None: neither
    exact: bool  # the view shown is that slide itself
    count: int

    @property
    def label(self) -> str:
        """``Vue 3 / 19`` (or ``Vue 3 / 19 (détail)`` below a slide)."""
        if self.index is None:
            return f"Hors de la liste ({self.count} vues)"
        detail = "" if self.exact else " (détail)"
        return f"Vue {self.index + 1} / {self.count}{detail}"


def position(slides: Sequence[View], trail: Sequence[View]) -> Position:
    """The position of the view at the end of ``trail`` (France › … › the view)."""
    if trail and trail[-1] in slides:
        return Position(list(slides).index(trail[-1]), True, len(slides))
    for view in reversed(trail[:-1]):
        if view in slides:
            return Position(list(slides).index(view), False, len(slides))
    return Position(None, False, len(slides))


def step(slides: Sequence[View], trail: Sequence[View], delta: int) -> View | None:
    """The view → (``delta`` = 1) or ← (-1) opens from the end of ``trail``; None: nothing.

    No wrap-around: → on the last slide and ← on the first do nothing. Below a
    slide (a department clicked in the region shown), ← comes back to that slide.
    Off the list, → opens the first slide.
    """
    if not slides:
        return None
    where = position(slides, trail)
    if where.index is None:
        return slides[0] if delta > 0 else None
    if delta < 0 and not where.exact:
        return slides[where.index]
    target = where.index + (1 if delta > 0 else -1)
    return slides[target] if 0 <= target < len(slides) else None
