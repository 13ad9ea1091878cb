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
accents ignored). The column contract of every table (names, kinds,
meanings) is :data:`COLUMNS`, printed in ``docs/tableaux.md`` (a test keeps the
two equal). Under an OPSN filter the words « sans OPSN » become « hors des OPSN
choisis » in the column names, as everywhere else.
"""

from __future__ import annotations

import unicodedata
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


# ----------------------------------------------------------------------------- the contract

_WITHOUT = "{sans}"  # replaced by « sans OPSN » or « hors des OPSN choisis »
_NOT_COUNTED = "{non_comptees}"  # « , non comptées » under « adhérentes seulement »

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

COLUMNS: dict[str, tuple[Column, ...]] = {
    "regions": (
        Column("Code", "code", "code INSEE de la région"),
        Column("Nom", "text", "nom de la région"),
        *_COVERAGE_COLUMNS,
    ),
    "departements": (
        Column("Code", "code", "code du département (`01`, `2A`, `974`)"),
        Column("Nom", "text", "nom du département"),
        Column("Région", "text", "nom de sa région"),
        *_COVERAGE_COLUMNS,
    ),
    "epci": (
        Column("SIREN", "code", "SIREN de l'EPCI à fiscalité propre"),
        Column("Nom", "text", "nom de l'EPCI"),
        Column("Départements", "code", "codes des départements de ses communes"),
        *_COVERAGE_COLUMNS,
    ),
    "opsn": (
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
        Column("Départements du périmètre", "code", "départements où l'OPSN propose ses services"),
        Column("Communes dans le périmètre", "integer", "communes de ces départements"),
        Column("Population du périmètre", "integer", "population municipale de ces communes"),
        Column("Communes adhérentes", "integer", "communes adhérentes (directement ou par l'EPCI)"),
        Column("dont par leur EPCI", "integer", "communes membres seulement par leur EPCI"),
        Column("Population adhérente", "integer", "population municipale des communes adhérentes"),
        Column("Identifiant", "code", "identifiant du registre (option --filter)"),
    ),
    "voisins": (
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
    "communes": (
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
    ),
    "sans_opsn": (),  # the columns of « communes » (below)
    "territoires": (
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
        Column("OPSN voisins (adhérents)", "text", "OPSN dont des communes adhérentes le bordent"),
        Column(
            "Distance à une commune servie (km)",
            "decimal",
            "0 s'il touche une commune servie ; vide s'il n'y en a aucune sur son île",
            1,
        ),
    ),
}
COLUMNS["sans_opsn"] = COLUMNS["communes"]
"""Column contract of every table, in order (``{sans}`` = « sans OPSN »)."""

TITLES = {
    "regions": ("Couverture par région", "Régions"),
    "departements": ("Couverture par département", "Départements"),
    "epci": ("Couverture par EPCI", "EPCI"),
    "opsn": ("OPSN : périmètres et adhésions", "OPSN"),
    "voisins": ("OPSN voisins", "OPSN voisins"),
    "communes": ("Communes et OPSN", "Communes"),
    "sans_opsn": ("Communes {sans}, par population", "Communes {sans}"),
    "territoires": ("Territoires {sans}", "Territoires {sans}"),
}
"""Title and sheet name of each table."""


def column_name(template: str, without: str, counted: bool = True) -> str:
    """A column name under the options: « sans OPSN » or « hors des OPSN choisis », and
    whether communes only in a perimeter are counted."""
    return template.replace(_WITHOUT, without).replace(
        _NOT_COUNTED, "" if counted else ", non comptées"
    )


def _columns(key: str, without: str, counted: bool = True) -> tuple[Column, ...]:
    return tuple(replace(c, name=column_name(c.name, without, counted)) for c in COLUMNS[key])


def _table(key: str, values: list, analysis: Analysis, notes: tuple[str, ...]) -> Table:
    """A :class:`Table` from its column values, given in the order of :data:`COLUMNS`."""
    without = without_label(analysis.options.opsn)
    columns = _columns(key, without, analysis.options.rule.counts_perimeters)
    frame = pd.DataFrame(dict(zip([c.name for c in columns], values, strict=True)))
    title, sheet = _titles(key, without)
    return Table(key, title, sheet, frame.reset_index(drop=True), columns, notes)


def _titles(key: str, without: str) -> tuple[str, str]:
    """Title and sheet name (≤ 31 characters) of table ``key`` under the OPSN filter's words."""
    title, sheet = (text.replace(_WITHOUT, without) for text in TITLES[key])
    return title, sheet[:31]


