"""Every table the app shows and exports, in French, from one analysis.

Six tables — by region, department, EPCI and OPSN, then communes and
territories without OPSN — each built from the same :class:`geo.core.analysis.Analysis`
as the headline, so that a table and the figure above it cannot disagree. They
are what a French planner expects to open in Excel: French column names, OPSN
by *name* (never ``adit63|agate``), ``oui``/``non`` instead of True/False,
shares as percentages (``57,3``) whose counting rule travels with the table
(:attr:`Table.notes`).

Each column has a *kind* that every output reads the same way:

========== ======================== ================ ===================
kind       value in :attr:`frame`   app and reports  XLSX number format
========== ======================== ================ ===================
``code``   text (``01001``, ``2A``) as is            ``@`` (text)
``text``   text                     as is            ``@``
``integer`` int                     ``12 345``       ``#,##0``
``decimal`` float                   ``3,4``          ``#,##0.0``
``percent`` float, 0 to 100         ``57,3 %``       ``0.0 %`` (value/100)
========== ======================== ================ ===================

CSV writes numbers bare with a decimal comma (``12345``, ``57,3``), which French
Excel reads as numbers. For a screen, :func:`styled` gives a pandas ``Styler``
that ``st.dataframe`` shows in French formats whatever the browser's language,
sorting on the numbers underneath; :func:`display_frame` gives the same cells
as text (reports), and :func:`filter_rows` the app's row filter (case and
accents ignored). Each table is described once, as data (:data:`TABLES`: its
title, its columns with their kinds and meanings, the function giving their
values, the order of its rows), and built by :func:`build`; which tables a view
has, under the map, in its workbook, in the atlas and as its CSV, is
:data:`VIEW_TABLES`. The column contract of every table is :data:`COLUMNS`,
printed in ``docs/tableaux.md`` (a test keeps the two equal). Under an OPSN filter the words « sans OPSN » become « hors des OPSN
choisis » in the column names, as everywhere else.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from geo.core import fmt
from geo.core.analysis import Analysis, Inputs
from geo.core.classes import CoverageClass, commune_classes
from geo.core.coverage import without_label
from geo.core.reference import ReferenceData
from geo.core.registry import opsn_names
from geo.core.rules import Rule
from geo.core.views import Level

SCOPE_LABELS = {
    "locale": "locale",
    "departementale": "départementale",
    "regionale": "régionale",
    "nationale": "nationale",
}
KINDS = ("code", "text", "integer", "decimal", "percent")
NUMERIC_KINDS = ("integer", "decimal", "percent")


@dataclass(frozen=True)
class Column:
    """One column of a table: its French name, its kind (see module doc), its meaning."""

    name: str
    kind: str = "text"
    description: str = ""
    digits: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Table:
    """A table ready to show or export: values, column kinds, and the notes to keep with it."""

    key: str  # file and sheet key: ``departements``
    title: str  # ``Couverture par département``
    sheet: str  # sheet name in XLSX (≤ 31 characters)
    frame: pd.DataFrame  # columns named as in ``columns``, raw values
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)  # rule, data used, view

    @property
    def filename(self) -> str:
        return f"{self.key}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def with_frame(self, frame: pd.DataFrame) -> Table:
        return replace(self, frame=frame)


# ----------------------------------------------------------------------------- helpers


def notes(analysis: Analysis, inputs: Inputs, view_name: str = "") -> tuple[str, ...]:
    """The lines every exported table carries: the view, the rule, the OPSN data used."""
    lines = [f"Vue : {view_name}"] if view_name else []
    return (
        *lines,
        f"Règle : {analysis.figures.counting_rule}",
        f"Données OPSN : {inputs.label}",
    )


def sort_key(values: pd.Series) -> pd.Series:
    """French alphabetical order: case and accents ignored (« Écully » next to « Ecquevilly »)."""
    return values.astype(str).map(
        lambda text: "".join(
            c
            for c in unicodedata.normalize("NFKD", text.casefold())
            if not unicodedata.combining(c)
        )
    )


def names_of(ids: pd.Series, names: dict[str, str], sep: str = ", ") -> pd.Series:
    """``adit63|agate`` → ``ADIT 63, AGATE``: OPSN ids (``|``-joined) to their names.

    Mapped once per distinct value (a few hundred), not per commune.
    """
    unique = pd.unique(ids.fillna("").astype(str).to_numpy())
    lookup = {
        value: sep.join(sorted((names.get(i, i) for i in value.split("|") if i), key=str.casefold))
        for value in unique
    }
    return ids.fillna("").astype(str).map(lookup)


def yes_no(flags: pd.Series | np.ndarray) -> np.ndarray:
    return np.where(np.asarray(flags, dtype=bool), "oui", "non")


def _inside(analysis: Analysis, mask: np.ndarray | None) -> np.ndarray:
    inside = analysis.coverage["dans_territoire"].to_numpy(dtype=bool)
    return inside if mask is None else inside & np.asarray(mask, dtype=bool)


@dataclass(frozen=True)
class Request:
    """What a table's values come from: the data, the options (in ``analysis``) and the view."""

    reference: ReferenceData
    analysis: Analysis
    inputs: Inputs
    mask: np.ndarray | None = None  # the view's communes (``None``: all of France)

    @property
    def inside(self) -> np.ndarray:
        """The view's communes within the territory counted."""
        return _inside(self.analysis, self.mask)

    def __iter__(self) -> Iterator:
        """``reference, analysis, inputs, mask = request``."""
        return iter((self.reference, self.analysis, self.inputs, self.mask))


