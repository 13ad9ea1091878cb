"""What-if: an OPSN adds or drops departments, communes or EPCIs — nothing is saved.

A planner asks "what if OPSN X extended to department Y?". The change is
applied to copies of the inputs, coverage is computed before and after with
the same options, and the difference is described: population and share
gained, communes whose status changes, territories without OPSN absorbed,
reduced or split.

The change is applied to the registry row too (perimeter and scope), so that
a what-if saved as a version (:func:`geo.planning.changes.apply_scenario`)
gives exactly the figures it showed. An OPSN of ``locale`` scope serves only
its members; extended to a department it serves whole departments, its own
included, and becomes departmental.

:func:`addition_gains` evaluates many additive changes at once (the
opportunities list) with the rule :func:`geo.core.coverage.commune_coverage`
applies: a commune becomes covered when it enters a perimeter (rule
``perimetre``) or becomes a member, directly or through its EPCI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.core import fmt
from geo.core.analysis import Analysis, analyse
from geo.core.coverage import CoverageOptions
from geo.core.figures import Figures
from geo.core.inputs import Inputs
from geo.core.reference import ReferenceData
from geo.core.registry import scope_from_departments, uncounted_opsn
from geo.core.rules import Status

SCENARIO_SOURCE = "scénario"


@dataclass(frozen=True)
class Change:
    """A hypothetical change to one OPSN (which may be a new one)."""

    opsn: str
    name: str | None = None
    add_departements: tuple[str, ...] = field(default_factory=tuple)
    drop_departements: tuple[str, ...] = field(default_factory=tuple)
    add_communes: tuple[str, ...] = field(default_factory=tuple)
    drop_communes: tuple[str, ...] = field(default_factory=tuple)
    add_epci: tuple[str, ...] = field(default_factory=tuple)
    drop_epci: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        """JSON-ready, tuples as lists (the ``change`` key of ``scenario --format json``)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict) -> Change:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in known.items()})

    @property
    def empty(self) -> bool:
        return not any(
            getattr(self, f"{verb}_{what}")
            for verb in ("add", "drop")
            for what in ("departements", "communes", "epci")
        )

    def command(self) -> str:
        """The ``python -m geo scenario`` line that computes the same what-if."""
        parts = ["python -m geo scenario", self.opsn]
        for verb in ("add", "drop"):
            for what in ("departements", "communes", "epci"):
                codes = getattr(self, f"{verb}_{what}")
                if codes:
                    parts.append(f"--{verb}-{what} {','.join(codes)}")
        return " ".join(parts)


def _row_defaults(registry: pd.DataFrame, change: Change) -> dict:
    """A registry row for an OPSN that a what-if creates: a complete offer to communes."""
    defaults = {"id": change.opsn, "nom": change.name or change.opsn}
    for column in registry.columns:
        if column in defaults:
            continue
        values = registry[column]
        dtype = str(values.dtype)
        if len(values) and isinstance(values.iloc[0], tuple):
            defaults[column] = ()
        elif column in ("departements", "sources", "offre_partielle"):
            defaults[column] = ()
        elif dtype in ("boolean", "Int64"):
            defaults[column] = pd.NA
        elif dtype == "bool":
            defaults[column] = column == "sert_les_communes"
        elif column == "confiance":
            defaults[column] = "basse"
        elif column == "offre":
            defaults[column] = "complete"
        else:
            defaults[column] = ""
    return defaults


