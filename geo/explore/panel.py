"""The facts of a view: everything its headline, metrics, legend and side panel show.

One function, :func:`view_facts`, computes them from the analysis of the
current options (rule, territory, EPCI, OPSN filter, date, partial offers,
data in use), so that the big figure, the metrics, the side panel and
``python -m geo coverage --vue …`` cannot disagree: the view's counts come
from :func:`geo.core.coverage.area_figures` (the headline's own counting, with the
territory option), the national figures *are* the headline's
(``analysis.figures``). The facts are typed (:mod:`geo.explore.facts`); the UI prints
them, and :mod:`geo.explore.panel_text` writes the side panel's lines, the same for the
app and the terminal.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from geo.core import fmt
from geo.core.analysis import Analysis, Inputs, vintage
from geo.core.classes import CoverageClass, commune_classes
from geo.core.coverage import (
    area_figures,
    counted_communes,
    counted_members,
    counted_perimeters,
    without_label,
)
from geo.core.figures import VIEW_FIELDS, Figures
from geo.core.reference import ReferenceData
from geo.core.registry import (
    non_communal_ids,
    opsn_names,
    partial_offer_ids,
    partial_offer_label,
    uncounted_opsn,
)
from geo.core.rules import Status
from geo.core.views import LEVEL_LABELS, Level, View
from geo.core.white_zones import white_zone_definition, zone_kinds, zone_kinds_text
from geo.explore.declic import declic_reference
from geo.explore.facts import (
    CommuneView,
    Epci,
    Membership,
    Named,
    PartialOffer,
    Place,
    Serving,
    Sources,
    Step,
    Tile,
    ViewFacts,
    ViewName,
    WhiteZones,
    ZoneBrief,
    ZoneFacts,
)
from geo.explore.views import breadcrumb, name_of, territory_mask, zone_containing, zone_row


class Members(NamedTuple):
    """Member communes as plain arrays: the OPSN, the commune's position, through its EPCI."""

    opsn: np.ndarray
    at: np.ndarray
    via_epci: np.ndarray

    @classmethod
    def of(cls, pairs: pd.DataFrame, position: pd.Index) -> Members:
        """(opsn, insee, via) pairs (:func:`geo.core.coverage.counted_members`)."""
        at = position.get_indexer(pairs["insee"].to_numpy(dtype=object))
        known = at >= 0
        return cls(
            pairs["opsn"].to_numpy(dtype=object)[known],
            at[known],
            (pairs["via"] == "epci").to_numpy(dtype=bool)[known],
        )


@dataclass(frozen=True)
class FactsContext:
    """What the facts of every view share under one analysis, computed once.

    :func:`view_facts` makes it when none is given (a click in the app: one view);
    the static atlas (:mod:`geo.exports.site`) makes it once for some 1,400 views,
    each of which then costs a few milliseconds instead of some 30 (memberships
    counted again and 35,000 codes looked up for every view).
    """

    names: dict[str, str]
    uncounted: frozenset[str]
    perimeters: tuple[tuple[str, str], ...]  # counted (opsn, departement) pairs
    members: Members  # counted memberships
    partial_perimeters: tuple[tuple[str, str], ...]  # partial offers that may show
    partial_members: Members  # and their members, counted as the coverage would
    partial_kinds: dict[str, tuple[str, ...]]  # OPSN → what its offer is limited to
    departments: np.ndarray  # department of each commune
    department_index: np.ndarray  # … as a position in ``department_codes``
    department_codes: np.ndarray
    zone_of: np.ndarray  # position in ``analysis.zones`` of each commune's territory, or -1
    served_perimetre: np.ndarray  # ``analysis.coverage`` columns, as plain arrays
    served_adhesion: np.ndarray


def facts_context(reference: ReferenceData, analysis: Analysis, inputs: Inputs) -> FactsContext:
    """The :class:`FactsContext` of ``analysis``."""
    communes = reference.communes
    options = analysis.options
    registry = inputs.registry
    uncounted = uncounted_opsn(registry, options.count_partial_offers, options.opsn)
    position = reference.communes_by_insee.index

    perimeters = counted_perimeters(inputs.perimeters, options, uncounted)
    members = counted_members(inputs.memberships, communes, options, uncounted)
    partial = partial_offer_ids(registry) - non_communal_ids(registry)
    if options.opsn:
        partial = partial & set(options.opsn)
    chosen = list(partial)
    # Not counted: the same memberships as the coverage would see, minus nothing else.
    others = counted_members(inputs.memberships, communes, options, uncounted - partial)
    coverage = analysis.coverage
    departments = communes["departement"].to_numpy(dtype=object)
    department_index, department_codes = pd.factorize(departments)
    return FactsContext(
        names=opsn_names(registry),
        uncounted=uncounted,
        perimeters=_pairs(perimeters),
        members=Members.of(members, position),
        partial_perimeters=_pairs(inputs.perimeters[inputs.perimeters["opsn"].isin(chosen)]),
        partial_members=Members.of(others[others["opsn"].isin(chosen).to_numpy()], position),
        partial_kinds={
            opsn: _kinds(kinds)
            for opsn, kinds in zip(
                registry["id"], _column(registry, "offre_partielle"), strict=True
            )
        },
        departments=departments,
        department_index=department_index,
        department_codes=np.asarray(department_codes, dtype=object),
        zone_of=zone_positions(analysis.zones, position),
        served_perimetre=coverage["opsn_perimetre"].to_numpy(dtype=object),
        served_adhesion=coverage["opsn_adhesion"].to_numpy(dtype=object),
    )


