"""What-if: an OPSN adds or drops departments, communes or EPCIs — nothing is saved.

A planner asks "what if OPSN X extended to department Y?". The change is
applied to copies of the inputs, coverage is computed before and after with
the same options, and the difference is described: population and share
gained, communes whose status changes, territories without OPSN absorbed,
reduced or split.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.analysis import Analysis, analyse
from geo.coverage import CoverageOptions
from geo.inputs import Inputs
from geo.reference import ReferenceData


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


def apply_change(inputs: Inputs, change: Change) -> Inputs:
    """New inputs with the change applied; ``inputs`` is left untouched."""
    perimeters = inputs.perimeters
    perimeters = perimeters[
        ~(
            (perimeters["opsn"] == change.opsn)
            & perimeters["departement"].isin(change.drop_departements)
        )
    ]
    added = pd.DataFrame({"opsn": change.opsn, "departement": list(change.add_departements)})
    perimeters = pd.concat([perimeters, added], ignore_index=True).drop_duplicates()

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
            "source": "scénario",
        }
    )
    members = pd.concat([members, new_rows], ignore_index=True)

    registry = inputs.registry
    if change.opsn not in set(registry["id"]):
        registry = pd.concat(
            [registry, pd.DataFrame({"id": [change.opsn], "nom": [change.name or change.opsn]})],
            ignore_index=True,
        )
    return Inputs(registry, perimeters, members, f"{inputs.label} + scénario", inputs.sources)


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


def compare(
    reference: ReferenceData, inputs: Inputs, change: Change, options: CoverageOptions
) -> dict:
    """Before/after figures of a change, as one JSON-ready dict."""
    before = analyse(reference, inputs, options)
    after = analyse(reference, apply_change(inputs, change), options)
    inside = before.coverage["dans_territoire"]
    status_change = (before.coverage["statut"] != after.coverage["statut"]) & inside
    gained = after.coverage["couverte"] & ~before.coverage["couverte"] & inside
    lost = before.coverage["couverte"] & ~after.coverage["couverte"] & inside
    population = reference.communes["population"]
    fates = zone_transitions(before, after)
    counts = fates["devenir"].value_counts() if len(fates) else pd.Series(dtype=int)
    return {
        "change": {k: list(v) if isinstance(v, tuple) else v for k, v in change.__dict__.items()},
        "before": before.figures,
        "after": after.figures,
        "population_gained": int(population[gained].sum()),
        "population_lost": int(population[lost].sum()),
        "share_gained": round(after.figures["covered_share"] - before.figures["covered_share"], 6),
        "communes_gained": int(gained.sum()),
        "communes_status_changed": int(status_change.sum()),
        "white_zones_before": len(before.zones),
        "white_zones_after": len(after.zones),
        "white_zones_absorbed": int(counts.get("absorbé", 0)),
        "white_zones_split": int(counts.get("scindé", 0)),
        "white_zones_reduced": int(counts.get("réduit", 0)),
        "white_zone_fates": fates.to_dict(orient="records"),
    }
