"""Coverage of every commune by the OPSN: perimeter, membership, status, figures.

For each commune and each OPSN there are two facts: *in the perimeter* (its
department is one where the OPSN offers its services) and *member* (the
commune, or — an option, on by default — its EPCI, joined the OPSN). A commune
is ``adherente`` (member of at least one OPSN), ``perimetre`` (not a member,
but inside at least one perimeter) or ``sans_opsn``. Figures count a commune
once however many OPSN serve it. Everything is vectorised over the ~35,000
communes: long tables of (OPSN, commune) pairs, grouped once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.core import fmt
from geo.core.classes import class_figures, commune_classes
from geo.core.figures import AREA_FIELDS, AreaFigures, Counts, Figures, SizeRow
from geo.core.rules import RULES, STATUSES, TERRITORIES, Rule, Status, Territory
from geo.core.white_zones import zone_kinds

STATUS_LABELS = {
    Status.ADHERENTE: "Adhérente à un OPSN",
    Status.PERIMETRE: "Dans le périmètre d'un OPSN, sans adhésion connue",
    Status.SANS_OPSN: "Sans OPSN",
}
FILTERED_STATUS_LABELS = {
    Status.ADHERENTE: "Adhérente à un OPSN choisi",
    Status.PERIMETRE: "Dans le périmètre d'un OPSN choisi, sans adhésion connue",
    Status.SANS_OPSN: "Hors des OPSN choisis",
}
"""With an OPSN filter, a commune outside the chosen OPSN may well have another one."""

SIZE_BINS = (0, 500, 2000, 10000, np.inf)
SIZE_LABELS = ("moins de 500", "500 à 1 999", "2 000 à 9 999", "10 000 et plus")


@dataclass(frozen=True)
class CoverageOptions:
    """How to count: the rule, the territory, EPCI membership, the date, an OPSN filter.

    ``count_partial_offers``: a body offering one service only (public
    procurement, DPO, GIS or data platform) makes a commune covered only when
    asked; by default only complete offers count.
    """

    rule: Rule = Rule.PERIMETRE
    territory: Territory = Territory.FRANCE
    epci_membership: bool = True
    at: dt.date | None = None
    opsn: tuple[str, ...] = field(default_factory=tuple)
    count_partial_offers: bool = False

    def __post_init__(self) -> None:
        # Words from links and options become the typed values (a ValueError names them).
        if self.rule not in RULES:
            raise ValueError(f"règle inconnue « {self.rule} » : {', '.join(RULES)}")
        if self.territory not in TERRITORIES:
            raise ValueError(f"territoire inconnu « {self.territory} » : {', '.join(TERRITORIES)}")
        object.__setattr__(self, "rule", Rule(self.rule))
        object.__setattr__(self, "territory", Territory(self.territory))


def active_memberships(memberships: pd.DataFrame, at: dt.date | None = None) -> pd.DataFrame:
    """Memberships in force on ``at`` (today by default): started, and not yet ended.

    ``jusqu_a`` is the last day of membership. A missing date means "always"
    on that side.
    """
    day = pd.Timestamp(at or dt.date.today())
    since = pd.to_datetime(memberships["depuis"])
    until = pd.to_datetime(memberships["jusqu_a"])
    in_force = (since.isna() | (since <= day)) & (until.isna() | (until >= day))
    return memberships[in_force.to_numpy()]


def perimeter_pairs(perimeters: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """(opsn, insee) for every commune of every department in an OPSN's perimeter."""
    return perimeters[["opsn", "departement"]].merge(
        communes[["insee", "departement"]], on="departement"
    )[["opsn", "insee"]]


def member_pairs(
    memberships: pd.DataFrame, communes: pd.DataFrame, epci_membership: bool = True
) -> pd.DataFrame:
    """(opsn, insee, via) for every member commune; via = ``commune`` or ``epci``."""
    direct = memberships.loc[memberships["insee"].fillna("") != "", ["opsn", "insee"]]
    parts = [direct.assign(via="commune")]
    if epci_membership:
        by_epci = memberships.loc[memberships["epci"].fillna("") != "", ["opsn", "epci"]]
        expanded = by_epci.merge(communes[["insee", "epci"]], on="epci")[["opsn", "insee"]]
        parts.append(expanded.assign(via="epci"))
    pairs = pd.concat(parts, ignore_index=True)
    # A commune that is both a direct and an EPCI member is a direct member.
    return pairs.drop_duplicates(["opsn", "insee"], keep="first")