# ----------------------------------------------------------------------------- coverage by area


def _coverage_by(reference: ReferenceData, analysis: Analysis, key: str, inside: np.ndarray):
    """Coverage figures grouped by a communes column (``region``, ``departement``, ``epci``)."""
    communes = reference.communes
    status = commune_classes(analysis.coverage)[inside]
    population = communes["population"].to_numpy()[inside].astype("int64")
    covered = analysis.coverage["couverte"].to_numpy(dtype=bool)[inside]
    frame = pd.DataFrame(
        {
            "code": communes[key].to_numpy(dtype=object)[inside],
            "communes": 1,
            "population": population,
            "communes_couvertes": covered.astype("int64"),
            "population_couverte": np.where(covered, population, 0),
            "adherente": (status == CoverageClass.ADHERENTE).astype("int64"),
            # One column for the communes only in a perimeter, counted or not: its
            # name says which (« , non comptées » under « adhérentes seulement »).
            "perimetre": np.isin(
                status, [CoverageClass.PERIMETRE, CoverageClass.PERIMETRE_NON_COMPTEE]
            ).astype("int64"),
            "sans_opsn": (status == CoverageClass.SANS_OPSN).astype("int64"),
            "population_sans": np.where(status == CoverageClass.SANS_OPSN, population, 0),
        }
    )
    frame = frame[frame["code"] != ""]
    grouped = frame.groupby("code", sort=True).sum()
    total = grouped["population"].to_numpy()
    share = np.divide(
        grouped["population_couverte"].to_numpy() * 100.0,
        total,
        out=np.zeros(len(total)),
        where=total > 0,
    )
    grouped["part"] = np.round(share, 1)
    return grouped


_COVERAGE_FIELDS = (
    "communes",
    "population",
    "communes_couvertes",
    "population_couverte",
    "part",
    "adherente",
    "perimetre",
    "sans_opsn",
    "population_sans",
)
"""The figures of :func:`_coverage_by`, in the order of :data:`_COVERAGE_COLUMNS`."""


def _area_rows(
    key: str, names: Callable[[ReferenceData, np.ndarray], list]
) -> Callable[[Request], list]:
    """The values of a coverage table by ``key`` (a communes column): each area's code,
    what ``names`` says of the codes, then its figures."""

    def rows(request: Request) -> list:
        grouped = _coverage_by(request.reference, request.analysis, key, request.inside)
        codes = grouped.index.to_numpy()
        figures = [grouped[field].to_numpy() for field in _COVERAGE_FIELDS]
        return [codes, *names(request.reference, codes), *figures]

    return rows


def _region_names(reference: ReferenceData, codes: np.ndarray) -> list:
    return [reference.regions.set_index("code")["nom"].reindex(codes).fillna("").to_numpy()]


def _department_names(reference: ReferenceData, codes: np.ndarray) -> list:
    """Each department's name and its region's."""
    departements = reference.departements.set_index("code")
    regions = reference.regions.set_index("code")["nom"]
    return [
        departements["nom"].reindex(codes).fillna("").to_numpy(),
        departements["region"].reindex(codes).map(regions).fillna("").to_numpy(),
    ]


def _epci_names(reference: ReferenceData, codes: np.ndarray) -> list:
    """Each EPCI's name and its departments (the communes of the view only are counted, for
    an EPCI across a border)."""
    epci = reference.epci.set_index("siren")
    departments = epci["departements"].reindex(codes).fillna("").str.replace(",", ", ")
    return [epci["nom"].reindex(codes).fillna("").to_numpy(), departments.to_numpy()]


# ----------------------------------------------------------------------------- OPSN


def _pairs(ids: pd.Series, population: np.ndarray) -> pd.DataFrame:
    """(opsn, population) for each OPSN id in each commune's ``|``-joined list."""
    frame = pd.DataFrame({"opsn": ids.to_numpy(dtype=object), "population": population})
    frame = frame[frame["opsn"] != ""]
    return frame.assign(opsn=frame["opsn"].str.split("|")).explode("opsn")


