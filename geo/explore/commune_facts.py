"""The facts of every commune's view at once, as :func:`geo.explore.panel.view_facts` gives
them one commune at a time.

``view_facts`` costs some 30 ms a view: fine for a click, 20 minutes for the 34,875
commune views of the static atlas (:mod:`geo.exports.site`). A commune's view is
simple — one commune, counted or not, served by the OPSN of its own rows — so
everything it shows is a column here, computed for all communes in one pass over
the same counted perimeters and memberships (:func:`geo.core.coverage.counted_members`,
:func:`~geo.core.coverage.counted_perimeters`) as the coverage. The test suite holds
:meth:`CommuneFacts.facts` equal to ``view_facts`` on communes of every kind.

Lists of OPSN are written as text, one entry per OPSN in display order, each an
index into :attr:`CommuneFacts.opsn` followed by flags: ``p`` in its perimeter,
``a`` member, ``e`` member through its EPCI only (``"3pa,7p"``). The atlas stores
these columns as they are and rebuilds the same facts in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.core.analysis import Analysis, Inputs
from geo.core.classes import CoverageClass, commune_classes
from geo.core.figures import Counts
from geo.core.reference import ReferenceData
from geo.core.registry import partial_offer_ids, partial_offer_label
from geo.core.rules import STATUSES, Rule
from geo.explore import facts as typed
from geo.explore.panel import FactsContext, facts_context

FIGURE_KEYS = (
    "total_communes",
    "total_population",
    "covered_communes",
    "covered_population",
    "covered_share",
    "status",
    "multi_opsn_communes",
    "multi_opsn_population",
    "white_zone_count",
    "white_zone_population",
)
"""The figures of a commune's view given here (``by_size`` is left to ``view_facts``)."""

SERVING_WAYS = (Rule.ADHESION.value, Rule.PERIMETRE.value)
"""The columns of the OPSN a commune is a member of, and of those whose perimeter it lies in:
named after the rule that counts them (the atlas's browser code reads these names)."""


@dataclass(frozen=True)
class OpsnEntry:
    """An OPSN the lists of :class:`CommuneFacts` point to (by position)."""

    id: str
    nom: str
    offre: str  # ``complete`` or ``partielle``
    offre_partielle: list[str]
    nature: str
    counted: bool


@dataclass(frozen=True)
class CommuneFacts:
    """One row per commune (reference order) and the OPSN its lists point into.

    ``table`` columns: ``insee``, ``nom``, ``departement``, ``region``, ``epci``,
    ``population``, ``statut``, ``classe`` (:mod:`geo.core.classes`), ``couverte``,
    ``dans_territoire``, ``n_opsn``,
    ``zone`` (position in ``analysis.zones``, -1 for none), and the OPSN lists
    ``adhesion`` (flags ``a``, ``e``), ``perimetre``, ``serving`` (``p``, ``a``,
    ``e``), ``bordering`` and ``partial`` (``p``, ``a``), each in the order the
    side panel shows them.

    ``opsn``: the OPSN, by index.
    """

    table: pd.DataFrame
    opsn: list[OpsnEntry]


@dataclass(frozen=True)
class OneCommune:
    """A commune's facts as :func:`geo.explore.panel.view_facts` has them (the fields of
    :class:`~geo.explore.facts.ViewFacts` a commune's columns give)."""

    figures: dict  # the fields of FIGURE_KEYS of geo.core.figures.Figures, by name
    outside_territory: bool
    opsn: list[typed.Serving]
    partial_offers: list[typed.PartialOffer]
    bordering_opsn: list[typed.Named]
    white_zones: typed.WhiteZones
    commune: typed.CommuneView