def _joined(pairs: pd.DataFrame, index: pd.Index) -> pd.Series:
    """Sorted ``|``-joined OPSN ids per commune, empty string when none.

    pandas' ``groupby().agg("|".join)`` makes one Series per group (35,000 of
    them); slicing sorted object arrays is ~30 times faster.
    """
    result = pd.Series("", index=index, dtype=object)
    if pairs.empty:
        return result
    unique = pairs[["insee", "opsn"]].drop_duplicates()
    codes = unique["insee"].to_numpy(dtype=object)
    ids = unique["opsn"].to_numpy(dtype=object)
    order = np.lexsort((ids, codes))
    codes, ids = codes[order], ids[order]
    firsts, starts = np.unique(codes, return_index=True)
    ends = [*starts[1:], len(codes)]
    joined = ["|".join(ids[start:end]) for start, end in zip(starts, ends, strict=True)]
    result.loc[firsts] = joined
    return result


def counted_perimeters(
    perimeters: pd.DataFrame, options: CoverageOptions, uncounted: Collection[str] = ()
) -> pd.DataFrame:
    """The perimeters that count under ``options`` (OPSN filter, ``uncounted`` left out)."""
    if options.opsn:
        perimeters = perimeters[perimeters["opsn"].isin(options.opsn)]
    if uncounted:
        perimeters = perimeters[~perimeters["opsn"].isin(list(uncounted))]
    return perimeters


def counted_members(
    memberships: pd.DataFrame,
    communes: pd.DataFrame,
    options: CoverageOptions,
    uncounted: Collection[str] = (),
) -> pd.DataFrame:
    """(opsn, insee, via) member pairs that count under ``options``: in force on the
    date, in the OPSN filter, not ``uncounted``, EPCI members extended if asked."""
    active = active_memberships(memberships, options.at)
    if options.opsn:
        active = active[active["opsn"].isin(options.opsn)]
    if uncounted:
        active = active[~active["opsn"].isin(list(uncounted))]
    return member_pairs(active, communes, options.epci_membership)


def commune_coverage(
    communes: pd.DataFrame,
    perimeters: pd.DataFrame,
    memberships: pd.DataFrame,
    options: CoverageOptions = CoverageOptions(),
    uncounted: Collection[str] = (),
) -> pd.DataFrame:
    """One row per commune (same order as ``communes``) with its coverage.

    Columns: ``insee``, ``statut``, ``opsn_adhesion`` and ``opsn_perimetre``
    (``|``-joined OPSN ids), ``adhesion_via_epci`` (member only through its
    EPCI), ``n_opsn`` (OPSN serving it under the rule), ``couverte`` (under
    the rule) and ``dans_territoire``. The OPSN in ``uncounted`` (partial
    offers not counted, bodies that do not serve communes: see
    :func:`geo.core.registry.uncounted_opsn`) are left out entirely.
    """
    perimeters = counted_perimeters(perimeters, options, uncounted)
    members = counted_members(memberships, communes, options, uncounted)

    # Perimeters depend on the department only: join ~100 departments, then map.
    departments = communes["departement"].to_numpy(dtype=object)
    unique = perimeters[["departement", "opsn"]].drop_duplicates()
    by_department = unique.sort_values("opsn").groupby("departement")["opsn"]
    joined = pd.Series(departments).map(by_department.agg("|".join)).to_numpy(dtype=object)
    perimetre = np.where(pd.isna(joined), "", joined).astype(object)
    perimeter_count = pd.Series(departments).map(by_department.size()).fillna(0).to_numpy()

    index = pd.Index(communes["insee"].to_numpy(), name="insee")
    adhesion = _joined(members, index).to_numpy()
    via = members.drop_duplicates("insee").set_index("insee")["via"]
    via_epci = (via.reindex(index) == "epci").to_numpy()

    status = np.where(
        adhesion != "",
        Status.ADHERENTE.value,
        np.where(perimetre != "", Status.PERIMETRE.value, Status.SANS_OPSN.value),
    )
    member_count = members.groupby("insee").size().reindex(index).fillna(0).to_numpy()
    if not options.rule.counts_perimeters:
        n_opsn = member_count
    else:  # perimeter OPSN, plus the member OPSN whose perimeter does not include it
        placed = members.merge(communes[["insee", "departement"]], on="insee")
        inside = placed.merge(unique, on=["opsn", "departement"], how="left", indicator=True)
        extra = inside[inside["_merge"] == "left_only"].groupby("insee").size()
        n_opsn = perimeter_count + extra.reindex(index).fillna(0).to_numpy()
    covered = (
        status != Status.SANS_OPSN if options.rule.counts_perimeters else status == Status.ADHERENTE
    )
    territory = (
        np.ones(len(index), dtype=bool)
        if options.territory == Territory.FRANCE
        else ~communes["departement"].str.startswith("97").to_numpy()
    )
    return pd.DataFrame(
        {
            "insee": index.to_numpy(),
            "statut": status,
            "opsn_adhesion": adhesion,
            "opsn_perimetre": perimetre,
            "adhesion_via_epci": via_epci,
            "n_opsn": n_opsn.astype("int64"),
            "couverte": covered,
            "dans_territoire": territory,
        },
        index=communes.index,
    )


