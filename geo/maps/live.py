"""What the live map element is sent for a view: statuses and words, never shapes.

The shapes are files prepared once (:mod:`geo.mapdata`) that the browser fetches
by URL and keeps; a view is a small JSON document naming the files it needs and
carrying what depends on the options: the status of every commune (run-length
encoded, in the reference order), which communes are the view's own (the others
are drawn lighter), the legend, the shares shown in tooltips and the OPSN of the
communes one can hover. Everything a user reads on the map comes from here, in
French, so that it can be tested without a browser.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely

from geo.core import fmt
from geo.core.analysis import Analysis, table_by
from geo.core.classes import CLASSES, CoverageClass, commune_classes
from geo.core.coverage import area_figures, without_label
from geo.core.figures import AreaFigures, Figures
from geo.core.reference import ReferenceData
from geo.core.rules import Rule
from geo.core.views import Level, View
from geo.explore.views import commune_row, name_of, selection, territory_mask
from geo.mapdata import MapFiles
from geo.mapdata.insets import DROM_ORDER, national_bounds
from geo.maps.places import department_shares, place_names
from geo.maps.style import (
    BASEMAP_ATTRIBUTION_TEXT,
    BASEMAP_FILL,
    BASEMAP_URL,
    CLASS_COLOURS,
    OUTSIDE_COLOUR,
    SEA_COLOUR,
)

STATUS_CODES = {kind.value: kind.code for kind in CLASSES if kind != CoverageClass.HORS_TERRITOIRE}
"""The one-letter code of each class on the map (:attr:`geo.core.classes.CoverageClass.code`)."""
OUTSIDE_CODE = CoverageClass.HORS_TERRITOIRE.code
OUTSIDE_LABEL = CoverageClass.HORS_TERRITOIRE.label()
DETAIL_LEVELS = (Level.DEPARTEMENT, Level.COMMUNE, Level.EPCI, Level.TERRITOIRE)
"""Views drawn from the departments' detailed files, with hoverable communes."""
CLICK_HINTS = {
    "france": "Cliquez sur un département pour l'ouvrir ; les boutons « Régions » et « {Without} » "
    "de la carte ouvrent une région ou un territoire {without}.",
    "region": "Cliquez sur un département pour l'ouvrir ; « Communes » affiche leurs limites.",
    "detail": "Cliquez sur une commune pour l'ouvrir, ou sur un département voisin.",
}


def status_runs(coverage: pd.DataFrame) -> str:
    """Run-length encoding of every commune's class: ``a12n3s1-40…`` (code, count).

    The class (:func:`geo.core.classes.commune_classes`) is the status read with
    the counting rule: ``n`` marks a commune only in a perimeter that the rule
    does not count, ``-`` one outside the counted territory (the DROM under
    « Métropole »). Communes are in the reference order, as in the map files.
    """
    classes = commune_classes(coverage, outside=True)
    codes = pd.Series(classes).map({kind.value: kind.code for kind in CLASSES})
    return code_runs(codes.to_numpy(dtype=object))


def code_runs(codes: np.ndarray) -> str:
    """Run-length encoding of one-letter codes: ``a12g3s1-40…`` (as the map element reads)."""
    codes = np.asarray(codes, dtype=object)
    if len(codes) == 0:
        return ""
    change = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    starts = np.concatenate([[0], change])
    lengths = np.diff(np.concatenate([starts, [len(codes)]]))
    return "".join(f"{codes[s]}{n}" for s, n in zip(starts, lengths, strict=True))


def mask_runs(mask: np.ndarray) -> list[list[int]]:
    """``[[start, end), …]`` of the ``True`` runs of a boolean mask."""
    padded = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return edges.reshape(-1, 2).tolist()


def _bounds(reference: ReferenceData, mask: np.ndarray, column: str) -> list[list[float]]:
    minx, miny, maxx, maxy = reference.communes[column].values[mask].total_bounds
    return [[round(miny, 5), round(minx, 5)], [round(maxy, 5), round(maxx, 5)]]


def _shares(table: pd.DataFrame) -> dict[str, str]:
    return {
        code: fmt.percent(share)
        for code, share in zip(table["code"], table["part_couverte"], strict=True)
    }


