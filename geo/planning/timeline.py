"""Coverage over time: the situation on one date against another (« avant / maintenant »).

Memberships may carry dates (``depuis``: first day, ``jusqu_a``: last day);
:func:`geo.core.coverage.active_memberships` keeps those in force on a date. Two
analyses with the same options at two dates give the figures of each date,
the communes gained or lost, and each commune's status at both dates for a
map. Perimeters carry no date: only memberships change over time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.core.analysis import Analysis, Inputs, analyse, figure_deltas
from geo.core.coverage import CoverageOptions
from geo.core.figures import Counts, Figures
from geo.core.reference import ReferenceData
from geo.planning.scenarios import status_changes

EVOLUTION_CLASSES = ("gagnee", "perdue", "couverte", "non_couverte")
"""Fate of a commune between two dates, as the evolution map colours it."""


def evolution_labels(then: dt.date, now: dt.date) -> dict[str, str]:
    """The words of each class, dates included (« Gagnée : couverte le 30/11/2026, … »)."""
    return {
        "gagnee": f"Gagnée : couverte le {now:%d/%m/%Y}, pas le {then:%d/%m/%Y}",
        "perdue": f"Perdue : couverte le {then:%d/%m/%Y}, plus le {now:%d/%m/%Y}",
        "couverte": "Couverte aux deux dates",
        "non_couverte": "Couverte à aucune des deux dates",
    }


def evolution_status(before: Analysis, after: Analysis) -> np.ndarray:
    """Class of every commune (reference order): ``gagnee``, ``perdue``, ``couverte``,
    ``non_couverte``, from its coverage at the first date (``before``) and the second."""
    covered_before = before.coverage["couverte"].to_numpy(dtype=bool)
    covered_after = after.coverage["couverte"].to_numpy(dtype=bool)
    return np.select(
        [
            covered_after & ~covered_before,
            covered_before & ~covered_after,
            covered_before & covered_after,
        ],
        ["gagnee", "perdue", "couverte"],
        default="non_couverte",
    ).astype(object)


def evolution_counts(
    reference: ReferenceData, evolution: np.ndarray, counted: np.ndarray | None = None
) -> dict[str, Counts]:
    """Communes and inhabitants of each class (all four, zeros included) among ``counted``."""
    population = reference.communes["population"].to_numpy()
    counted = np.ones(len(evolution), dtype=bool) if counted is None else counted
    counted = np.asarray(counted, dtype=bool)
    return {
        name: Counts(
            communes=int((evolution[counted] == name).sum()),
            population=int(population[counted & (evolution == name)].sum()),
        )
        for name in EVOLUTION_CLASSES
    }


def membership_dates(memberships: pd.DataFrame) -> list[dt.date]:
    """Every date on which a membership starts or ends (the day after ``jusqu_a``), sorted.

    Empty when no membership is dated: the UI then has no date to offer.
    """
    starts = pd.to_datetime(memberships["depuis"]).dropna()
    ends = pd.to_datetime(memberships["jusqu_a"]).dropna() + pd.Timedelta(days=1)
    days = pd.concat([starts, ends]).dt.date.unique()
    return sorted(days)


@dataclass(frozen=True)
class TimelineSummary:
    """Coverage on two dates: the ``timeline --format json`` contract (through
    :func:`geo.core.records.as_json`). Each field's name is a key, in this order
    (``tests/planning/test_summaries.py`` lists them).

    ``then`` / ``now`` the two dates (ISO); ``before`` / ``after`` their figures and
    the ``*_delta`` between them (:func:`geo.core.analysis.figure_deltas`);
    ``membership_dates`` every date a membership starts or ends; ``evolution`` the
    communes and inhabitants of the counted territory in each class of the map
    (:data:`EVOLUTION_CLASSES`); ``data`` / ``data_version`` the data in use.
    """

    then: str
    now: str
    before: Figures
    after: Figures
    covered_population_delta: int
    covered_share_delta: float
    covered_communes_delta: int
    white_zone_count_delta: int
    communes_gained: int
    communes_lost: int
    population_gained: int
    population_lost: int
    communes_status_changed: int
    membership_dates: list[str]
    evolution: dict[str, Counts]
    data: str
    data_version: int | None


@dataclass
class ThenNow:
    """Coverage on two dates and what changed between them."""

    then: dt.date
    now: dt.date
    before: Analysis
    after: Analysis
    changes: pd.DataFrame  # communes whose status changed (geo.planning.scenarios.status_changes)
    statuses: pd.DataFrame  # every commune: insee, statut_avant, statut_apres, evolution
    summary: TimelineSummary


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
    evolution = evolution_status(before, after)
    statuses = pd.DataFrame(
        {
            "insee": before.coverage["insee"].to_numpy(),
            "statut_avant": before.coverage["statut"].to_numpy(),
            "statut_apres": after.coverage["statut"].to_numpy(),
            "evolution": evolution,
            "dans_territoire": before.coverage["dans_territoire"].to_numpy(),
        }
    )
    gained = changes[changes["couverte_apres"] & ~changes["couverte_avant"]]
    lost = changes[changes["couverte_avant"] & ~changes["couverte_apres"]]
    summary = TimelineSummary(
        then=then.isoformat(),
        now=now.isoformat(),
        before=before.figures,
        after=after.figures,
        **figure_deltas(before.figures, after.figures),
        communes_gained=len(gained),
        communes_lost=len(lost),
        population_gained=int(gained["population"].sum()),
        population_lost=int(lost["population"].sum()),
        communes_status_changed=len(changes),
        membership_dates=[d.isoformat() for d in membership_dates(inputs.memberships)],
        # Communes and inhabitants of the counted territory in each class of the map.
        evolution=evolution_counts(
            reference, evolution, before.coverage["dans_territoire"].to_numpy(dtype=bool)
        ),
        data=inputs.label,
        data_version=inputs.version,
    )
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