def changed_registry(
    registry: pd.DataFrame, change: Change, departements: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The registry with the OPSN's perimeter and scope updated (a new OPSN appended).

    ``departements`` (reference table, code → region) tells a regional scope
    from a departmental one; without it an extended perimeter is departmental.
    """
    registry = registry.copy()
    if change.opsn not in set(registry["id"]):
        row = pd.DataFrame([_row_defaults(registry, change)], columns=registry.columns)
        registry = pd.concat([registry, row.astype(registry.dtypes.to_dict())], ignore_index=True)
    if "departements" not in registry.columns:
        return registry
    at = registry.index[registry["id"] == change.opsn][0]
    perimeter = tuple(registry.at[at, "departements"] or ())
    wanted = tuple(d for d in perimeter if d not in change.drop_departements)
    wanted += tuple(d for d in change.add_departements if d not in wanted)
    if wanted == perimeter:
        return registry
    registry.at[at, "departements"] = wanted
    if "portee" in registry.columns:
        scope = registry.at[at, "portee"]
        if scope != "nationale" and (change.add_departements or scope != "locale"):
            if departements is not None and {"code", "region"} <= set(departements.columns):
                registry.at[at, "portee"] = scope_from_departments(wanted, departements)
            else:
                registry.at[at, "portee"] = "departementale" if wanted else ""
    return registry


def apply_change(
    inputs: Inputs, change: Change, departements: pd.DataFrame | None = None
) -> Inputs:
    """New inputs with the change applied; ``inputs`` is left untouched."""
    registry = inputs.registry
    scope = ""
    if "portee" in registry.columns and change.opsn in set(registry["id"]):
        scope = registry.loc[registry["id"] == change.opsn, "portee"].iloc[0]
    perimeters = inputs.perimeters
    perimeters = perimeters[
        ~(
            (perimeters["opsn"] == change.opsn)
            & perimeters["departement"].isin(change.drop_departements)
        )
    ]
    added = list(change.add_departements)
    if scope == "locale" and added and "departements" in registry.columns:
        # A local OPSN extended to a department serves whole departments, its own too.
        own = registry.loc[registry["id"] == change.opsn, "departements"].iloc[0]
        added = [d for d in own if d not in change.drop_departements] + added
    added_rows = pd.DataFrame({"opsn": change.opsn, "departement": added}, dtype="str")
    perimeters = pd.concat([perimeters, added_rows], ignore_index=True).drop_duplicates()

    members = inputs.memberships
    mine = members["opsn"] == change.opsn
    members = members[
        ~(mine & members["insee"].isin(change.drop_communes))
        & ~(mine & members["epci"].isin(change.drop_epci))
    ]
    new_rows = pd.DataFrame(
        {
            "opsn": change.opsn,
            "insee": [*change.add_communes, *[""] * len(change.add_epci)],
            "epci": [*[""] * len(change.add_communes), *change.add_epci],
            "depuis": pd.NaT,
            "jusqu_a": pd.NaT,
            "source": SCENARIO_SOURCE,
        }
    )
    if len(new_rows):
        members = pd.concat([members, new_rows], ignore_index=True)
    registry = changed_registry(registry, change, departements)
    label = inputs.label if inputs.label.endswith("+ scénario") else f"{inputs.label} + scénario"
    return Inputs(
        registry, perimeters.reset_index(drop=True), members, label, inputs.sources, inputs.version
    )


def apply_changes(
    inputs: Inputs, changes: Iterable[Change], departements: pd.DataFrame | None = None
) -> Inputs:
    """Several changes (to one or several OPSN), applied in order."""
    for change in changes:
        inputs = apply_change(inputs, change, departements)
    return inputs


def zone_transitions(before: Analysis, after: Analysis) -> pd.DataFrame:
    """Fate of each territory without OPSN: ``inchangé``, ``réduit``, ``scindé``, ``absorbé``."""
    if before.zones.empty:
        return pd.DataFrame(columns=["id", "nom", "population", "devenir", "zones_apres"])
    communes_before = _commune_zone(before.zones)
    communes_after = _commune_zone(after.zones)
    joined = communes_before.to_frame("avant").join(communes_after.rename("apres"))
    grouped = joined.groupby("avant")
    remaining = grouped["apres"].count()
    pieces = grouped["apres"].nunique()
    total = grouped.size()
    fate = np.select(
        [remaining == 0, pieces >= 2, remaining < total],
        ["absorbé", "scindé", "réduit"],
        default="inchangé",
    )
    table = before.zones.set_index("id")[["nom", "population"]].copy()
    table["devenir"] = pd.Series(fate, index=total.index).reindex(table.index)
    table["zones_apres"] = pieces.reindex(table.index).fillna(0).astype(int)
    return table.reset_index()


def _commune_zone(zones: pd.DataFrame) -> pd.Series:
    exploded = zones[["id", "insee"]].assign(insee=zones["insee"].str.split("|")).explode("insee")
    return exploded.set_index("insee")["id"]


def status_changes(reference: ReferenceData, before: Analysis, after: Analysis) -> pd.DataFrame:
    """Communes of the territory whose status or coverage changes, most populated first.

    Columns: ``insee``, ``nom``, ``departement``, ``population``,
    ``statut_avant``, ``statut_apres``, ``couverte_avant``, ``couverte_apres``.
    """
    inside = before.coverage["dans_territoire"].to_numpy()
    moved = (
        (before.coverage["statut"].to_numpy() != after.coverage["statut"].to_numpy())
        | (before.coverage["couverte"].to_numpy() != after.coverage["couverte"].to_numpy())
    ) & inside
    communes = reference.communes
    table = pd.DataFrame(
        {
            "insee": communes["insee"].to_numpy()[moved],
            "nom": communes["nom"].to_numpy()[moved],
            "departement": communes["departement"].to_numpy()[moved],
            "population": communes["population"].to_numpy()[moved],
            "statut_avant": before.coverage["statut"].to_numpy()[moved],
            "statut_apres": after.coverage["statut"].to_numpy()[moved],
            "couverte_avant": before.coverage["couverte"].to_numpy()[moved],
            "couverte_apres": after.coverage["couverte"].to_numpy()[moved],
        }
    )
    return table.sort_values(["population", "insee"], ascending=[False, True]).reset_index(
        drop=True
    )


@dataclass(frozen=True)
class ScenarioSummary:
    """What a what-if changes: the ``scenario --format json`` contract (through
    :func:`geo.core.records.as_json`; the command adds ``saved_scenario`` and
    ``saved_version`` when it saves). Each field's name is a key, in this order
    (``tests/planning/test_summaries.py`` lists them).

    ``change`` is the one change (:meth:`Change.as_dict`), ``None`` for several;
    ``changes`` all of them; ``white_zone_fates`` one row per territory without OPSN
    before (:func:`zone_transitions`); ``commands`` each change's command line,
    ``command`` the whole what-if's; ``data`` / ``data_version`` the data it ran on.
    """

    change: dict | None
    changes: list[dict]
    before: Figures
    after: Figures
    population_gained: int
    population_lost: int
    share_gained: float
    communes_gained: int
    communes_lost: int
    communes_status_changed: int
    white_zones_before: int
    white_zones_after: int
    white_zones_absorbed: int
    white_zones_split: int
    white_zones_reduced: int
    white_zone_fates: list[dict]
    commands: list[str]
    command: str
    data: str
    data_version: int | None


@dataclass
class ScenarioResult:
    """A what-if computed: both analyses (for the map), the changed inputs, the summary."""

    changes: tuple[Change, ...]
    before: Analysis
    after: Analysis
    inputs: Inputs  # after the changes
    summary: ScenarioSummary


def run_scenario(
    reference: ReferenceData,
    inputs: Inputs,
    changes: Change | Sequence[Change],
    options: CoverageOptions,
    before: Analysis | None = None,
    after: Analysis | None = None,
) -> ScenarioResult:
    """Coverage before and after the changes, and what differs.

    ``before`` (of ``inputs``) and ``after`` (of the changed inputs, same
    options) may be reused from a cache: the app computes each once per data.
    """
    from geo.planning.command_line import scenario_command

    changes = (changes,) if isinstance(changes, Change) else tuple(changes)
    before = before if before is not None else analyse(reference, inputs, options)
    changed = apply_changes(inputs, changes, reference.departements)
    after = after if after is not None else analyse(reference, changed, options)
    inside = before.coverage["dans_territoire"]
    status_change = (before.coverage["statut"] != after.coverage["statut"]) & inside
    gained = after.coverage["couverte"] & ~before.coverage["couverte"] & inside
    lost = before.coverage["couverte"] & ~after.coverage["couverte"] & inside
    population = reference.communes["population"]
    fates = zone_transitions(before, after)
    counts = fates["devenir"].value_counts() if len(fates) else pd.Series(dtype=int)
    summary = ScenarioSummary(
        change=changes[0].as_dict() if len(changes) == 1 else None,
        changes=[c.as_dict() for c in changes],
        before=before.figures,
        after=after.figures,
        population_gained=int(population[gained].sum()),
        population_lost=int(population[lost].sum()),
        share_gained=round(after.figures.covered_share - before.figures.covered_share, 6),
        communes_gained=int(gained.sum()),
        communes_lost=int(lost.sum()),
        communes_status_changed=int(status_change.sum()),
        white_zones_before=len(before.zones),
        white_zones_after=len(after.zones),
        white_zones_absorbed=int(counts.get("absorbé", 0)),
        white_zones_split=int(counts.get("scindé", 0)),
        white_zones_reduced=int(counts.get("réduit", 0)),
        white_zone_fates=fates.to_dict(orient="records"),
        commands=[c.command() for c in changes],
        command=scenario_command(changes, options, inputs.version),
        data=inputs.label,
        data_version=inputs.version,
    )
    return ScenarioResult(changes, before, after, changed, summary)


def compare(
    reference: ReferenceData, inputs: Inputs, change: Change, options: CoverageOptions
) -> ScenarioSummary:
    """Before/after figures of a change (JSON: :func:`geo.core.records.as_json`)."""
    return run_scenario(reference, inputs, change, options).summary


FIGURE_ROWS = (
    ("Part de la population couverte (%)", "covered_share"),
    ("Population couverte", "covered_population"),
    ("Communes couvertes", "covered_communes"),
    ("Territoires sans OPSN", "white_zone_count"),
    ("Population des territoires sans OPSN", "white_zone_population"),
)


def figures_table(summary: ScenarioSummary) -> pd.DataFrame:
    """The what-if's figures as a table (indicateur, avant, après, écart) for exports."""
    rows = []
    before, after = summary.before, summary.after
    for label, key in FIGURE_ROWS:
        first, second = getattr(before, key), getattr(after, key)
        if first is None or second is None:
            continue
        if key == "covered_share":  # percent with a decimal comma: a number in French Excel
            first, second = round(first * 100, 2), round(second * 100, 2)
            rows.append(
                {
                    "indicateur": label,
                    "avant": fmt.decimal(first, 2),
                    "apres": fmt.decimal(second, 2),
                    "ecart": fmt.decimal(second - first, 2),
                }
            )
            continue
        rows.append({"indicateur": label, "avant": first, "apres": second, "ecart": second - first})
    rows.append(
        {
            "indicateur": "Population gagnée",
            "avant": 0,
            "apres": summary.population_gained,
            "ecart": summary.population_gained,
        }
    )
    rows.append(
        {
            "indicateur": "Population perdue",
            "avant": 0,
            "apres": summary.population_lost,
            "ecart": -summary.population_lost,
        }
    )
    # object columns: counts stay integers next to the share in the CSV
    return pd.DataFrame(rows, columns=["indicateur", "avant", "apres", "ecart"], dtype=object)


# --------------------------------------------------------------------------- many changes at once


def addition_gains(
    reference: ReferenceData,
    before: Analysis,
    registry: pd.DataFrame,
    additions: pd.DataFrame,
) -> pd.DataFrame:
    """Population and communes each additive change would gain, all changes in one pass.

    ``additions`` has one row per (``candidate``, ``opsn``, ``kind``, ``code``)
    with ``kind`` in ``departement``, ``epci``, ``commune``: the candidate
    adds those departments to the OPSN's perimeter and those EPCIs and
    communes to its members. The result (one row per candidate: ``candidate``,
    ``population_gained``, ``communes_gained``, ``population_leaving``,
    ``communes_leaving``) equals what :func:`run_scenario` reports for the
    same change — ``*_leaving`` counts the communes that stop being « sans
    OPSN », which is what shrinks a territory without OPSN.
    """
    options = before.options
    communes = reference.communes
    additions = additions[["candidate", "opsn", "kind", "code"]].copy()
    if options.opsn:  # OPSN outside the filter change nothing
        additions = additions[additions["opsn"].isin(options.opsn)]
    # Nor do the OPSN that do not count (partial offers unless asked, non-communal bodies).
    uncounted = uncounted_opsn(registry, options.count_partial_offers, options.opsn)
    additions = additions[~additions["opsn"].isin(list(uncounted))]
    if "portee" in registry.columns and "departements" in registry.columns:
        # A local OPSN extended to a department serves its own departments too.
        local = registry[registry["portee"] == "locale"].set_index("id")["departements"]
        extending = additions[
            (additions["kind"] == "departement") & additions["opsn"].isin(local.index)
        ][["candidate", "opsn"]].drop_duplicates()
        own = extending.assign(code=extending["opsn"].map(local)).explode("code").dropna()
        additions = pd.concat([additions, own.assign(kind="departement")], ignore_index=True)
    position = pd.DataFrame(
        {
            "position": np.arange(len(communes)),
            "insee": communes["insee"].to_numpy(),
            "departement": communes["departement"].to_numpy(),
            "epci": communes["epci"].to_numpy(),
        }
    )
    parts = []
    for kind, key in (("departement", "departement"), ("commune", "insee"), ("epci", "epci")):
        if kind == "epci" and not options.epci_membership:
            continue
        chosen = additions[additions["kind"] == kind]
        if chosen.empty:
            continue
        hit = chosen.merge(position, left_on="code", right_on=key)[["candidate", "position"]]
        parts.append(hit.assign(member=kind != "departement"))
    result = pd.DataFrame({"candidate": additions["candidate"].unique()})
    if not parts:
        for column in ("population_gained", "communes_gained"):
            result[column] = 0
        result["population_leaving"] = result["communes_leaving"] = 0
        return result
    hits = pd.concat(parts, ignore_index=True)
    hits = hits.sort_values("member", ascending=False).drop_duplicates(["candidate", "position"])
    where = hits["position"].to_numpy()
    covered = before.coverage["couverte"].to_numpy()[where]
    inside = before.coverage["dans_territoire"].to_numpy()[where]
    without = (before.coverage["statut"].to_numpy() == Status.SANS_OPSN)[where]
    # Under the membership rule only a membership covers a commune.
    covers = hits["member"].to_numpy() | options.rule.counts_perimeters
    population = communes["population"].to_numpy()[where]
    hits = hits.assign(
        gained=inside & ~covered & covers,
        leaving=inside & without,
        population=population,
    )
    hits["population_gained"] = np.where(hits["gained"], hits["population"], 0)
    hits["population_leaving"] = np.where(hits["leaving"], hits["population"], 0)
    grouped = hits.groupby("candidate").agg(
        population_gained=("population_gained", "sum"),
        communes_gained=("gained", "sum"),
        population_leaving=("population_leaving", "sum"),
        communes_leaving=("leaving", "sum"),
    )
    result = result.merge(grouped, left_on="candidate", right_index=True, how="left")
    return result.fillna(0).astype({c: "int64" for c in grouped.columns})
