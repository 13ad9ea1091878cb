"""The facts of a view: everything its headline, metrics, legend and side panel show.

One function, :func:`view_facts`, computes them from the analysis of the
current options (rule, territory, EPCI, OPSN filter, date, partial offers,
data in use), so that the big figure, the metrics, the side panel and
``python -m geo coverage --vue …`` cannot disagree: the view's counts come
from :func:`geo.core.coverage.area_figures` (the headline's own counting, with the
territory option), the national figures *are* the headline's
(``analysis.figures``). The UI prints what is here; :func:`panel_lines` gives
the same facts as French sentences for a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.core import fmt
from geo.core.analysis import Analysis, Inputs, neighbour_pairs, vintage
from geo.core.classes import CoverageClass, commune_classes
from geo.core.coverage import (
    area_figures,
    counted_communes,
    counted_members,
    counted_perimeters,
    without_label,
)
from geo.core.reference import ReferenceData
from geo.core.registry import (
    non_communal_ids,
    opsn_names,
    partial_offer_ids,
    partial_offer_label,
    uncounted_opsn,
)
from geo.core.views import LEVEL_LABELS, Level, View
from geo.core.white_zones import white_zone_definition, zone_kinds, zone_kinds_text
from geo.explore.declic import declic_reference
from geo.explore.views import breadcrumb, name_of, territory_mask, zone_containing, zone_row

#: Keys of the headline figures that describe a set of communes; a view overrides them.
VIEW_FIGURE_KEYS = (
    "total_communes",
    "total_population",
    "covered_communes",
    "covered_population",
    "covered_share",
    "white_zone_count",
    "white_zone_population",
    "white_zone_overseas",
    "white_zone_islands",
    "status",
    "classes",
    "multi_opsn_communes",
    "multi_opsn_population",
    "by_size",
)


def view_facts(reference: ReferenceData, analysis: Analysis, inputs: Inputs, view: View) -> dict:
    """Everything shown about ``view`` under the options of ``analysis`` (JSON-ready).

    Keys:

    - ``view``: ``niveau``, ``code``, ``nom``, ``niveau_libelle``, ``fil`` (the
      breadcrumb, each step with its name);
    - ``figures``: the view's figures, with the keys of ``analysis.figures``
      (the ``coverage --format json`` contract) — for France, exactly the
      headline's; ``white_zone_count`` counts the territories without OPSN that
      touch the view, ``white_zone_population`` the view's own inhabitants in them;
    - ``france``: the national figures, the very dict of the headline;
    - ``outside_territory``: the view lies outside the chosen territory (a DROM
      under « Métropole »): its figures are its own and not in the national total;
    - ``opsn``: who serves the view and how, by name (complete offers, and
      partial ones when counted): communes in its perimeter, member communes,
      of which through their EPCI;
    - ``partial_offers``: partial offers present (perimeter or members), apart,
      each with what it is limited to and whether it is counted;
    - ``bordering_opsn``: OPSN serving communes across the view's border and
      none inside;
    - ``white_zones``: the territories without OPSN touching the view;
    - ``commune``: at commune level, its facts (status, population, department,
      EPCI, memberships direct or through the EPCI, perimeters, its territory
      without OPSN); ``zone``: for a territory without OPSN, its facts;
    - ``sources``: data in use, counting rule, vintages; ``definition``: the
      sentence defining a territory without OPSN; ``reference_declic_2020``.
    """
    communes = reference.communes
    coverage = analysis.coverage
    options = analysis.options
    zones = analysis.zones
    names = opsn_names(inputs.registry)
    mask = territory_mask(reference, view, zones)
    inside, outside = counted_communes(coverage, mask)
    counts = area_figures(communes, coverage, mask, options)
    counts.pop("outside_territory")

    touching = _zones_touching(reference, zones, inside)
    figures = dict(analysis.figures)  # France: the headline's figures themselves
    if view.level != Level.FRANCE:
        figures.update({k: counts[k] for k in VIEW_FIGURE_KEYS if k in counts})
        figures["white_zone_count"] = len(touching)
        figures["white_zone_population"] = counts["status"]["sans_opsn"]["population"]
        figures.update(zone_kinds(touching))

    uncounted = uncounted_opsn(inputs.registry, options.count_partial_offers, options.opsn)
    serving = _serving(reference, analysis, inputs, inside, uncounted, names)
    facts = {
        "view": {
            "niveau": view.level,
            "code": view.code,
            "nom": name_of(reference, view, zones),
            "niveau_libelle": LEVEL_LABELS[view.level],
            "fil": [
                {"niveau": step.level, "code": step.code, "nom": name_of(reference, step, zones)}
                for step in breadcrumb(reference, view, zones)
            ],
        },
        "figures": figures,
        "france": analysis.figures,
        "outside_territory": outside,
        "opsn": serving,
        "partial_offers": _partial_offers(reference, analysis, inputs, inside, uncounted, names),
        "bordering_opsn": _bordering(reference, analysis, inside, {o["id"] for o in serving}, names)
        if view.level != Level.FRANCE
        else [],
        "white_zones": {
            "count": len(touching),
            "population": int(touching["population"].sum()) if len(touching) else 0,
            "population_in_view": figures["white_zone_population"],
            "zones": [_zone_brief(zone, names) for zone in touching.itertuples()],
        },
        "commune": _commune(reference, analysis, inputs, view.code, uncounted, names)
        if view.level == Level.COMMUNE
        else None,
        "zone": _zone(reference, zones, view.code, names)
        if view.level == Level.TERRITOIRE
        else None,
        "sources": {
            "data": inputs.label,
            "counting_rule": analysis.figures["counting_rule"],
            "vintage": vintage(reference),
            "cog_year": analysis.figures.get("cog_year"),
            "population_year": analysis.figures.get("population_year"),
        },
        "definition": white_zone_definition(options.opsn),
        "reference_declic_2020": declic_reference(analysis.figures),
    }
    return facts


def _zones_touching(
    reference: ReferenceData, zones: pd.DataFrame, inside: np.ndarray
) -> pd.DataFrame:
    """Territories without OPSN with at least one commune among ``inside``, largest first."""
    if zones.empty or not inside.any():
        return zones.iloc[0:0]
    codes = set(reference.communes["insee"].to_numpy()[inside])
    members = zones["insee"].str.split("|")
    hit = members.map(lambda c: not codes.isdisjoint(c)).to_numpy(dtype=bool)
    return zones[hit]


def _zone_brief(zone, names: dict[str, str]) -> dict:
    return {
        "id": zone.id,
        "nom": zone.nom,
        "communes": int(zone.communes),
        "population": int(zone.population),
        "departements": zone.departements.split(","),
        "opsn_voisins": _named(
            "|".join({zone.opsn_voisins_perimetre, zone.opsn_voisins_adhesion} - {""}), names
        ),
    }


def _named(joined: str, names: dict[str, str]) -> list[dict]:
    """``"a|b"`` → ``[{"id": "a", "nom": …}, …]`` sorted by name."""
    ids = {i for i in str(joined or "").split("|") if i}
    return sorted(({"id": i, "nom": names.get(i, i)} for i in ids), key=lambda o: o["nom"])


def _serving(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    inside: np.ndarray,
    uncounted: frozenset[str],
    names: dict[str, str],
) -> list[dict]:
    """Counted OPSN present in the view: perimeter communes, member communes (via EPCI)."""
    communes = reference.communes
    options = analysis.options
    perimeters = counted_perimeters(inputs.perimeters, options, uncounted)
    in_perimeter = _perimeter_communes(perimeters, communes, inside)
    in_perimeter = in_perimeter[in_perimeter > 0]
    members = counted_members(inputs.memberships, communes, options, uncounted)
    members = members[_in_view(members["insee"], reference, inside)]
    member_count = members.groupby("opsn").size()
    via_epci = members[members["via"] == "epci"].groupby("opsn").size()
    partial = partial_offer_ids(inputs.registry)
    rows = []
    for opsn in set(in_perimeter.index) | set(member_count.index):
        rows.append(
            {
                "id": opsn,
                "nom": names.get(opsn, opsn),
                "offre": "partielle" if opsn in partial else "complete",
                "perimetre_communes": int(in_perimeter.get(opsn, 0)),
                "adhesion_communes": int(member_count.get(opsn, 0)),
                "adhesion_via_epci_communes": int(via_epci.get(opsn, 0)),
            }
        )
    return sorted(rows, key=lambda r: (r["nom"].casefold(), r["id"]))


def _partial_offers(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    inside: np.ndarray,
    uncounted: frozenset[str],
    names: dict[str, str],
) -> list[dict]:
    """Partial offers present in the view (perimeter or members), counted or not."""
    registry = inputs.registry
    partial = partial_offer_ids(registry) - non_communal_ids(registry)
    if not partial or not inside.any():
        return []
    options = analysis.options
    if options.opsn:
        partial = partial & set(options.opsn)
    communes = reference.communes
    departments = set(communes["departement"].to_numpy()[inside])
    perimeters = inputs.perimeters[inputs.perimeters["opsn"].isin(list(partial))]
    perimeters = perimeters[perimeters["departement"].isin(departments)]
    # Not counted: the same memberships as the coverage would see, minus nothing else.
    others = uncounted - partial
    members = counted_members(inputs.memberships, communes, options, others)
    members = members[
        members["opsn"].isin(list(partial)).to_numpy()
        & _in_view(members["insee"], reference, inside)
    ]
    kinds = dict(zip(registry["id"], _column(registry, "offre_partielle"), strict=True))
    in_perimeter = _perimeter_communes(perimeters, communes, inside)
    rows = []
    for opsn in sorted(set(perimeters["opsn"]) | set(members["opsn"])):
        rows.append(
            {
                "id": opsn,
                "nom": names.get(opsn, opsn),
                "offre_partielle": list(_kinds(kinds.get(opsn))),
                "nature": partial_offer_label(_kinds(kinds.get(opsn))),
                "perimetre_communes": int(in_perimeter.get(opsn, 0)),
                "adhesion_communes": int((members["opsn"] == opsn).sum()),
                "counted": opsn not in uncounted,
            }
        )
    return sorted(rows, key=lambda r: (r["nom"].casefold(), r["id"]))


def _perimeter_communes(
    perimeters: pd.DataFrame, communes: pd.DataFrame, inside: np.ndarray
) -> pd.Series:
    """Communes of the view in each OPSN's perimeter (a department listed twice counts once)."""
    by_department = pd.Series(communes["departement"].to_numpy()[inside]).value_counts()
    perimeters = perimeters.drop_duplicates(["opsn", "departement"])
    counts = perimeters["departement"].map(by_department).fillna(0)
    return counts.groupby(perimeters["opsn"].to_numpy()).sum().astype(int)