def _opsn_rows(request: Request) -> list:
    """Per OPSN: its perimeter and its members among the view's communes.

    France (no ``mask``) lists every OPSN of the registry in use, even with no
    commune (a national OPSN has no perimeter); a territory lists those present.
    Under an OPSN filter, only the chosen OPSN. A partial offer (one service
    only) shows its perimeter and members too, with « Comptée » saying whether
    they make communes covered under these options.
    """
    from geo.core.coverage import counted_members, counted_perimeters, perimeter_pairs
    from geo.core.registry import partial_offer_label, uncounted_opsn

    reference, analysis, inputs, mask = request
    options = analysis.options
    inside = request.inside
    communes = reference.communes.loc[inside, ["insee", "departement", "epci", "population"]]
    population = communes.set_index("insee")["population"].astype("int64")
    registry = inputs.registry.drop_duplicates("id").set_index("id")
    ids = pd.Index(registry.index, name="opsn")
    if options.opsn:
        ids = ids[ids.isin(options.opsn)]
    perimeter = perimeter_pairs(counted_perimeters(inputs.perimeters, options), communes)
    members = counted_members(inputs.memberships, communes, options)
    members = members[members["insee"].isin(population.index)]  # direct members elsewhere
    served = pd.DataFrame(index=ids)
    for label, pairs in ((Rule.PERIMETRE, perimeter), (Rule.ADHESION, members)):
        people = pairs["insee"].map(population).astype("int64")  # every pair is in the view
        grouped = pairs.assign(population=people).groupby("opsn")
        served[f"communes_{label}"] = grouped.size().reindex(ids).fillna(0).astype("int64")
        served[f"population_{label}"] = (
            grouped["population"].sum().reindex(ids).fillna(0).astype("int64")
        )
    via_epci = members[members["via"] == "epci"].groupby("opsn").size()
    served["via_epci"] = via_epci.reindex(ids).fillna(0).astype("int64")
    if mask is not None:
        present = (served["communes_perimetre"] > 0) | (served["communes_adhesion"] > 0)
        served = served[present.to_numpy()]
    short = opsn_names(inputs.registry)
    chosen = registry.loc[served.index]

    def text_column(name: str) -> list[str]:
        if name not in chosen.columns:
            return [""] * len(chosen)
        return ["" if v is None or v is pd.NA else str(v) for v in chosen[name]]

    def offer(kind: str, limited: object) -> str:
        if kind != "partielle":
            return "complète"
        return f"partielle : {partial_offer_label(limited)}" if limited else "partielle"

    limits = (
        chosen["offre_partielle"] if "offre_partielle" in chosen.columns else [""] * len(chosen)
    )
    uncounted = uncounted_opsn(inputs.registry, options.count_partial_offers, options.opsn)
    perimeters = inputs.perimeters.groupby("opsn")["departement"].agg(
        lambda d: ", ".join(sorted(set(d)))
    )
    rows = {
        "opsn": [short.get(i, i) for i in served.index],
        "nom": text_column("nom"),
        "portee": [SCOPE_LABELS.get(x, x) for x in text_column("portee")],
        "offre": [offer(k, v) for k, v in zip(text_column("offre"), limits, strict=True)],
        "comptee": yes_no([i not in uncounted for i in served.index]),
        "departements": perimeters.reindex(served.index).fillna("").to_numpy(),
        "communes_perimetre": served["communes_perimetre"].to_numpy(),
        "population_perimetre": served["population_perimetre"].to_numpy(),
        "communes_adhesion": served["communes_adhesion"].to_numpy(),
        "via_epci": served["via_epci"].to_numpy(),
        "population_adhesion": served["population_adhesion"].to_numpy(),
        "id": served.index.to_numpy(dtype=object),
    }
    return list(rows.values())


def _bordering_rows(request: Request) -> list:
    """OPSN serving the communes just outside the view (sharing a border with it).

    The planner's question « which OPSN is next door? »: for each OPSN, the
    bordering communes it serves (in its perimeter or members), and whether it
    already serves communes of the view.
    """
    reference, analysis, inputs, _ = request
    mask = np.asarray(request.mask, dtype=bool)
    a, b = reference.neighbour_positions  # computed once per reference
    crossing = mask[a] != mask[b]
    outside = np.unique(np.where(mask[a], b, a)[crossing])
    inside_territory = analysis.coverage["dans_territoire"].to_numpy(dtype=bool)
    outside = outside[inside_territory[outside]]
    coverage = analysis.coverage
    population = reference.communes["population"].to_numpy().astype("int64")
    served = pd.concat(
        [
            _pairs(coverage["opsn_perimetre"].iloc[outside], population[outside]).assign(
                member=False
            ),
            _pairs(coverage["opsn_adhesion"].iloc[outside], population[outside]).assign(
                member=True
            ),
        ]
    )
    served["commune"] = served.index
    ids = pd.Index(sorted(set(served["opsn"])), name="opsn")
    if analysis.options.opsn:
        ids = ids[ids.isin(analysis.options.opsn)]
    per_commune = served.groupby(["opsn", "commune"]).agg(
        population=("population", "first"), member=("member", "max")
    )
    grouped = per_commune.groupby(level="opsn")
    present = set()
    for column in ("opsn_perimetre", "opsn_adhesion"):
        values = coverage.loc[mask & inside_territory, column]
        present |= set(values[values != ""].str.split("|").explode())
    names = opsn_names(inputs.registry)
    counts = grouped.size().reindex(ids).fillna(0).astype("int64")
    members = grouped["member"].sum().reindex(ids).fillna(0).astype("int64")
    people = grouped["population"].sum().reindex(ids).fillna(0).astype("int64")
    rows = [
        [names.get(i, i) for i in ids],
        counts.to_numpy(),
        members.to_numpy(),
        people.to_numpy(),
        yes_no([i in present for i in ids]),
        ids.to_numpy(dtype=object),
    ]
    return rows


