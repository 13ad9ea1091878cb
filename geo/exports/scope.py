"""What an export is about: a view (France, region, department, EPCI, commune, territory).

The app's views (:mod:`geo.views`: level + code, as in the URL) plus the
territories without OPSN, named by their id (``Z`` + INSEE code of their most
populated commune, see :mod:`geo.white_zones`). A :class:`Scope` holds the
communes the figures are about and the communes to draw, so that every export
of a view counts the same communes as the app.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.analysis import Analysis
from geo.coverage import selection_figures
from geo.reference import ReferenceData
from geo.views import View, name_of, parse_view, territory_mask
from geo.views import selection as view_selection

TERRITORY_LEVEL = "territoire"
LEVELS = ("france", "region", "departement", "epci", "commune", TERRITORY_LEVEL)
LEVEL_ALIASES = {"zone": TERRITORY_LEVEL, "territoire-sans-opsn": TERRITORY_LEVEL}


class ScopeError(ValueError):
    """An unknown view: the French message names the level and the code."""


@dataclass(frozen=True)
class Scope:
    level: str
    code: str
    name: str  # « France », « Finistère (29) », « Territoire sans OPSN autour de Thiers »
    mask: np.ndarray  # communes the figures are about
    drawn: np.ndarray  # communes drawn in colour (a commune is drawn within its department)
    zone: pd.Series | None = None  # the territory's row of ``analysis.zones``

    @property
    def is_france(self) -> bool:
        return self.level == "france"

    @property
    def slug(self) -> str:
        return self.level if self.is_france else f"{self.level}_{self.code}"


def resolve(reference: ReferenceData, analysis: Analysis, level: str, code: str = "") -> Scope:
    """The scope named by ``level`` and ``code`` (as in the app's URL), or :class:`ScopeError`."""
    level = LEVEL_ALIASES.get(str(level or "france").strip().lower(), str(level or "france"))
    level = level.strip().lower()
    if level == TERRITORY_LEVEL:
        return _territory(reference, analysis, str(code or "").strip().upper())
    if level not in LEVELS:
        raise ScopeError(f"vue « {level} » inconnue : {', '.join(LEVELS)}")
    if level != "france" and not str(code or "").strip():
        raise ScopeError(f"vue « {level} » : le code est obligatoire (--code)")
    view, message = parse_view(level, code, reference)
    if message:
        raise ScopeError(message.replace(" : retour à la France entière.", "."))
    inside = analysis.coverage["dans_territoire"].to_numpy(dtype=bool)
    if view.level == "france":
        everything = np.ones(len(reference.communes), dtype=bool)
        return Scope("france", "", _france_name(analysis), everything & inside, everything & inside)
    return Scope(
        view.level,
        view.code,
        name_of(reference, view),
        territory_mask(reference, view),
        view_selection(reference, view),
    )


def _france_name(analysis: Analysis) -> str:
    return "France métropolitaine" if analysis.options.territory == "metropole" else "France"


def _territory(reference: ReferenceData, analysis: Analysis, code: str) -> Scope:
    zones = analysis.zones
    hit = zones[zones["id"] == code] if not zones.empty else zones
    if hit.empty:
        known = ", ".join(zones["id"].head(3)) if not zones.empty else "aucun"
        raise ScopeError(
            f"territoire sans OPSN « {code} » introuvable avec ces options "
            f"(identifiants : python -m geo white-zones ; par exemple {known})"
        )
    zone = hit.iloc[0]
    members = set(zone["insee"].split("|"))
    mask = reference.communes["insee"].isin(members).to_numpy()
    departments = zone["departements"].replace(",", ", ")
    return Scope(
        TERRITORY_LEVEL,
        code,
        f"Territoire sans OPSN {zone['nom']} ({departments})",
        mask,
        mask,
        zone,
    )


def scope_figures(reference: ReferenceData, analysis: Analysis, scope: Scope) -> dict:
    """The view's headline figures: the national ones for France, else its communes'."""
    if scope.is_france:
        return analysis.figures
    figures = selection_figures(reference.communes, analysis.coverage, scope.mask, analysis.options)
    figures["counting_rule"] = analysis.figures["counting_rule"]
    return figures


def as_view(scope: Scope) -> View | None:
    """The app's :class:`~geo.views.View` of a scope (``None`` for a territory without OPSN)."""
    return None if scope.level == TERRITORY_LEVEL else View(scope.level, scope.code)