# ----------------------------------------------------------------------------- helpers


def notes(analysis: Analysis, inputs: Inputs, view_name: str = "") -> tuple[str, ...]:
    """The lines every exported table carries: the view, the rule, the OPSN data used."""
    lines = [f"Vue : {view_name}"] if view_name else []
    return (
        *lines,
        f"Règle : {analysis.figures['counting_rule']}",
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


def _coverage_values(grouped: pd.DataFrame) -> list:
    return [
        grouped["communes"].to_numpy(),
        grouped["population"].to_numpy(),
        grouped["communes_couvertes"].to_numpy(),
        grouped["population_couverte"].to_numpy(),
        grouped["part"].to_numpy(),
        grouped["adherente"].to_numpy(),
        grouped["perimetre"].to_numpy(),
        grouped["sans_opsn"].to_numpy(),
        grouped["population_sans"].to_numpy(),
    ]


def regions_table(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    mask: np.ndarray | None = None,
    view_name: str = "",
) -> Table:
    """Coverage per region (regions with at least one commune in ``mask``)."""
    grouped = _coverage_by(reference, analysis, "region", _inside(analysis, mask))
    names = reference.regions.set_index("code")["nom"]
    codes = grouped.index.to_numpy()
    rows = {"code": codes, "nom": names.reindex(codes).fillna("").to_numpy()}
    values = [*rows.values(), *_coverage_values(grouped)]
    return _table("regions", values, analysis, notes(analysis, inputs, view_name))


def departements_table(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    mask: np.ndarray | None = None,
    view_name: str = "",
) -> Table:
    """Coverage per department, with its region's name."""
    grouped = _coverage_by(reference, analysis, "departement", _inside(analysis, mask))
    departements = reference.departements.set_index("code")
    regions = reference.regions.set_index("code")["nom"]
    codes = grouped.index.to_numpy()
    rows = {
        "code": codes,
        "nom": departements["nom"].reindex(codes).fillna("").to_numpy(),
        "region": departements["region"].reindex(codes).map(regions).fillna("").to_numpy(),
    }
    values = [*rows.values(), *_coverage_values(grouped)]
    return _table("departements", values, analysis, notes(analysis, inputs, view_name))


def epci_table(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    mask: np.ndarray | None = None,
    view_name: str = "",
) -> Table:
    """Coverage per EPCI (the communes of the view only, for an EPCI across a border)."""
    grouped = _coverage_by(reference, analysis, "epci", _inside(analysis, mask))
    epci = reference.epci.set_index("siren")
    codes = grouped.index.to_numpy()
    departments = epci["departements"].reindex(codes).fillna("").str.replace(",", ", ")
    rows = {
        "siren": codes,
        "nom": epci["nom"].reindex(codes).fillna("").to_numpy(),
        "departements": departments.to_numpy(),
    }
    values = [*rows.values(), *_coverage_values(grouped)]
    table = _table("epci", values, analysis, notes(analysis, inputs, view_name))
    order = sort_key(table.frame["Nom"]).sort_values(kind="stable").index
    return table.with_frame(table.frame.loc[order].reset_index(drop=True))


# ----------------------------------------------------------------------------- OPSN


def _pairs(ids: pd.Series, population: np.ndarray) -> pd.DataFrame:
    """(opsn, population) for each OPSN id in each commune's ``|``-joined list."""
    frame = pd.DataFrame({"opsn": ids.to_numpy(dtype=object), "population": population})
    frame = frame[frame["opsn"] != ""]
    return frame.assign(opsn=frame["opsn"].str.split("|")).explode("opsn")


def opsn_table(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    mask: np.ndarray | None = None,
    view_name: str = "",
) -> Table:
    """Per OPSN: its perimeter and its members among the view's communes.

    France (no ``mask``) lists every OPSN of the registry in use, even with no
    commune (a national OPSN has no perimeter); a territory lists those present.
    Under an OPSN filter, only the chosen OPSN. A partial offer (one service
    only) shows its perimeter and members too, with « Comptée » saying whether
    they make communes covered under these options.
    """
    from geo.core.coverage import counted_members, counted_perimeters, perimeter_pairs
    from geo.core.registry import partial_offer_label, uncounted_opsn

    options = analysis.options
    inside = _inside(analysis, mask)
    communes = reference.communes.loc[inside, ["insee", "departement", "epci", "population"]]
    population = communes.set_index("insee")["population"].astype("int64")
    registry = inputs.registry.drop_duplicates("id").set_index("id")
    ids = pd.Index(registry.index, name="opsn")
    if options.opsn:
        ids = ids[ids.isin(options.opsn)]
    perimeter = perimeter_pairs(counted_perimeters(inputs.perimeters, options), communes)
    members = counted_members(inputs.memberships, communes, options)
    members = members[members["insee"].isin(population.index)]  # direct members elsewhere
    figures = pd.DataFrame(index=ids)
    for label, pairs in ((Rule.PERIMETRE, perimeter), (Rule.ADHESION, members)):
        people = pairs["insee"].map(population).astype("int64")  # every pair is in the view
        grouped = pairs.assign(population=people).groupby("opsn")
        figures[f"communes_{label}"] = grouped.size().reindex(ids).fillna(0).astype("int64")
        figures[f"population_{label}"] = (
            grouped["population"].sum().reindex(ids).fillna(0).astype("int64")
        )
    via_epci = members[members["via"] == "epci"].groupby("opsn").size()
    figures["via_epci"] = via_epci.reindex(ids).fillna(0).astype("int64")
    if mask is not None:
        present = (figures["communes_perimetre"] > 0) | (figures["communes_adhesion"] > 0)
        figures = figures[present.to_numpy()]
    short = opsn_names(inputs.registry)
    chosen = registry.loc[figures.index]

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
        "opsn": [short.get(i, i) for i in figures.index],
        "nom": text_column("nom"),
        "portee": [SCOPE_LABELS.get(x, x) for x in text_column("portee")],
        "offre": [offer(k, v) for k, v in zip(text_column("offre"), limits, strict=True)],
        "comptee": yes_no([i not in uncounted for i in figures.index]),
        "departements": perimeters.reindex(figures.index).fillna("").to_numpy(),
        "communes_perimetre": figures["communes_perimetre"].to_numpy(),
        "population_perimetre": figures["population_perimetre"].to_numpy(),
        "communes_adhesion": figures["communes_adhesion"].to_numpy(),
        "via_epci": figures["via_epci"].to_numpy(),
        "population_adhesion": figures["population_adhesion"].to_numpy(),
        "id": figures.index.to_numpy(dtype=object),
    }
    table = _table("opsn", list(rows.values()), analysis, notes(analysis, inputs, view_name))
    order = sort_key(table.frame["OPSN"]).sort_values(kind="stable").index
    return table.with_frame(table.frame.loc[order].reset_index(drop=True))