def status_labels(options: CoverageOptions) -> dict[str, str]:
    """The words for each status: "sans OPSN" only when every OPSN counts."""
    return dict(FILTERED_STATUS_LABELS if options.opsn else STATUS_LABELS)


def without_label(opsn_filter: tuple[str, ...] | list[str]) -> str:
    """``sans OPSN``, or ``hors des OPSN choisis`` under an OPSN filter."""
    return "hors des OPSN choisis" if opsn_filter else "sans OPSN"


def counting_rule(
    options: CoverageOptions, vintage: str, opsn_names: dict[str, str] | None = None
) -> str:
    """The sentence written next to every percentage, naming the chosen OPSN if any."""
    epci = "" if options.epci_membership else ", adhésions des EPCI non étendues à leurs communes"
    date = f", adhésions au {options.at:%d/%m/%Y}" if options.at else ""
    partial = ", offres partielles comptées" if options.count_partial_offers else ""
    chosen = ""
    if options.opsn:
        names = [(opsn_names or {}).get(i, i) for i in options.opsn]
        chosen = f", OPSN choisis : {', '.join(names)}"
    return (
        f"part de la population municipale ({vintage}) vivant dans une commune "
        f"{options.rule.sentence} — {options.territory.label}{epci}{date}{partial}{chosen}"
    )


def size_class(population: pd.Series) -> pd.Series:
    """Commune size class label for each population."""
    return pd.cut(population, SIZE_BINS, labels=SIZE_LABELS, right=False).astype(str)