def coverage_shares(reference: ReferenceData, analysis: Analysis) -> dict[str, dict[str, str]]:
    """Share of the population covered of each department and region, as tooltips say it."""
    return {
        "departement": _shares(table_by(reference, analysis, "departement")),
        "region": _shares(table_by(reference, analysis, "region")),
    }


def legend(
    figures: Figures | AreaFigures, territory: str, note: str, area: str | None = None
) -> dict:
    """Title (naming the ``area`` counted), one entry per class of the rule (colour,
    words, communes and inhabitants: they add up to the communes counted) and a hint."""
    entries = []
    for kind, counts in figures.classes.items():
        entries.append(
            {
                "class": kind,
                "colour": CLASS_COLOURS[kind],
                "label": counts.label,
                "communes": counts.communes,
                "count": f"{fmt.count(counts.communes, 'commune')}, "
                f"{fmt.inhabitants(counts.population)}",
            }
        )
    if territory == "metropole":
        entries.append(
            {"class": CoverageClass.HORS_TERRITOIRE.value, "colour": OUTSIDE_COLOUR,
             "label": OUTSIDE_LABEL, "count": "DROM"}
        )  # fmt: skip
    title = "Couverture par un OPSN" + (f" — {area}" if area else "")
    return {"title": title, "entries": entries, "note": note}


COMMUNE_VIEW_PAD = 1.2
"""A commune view shows the commune and this many times its size on each side (map.js)."""


def _detail_departments(
    reference: ReferenceData,
    level: str,
    focus: np.ndarray,
    files: MapFiles,
    bounds: list[list[float]] | None = None,
) -> list[str]:
    """Departments whose detailed file the view needs: its own, and around a department.

    Around a commune, only the neighbouring departments its view reaches
    (``bounds``: the commune's), so that its link loads one or two files, not eight.
    """
    own = sorted(set(reference.communes.loc[focus, "departement"]))
    if level not in (Level.DEPARTEMENT, Level.COMMUNE):
        return own
    around = {code for department in own for code in files.neighbours.get(department, [])}
    around -= set(own)
    if level == Level.COMMUNE and bounds is not None:
        around &= departments_reached(reference, [bounds])[0]
    return own + sorted(around)


def departments_reached(reference: ReferenceData, bounds: Sequence) -> list[set[str]]:
    """For each commune view's ``bounds`` (``[[south, west], [north, east]]``), the
    departments it shows: those meeting the commune padded as map.js pads it."""
    boxes = np.asarray(bounds, dtype=float).reshape(-1, 4)  # south, west, north, east
    south, west, north, east = boxes.T
    pad_x, pad_y = (east - west) * COMMUNE_VIEW_PAD, (north - south) * COMMUNE_VIEW_PAD
    views = shapely.box(west - pad_x, south - pad_y, east + pad_x, north + pad_y)
    departements = reference.departements
    tree = shapely.STRtree(departements["geometry_generalisee"].values)
    view_of, department = tree.query(views, predicate="intersects")
    codes = departements["code"].to_numpy(dtype=object)
    reached: list[set[str]] = [set() for _ in range(len(boxes))]
    for i, j in zip(view_of.tolist(), department.tolist(), strict=True):
        reached[i].add(codes[j])
    return reached


def commune_bounds(reference: ReferenceData, positions: np.ndarray) -> list[list[list[float]]]:
    """``[[south, west], [north, east]]`` of each commune at ``positions`` (its own view's
    bounds, as :func:`live_map_spec` gives them for a commune)."""
    geometries = reference.communes["geometry"].values[np.asarray(positions)]
    box = np.round(shapely.bounds(np.asarray(geometries, dtype=object)), 5)
    return [[[s, w], [n, e]] for w, s, e, n in box.tolist()]