def bordering_opsn_table(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    mask: np.ndarray | None,
    view_name: str = "",
) -> Table:
    """OPSN serving the communes just outside the view (sharing a border with it).

    The planner's question « which OPSN is next door? »: for each OPSN, the
    bordering communes it serves (in its perimeter or members), and whether it
    already serves communes of the view.
    """

    if mask is None:
        raise ValueError("OPSN voisins : un territoire est nécessaire")
    mask = np.asarray(mask, dtype=bool)
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
    table = _table("voisins", rows, analysis, notes(analysis, inputs, view_name))
    frame = table.frame.sort_values(
        ["Communes voisines servies", "OPSN"], ascending=[False, True], kind="stable"
    )
    return table.with_frame(frame.reset_index(drop=True))


# ----------------------------------------------------------------------------- communes


def zone_names(analysis: Analysis, index: pd.Index) -> pd.Series:
    """Name of the territory without OPSN of each commune (by INSEE code), ``""`` if none."""
    zones = analysis.zones
    if zones.empty:
        return pd.Series("", index=index, dtype=object)
    exploded = zones[["nom", "insee"]].assign(insee=zones["insee"].str.split("|")).explode("insee")
    lookup = exploded.drop_duplicates("insee").set_index("insee")["nom"]
    return lookup.reindex(index).fillna("").astype(object)


def communes_table(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    mask: np.ndarray | None = None,
    view_name: str = "",
) -> Table:
    """One row per commune of the view, by INSEE code, with its coverage and OPSN by name."""
    inside = _inside(analysis, mask)
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
    return _table("communes", list(rows.values()), analysis, notes(analysis, inputs, view_name))


def communes_without_opsn(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    mask: np.ndarray | None = None,
    view_name: str = "",
) -> Table:
    """The communes of the view with no OPSN (status ``sans_opsn``), most populated first."""
    without = (analysis.coverage["statut"] == "sans_opsn").to_numpy()
    chosen = without if mask is None else without & np.asarray(mask, dtype=bool)
    table = communes_table(reference, analysis, inputs, chosen, view_name)
    frame = table.frame.sort_values(["Population", "Code INSEE"], ascending=[False, True])
    title, sheet = _titles("sans_opsn", without_label(analysis.options.opsn))
    return replace(table, key="sans_opsn", title=title, sheet=sheet).with_frame(
        frame.reset_index(drop=True)
    )