def counted_communes(
    coverage: pd.DataFrame, mask: np.ndarray | None = None
) -> tuple[np.ndarray, bool]:
    """The communes of ``mask`` that figures count, and whether the view lies outside the territory.

    Counted: those of the chosen territory (``dans_territoire``). When none is,
    the view lies wholly outside it (a DROM under « Métropole ») and all of its
    communes are counted, flagged by the second value.
    """
    selected = np.ones(len(coverage), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    inside = selected & coverage["dans_territoire"].to_numpy()
    outside = bool(selected.any() and not inside.any())
    return (selected if outside else inside), outside


def area_figures(
    communes: pd.DataFrame,
    coverage: pd.DataFrame,
    mask: np.ndarray | None = None,
    options: CoverageOptions | None = None,
) -> AreaFigures:
    """Counts of a set of communes (``mask``; all of them when ``None``) within the territory.

    The one place where communes and population are counted, for the national
    headline as for a region, a department or a commune: the territory option
    (``dans_territoire``) is honoured everywhere, so that the France of the
    side panel is the France of the headline. A view lying wholly outside the
    territory (Guadeloupe under « Métropole ») keeps its own figures and says
    so (``outside_territory``) rather than showing zeros.
    """
    options = options or CoverageOptions()
    inside, outside = counted_communes(coverage, mask)
    population = communes["population"].to_numpy()[inside]
    covered = coverage["couverte"].to_numpy()[inside]
    status = coverage["statut"].to_numpy()[inside]
    total_population = int(population.sum())
    covered_population = int(population[covered].sum())
    statuses = {
        s: Counts(int((status == s).sum()), int(population[status == s].sum())) for s in STATUSES
    }
    multi = coverage["n_opsn"].to_numpy()[inside] >= 2
    sizes = size_class(communes["population"][inside]).to_numpy()
    by_size = []
    for label in SIZE_LABELS:
        in_class = sizes == label
        by_size.append(
            SizeRow(
                taille=label,
                communes=int(in_class.sum()),
                covered_communes=int((in_class & covered).sum()),
                population=int(population[in_class].sum()),
                covered_population=int(population[in_class & covered].sum()),
            )
        )
    share = covered_population / total_population if total_population else 0.0
    return AreaFigures(
        total_communes=int(inside.sum()),
        total_population=total_population,
        covered_communes=int(covered.sum()),
        covered_population=covered_population,
        covered_share=round(share, 6),
        status=statuses,
        classes=class_figures(
            commune_classes(coverage)[inside], population, options.rule, bool(options.opsn)
        ),
        multi_opsn_communes=int(multi.sum()),
        multi_opsn_population=int(population[multi].sum()),
        by_size=by_size,
        status_labels=status_labels(options),
        outside_territory=outside,
    )


def coverage_figures(
    communes: pd.DataFrame,
    coverage: pd.DataFrame,
    options: CoverageOptions,
    white_zones: pd.DataFrame | None = None,
    vintage: str = "",
    opsn_names: dict[str, str] | None = None,
) -> Figures:
    """Headline figures for the territory (the ``coverage --format json`` contract; the
    vintages and the data in use are :func:`geo.core.analysis.analyse`'s to add)."""
    counts = area_figures(communes, coverage, None, options)
    kinds = {"white_zone_overseas": None, "white_zone_islands": None}
    if white_zones is not None:
        zones = white_zones
        if options.territory == Territory.METROPOLE:
            zones = zones[~zones["outre_mer"]]
        zone_count, zone_population = len(zones), int(zones["population"].sum())
        kinds = zone_kinds(zones)
    else:
        zone_count, zone_population = None, counts.status[Status.SANS_OPSN].population
    shared = {name: getattr(counts, name) for name in AREA_FIELDS if name != "outside_territory"}
    return Figures(
        **shared,
        white_zone_count=zone_count,
        white_zone_population=zone_population,
        **kinds,
        rule=options.rule,
        territory=options.territory,
        epci_membership=options.epci_membership,
        at=options.at.isoformat() if options.at else None,
        opsn_filter=list(options.opsn),
        partial_offers_counted=options.count_partial_offers,
        counting_rule=counting_rule(options, vintage, opsn_names),
    )


def headline_text(figures: Figures) -> str:
    """``57 % de la population (…) vit dans une commune …``, in French."""
    return (
        f"{fmt.percent(figures.covered_share)} — {fmt.inhabitants(figures.covered_population)} "
        f"sur {fmt.integer(figures.total_population)} ; "
        f"{figures.counting_rule}"
    )


def figures_by(
    communes: pd.DataFrame, coverage: pd.DataFrame, key: str, names: pd.Series | None = None
) -> pd.DataFrame:
    """Coverage per region, department or EPCI (``key`` is a communes column)."""
    inside = coverage["dans_territoire"].to_numpy()
    frame = pd.DataFrame(
        {
            "code": communes[key].to_numpy()[inside],
            "population": communes["population"].to_numpy()[inside],
            "couverte": coverage["couverte"].to_numpy()[inside],
            "statut": coverage["statut"].to_numpy()[inside],
        }
    )
    frame = frame[frame["code"] != ""]
    frame["population_couverte"] = frame["population"].where(frame["couverte"], 0)
    for status in STATUSES:
        frame[status] = frame["statut"] == status
    table = frame.groupby("code").agg(
        communes=("population", "size"),
        population=("population", "sum"),
        communes_couvertes=("couverte", "sum"),
        population_couverte=("population_couverte", "sum"),
        adherentes=("adherente", "sum"),
        perimetre=("perimetre", "sum"),
        sans_opsn=("sans_opsn", "sum"),
    )
    table["part_couverte"] = (table["population_couverte"] / table["population"]).fillna(0.0)
    if names is not None:
        table.insert(0, "nom", names.reindex(table.index).fillna(""))
    return table.reset_index()


def selection_figures(
    communes: pd.DataFrame,
    coverage: pd.DataFrame,
    mask: np.ndarray,
    options: CoverageOptions | None = None,
) -> AreaFigures:
    """Population, share covered and status counts of a set of communes (a territory).

    The same counting as the headline (:func:`area_figures`), territory option included.
    """
    return area_figures(communes, coverage, mask, options)