def _pairs(perimeters: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """(opsn, departement) pairs, each once, in their order."""
    pairs = zip(perimeters["opsn"], perimeters["departement"], strict=True)
    return tuple(dict.fromkeys(pairs))


def zone_positions(zones: pd.DataFrame | None, insee: pd.Index) -> np.ndarray:
    """Position in ``zones`` of the territory without OPSN of each commune of ``insee`` (-1: none)."""
    out = np.full(len(insee), -1, dtype=np.int64)
    if zones is None or zones.empty:
        return out
    for rank, codes in enumerate(zones["insee"]):
        at = insee.get_indexer(codes.split("|"))
        out[at[at >= 0]] = rank
    return out


def view_facts(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    view: View,
    context: FactsContext | None = None,
) -> ViewFacts:
    """Everything shown about ``view`` under the options of ``analysis``
    (JSON: :meth:`ViewFacts.as_json <geo.explore.facts.ViewFacts.as_json>`).

    ``context``: :func:`facts_context` of ``analysis``, when many views are computed.

    Fields:

    - ``view``: ``niveau``, ``code``, ``nom``, ``niveau_libelle``, ``fil`` (the
      breadcrumb, each step with its name);
    - ``figures``: the view's figures, with the keys of ``analysis.figures``
      (the ``coverage --format json`` contract) — for France, exactly the
      headline's; ``white_zone_count`` counts the territories without OPSN that
      touch the view, ``white_zone_population`` the view's own inhabitants in them;
    - ``france``: the national figures, the very :class:`~geo.core.figures.Figures` of the
      headline;
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
    context = context or facts_context(reference, analysis, inputs)
    names = context.names
    mask = territory_mask(reference, view, zones)
    inside, outside = counted_communes(coverage, mask)
    counts = area_figures(communes, coverage, mask, options)

    touching = _zones_touching(zones, context.zone_of, inside)
    figures = analysis.figures  # France: the headline's figures themselves
    if view.level != Level.FRANCE:
        figures = replace(
            figures,
            **{name: getattr(counts, name) for name in VIEW_FIELDS},
            white_zone_count=len(touching),
            white_zone_population=counts.status[Status.SANS_OPSN].population,
            **zone_kinds(touching),
        )

    uncounted = context.uncounted
    serving = _serving(context, inputs, inside)
    definition = white_zone_definition(options.opsn)
    return ViewFacts(
        view=ViewName(
            niveau=view.level,
            code=view.code,
            nom=name_of(reference, view, zones),
            niveau_libelle=LEVEL_LABELS[view.level],
            fil=[
                Step(step.level, step.code, name_of(reference, step, zones))
                for step in breadcrumb(reference, view, zones)
            ],
        ),
        figures=figures,
        france=analysis.figures,
        outside_territory=outside,
        opsn=serving,
        partial_offers=_partial_offers(context, inside),
        bordering_opsn=_bordering(reference, context, inside, {o.id for o in serving})
        if view.level != Level.FRANCE
        else [],
        white_zones=WhiteZones(
            count=len(touching),
            population=int(touching["population"].sum()) if len(touching) else 0,
            population_in_view=figures.white_zone_population,
            zones=[zone_brief(zone, names) for zone in touching.itertuples()],
        ),
        commune=_commune(reference, analysis, inputs, view.code, uncounted, names)
        if view.level == Level.COMMUNE
        else None,
        zone=_zone(reference, zones, view.code, names) if view.level == Level.TERRITOIRE else None,
        sources=Sources(
            data=inputs.label,
            counting_rule=analysis.figures.counting_rule,
            vintage=vintage(reference),
            cog_year=analysis.figures.cog_year,
            population_year=analysis.figures.population_year,
        ),
        definition=definition,
        reference_declic_2020=declic_reference(analysis.figures),
        tiles=tiles(figures, definition),
    )


def _zones_touching(zones: pd.DataFrame, zone_of: np.ndarray, inside: np.ndarray) -> pd.DataFrame:
    """Territories without OPSN with at least one commune among ``inside``, largest first."""
    if zones.empty or not inside.any():
        return zones.iloc[0:0]
    positions = np.unique(zone_of[inside])
    return zones.iloc[positions[positions >= 0]]


def zone_brief(zone, names: dict[str, str]) -> ZoneBrief:
    """A territory without OPSN in a few facts (an ``itertuples`` row of ``analysis.zones``)."""
    return ZoneBrief(
        id=zone.id,
        nom=zone.nom,
        communes=int(zone.communes),
        population=int(zone.population),
        departements=zone.departements.split(","),
        opsn_voisins=_named(
            "|".join({zone.opsn_voisins_perimetre, zone.opsn_voisins_adhesion} - {""}), names
        ),
    )


def _named(joined: str, names: dict[str, str]) -> list[Named]:
    """``"a|b"`` → ``[Named("a", …), …]`` sorted by name."""
    ids = {i for i in str(joined or "").split("|") if i}
    return sorted((Named(i, names.get(i, i)) for i in ids), key=lambda o: o.nom)


def _serving(context: FactsContext, inputs: Inputs, inside: np.ndarray) -> list[Serving]:
    """Counted OPSN present in the view: perimeter communes, member communes (via EPCI)."""
    names = context.names
    in_perimeter = {
        opsn: n
        for opsn, n in _perimeter_communes(context.perimeters, context, inside).items()
        if n > 0
    }
    members = context.members
    chosen = inside[members.at]
    member_count = Counter(members.opsn[chosen].tolist())
    via_epci = Counter(members.opsn[chosen & members.via_epci].tolist())
    partial = partial_offer_ids(inputs.registry)
    rows = [
        Serving(
            id=opsn,
            nom=names.get(opsn, opsn),
            offre="partielle" if opsn in partial else "complete",
            perimetre_communes=in_perimeter.get(opsn, 0),
            adhesion_communes=member_count.get(opsn, 0),
            adhesion_via_epci_communes=via_epci.get(opsn, 0),
        )
        for opsn in set(in_perimeter) | set(member_count)
    ]
    return sorted(rows, key=lambda r: (r.nom.casefold(), r.id))


def _partial_offers(context: FactsContext, inside: np.ndarray) -> list[PartialOffer]:
    """Partial offers present in the view (perimeter or members), counted or not."""
    if not inside.any():
        return []
    present = _department_counts(context, inside)
    perimeters = [(o, d) for o, d in context.partial_perimeters if present.get(d, 0)]
    members = context.partial_members
    member_count = Counter(members.opsn[inside[members.at]].tolist())
    kinds = context.partial_kinds
    in_perimeter = _perimeter_communes(perimeters, context, inside)
    rows = [
        PartialOffer(
            id=opsn,
            nom=context.names.get(opsn, opsn),
            offre_partielle=list(kinds.get(opsn, ())),
            nature=partial_offer_label(kinds.get(opsn, ())),
            perimetre_communes=in_perimeter.get(opsn, 0),
            adhesion_communes=member_count.get(opsn, 0),
            counted=opsn not in context.uncounted,
        )
        for opsn in sorted({o for o, _ in perimeters} | set(member_count))
    ]
    return sorted(rows, key=lambda r: (r.nom.casefold(), r.id))


def _department_counts(context: FactsContext, inside: np.ndarray) -> dict[str, int]:
    """Communes of the view in each department."""
    counts = np.bincount(context.department_index[inside], minlength=len(context.department_codes))
    return dict(zip(context.department_codes, counts.tolist(), strict=True))


def _perimeter_communes(perimeters, context: FactsContext, inside: np.ndarray) -> dict[str, int]:
    """Communes of the view in each OPSN's perimeter (``perimeters``: (opsn, departement)
    pairs, each once)."""
    per_department = _department_counts(context, inside)
    out: dict[str, int] = {}
    for opsn, department in perimeters:
        out[opsn] = out.get(opsn, 0) + per_department.get(department, 0)
    return out


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
    reference: ReferenceData, context: FactsContext, inside: np.ndarray, serving: set[str]
) -> list[Named]:
    """OPSN serving a commune that shares a border with the view, and none inside it."""
    a, b = reference.neighbour_positions
    crossing = inside[a] != inside[b]
    outside = np.where(inside[a], b, a)[crossing]
    if not len(outside):
        return []
    joined = np.concatenate([context.served_perimetre[outside], context.served_adhesion[outside]])
    ids = {i for text in set(joined) if text for i in text.split("|")}
    return _named("|".join(sorted(ids - serving)), context.names)


def _commune(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    insee: str,
    uncounted: frozenset[str],
    names: dict[str, str],
) -> CommuneView:
    """The facts of one commune: status, population, where it is, who serves it and how.

    Memberships come from the same counting as the coverage (date, filter,
    EPCI option, partial offers), each with how it holds: ``commune`` (direct)
    or ``epci`` (through its EPCI).
    """
    commune = reference.communes_by_insee.loc[insee]
    row = analysis.coverage.loc[(analysis.coverage["insee"] == insee).to_numpy()].iloc[0]
    labels = analysis.figures.status_labels
    departements = reference.departements.set_index("code")
    regions = reference.regions.set_index("code")
    epci = None
    if commune["epci"]:
        epci = Epci(commune["epci"], reference.epci.set_index("siren").at[commune["epci"], "nom"])
    one = reference.communes[(reference.communes["insee"] == insee).to_numpy()]
    members = counted_members(inputs.memberships, one, analysis.options, uncounted)
    members = members[members["insee"] == insee]
    adhesion = sorted(
        (Membership(m.opsn, names.get(m.opsn, m.opsn), m.via) for m in members.itertuples()),
        key=lambda o: o.nom,
    )
    zone = zone_containing(analysis.zones, insee)
    kind = CoverageClass(commune_classes(row.to_frame().T)[0])
    return CommuneView(
        insee=insee,
        nom=commune["nom"],
        statut=row["statut"],
        statut_libelle=labels[row["statut"]],
        classe=kind.value,
        classe_libelle=kind.label(bool(analysis.options.opsn)),
        couverte=bool(row["couverte"]),
        population=int(commune["population"]),
        departement=Place(commune["departement"], departements.at[commune["departement"], "nom"]),
        region=Place(commune["region"], regions.at[commune["region"], "nom"]),
        epci=epci,
        adhesion=adhesion,
        perimetre=_named(row["opsn_perimetre"], names),
        zone=None if zone is None else zone_brief(zone, names),
    )


def _zone(
    reference: ReferenceData, zones: pd.DataFrame, zone_id: str, names: dict[str, str]
) -> ZoneFacts | None:
    """The facts of a territory without OPSN (``None`` when the options do not give it)."""
    zone = zone_row(zones, zone_id)
    if zone is None:
        return None
    departements = reference.departements.set_index("code")["nom"]
    distance = zone["distance_km"]
    return ZoneFacts(
        id=zone["id"],
        nom=zone["nom"],
        description=zone.get("description", ""),
        communes=int(zone["communes"]),
        population=int(zone["population"]),
        superficie_km2=float(zone["superficie_km2"]),
        departements=[
            Place(code, departements.get(code, "")) for code in zone["departements"].split(",")
        ],
        regions=zone.get("regions", ""),
        communes_principales=zone.get("communes_principales", ""),
        outre_mer=bool(zone["outre_mer"]),
        distance_km=None if pd.isna(distance) else float(distance),
        opsn_voisins_perimetre=_named(zone["opsn_voisins_perimetre"], names),
        opsn_voisins_adhesion=_named(zone["opsn_voisins_adhesion"], names),
    )


# ----------------------------------------------------------------------------- tiles


def tiles(figures: Figures, definition: str) -> list[Tile]:
    """The figures under the headline, in French: the communes of the view by class, then
    its territories without OPSN and their inhabitants.

    The commune tiles add up to the communes of the view: « Communes couvertes »
    (the covered classes under the rule), then each class that is not covered —
    under « Adhérentes seulement », the communes only in a perimeter have a tile
    of their own instead of vanishing between the covered and the uncovered.
    """
    classes = figures.classes
    without = without_label(figures.opsn_filter)
    filtered = bool(figures.opsn_filter)
    covered = tuple(key for key, entry in classes.items() if entry.covered)
    # One help for the commune tiles: how the communes of the view split into classes.
    parts = " ; ".join(
        f"{fmt.integer(entry.communes)} {entry.label[:1].lower()}{entry.label[1:]} "
        f"({fmt.inhabitants(entry.population)})"
        for entry in classes.values()
    )
    shown = [
        Tile(
            "Communes couvertes",
            fmt.integer(sum(classes[key].communes for key in covered)),
            f"Sur {fmt.count(figures.total_communes, 'commune')} : {parts}. Couvertes "
            "selon la règle de comptage.",
            covered,
        )
    ]
    shown += [
        Tile(CoverageClass(key).short(filtered), fmt.integer(entry.communes), "", (key,))
        for key, entry in classes.items()
        if not entry.covered
    ]
    detail = zone_kinds_text(figures.white_zone_overseas, figures.white_zone_islands)
    shown.append(
        Tile(
            f"Territoires {without}",
            fmt.integer(figures.white_zone_count or 0),
            (f"{detail[:1].upper()}{detail[1:]}. " if detail else "") + definition,
        )
    )
    shown.append(Tile(f"Habitants {without}", fmt.integer(figures.white_zone_population or 0)))
    return shown