def territory_runs(reference: ReferenceData, zones: pd.DataFrame) -> dict:
    """The territories without OPSN, for the map: id, name, population and, as
    ``[start, end, territory]`` runs over the reference order, which communes are in each."""
    if zones is None or zones.empty:
        return {"ids": [], "names": [], "population": [], "runs": []}
    position = pd.Series(np.arange(len(reference.communes)), index=reference.communes["insee"])
    which = np.full(len(reference.communes), -1, dtype=np.int64)
    for rank, codes in enumerate(zones["insee"]):
        which[position.reindex(codes.split("|")).dropna().astype(int).to_numpy()] = rank
    change = np.flatnonzero(np.diff(which)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(which)]])
    runs = [
        [int(a), int(b), int(which[a])] for a, b in zip(starts, ends, strict=True) if which[a] >= 0
    ]
    return {
        "ids": zones["id"].tolist(),
        "names": zones["nom"].tolist(),
        "population": [fmt.inhabitants(p) for p in zones["population"]],
        "runs": runs,
    }


def _commune_details(
    reference: ReferenceData,
    analysis: Analysis,
    focus: np.ndarray,
    opsn_names: dict[str, str],
) -> dict:
    """OPSN of each focus commune (tooltips), as indexes into one list of names."""
    coverage = analysis.coverage
    positions = np.flatnonzero(focus)
    ids: dict[str, int] = {}

    def indexes(values: pd.Series) -> list[str]:
        out = []
        for value in values:
            out.append(
                ",".join(str(ids.setdefault(i, len(ids))) for i in value.split("|") if i)
                if value
                else ""
            )
        return out

    adhesion = indexes(coverage["opsn_adhesion"].iloc[positions])
    perimetre = indexes(coverage["opsn_perimetre"].iloc[positions])
    return {
        "index": positions.tolist(),
        "opsn": [opsn_names.get(i, i) for i in ids],
        # By way of serving, as the map reads them (``d.adhesion``, ``d.perimetre``).
        Rule.ADHESION.value: adhesion,
        Rule.PERIMETRE.value: perimetre,
        "via_epci": coverage["adhesion_via_epci"].iloc[positions].astype(int).tolist(),
    }


def live_map_spec(
    reference: ReferenceData,
    analysis: Analysis,
    level: str,
    code: str,
    focus: np.ndarray,
    figures: Figures | AreaFigures,
    files: MapFiles,
    url_prefix: str,
    opsn_names: dict[str, str],
    highlight: str | None = None,
    basemap: bool = False,
    area: str | None = None,
    shares: dict[str, dict[str, str]] | None = None,
    choropleth: dict | None = None,
    statuses: str | None = None,
) -> dict:
    """The JSON the map element draws a view from.

    ``level``/``code`` name the view (``france``, ``region``, ``departement``,
    ``commune``, ``epci``, ``territoire``…); ``focus`` is the boolean mask of the
    communes it is about (the others are drawn lighter, still coloured and
    clickable); ``figures`` are the view's figures (legend counts); ``files`` the
    map files and ``url_prefix`` the URL they are served under; ``highlight``
    an INSEE code to outline (commune view); ``area`` names what the legend counts;
    ``shares`` are :func:`coverage_shares` of ``analysis`` when already computed, and
    ``choropleth`` its :func:`geo.maps.places.department_shares`, ``statuses`` its
    :func:`status_runs`. The spec also names the places the map writes (``places``,
    :func:`geo.maps.places.place_names`).
    """
    communes = reference.communes
    focus = np.asarray(focus, dtype=bool)
    territory = analysis.options.territory
    drom_view = (
        level != Level.FRANCE
        and bool(focus.any())
        and set(communes.loc[focus, "departement"]) <= set(DROM_ORDER)
    )
    detail_level = level in DETAIL_LEVELS or (level == Level.REGION and drom_view)
    if level == Level.FRANCE:
        west, south, east, north = national_bounds()
        bounds = [[south, west], [north, east]]
        without = without_label(analysis.options.opsn)
        hint = CLICK_HINTS["france"].format(
            Without=without[:1].upper() + without[1:], without=without
        )
    else:
        bounds = _bounds(reference, focus, "geometry" if detail_level else "geometry_generalisee")
        hint = CLICK_HINTS["detail" if detail_level else "region"]
    if highlight is not None:
        bounds = _bounds(reference, (communes["insee"] == highlight).to_numpy(), "geometry")
    prefix = url_prefix.rstrip("/") + "/"
    detail = (
        _detail_departments(reference, level, focus, files, bounds)
        if detail_level or level == Level.REGION
        else []
    )
    spec = {
        "view": f"{level}:{code}",
        "level": level,
        "detail_level": detail_level,
        "national": prefix + files.national,
        "detail": [prefix + files.departements[d] for d in detail] if detail_level else [],
        "region_detail": (
            [prefix + files.departements[d] for d in _with_neighbours(detail, files)]
            if level == Level.REGION and not detail_level
            else []
        ),
        "statuses": statuses if statuses is not None else status_runs(analysis.coverage),
        "focus": mask_runs(focus) if level != Level.FRANCE else [[0, len(communes)]],
        "highlight": (
            int(np.flatnonzero((communes["insee"] == highlight).to_numpy())[0])
            if highlight is not None and (communes["insee"] == highlight).any()
            else None
        ),
        "bounds": bounds,
        "colours": {kind.code: CLASS_COLOURS[kind] for kind in CLASSES},
        "labels": {kind.code: kind.label(bool(analysis.options.opsn)) for kind in CLASSES},
        "sea": SEA_COLOUR,
        "legend": legend(figures, territory, hint, area),
        "shares": {},
        "details": None,
        "basemap": (
            {"url": BASEMAP_URL, "attribution": BASEMAP_ATTRIBUTION_TEXT, "fill": BASEMAP_FILL}
            if basemap
            else None
        ),
    }
    if level == Level.FRANCE:
        without = without_label(analysis.options.opsn)
        spec["zones"] = territory_runs(reference, analysis.zones) | {
            "button": without[:1].upper() + without[1:],
            "kind": f"Territoire {without}",
            "title": f"Ouvrir un territoire {without} : des communes voisines {without}, "
            "d'un seul tenant",
        }
    if level in (Level.FRANCE, Level.REGION) or detail_level:
        spec["shares"] = shares if shares is not None else coverage_shares(reference, analysis)
    # A commune's view names its department's places, as the department's view (the
    # static atlas draws a commune from its department's spec).
    spec["places"] = place_names(reference, level, focus, insets=level == Level.FRANCE)
    if level in (Level.FRANCE, Level.REGION) and not detail_level:
        spec["choropleth"] = (
            choropleth if choropleth is not None else department_shares(reference, analysis)
        )
    if detail_level:
        spec["details"] = _commune_details(reference, analysis, focus, opsn_names)
    return spec


