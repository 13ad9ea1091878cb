"""What an export is about: a view (France, region, department, EPCI, commune, territory).

The app's views (:mod:`geo.explore.views`: level + code, as in the URL), territories
without OPSN included (level ``territoire``, code = their id, ``Z`` + INSEE code
of their most populated commune). A :class:`Scope` holds the
communes the figures are about and the communes to draw, so that every export
of a view counts the same communes as the app.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.core.analysis import Analysis
from geo.core.coverage import selection_figures
from geo.core.figures import AreaFigures, Figures
from geo.core.reference import ReferenceData
from geo.core.views import LEVELS as VIEW_LEVELS
from geo.core.views import Level, View
from geo.explore.views import name_of, parse_view, resolve_view, territory_mask, zone_row
from geo.explore.views import selection as view_selection

TERRITORY_LEVEL = "territoire"
REPORT_LEVELS = ("region", "departement", TERRITORY_LEVEL)
"""The views a PDF report exists for (here, not in ``report``: naming them needs no matplotlib)."""
LEVELS = VIEW_LEVELS  # france, region, departement, epci, commune, territoire
LEVEL_ALIASES = {"zone": TERRITORY_LEVEL, "territoire-sans-opsn": TERRITORY_LEVEL}


class ScopeError(ValueError):
    """An unknown view: the French message names the level and the code."""


@dataclass(frozen=True)
class Scope:
    level: str
    code: str
    name: str  # « France », « Finistère (29) », « Territoire sans OPSN : Calvados »
    mask: np.ndarray  # communes the figures are about
    drawn: np.ndarray  # communes drawn in colour (a commune is drawn within its department)
    zone: pd.Series | None = None  # the territory's row of ``analysis.zones``

    @property
    def is_france(self) -> bool:
        return self.level == Level.FRANCE

    @property
    def slug(self) -> str:
        return self.level if self.is_france else f"{self.level}_{self.code}"


def resolve(reference: ReferenceData, analysis: Analysis, level: str, code: str = "") -> Scope:
    """The scope named by ``level`` and ``code`` (as in the app's URL), or :class:`ScopeError`.

    A territory without OPSN must exist under the options of ``analysis``: if
    it does not, the error says which one now holds its main commune (as the
    app would open it), rather than exporting another territory silently.
    """
    level = str(level or "france").strip().lower()
    level = LEVEL_ALIASES.get(level, level)
    if level not in LEVELS:
        raise ScopeError(f"vue « {level} » inconnue : {', '.join(LEVELS)}")
    if level != Level.FRANCE and not str(code or "").strip():
        raise ScopeError(f"vue « {level} » : le code est obligatoire (--code)")
    view, message = parse_view(level, code, reference)
    if message:
        raise ScopeError(message.replace(" : retour à la France entière.", "."))
    zones = analysis.zones
    if view.level == TERRITORY_LEVEL:
        resolved, _ = resolve_view(view, reference, zones)
        if resolved != view:
            raise ScopeError(
                f"le territoire sans OPSN « {view.code} » n'existe pas avec ces options ; "
                f"vue la plus proche : --vue {resolved.level} --code {resolved.code} "
                "(territoires : python -m geo white-zones)"
            )
    inside = analysis.coverage["dans_territoire"].to_numpy(dtype=bool)
    if view.level == Level.FRANCE:
        return Scope("france", "", _france_name(analysis), inside.copy(), inside.copy())
    mask = territory_mask(reference, view, zones)
    if view.level == TERRITORY_LEVEL:  # drawn alone: its neighbours come as context
        return Scope(
            TERRITORY_LEVEL,
            view.code,
            f"Territoire sans OPSN : {name_of(reference, view, zones)}",
            mask,
            mask,
            zone_row(zones, view.code),
        )
    return Scope(
        view.level,
        view.code,
        name_of(reference, view, zones),
        mask,
        view_selection(reference, view, zones),
    )


def _france_name(analysis: Analysis) -> str:
    return "France métropolitaine" if analysis.options.territory == "metropole" else "France"


def scope_figures(
    reference: ReferenceData, analysis: Analysis, scope: Scope
) -> Figures | AreaFigures:
    """The view's headline figures: the national ones for France, else its communes'."""
    if scope.is_france:
        return analysis.figures
    return selection_figures(reference.communes, analysis.coverage, scope.mask, analysis.options)


def as_view(scope: Scope) -> View | None:
    """The app's :class:`~geo.explore.views.View` of a scope (``None`` for a territory without OPSN)."""
    return None if scope.level == TERRITORY_LEVEL else View(scope.level, scope.code)