def _in_view(insee: pd.Series, reference: ReferenceData, inside: np.ndarray) -> np.ndarray:
    """Which of these INSEE codes are communes of the view (by position: ``isin`` on
    Arrow strings against 35,000 codes costs a tenth of a second)."""
    positions = reference.communes_by_insee.index.get_indexer(insee.to_numpy(dtype=object))
    return (positions >= 0) & inside[np.maximum(positions, 0)]


def _column(registry: pd.DataFrame, name: str) -> pd.Series:
    if name in registry.columns:
        return registry[name]
    return pd.Series([()] * len(registry), index=registry.index, dtype=object)


def _kinds(value) -> tuple[str, ...]:
    if isinstance(value, tuple | list):
        return tuple(value)
    if isinstance(value, str):
        return tuple(k for k in value.split("|") if k)
    return ()


def _bordering(
    reference: ReferenceData,
    analysis: Analysis,
    inside: np.ndarray,
    serving: set[str],
    names: dict[str, str],
) -> list[dict]:
    """OPSN serving a commune that shares a border with the view, and none inside it."""
    a, b = neighbour_pairs(reference)
    crossing = inside[a] != inside[b]
    outside = np.where(inside[a], b, a)[crossing]
    if not len(outside):
        return []
    coverage = analysis.coverage
    joined = np.concatenate(
        [
            coverage["opsn_perimetre"].to_numpy(dtype=object)[outside],
            coverage["opsn_adhesion"].to_numpy(dtype=object)[outside],
        ]
    )
    ids = {i for text in set(joined) if text for i in text.split("|")}
    return _named("|".join(sorted(ids - serving)), names)