def _with_neighbours(departments: Sequence[str], files: MapFiles) -> list[str]:
    around = {code for d in departments for code in files.neighbours.get(d, [])}
    return list(departments) + sorted(around - set(departments))


def view_map_spec(
    reference: ReferenceData,
    analysis: Analysis,
    view: View,
    files: MapFiles,
    url_prefix: str,
    opsn_names: dict[str, str],
    *,
    basemap: bool = False,
    shares: dict[str, dict[str, str]] | None = None,
    statuses: str | None = None,
    figures: Figures | AreaFigures | None = None,
) -> dict:
    """The spec of a view of the app (:class:`geo.core.views.View`), as the live map
    and the static atlas draw it: its communes in colour, its figures in the legend.

    A commune is drawn within its department, outlined: the legend counts the
    department, and says so. ``shares`` and ``statuses``: see :func:`live_map_spec`;
    ``figures``: the counts of the view's communes when already known (those of
    :func:`geo.explore.panel.view_facts`, except for a commune).
    """
    zones = analysis.zones
    if view.level == Level.TERRITOIRE:
        focus = territory_mask(reference, view, zones)
    else:
        focus = selection(reference, view, zones)
    if view.level == Level.FRANCE:
        figures, area = analysis.figures, "France"
    else:
        if figures is None or view.level == Level.COMMUNE:
            figures = area_figures(reference.communes, analysis.coverage, focus, analysis.options)
        shown = view
        if view.level == Level.COMMUNE:
            shown = View(Level.DEPARTEMENT, commune_row(reference, view.code)["departement"])
        area = name_of(reference, shown, zones)
    return live_map_spec(
        reference, analysis, view.level, view.code, focus, figures, files, url_prefix,
        opsn_names, area=area, highlight=view.code if view.level == Level.COMMUNE else None,
        basemap=basemap, shares=shares, statuses=statuses,
    )  # fmt: skip