# ----------------------------------------------------------------------------- communes


def zone_names(analysis: Analysis, index: pd.Index) -> pd.Series:
    """Name of the territory without OPSN of each commune (by INSEE code), ``""`` if none."""
    zones = analysis.zones
    if zones.empty:
        return pd.Series("", index=index, dtype=object)
    exploded = zones[["nom", "insee"]].assign(insee=zones["insee"].str.split("|")).explode("insee")
    lookup = exploded.drop_duplicates("insee").set_index("insee")["nom"]
    return lookup.reindex(index).fillna("").astype(object)


def _commune_rows(request: Request) -> list:
    """One row per commune of the view, by INSEE code, with its coverage and OPSN by name."""
    reference, analysis, inputs, _ = request
    inside = request.inside
    communes = reference.communes[inside]
    coverage = analysis.coverage[inside]
    names = opsn_names(inputs.registry)
    epci = reference.epci.set_index("siren")["nom"]
    filtered = bool(analysis.options.opsn)
    labels = {kind.value: kind.label(filtered) for kind in CoverageClass}
    codes = pd.Index(communes["insee"].to_numpy(dtype=object))
    rows = {
        "insee": codes.to_numpy(),
        "nom": communes["nom"].to_numpy(dtype=object),
        "departement": communes["departement"].to_numpy(dtype=object),
        "epci": communes["epci"].map(epci).fillna("").to_numpy(dtype=object),
        "population": communes["population"].to_numpy().astype("int64"),
        "statut": pd.Series(commune_classes(coverage)).map(labels).to_numpy(dtype=object),
        "couverte": yes_no(coverage["couverte"]),
        Rule.ADHESION.value: names_of(coverage["opsn_adhesion"], names).to_numpy(dtype=object),
        "via_epci": yes_no(coverage["adhesion_via_epci"]),
        "perimetre": names_of(coverage["opsn_perimetre"], names).to_numpy(dtype=object),
        "n_opsn": coverage["n_opsn"].to_numpy().astype("int64"),
        "zone": zone_names(analysis, codes).to_numpy(dtype=object),
    }
    return list(rows.values())


def _without_opsn_rows(request: Request) -> list:
    """The communes of the view with no OPSN (status ``sans_opsn``)."""
    without = (request.analysis.coverage["statut"] == "sans_opsn").to_numpy()
    chosen = without if request.mask is None else without & np.asarray(request.mask, dtype=bool)
    return _commune_rows(replace(request, mask=chosen))


# ----------------------------------------------------------------------------- territories


def _territory_rows(request: Request) -> list:
    """Territories without OPSN, by population; with ``mask``, those touching the view."""
    reference, analysis, inputs, mask = request
    zones = analysis.zones
    if analysis.options.territory == "metropole" and not zones.empty:
        zones = zones[~zones["outre_mer"].astype(bool)]
    if mask is not None and not zones.empty:
        codes = set(reference.communes.loc[np.asarray(mask, dtype=bool), "insee"])
        touching = zones["insee"].str.split("|").map(lambda c: not codes.isdisjoint(c))
        zones = zones[touching.to_numpy(dtype=bool)]
    names = opsn_names(inputs.registry)
    rows = {
        "rang": zones["rang"].to_numpy().astype("int64"),
        "nom": zones["nom"].to_numpy(dtype=object),
        "id": zones["id"].to_numpy(dtype=object),
        "communes": zones["communes"].to_numpy().astype("int64"),
        "population": zones["population"].to_numpy().astype("int64"),
        "superficie": zones["superficie_km2"].to_numpy().astype(float),
        "departements": zones["departements"].astype(str).str.replace(",", ", ").to_numpy(),
        "outre_mer": yes_no(zones["outre_mer"].astype(bool)),
        "ile": yes_no(zones["ile"].astype(bool) if "ile" in zones else np.zeros(len(zones))),
        "voisins_perimetre": names_of(zones["opsn_voisins_perimetre"], names).to_numpy(),
        "voisins_adhesion": names_of(zones["opsn_voisins_adhesion"], names).to_numpy(),
        "distance": zones["distance_km"].to_numpy().astype(float),
    }
    return list(rows.values())


# ----------------------------------------------------------------------------- the tables

_WITHOUT = "{sans}"  # replaced by « sans OPSN » or « hors des OPSN choisis »
_NOT_COUNTED = "{non_comptees}"  # « , non comptées » under « adhérentes seulement »