def _commune(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    insee: str,
    uncounted: frozenset[str],
    names: dict[str, str],
) -> dict:
    """The facts of one commune: status, population, where it is, who serves it and how.

    Memberships come from the same counting as the coverage (date, filter,
    EPCI option, partial offers), each with how it holds: ``commune`` (direct)
    or ``epci`` (through its EPCI).
    """
    commune = reference.communes_by_insee.loc[insee]
    row = analysis.coverage.loc[(analysis.coverage["insee"] == insee).to_numpy()].iloc[0]
    labels = analysis.figures["status_labels"]
    departements = reference.departements.set_index("code")
    regions = reference.regions.set_index("code")
    epci = None
    if commune["epci"]:
        epci = {
            "siren": commune["epci"],
            "nom": reference.epci.set_index("siren").at[commune["epci"], "nom"],
        }
    one = reference.communes[(reference.communes["insee"] == insee).to_numpy()]
    members = counted_members(inputs.memberships, one, analysis.options, uncounted)
    members = members[members["insee"] == insee]
    adhesion = sorted(
        (
            {"id": m.opsn, "nom": names.get(m.opsn, m.opsn), "via": m.via}
            for m in members.itertuples()
        ),
        key=lambda o: o["nom"],
    )
    zone = zone_containing(analysis.zones, insee)
    kind = CoverageClass(commune_classes(row.to_frame().T)[0])
    return {
        "insee": insee,
        "nom": commune["nom"],
        "statut": row["statut"],
        "statut_libelle": labels[row["statut"]],
        "classe": kind.value,
        "classe_libelle": kind.label(bool(analysis.options.opsn)),
        "couverte": bool(row["couverte"]),
        "population": int(commune["population"]),
        "departement": {
            "code": commune["departement"],
            "nom": departements.at[commune["departement"], "nom"],
        },
        "region": {"code": commune["region"], "nom": regions.at[commune["region"], "nom"]},
        "epci": epci,
        "adhesion": adhesion,
        "perimetre": _named(row["opsn_perimetre"], names),
        "zone": None if zone is None else _zone_brief(zone, names),
    }