def commune_facts(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    context: FactsContext | None = None,
) -> CommuneFacts:
    """The facts of every commune's view under the options of ``analysis``.

    ``context``: :func:`geo.explore.panel.facts_context` of ``analysis`` (the counted
    perimeters and memberships ``view_facts`` reads), made when not given.
    """
    communes = reference.communes
    coverage = analysis.coverage
    context = context or facts_context(reference, analysis, inputs)
    registry = inputs.registry
    partial_ids = partial_offer_ids(registry)
    kinds = context.partial_kinds
    ids = list(
        dict.fromkeys([*registry["id"], *inputs.perimeters["opsn"], *inputs.memberships["opsn"]])
    )
    index = {opsn: k for k, opsn in enumerate(ids)}
    by_name = {i: context.names.get(i, i) for i in ids}
    opsn = [
        OpsnEntry(
            id=i,
            nom=by_name[i],
            offre="partielle" if i in partial_ids else "complete",
            offre_partielle=list(kinds.get(i, ())),
            nature=partial_offer_label(kinds.get(i, ())),
            counted=i not in context.uncounted,
        )
        for i in ids
    ]
    departments = context.departments
    n = len(departments)
    in_perimeter = _by_department(context.perimeters, departments)
    member_lists: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    members = context.members
    for opsn_id, at, epci in zip(members.opsn, members.at, members.via_epci, strict=True):
        member_lists[at].append((opsn_id, "epci" if epci else "commune"))

    adhesion, perimetre, serving = [], [], []
    for k in range(n):
        own = member_lists[k]
        # view_facts: sorted by name (stable: ties keep the memberships' order).
        ordered = sorted(own, key=lambda m: by_name[m[0]])
        adhesion.append(
            ",".join(f"{index[o]}a{'e' if via == 'epci' else ''}" for o, via in ordered)
        )
        around = in_perimeter.get(departments[k], ())
        perimetre.append(",".join(str(index[o]) for o in _by_names(set(around), by_name)))
        via_of = dict(own)
        serving.append(
            ",".join(
                f"{index[o]}{'p' if o in around else ''}{'a' if o in via_of else ''}"
                f"{'e' if via_of.get(o) == 'epci' else ''}"
                for o in sorted(set(around) | set(via_of), key=lambda o: (by_name[o].casefold(), o))
            )
        )

    table = pd.DataFrame(
        {
            "insee": communes["insee"].to_numpy(dtype=object),
            "nom": communes["nom"].to_numpy(dtype=object),
            "departement": departments,
            "region": communes["region"].to_numpy(dtype=object),
            "epci": communes["epci"].to_numpy(dtype=object),
            "population": communes["population"].to_numpy().astype("int64"),
            "statut": coverage["statut"].to_numpy(dtype=object),
            "classe": commune_classes(coverage),
            "couverte": coverage["couverte"].to_numpy(dtype=bool),
            "dans_territoire": coverage["dans_territoire"].to_numpy(dtype=bool),
            "n_opsn": coverage["n_opsn"].to_numpy().astype("int64"),
            "zone": context.zone_of,
            Rule.ADHESION.value: adhesion,
            Rule.PERIMETRE.value: perimetre,
            "serving": serving,
            "bordering": _bordering(reference, context, serving, ids, index, by_name),
            "partial": _partial(context, index, by_name),
        }
    )
    return CommuneFacts(table, opsn)


def _by_names(ids: set[str], by_name: dict[str, str]) -> list[str]:
    """Ids sorted by name, as the side panel lists OPSN (``panel._named``)."""
    return [i for _, i in sorted((by_name[i], i) for i in ids)]


def _by_department(
    perimeters: tuple[tuple[str, str], ...], departments: np.ndarray
) -> dict[str, list[str]]:
    wanted = set(departments)
    out: dict[str, list[str]] = {}
    for opsn_id, department in perimeters:
        if department in wanted:
            out.setdefault(department, []).append(opsn_id)
    return out


def _bordering(
    reference: ReferenceData,
    context: FactsContext,
    serving: list[str],
    ids: list[str],
    index: dict[str, int],
    by_name: dict[str, str],
) -> list[str]:
    """OPSN serving a neighbouring commune and not this one (``panel._bordering``)."""
    a, b = reference.neighbour_positions
    # Who serves a commune, as one key per distinct combination (a few hundred).
    keys = pd.Series(context.served_perimetre + "|" + context.served_adhesion)
    key_of, distinct = pd.factorize(keys)
    served = [{i for i in text.split("|") if i} for text in distinct]
    left = np.concatenate([a, b])
    right_key = key_of[np.concatenate([b, a])]
    pairs = np.unique(np.column_stack([left, right_key]), axis=0)
    around: list[set[str]] = [set() for _ in range(len(keys))]
    for commune, key in pairs.tolist():
        around[commune] |= served[key]
    out = []
    for k, near in enumerate(around):
        own = {ids[int(entry.rstrip("pae"))] for entry in serving[k].split(",") if entry}
        out.append(",".join(str(index[o]) for o in _by_names(near - own, by_name)))
    return out


