"""Place names the live map writes, and the shares its « Part couverte par département » view
colours: data for the map's spec (:func:`geo.maps.live.live_map_spec`), so that the app
and the static atlas draw the same names and the same classes.

The map writes the names itself (offline, on its canvas), in the order given here,
and leaves out a name that would overlap one already written: at France's scale the
regions' chefs-lieux and a few prefectures, more prefectures and the largest communes
as one zooms in. Positions are Web Mercator metres (as the map's files); in the
national view the DROM's are moved into their insets, as their outlines are
(:mod:`geo.mapdata.insets`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from geo.core import fmt
from geo.core.analysis import Analysis, table_by
from geo.core.reference import ReferenceData
from geo.core.views import Level
from geo.mapdata.insets import drom_extents, place_drom, to_mercator

RANK_REGION_CAPITAL = 0
RANK_PREFECTURE = 1
RANK_TOWN = 2
"""Ranks of a name: a region's chef-lieu, a department's, another commune (by population)."""
PLACES_PER_VIEW = {Level.FRANCE: 200, Level.REGION: 120}
"""Candidates sent for a view (the map writes those that fit): the main places only."""
DETAIL_PLACES = 60
GRID_M = 10.0
"""Positions rounded to 10 m (finer than a pixel at the map's deepest zoom)."""


def place_names(
    reference: ReferenceData, level: str, focus: np.ndarray, insets: bool = False
) -> dict:
    """Names the map may write for a view whose own communes are ``focus``, best first.

    ``names``, ``x``, ``y`` (Web Mercator metres) and ``rank`` (:data:`RANK_REGION_CAPITAL`,
    :data:`RANK_PREFECTURE`, :data:`RANK_TOWN`); chefs-lieux first, then communes by
    population. ``insets``: the view draws the DROM in their insets (France).
    """
    communes = reference.communes
    focus = np.asarray(focus, dtype=bool)
    rank = reference.derived("place_ranks", lambda: _ranks(reference))
    frame = pd.DataFrame(
        {"position": np.arange(len(communes)), "rank": rank, "population": communes["population"]}
    )[focus]
    frame = frame.sort_values(["rank", "population"], ascending=[True, False], kind="stable")
    chosen = frame.head(PLACES_PER_VIEW.get(Level(level), DETAIL_PLACES))
    positions = chosen["position"].to_numpy()
    outline = "geometry_generalisee" if insets or level == Level.REGION else "geometry"
    points = shapely.point_on_surface(communes[outline].to_numpy()[positions])
    if insets:  # moved as the national file moves the DROM (geo.mapdata.build)
        departments = communes["departement"].to_numpy()
        extents = drom_extents(communes["geometry_generalisee"].values, departments)
        points = place_drom(points, departments[positions], extents)
    x, y = to_mercator(shapely.get_x(points), shapely.get_y(points))
    return {
        "names": communes["nom"].to_numpy(dtype=object)[positions].tolist(),
        "x": (np.round(np.asarray(x) / GRID_M) * GRID_M).tolist(),
        "y": (np.round(np.asarray(y) / GRID_M) * GRID_M).tolist(),
        "rank": chosen["rank"].astype(int).tolist(),
    }


def _ranks(reference: ReferenceData) -> np.ndarray:
    """Each commune's rank as a name: the same for every view, so computed once per data."""
    codes = reference.communes["insee"]
    rank = np.full(len(codes), RANK_TOWN)
    for table, value in (
        (reference.departements, RANK_PREFECTURE),
        (reference.regions, RANK_REGION_CAPITAL),
    ):
        if "chef_lieu" in table:
            rank[codes.isin(table["chef_lieu"]).to_numpy()] = value
    return rank


SHARE_CLASSES = (
    (0.0, "#e66101"),
    (0.2, "#fdb863"),
    (0.4, "#f7f7f7"),
    (0.6, "#b2abd2"),
    (0.8, "#5e3c99"),
)
"""« Part couverte par département »: lower bound of each class and its colour (ColorBrewer
PuOr, colour-blind safe: orange where little is covered, purple where most is). Every
department keeps its dark outline, so that the pale middle class stays drawn."""


def _class_label(low: float, high: float | None) -> str:
    low_text = fmt.decimal(low * 100, 0)
    if high is None:
        return f"{low_text}{fmt.NBSP}% et plus"
    return f"{low_text} à moins de {fmt.decimal(high * 100, 0)}{fmt.NBSP}%"


def department_shares(reference: ReferenceData, analysis: Analysis) -> dict:
    """The « Part couverte par département » view: each department's share (as the
    tables and tooltips write it, :func:`geo.core.fmt.percent`) and class, and the legend.

    The share is that of the departments table (:func:`geo.core.analysis.table_by`,
    the counted territory only), classed on its value as written (one decimal), so
    that a department written « 60,0 % » is never in the class below 60 %.
    """
    table = table_by(reference, analysis, "departement")
    shares = table["part_couverte"].to_numpy(dtype=float)
    written = np.round(shares * 100, fmt.SHARE_DIGITS) / 100
    bounds = np.array([low for low, _ in SHARE_CLASSES])
    classes = np.searchsorted(bounds, written, side="right") - 1
    counts = np.bincount(classes, minlength=len(SHARE_CLASSES))
    legend = []
    for k, (low, colour) in enumerate(SHARE_CLASSES):
        high = SHARE_CLASSES[k + 1][0] if k + 1 < len(SHARE_CLASSES) else None
        legend.append(
            {
                "colour": colour,
                "label": _class_label(low, high),
                "count": fmt.count(int(counts[k]), "département"),
            }
        )
    return {
        "codes": table["code"].tolist(),
        "shares": [fmt.percent(share) for share in shares],
        "classes": classes.astype(int).tolist(),
        "colours": [colour for _, colour in SHARE_CLASSES],
        "legend": {
            "title": "Part de la population couverte, par département",
            "entries": legend,
            "note": "Même part que le tableau des départements ; la règle de comptage est "
            "celle du chiffre clé.",
        },
    }