def _zone(
    reference: ReferenceData, zones: pd.DataFrame, zone_id: str, names: dict[str, str]
) -> dict | None:
    """The facts of a territory without OPSN (``None`` when the options do not give it)."""
    zone = zone_row(zones, zone_id)
    if zone is None:
        return None
    departements = reference.departements.set_index("code")["nom"]
    distance = zone["distance_km"]
    return {
        "id": zone["id"],
        "nom": zone["nom"],
        "description": zone.get("description", ""),
        "communes": int(zone["communes"]),
        "population": int(zone["population"]),
        "superficie_km2": float(zone["superficie_km2"]),
        "departements": [
            {"code": code, "nom": departements.get(code, "")}
            for code in zone["departements"].split(",")
        ],
        "regions": zone.get("regions", ""),
        "communes_principales": zone.get("communes_principales", ""),
        "outre_mer": bool(zone["outre_mer"]),
        "distance_km": None if pd.isna(distance) else float(distance),
        "opsn_voisins_perimetre": _named(zone["opsn_voisins_perimetre"], names),
        "opsn_voisins_adhesion": _named(zone["opsn_voisins_adhesion"], names),
    }


# ----------------------------------------------------------------------------- tiles


@dataclass(frozen=True)
class Tile:
    """One figure of the row under the headline: its words, its value, what it counts."""

    label: str
    value: str
    help: str = ""
    classes: tuple[str, ...] = ()  # the classes of communes it counts (none: not communes)


def tiles(facts: dict) -> list[Tile]:
    """The figures under the headline, in French: the communes of the view by class, then
    its territories without OPSN and their inhabitants.

    The commune tiles add up to the communes of the view: « Communes couvertes »
    (the covered classes under the rule), then each class that is not covered —
    under « Adhérentes seulement », the communes only in a perimeter have a tile
    of their own instead of vanishing between the covered and the uncovered.
    """
    figures = facts["figures"]
    classes = figures["classes"]
    without = without_label(figures["opsn_filter"])
    filtered = bool(figures["opsn_filter"])
    covered = tuple(key for key, entry in classes.items() if entry["covered"])
    # One help for the commune tiles: how the communes of the view split into classes.
    parts = " ; ".join(
        f"{fmt.integer(entry['communes'])} {entry['label'][:1].lower()}{entry['label'][1:]} "
        f"({fmt.inhabitants(entry['population'])})"
        for entry in classes.values()
    )
    shown = [
        Tile(
            "Communes couvertes",
            fmt.integer(sum(classes[key]["communes"] for key in covered)),
            f"Sur {fmt.count(figures['total_communes'], 'commune')} : {parts}. Couvertes "
            "selon la règle de comptage.",
            covered,
        )
    ]
    shown += [
        Tile(CoverageClass(key).short(filtered), fmt.integer(entry["communes"]), "", (key,))
        for key, entry in classes.items()
        if not entry["covered"]
    ]
    detail = zone_kinds_text(figures)
    shown.append(
        Tile(
            f"Territoires {without}",
            fmt.integer(figures["white_zone_count"] or 0),
            (f"{detail[:1].upper()}{detail[1:]}. " if detail else "") + facts["definition"],
        )
    )
    shown.append(Tile(f"Habitants {without}", fmt.integer(figures["white_zone_population"] or 0)))
    return shown


# ----------------------------------------------------------------------------- French text