@dataclass(frozen=True)
class Order:
    """How a table's rows are sorted once built: by ``columns`` (descending where
    ``ascending`` says so), or with ``folded`` in French alphabetical order of one column."""

    columns: tuple[str, ...]
    ascending: tuple[bool, ...] = (True,)
    folded: bool = False

    def sort(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.folded:
            order = sort_key(frame[self.columns[0]]).sort_values(kind="stable").index
            return frame.loc[order].reset_index(drop=True)
        ascending = list(self.ascending)
        return frame.sort_values(
            list(self.columns), ascending=ascending, kind="stable"
        ).reset_index(drop=True)


@dataclass(frozen=True)
class TableSpec:
    """One table, described: its words, its columns (name, kind, meaning), where their
    values come from and how its rows are sorted.

    ``source`` gives the values of the columns, in their order, for a :class:`Request`;
    ``needs_view``: a table about a territory's surroundings, which France has not.
    """

    key: str  # file and sheet key: ``departements``
    title: str  # « {sans} » becomes « sans OPSN » or « hors des OPSN choisis »
    sheet: str  # sheet name in XLSX (cut to 31 characters)
    columns: tuple[Column, ...]
    source: Callable[[Request], list]
    order: Order | None = None
    needs_view: bool = False


_COVERAGE_COLUMNS = (
    Column("Communes", "integer", "nombre de communes"),
    Column("Population", "integer", "population municipale"),
    Column("Communes couvertes", "integer", "communes couvertes selon la règle de comptage"),
    Column("Population couverte", "integer", "population des communes couvertes"),
    Column(
        "Part couverte (%)",
        "percent",
        "part de la population couverte, en pourcentage, selon la règle de comptage",
        1,
    ),
    Column("Communes adhérentes", "integer", "communes adhérentes à un OPSN"),
    Column(
        "Communes dans un périmètre{non_comptees}",
        "integer",
        "communes non adhérentes situées dans le périmètre d'un OPSN (« non comptées » : "
        "avec la règle « adhérentes seulement », elles ne sont pas couvertes)",
    ),
    Column(f"Communes {_WITHOUT}", "integer", "communes ni adhérentes ni dans un périmètre"),
    Column(f"Population {_WITHOUT}", "integer", "population de ces communes"),
)

_COMMUNE_COLUMNS = (
    Column("Code INSEE", "code", "code officiel de la commune"),
    Column("Commune", "text", "nom de la commune"),
    Column("Département", "code", "code du département"),
    Column("EPCI", "text", "nom de son EPCI à fiscalité propre (vide s'il n'y en a pas)"),
    Column("Population", "integer", "population municipale"),
    Column(
        "Statut",
        "text",
        "adhérente, dans un périmètre (comptée ou non selon la règle), ou sans OPSN",
    ),
    Column("Couverte", "text", "« oui » si la commune est couverte selon la règle"),
    Column("Adhérente à", "text", "OPSN dont elle est membre, par leur nom"),
    Column("Par son EPCI", "text", "« oui » si elle n'est membre que par son EPCI"),
    Column("Dans le périmètre de", "text", "OPSN dont le périmètre l'inclut, par leur nom"),
    Column("Nombre d'OPSN", "integer", "OPSN qui la servent selon la règle"),
    Column(f"Territoire {_WITHOUT}", "text", "territoire dont elle fait partie, s'il y a lieu"),
)

_SPECS = (
    TableSpec(
        key="regions",
        title="Couverture par région",
        sheet="Régions",
        columns=(
            Column("Code", "code", "code INSEE de la région"),
            Column("Nom", "text", "nom de la région"),
            *_COVERAGE_COLUMNS,
        ),
        source=_area_rows("region", _region_names),
    ),
    TableSpec(
        key="departements",
        title="Couverture par département",
        sheet="Départements",
        columns=(
            Column("Code", "code", "code du département (`01`, `2A`, `974`)"),
            Column("Nom", "text", "nom du département"),
            Column("Région", "text", "nom de sa région"),
            *_COVERAGE_COLUMNS,
        ),
        source=_area_rows("departement", _department_names),
    ),
    TableSpec(
        key="epci",
        title="Couverture par EPCI",
        sheet="EPCI",
        columns=(
            Column("SIREN", "code", "SIREN de l'EPCI à fiscalité propre"),
            Column("Nom", "text", "nom de l'EPCI"),
            Column("Départements", "code", "codes des départements de ses communes"),
            *_COVERAGE_COLUMNS,
        ),
        source=_area_rows("epci", _epci_names),
        order=Order(("Nom",), folded=True),
    ),
    TableSpec(
        key="opsn",
        title="OPSN : périmètres et adhésions",
        sheet="OPSN",
        columns=(
            Column("OPSN", "text", "nom usuel (sigle s'il y en a un)"),
            Column("Nom complet", "text", "dénomination complète"),
            Column("Portée", "text", "locale, départementale, régionale ou nationale"),
            Column(
                "Offre",
                "text",
                "complète, ou partielle et limitée à un service (commande publique, DPO, SIG…)",
            ),
            Column(
                "Comptée",
                "text",
                "« oui » si ses périmètre et adhésions comptent dans la couverture avec ces options",
            ),
            Column(
                "Départements du périmètre", "code", "départements où l'OPSN propose ses services"
            ),
            Column("Communes dans le périmètre", "integer", "communes de ces départements"),
            Column("Population du périmètre", "integer", "population municipale de ces communes"),
            Column(
                "Communes adhérentes", "integer", "communes adhérentes (directement ou par l'EPCI)"
            ),
            Column("dont par leur EPCI", "integer", "communes membres seulement par leur EPCI"),
            Column(
                "Population adhérente", "integer", "population municipale des communes adhérentes"
            ),
            Column("Identifiant", "code", "identifiant du registre (option --filter)"),
        ),
        source=_opsn_rows,
        order=Order(("OPSN",), folded=True),
    ),
    TableSpec(
        key="voisins",
        title="OPSN voisins",
        sheet="OPSN voisins",
        columns=(
            Column("OPSN", "text", "nom usuel de l'OPSN"),
            Column(
                "Communes voisines servies",
                "integer",
                "communes hors du territoire, qui le bordent, dans son périmètre ou adhérentes",
            ),
            Column("dont adhérentes", "integer", "parmi elles, communes adhérentes à cet OPSN"),
            Column("Population voisine servie", "integer", "population de ces communes voisines"),
            Column("Déjà présent", "text", "« oui » s'il sert déjà des communes du territoire"),
            Column("Identifiant", "code", "identifiant du registre"),
        ),
        source=_bordering_rows,
        order=Order(("Communes voisines servies", "OPSN"), (False, True)),
        needs_view=True,
    ),
    TableSpec(
        key="communes",
        title="Communes et OPSN",
        sheet="Communes",
        columns=_COMMUNE_COLUMNS,
        source=_commune_rows,
    ),
    TableSpec(
        key="sans_opsn",
        title="Communes {sans}, par population",
        sheet="Communes {sans}",
        columns=_COMMUNE_COLUMNS,  # the communes table's, for the communes without OPSN
        source=_without_opsn_rows,
        order=Order(("Population", "Code INSEE"), (False, True)),
    ),
    TableSpec(
        key="territoires",
        title="Territoires {sans}",
        sheet="Territoires {sans}",
        columns=(
            Column("Rang", "integer", "rang par population décroissante"),
            Column("Territoire", "text", "nom du territoire (communes contiguës)"),
            Column("Identifiant", "code", "`Z` + code INSEE de sa commune la plus peuplée"),
            Column("Communes", "integer", "nombre de communes"),
            Column("Population", "integer", "population municipale"),
            Column("Superficie (km²)", "decimal", "superficie", 1),
            Column("Départements", "code", "codes des départements touchés"),
            Column("Outre-mer", "text", "« oui » pour un territoire d'outre-mer"),
            Column(
                "Île",
                "text",
                "« oui » pour un territoire fait d'îles seulement (Corse, La Réunion, Guadeloupe…)",
            ),
            Column("OPSN voisins (périmètre)", "text", "OPSN dont le périmètre le borde"),
            Column(
                "OPSN voisins (adhérents)", "text", "OPSN dont des communes adhérentes le bordent"
            ),
            Column(
                "Distance à une commune servie (km)",
                "decimal",
                "0 s'il touche une commune servie ; vide s'il n'y en a aucune sur son île",
                1,
            ),
        ),
        source=_territory_rows,
    ),
)
TABLES: dict[str, TableSpec] = {spec.key: spec for spec in _SPECS}
"""Every table, by key, in the order of ``docs/tableaux.md``."""

COLUMNS: dict[str, tuple[Column, ...]] = {key: spec.columns for key, spec in TABLES.items()}
"""Column contract of every table, in order (``{sans}`` = « sans OPSN »)."""

TITLES = {key: (spec.title, spec.sheet) for key, spec in TABLES.items()}
"""Title and sheet name of each table."""


def column_name(template: str, without: str, counted: bool = True) -> str:
    """A column name under the options: « sans OPSN » or « hors des OPSN choisis », and
    whether communes only in a perimeter are counted."""
    return template.replace(_WITHOUT, without).replace(
        _NOT_COUNTED, "" if counted else ", non comptées"
    )


def _titles(key: str, without: str) -> tuple[str, str]:
    """Title and sheet name (≤ 31 characters) of table ``key`` under the OPSN filter's words."""
    title, sheet = (text.replace(_WITHOUT, without) for text in TITLES[key])
    return title, sheet[:31]


def build(
    key: str,
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    mask: np.ndarray | None = None,
    view_name: str = "",
) -> Table:
    """The table ``key`` (a key of :data:`TABLES`) for the communes in ``mask`` (all if None)."""
    spec = TABLES.get(key)
    if spec is None:
        raise ValueError(f"tableau inconnu « {key} » : {', '.join(TABLES)}")
    if spec.needs_view and mask is None:
        raise ValueError(f"tableau « {key} » : {spec.title} d'un territoire, pas de la France")
    values = spec.source(Request(reference, analysis, inputs, mask))
    without = without_label(analysis.options.opsn)
    counted = analysis.options.rule.counts_perimeters
    columns = tuple(replace(c, name=column_name(c.name, without, counted)) for c in spec.columns)
    frame = pd.DataFrame(dict(zip([c.name for c in columns], values, strict=True)))
    frame = frame.reset_index(drop=True) if spec.order is None else spec.order.sort(frame)
    title, sheet = _titles(key, without)
    return Table(key, title, sheet, frame, columns, notes(analysis, inputs, view_name))


def _builder(key: str) -> Callable[..., Table]:
    def table(
        reference: ReferenceData,
        analysis: Analysis,
        inputs: Inputs,
        mask: np.ndarray | None = None,
        view_name: str = "",
    ) -> Table:
        return build(key, reference, analysis, inputs, mask, view_name)

    table.__doc__ = f"The table « {key} » (:func:`build`)."
    return table


BUILDERS = {key: _builder(key) for key in TABLES}
"""Table key → builder ``(reference, analysis, inputs, mask, view_name) -> Table``."""
regions_table = BUILDERS["regions"]
departements_table = BUILDERS["departements"]
epci_table = BUILDERS["epci"]
opsn_table = BUILDERS["opsn"]
bordering_opsn_table = BUILDERS["voisins"]
communes_table = BUILDERS["communes"]
communes_without_opsn = BUILDERS["sans_opsn"]
territories_table = BUILDERS["territoires"]


# ----------------------------------------------------------------------------- tables of a view


@dataclass(frozen=True)
class ViewTable:
    """A table of a view and where it goes: its tab under the map (``tab``, empty: none),
    a sheet of the view's workbook (``python -m geo export tables``, the « Exporter »
    menu), a table written with the view in the static atlas, the table of a CSV
    export that names none."""

    key: str  # a key of :data:`TABLES`
    tab: str = ""  # « {sans} » becomes « sans OPSN » or « hors des OPSN choisis »
    workbook: bool = True
    atlas: bool = True
    csv: bool = False


_SANS = "Territoires {sans}"
VIEW_TABLES: dict[str, tuple[ViewTable, ...]] = {
    Level.FRANCE: (
        ViewTable("regions", "Régions"),
        ViewTable("departements", "Départements", csv=True),
        ViewTable("epci", atlas=False),
        ViewTable("opsn", "OPSN"),
        ViewTable("communes", atlas=False),
        ViewTable("territoires", _SANS),
    ),
    Level.REGION: (
        ViewTable("departements", "Départements", csv=True),
        ViewTable("epci", "EPCI"),
        ViewTable("sans_opsn", "Communes {sans}", workbook=False, atlas=False),
        ViewTable("opsn", "OPSN présents"),
        ViewTable("voisins"),
        ViewTable("communes", atlas=False),
        ViewTable("territoires", _SANS),
    ),
    Level.DEPARTEMENT: (
        ViewTable("epci", "EPCI"),
        ViewTable("opsn", "OPSN présents"),
        ViewTable("voisins", "OPSN voisins"),
        ViewTable("communes", "Communes", atlas=False, csv=True),
        ViewTable("territoires", _SANS),
    ),
    Level.EPCI: (  # the atlas's EPCI views carry no tables: their communes are in the shards
        ViewTable("opsn", "OPSN présents", atlas=False),
        ViewTable("voisins", "OPSN voisins", atlas=False),
        ViewTable("communes", "Communes", atlas=False, csv=True),
        ViewTable("territoires", _SANS, atlas=False),
    ),
    Level.COMMUNE: (
        ViewTable("communes", "Commune", atlas=False, csv=True),
        ViewTable("voisins", "OPSN voisins", atlas=False),
    ),
    Level.TERRITOIRE: (
        ViewTable("opsn"),
        ViewTable("voisins", "OPSN voisins"),
        ViewTable("communes", "Communes", atlas=False, csv=True),
        ViewTable("territoires"),
    ),
}
"""The tables of a view, by level, in the workbook's order, each counted on the view's
communes only (its mask). France keeps the national tables; a region lists its own
departments, EPCI and OPSN present, a department its communes. The communes never go
with an atlas view: they come from the commune shards, one per department. Under the
map, a view's own communes come first (:func:`view_tables`)."""

TABLES_BY_LEVEL = {
    level: tuple(t.key for t in entries if t.workbook) for level, entries in VIEW_TABLES.items()
}
"""The workbook's tables of a view, by level."""


def view_tables(level: str, opsn_filter: tuple[str, ...] | list[str] = ()) -> list[ViewTable]:
    """The tables under the map for a view of ``level``, the view's own communes first,
    their tabs worded for the OPSN filter."""
    without = without_label(opsn_filter)
    shown = [t for t in VIEW_TABLES[str(level)] if t.tab]
    shown.sort(key=lambda t: t.key != "communes")  # stable: the others keep their order
    return [replace(t, tab=t.tab.replace(_WITHOUT, without)) for t in shown]


def tables_words(tables: list[ViewTable]) -> str:
    """« départements, EPCI, communes sans OPSN, OPSN présents »: the tabs in a sentence."""
    return ", ".join(
        t.tab if t.tab[:2].isupper() else t.tab[:1].lower() + t.tab[1:] for t in tables
    )


def atlas_tables(level: str) -> tuple[str, ...]:
    """The tables the static atlas writes with a view of ``level``."""
    return tuple(t.key for t in VIEW_TABLES.get(str(level), ()) if t.atlas)


def csv_table(level: str) -> str:
    """The table a CSV export of a view of ``level`` writes when none is named: the level
    just below the view."""
    return next(t.key for t in VIEW_TABLES[str(level)] if t.csv)


# ----------------------------------------------------------------------------- documentation

KIND_LABELS = {
    "code": "code (texte)",
    "text": "texte",
    "integer": "entier",
    "decimal": "décimal",
    "percent": "pourcentage",
}


def contract_markdown() -> str:
    """``docs/tableaux.md``: the column contract of every table, in French.

    Regenerate with ``python -m geo.explore.tables > docs/tableaux.md``; a test checks
    that the page and :data:`COLUMNS` agree.
    """
    lines = [
        "# Tableaux exportés : colonnes",
        "",
        "Page générée par `python -m geo.explore.tables > docs/tableaux.md` depuis `geo/explore/tables.py` "
        "(un test vérifie qu'elle est à jour). Les mêmes tableaux sont affichés dans "
        "l'application (section « Tableaux ») et écrits par "
        "`python -m geo export tables --out FICHIER.xlsx|.csv`.",
        "",
        "- **CSV** : séparateur `;`, UTF-8 avec BOM, virgule décimale, nombres sans séparateur "
        "de milliers ; sous le tableau, après une ligne vide : la vue, la règle de comptage, "
        "les données OPSN utilisées et les sources.",
        "- **XLSX** : une feuille par tableau (en-tête figé, filtre), formats français "
        "(`12 345`, `57,3 %`), et une feuille « Sources et règle ».",
        "- Les OPSN sont nommés par leur sigle (ou leur nom), jamais par leur identifiant ; "
        "les booléens valent `oui` ou `non`.",
        "- Les parts sont des pourcentages (`57,3`, une décimale) de la population municipale, "
        "selon la règle de comptage écrite avec le tableau.",
        "- Une cellule de texte qui commencerait par `=`, `+`, `-`, `@`, une tabulation ou un "
        "retour chariot est précédée d'une apostrophe (règle OWASP contre l'injection de "
        "formules).",
        "- Avec un filtre d'OPSN, « sans OPSN » devient « hors des OPSN choisis » dans les noms "
        "de colonnes.",
        "",
    ]
    for key, columns in COLUMNS.items():
        if key == "sans_opsn":  # the columns of « communes »
            lines += [
                "## Communes sans OPSN (`sans_opsn`, feuille « Communes sans OPSN »)",
                "",
                "Les colonnes du tableau `communes`, pour les seules communes sans OPSN, "
                "par population décroissante.",
                "",
            ]
            continue
        title, sheet = (t.replace(_WITHOUT, "sans OPSN") for t in TITLES[key])
        lines += [
            f"## {title} (`{key}`, feuille « {sheet} »)",
            "",
            "| colonne | type | contenu |",
            "| --- | --- | --- |",
        ]
        for column in columns:
            name = column_name(column.name, "sans OPSN")
            lines.append(f"| {name} | {KIND_LABELS[column.kind]} | {column.description} |")
        lines.append("")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- display


def format_value(value: object, column: Column) -> str:
    """A cell as the app and the reports print it (``12 345``, ``57,3 %``, ``3,4``)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if column.kind == "integer":
        return fmt.integer(value)
    if column.kind == "decimal":
        return fmt.decimal(value, column.digits)
    if column.kind == "percent":
        return fmt.percent(value / 100.0, column.digits)
    return str(value)


def display_frame(table: Table) -> pd.DataFrame:
    """The table with every cell as French text (reports, plain displays; sorts as text)."""
    return pd.DataFrame(
        {c.name: [format_value(v, c) for v in table.frame[c.name]] for c in table.columns}
    )


def styled(table: Table):
    """A pandas ``Styler`` showing French numbers while keeping the values numeric.

    What the app passes to ``st.dataframe``: sorting a column sorts the numbers,
    the cells read ``12 345`` and ``57,3 %`` whatever the browser's language.
    """
    formatters = {
        c.name: (lambda v, c=c: format_value(v, c))
        for c in table.columns
        if c.kind in NUMERIC_KINDS
    }
    return table.frame.style.format(formatters, na_rep="")


def filter_rows(table: Table, query: str) -> Table:
    """Rows where any cell contains ``query`` (case and accents ignored), as typed in the app."""
    words = query.strip()
    if not words:
        return table
    folded = sort_key(pd.Series([words])).iloc[0]
    text = table.frame.astype(str).agg(" ".join, axis=1)
    hit = sort_key(text).str.contains(folded, regex=False)
    return table.with_frame(table.frame[hit.to_numpy()].reset_index(drop=True))


if __name__ == "__main__":
    print(contract_markdown())