# ----------------------------------------------------------------------------- territories


def territories_table(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    mask: np.ndarray | None = None,
    view_name: str = "",
) -> Table:
    """Territories without OPSN, by population; with ``mask``, those touching the view."""
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
    return _table("territoires", list(rows.values()), analysis, notes(analysis, inputs, view_name))


# ----------------------------------------------------------------------------- all of them

BUILDERS = {
    "regions": regions_table,
    "departements": departements_table,
    "epci": epci_table,
    "opsn": opsn_table,
    "communes": communes_table,
    "sans_opsn": communes_without_opsn,
    "territoires": territories_table,
    "voisins": bordering_opsn_table,
}
"""Table key → builder ``(reference, analysis, inputs, mask, view_name) -> Table``."""

TABLES_BY_LEVEL = {
    "france": ("regions", "departements", "epci", "opsn", "communes", "territoires"),
    "region": ("departements", "epci", "opsn", "voisins", "communes", "territoires"),
    "departement": ("epci", "opsn", "voisins", "communes", "territoires"),
    "epci": ("opsn", "voisins", "communes", "territoires"),
    "territoire": ("opsn", "voisins", "communes", "territoires"),
    "commune": ("communes", "voisins"),
}
"""Tables that make sense for a view: those below its level."""


@dataclass(frozen=True)
class ViewTable:
    """A table shown under the map for a view: its tab's words and its key in :data:`BUILDERS`."""

    key: str
    tab: str  # « {sans} » becomes « sans OPSN » or « hors des OPSN choisis »


VIEW_TABLES: dict[str, tuple[ViewTable, ...]] = {
    "france": (
        ViewTable("regions", "Régions"),
        ViewTable("departements", "Départements"),
        ViewTable("opsn", "OPSN"),
        ViewTable("territoires", "Territoires {sans}"),
    ),
    "region": (
        ViewTable("departements", "Départements"),
        ViewTable("epci", "EPCI"),
        ViewTable("sans_opsn", "Communes {sans}"),
        ViewTable("opsn", "OPSN présents"),
        ViewTable("territoires", "Territoires {sans}"),
    ),
    "departement": (
        ViewTable("communes", "Communes"),
        ViewTable("epci", "EPCI"),
        ViewTable("opsn", "OPSN présents"),
        ViewTable("voisins", "OPSN voisins"),
        ViewTable("territoires", "Territoires {sans}"),
    ),
    "epci": (
        ViewTable("communes", "Communes"),
        ViewTable("opsn", "OPSN présents"),
        ViewTable("voisins", "OPSN voisins"),
        ViewTable("territoires", "Territoires {sans}"),
    ),
    "commune": (ViewTable("communes", "Commune"), ViewTable("voisins", "OPSN voisins")),
    "territoire": (ViewTable("communes", "Communes"), ViewTable("voisins", "OPSN voisins")),
}
"""The tables under the map, by level of the view: France keeps the national tables, a
region lists its own departments, EPCI, communes without OPSN and OPSN present, a
department its communes. Each is built on the view's communes only (its mask)."""


def tables_words(tables: list[ViewTable]) -> str:
    """« départements, EPCI, communes sans OPSN, OPSN présents »: the tabs in a sentence."""
    return ", ".join(
        t.tab if t.tab[:2].isupper() else t.tab[:1].lower() + t.tab[1:] for t in tables
    )


def view_tables(level: str, opsn_filter: tuple[str, ...] | list[str] = ()) -> list[ViewTable]:
    """The tables of a view of ``level``, their tabs worded for the OPSN filter."""
    without = without_label(opsn_filter)
    return [replace(t, tab=t.tab.replace(_WITHOUT, without)) for t in VIEW_TABLES[str(level)]]


def build(
    key: str,
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    mask: np.ndarray | None = None,
    view_name: str = "",
) -> Table:
    """The table ``key`` (a key of :data:`BUILDERS`) for the communes in ``mask`` (all if None)."""
    if key not in BUILDERS:
        raise ValueError(f"tableau inconnu « {key} » : {', '.join(BUILDERS)}")
    if key == "voisins" and mask is None:
        raise ValueError("tableau « voisins » : OPSN voisins d'un territoire, pas de la France")
    return BUILDERS[key](reference, analysis, inputs, mask, view_name)


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