def panel_lines(facts: dict) -> list[str]:
    """The side panel as French lines of plain text (the CLI prints them; the UI may too).

    Plain text: names come from files, so whoever shows them as HTML or
    Markdown must escape them.
    """
    view, figures, france = facts["view"], facts["figures"], facts["france"]
    lines = [view["nom"]]
    if facts["outside_territory"]:
        lines.append(
            "Hors du territoire choisi : ses chiffres ne comptent pas dans le total national."
        )
    share = fmt.percent(figures["covered_share"])
    lines.append(
        f"{share} de la population couverte ({fmt.integer(figures['covered_population'])} sur "
        f"{fmt.inhabitants(figures['total_population'])})"
        + (
            ""
            if view["niveau"] == "france"
            else f", contre {fmt.percent(france['covered_share'])} pour la "
            + ("France entière" if france["territory"] == "france" else "France métropolitaine")
        )
    )
    if facts["commune"] is None:
        for entry in figures["classes"].values():
            lines.append(
                f"{entry['label']} : {fmt.count(entry['communes'], 'commune')}, "
                f"{fmt.inhabitants(entry['population'])}"
            )
    else:
        lines += _commune_lines(facts["commune"])
    if facts["zone"] is not None:
        zone = facts["zone"]
        lines.append(zone["description"] or zone["nom"])
    if facts["opsn"] and view["niveau"] != "france":  # France: the OPSN table says it
        lines.append("OPSN présents :")
        for opsn in facts["opsn"]:
            how = []
            if opsn["perimetre_communes"]:
                how.append(f"périmètre ({fmt.count(opsn['perimetre_communes'], 'commune')})")
            if opsn["adhesion_communes"]:
                via = opsn["adhesion_via_epci_communes"]
                how.append(
                    f"{fmt.count(opsn['adhesion_communes'], 'commune adhérente', 'communes adhérentes')}"
                    + (f" (dont {fmt.integer(via)} par leur EPCI)" if via else "")
                )
            partial = " (offre partielle)" if opsn["offre"] == "partielle" else ""
            lines.append(f"- {opsn['nom']}{partial} : {', '.join(how)}")
    elif view["niveau"] != "france":
        lines.append("Aucun OPSN compté sur ce territoire.")
    if facts["partial_offers"]:
        lines.append(
            "Offres partielles présentes : " + partial_offers_text(facts["partial_offers"])
        )
    if facts["bordering_opsn"]:
        lines.append("OPSN voisins : " + ", ".join(o["nom"] for o in facts["bordering_opsn"]))
    zones = facts["white_zones"]
    if zones["count"] and view["niveau"] not in ("territoire", "commune"):
        without = without_label(figures["opsn_filter"])
        lines.append(
            f"Territoires {without} touchant ce territoire : {fmt.integer(zones['count'])} "
            f"({fmt.inhabitants(zones['population_in_view'])} ici, "
            f"{fmt.inhabitants(zones['population'])} en tout)"
        )
    lines.append(f"Données : {facts['sources']['data']}")
    return lines


def partial_offers_text(offers: list[dict]) -> str:
    """« DataSud (plateforme de données, SIG), OPenIG (SIG) — non comptées »."""
    listed = ", ".join(f"{o['nom']} ({o['nature']})" for o in offers)
    counted = {o["counted"] for o in offers}
    if counted == {True}:
        return f"{listed} — comptées"
    if counted == {False}:
        return f"{listed} — non comptées"
    return listed


def _commune_lines(commune: dict) -> list[str]:
    epci = commune["epci"]["nom"] if commune["epci"] else "aucun"
    lines = [
        commune["classe_libelle"],
        f"Population municipale : {fmt.inhabitants(commune['population'])}",
        f"Département : {commune['departement']['nom']} ({commune['departement']['code']}) — "
        f"EPCI : {epci}",
    ]
    direct = [o["nom"] for o in commune["adhesion"] if o["via"] == "commune"]
    via = [o["nom"] for o in commune["adhesion"] if o["via"] == "epci"]
    members = direct + [f"{name} (par son EPCI)" for name in via]
    lines.append(f"Adhérente à : {', '.join(members) if members else 'aucun OPSN connu'}")
    perimeter = [o["nom"] for o in commune["perimetre"]]
    lines.append(f"Dans le périmètre de : {', '.join(perimeter) if perimeter else 'aucun OPSN'}")
    if commune["zone"]:
        zone = commune["zone"]
        lines.append(
            f"Territoire sans OPSN « {zone['nom']} » : {fmt.count(zone['communes'], 'commune')}, "
            f"{fmt.inhabitants(zone['population'])}"
        )
    return lines
