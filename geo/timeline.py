"""Coverage over time: the situation on one date against another (« avant / maintenant »).

Memberships may carry dates (``depuis``: first day, ``jusqu_a``: last day);
:func:`geo.coverage.active_memberships` keeps those in force on a date. Two
analyses with the same options at two dates give the figures of each date,
the communes gained or lost, and each commune's status at both dates for a
map. Perimeters carry no date: only memberships change over time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from geo.analysis import Analysis, Inputs, analyse
from geo.coverage import CoverageOptions
from geo.reference import ReferenceData
from geo.scenarios import status_changes

#: Map classes of a commune between the two dates.
EVOLUTION_LABELS = {
    "gagnee": "Couverte depuis",
    "perdue": "N'est plus couverte",
    "couverte": "Couverte aux deux dates",
    "non_couverte": "Non couverte aux deux dates",
}


def membership_dates(memberships: pd.DataFrame) -> list[dt.date]:
    """Every date on which a membership starts or ends (the day after ``jusqu_a``), sorted.

    Empty when no membership is dated: the UI then has no date to offer.
    """
    starts = pd.to_datetime(memberships["depuis"]).dropna()
    ends = pd.to_datetime(memberships["jusqu_a"]).dropna() + pd.Timedelta(days=1)
    days = pd.concat([starts, ends]).dt.date.unique()
    return sorted(days)


def has_dates(memberships: pd.DataFrame) -> bool:
    return bool(membership_dates(memberships))


@dataclass
class ThenNow:
    """Coverage on two dates and what changed between them."""

    then: dt.date
    now: dt.date
    before: Analysis
    after: Analysis
    changes: pd.DataFrame  # communes whose status changed (geo.scenarios.status_changes)
    statuses: pd.DataFrame  # every commune: insee, statut_avant, statut_apres, evolution
    summary: dict  # the ``timeline --format json`` contract


def then_now(
    reference: ReferenceData,
    inputs: Inputs,
    options: CoverageOptions,
    then: dt.date,
    now: dt.date | None = None,
) -> ThenNow:
    """The situation on ``then`` against ``now`` (today by default), same options otherwise."""
    now = now or dt.date.today()
    before = analyse(reference, inputs, dataclasses.replace(options, at=then))
    after = analyse(reference, inputs, dataclasses.replace(options, at=now))
    changes = status_changes(reference, before, after)
    covered_before = before.coverage["couverte"].to_numpy()
    covered_after = after.coverage["couverte"].to_numpy()
    evolution = pd.Series("non_couverte", index=before.coverage.index)
    evolution[covered_before & covered_after] = "couverte"
    evolution[~covered_before & covered_after] = "gagnee"
    evolution[covered_before & ~covered_after] = "perdue"
    statuses = pd.DataFrame(
        {
            "insee": before.coverage["insee"].to_numpy(),
            "statut_avant": before.coverage["statut"].to_numpy(),
            "statut_apres": after.coverage["statut"].to_numpy(),
            "evolution": evolution.to_numpy(),
            "dans_territoire": before.coverage["dans_territoire"].to_numpy(),
        }
    )
    gained = changes[changes["couverte_apres"] & ~changes["couverte_avant"]]
    lost = changes[changes["couverte_avant"] & ~changes["couverte_apres"]]
    summary = {
        "then": then.isoformat(),
        "now": now.isoformat(),
        "before": before.figures,
        "after": after.figures,
        "covered_population_delta": after.figures["covered_population"]
        - before.figures["covered_population"],
        "covered_share_delta": round(
            after.figures["covered_share"] - before.figures["covered_share"], 6
        ),
        "communes_gained": len(gained),
        "communes_lost": len(lost),
        "population_gained": int(gained["population"].sum()),
        "population_lost": int(lost["population"].sum()),
        "communes_status_changed": len(changes),
        "membership_dates": [d.isoformat() for d in membership_dates(inputs.memberships)],
    }
    return ThenNow(then, now, before, after, changes, statuses, summary)


def changes_table(result: ThenNow) -> pd.DataFrame:
    """Communes gained or lost, for the list under the map and the CSV export (French headers)."""
    table = result.changes.copy()
    table["evolution"] = "statut modifié"
    table.loc[table["couverte_apres"] & ~table["couverte_avant"], "evolution"] = "gagnée"
    table.loc[table["couverte_avant"] & ~table["couverte_apres"], "evolution"] = "perdue"
    return table[
        ["insee", "nom", "departement", "population", "statut_avant", "statut_apres", "evolution"]
    ]