def _partial(context: FactsContext, index: dict[str, int], by_name: dict[str, str]) -> list[str]:
    """Partial offers present at each commune, counted or not (``panel._partial_offers``)."""
    departments = context.departments
    n = len(departments)
    in_perimeter = _by_department(context.partial_perimeters, departments)
    member_of: list[set[str]] = [set() for _ in range(n)]
    members = context.partial_members
    for opsn_id, k in zip(members.opsn, members.at, strict=True):
        member_of[k].add(opsn_id)
    out = []
    for k in range(n):
        around = set(in_perimeter.get(departments[k], ()))
        present = sorted(around | member_of[k], key=lambda o: (by_name[o].casefold(), o))
        out.append(
            ",".join(
                f"{index[o]}{'p' if o in around else ''}{'a' if o in member_of[k] else ''}"
                for o in present
            )
        )
    return out


# ----------------------------------------------------------------------------- one commune


def _entries(text: str) -> list[tuple[int, str]]:
    return [(int(e.rstrip("pae")), e.lstrip("0123456789")) for e in text.split(",") if e]


def facts_of(
    facts: CommuneFacts,
    reference: ReferenceData,
    analysis: Analysis,
    row: int,
    zone_briefs: list[typed.ZoneBrief],
) -> OneCommune:
    """Commune ``row``'s facts as ``view_facts`` has them (``figures`` reduced to
    :data:`FIGURE_KEYS`).

    ``zone_briefs``: :func:`geo.explore.panel.zone_brief` of each row of ``analysis.zones``.
    The atlas rebuilds the same facts in the browser from the same columns.
    """
    record = facts.table.iloc[row]
    opsn = facts.opsn
    population = int(record["population"])
    covered = bool(record["couverte"])
    status = record["statut"]
    zone = zone_briefs[record["zone"]] if record["zone"] >= 0 else None
    multi = int(record["n_opsn"]) >= 2
    without = population if status == "sans_opsn" else 0
    figures = {
        "total_communes": 1,
        "total_population": population,
        "covered_communes": int(covered),
        "covered_population": population if covered else 0,
        "covered_share": round(1.0 if covered and population else 0.0, 6),
        "status": {s: Counts(int(status == s), population if status == s else 0) for s in STATUSES},
        "multi_opsn_communes": int(multi),
        "multi_opsn_population": population if multi else 0,
        "white_zone_count": int(zone is not None),
        "white_zone_population": without,
    }

    def named(text: str) -> list[typed.Named]:
        return [typed.Named(opsn[k].id, opsn[k].nom) for k, _ in _entries(text)]

    serving = [
        typed.Serving(
            id=opsn[k].id,
            nom=opsn[k].nom,
            offre=opsn[k].offre,
            perimetre_communes=int("p" in flags),
            adhesion_communes=int("a" in flags),
            adhesion_via_epci_communes=int("e" in flags),
        )
        for k, flags in _entries(record["serving"])
    ]
    partial = [
        typed.PartialOffer(
            id=opsn[k].id,
            nom=opsn[k].nom,
            offre_partielle=opsn[k].offre_partielle,
            nature=opsn[k].nature,
            perimetre_communes=int("p" in flags),
            adhesion_communes=int("a" in flags),
            counted=opsn[k].counted,
        )
        for k, flags in _entries(record["partial"])
    ]
    departement = record["departement"]
    epci = record["epci"]
    return OneCommune(
        figures=figures,
        outside_territory=not bool(record["dans_territoire"]),
        opsn=serving,
        partial_offers=partial,
        bordering_opsn=named(record["bordering"]),
        white_zones=typed.WhiteZones(
            count=int(zone is not None),
            population=zone.population if zone else 0,
            population_in_view=without,
            zones=[zone] if zone else [],
        ),
        commune=typed.CommuneView(
            insee=record["insee"],
            nom=record["nom"],
            statut=status,
            statut_libelle=analysis.figures.status_labels[status],
            classe=record["classe"],
            classe_libelle=CoverageClass(record["classe"]).label(bool(analysis.options.opsn)),
            couverte=covered,
            population=population,
            departement=typed.Place(
                departement, reference.departements.set_index("code").at[departement, "nom"]
            ),
            region=typed.Place(
                record["region"], reference.regions.set_index("code").at[record["region"], "nom"]
            ),
            epci=typed.Epci(epci, reference.epci.set_index("siren").at[epci, "nom"])
            if epci
            else None,
            adhesion=[
                typed.Membership(opsn[k].id, opsn[k].nom, "epci" if "e" in flags else "commune")
                for k, flags in _entries(record[Rule.ADHESION.value])
            ],
            perimetre=named(record[Rule.PERIMETRE.value]),
            zone=zone,
        ),
    )
