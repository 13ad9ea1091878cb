"""Maps of what changes: a what-if against the data, or one date against another.

The live map element colours communes by a one-letter class and reads its
legend from the spec (:func:`geo.maps.live.live_map_spec`); these maps keep its
shapes, tooltips and clicks and replace the classes, colours and legend:

- the what-if map: every commune in its status with the scenario, except those
  the scenario covers (« gagnée par le scénario ») or uncovers (« perdue ») —
  the first thing a planner looks for;
- the evolution map: communes covered since the first date, no longer covered,
  covered at both dates, or at neither (:func:`geo.planning.timeline.evolution_status`).

Legend counts (communes, inhabitants) are those of the view's own communes
inside the counted territory, as on the coverage map.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.core import fmt
from geo.core.analysis import Analysis
from geo.core.classes import commune_classes, rule_classes
from geo.core.figures import Counts
from geo.core.reference import ReferenceData
from geo.core.rules import Rule
from geo.maps.live import OUTSIDE_CODE, OUTSIDE_LABEL, code_runs
from geo.maps.style import CLASS_COLOURS, OUTSIDE_COLOUR
from geo.planning.timeline import evolution_labels


@dataclass(frozen=True)
class MapClass:
    """One colour of a change map: its letter in the spec, colour and words."""

    code: str
    colour: str
    label: str


GAINED_COLOUR = "#1b9e77"
"""Teal: apart from the purples and the orange of the statuses, also for colour-blind eyes."""
SCENARIO_LOST_COLOUR = "#525252"

SCENARIO_GAINED = "gagnee_scenario"
SCENARIO_LOST = "perdue_scenario"
SCENARIO_LABELS = {
    SCENARIO_GAINED: "Gagnée par le scénario",
    SCENARIO_LOST: "Perdue avec le scénario",
}


def scenario_palette(rule: Rule = Rule.PERIMETRE, filtered: bool = False) -> dict[str, MapClass]:
    """The what-if map's classes: gained, lost, then the classes of ``rule`` left unchanged
    (:func:`geo.core.classes.rule_classes`; ``filtered``: under an OPSN filter)."""
    palette = {
        SCENARIO_GAINED: MapClass("g", GAINED_COLOUR, SCENARIO_LABELS[SCENARIO_GAINED]),
        SCENARIO_LOST: MapClass("l", SCENARIO_LOST_COLOUR, SCENARIO_LABELS[SCENARIO_LOST]),
    }
    for kind in rule_classes(rule):
        palette[kind.value] = MapClass(kind.code, CLASS_COLOURS[kind], kind.label(filtered))
    return palette


EVOLUTION_COLOURS = {
    "gagnee": ("g", GAINED_COLOUR),
    "perdue": ("l", "#e66101"),
    "couverte": ("c", "#8073ac"),
    "non_couverte": ("n", "#fdd0a2"),
}
"""ColorBrewer PuOr for what stays and what is lost (the orange of « sans OPSN »), teal for gains."""


def evolution_palette(then: dt.date, now: dt.date) -> dict[str, MapClass]:
    """The evolution map's classes (:data:`geo.planning.timeline.EVOLUTION_CLASSES`), dates in the words."""
    labels = evolution_labels(then, now)
    return {
        name: MapClass(code, colour, labels[name])
        for name, (code, colour) in EVOLUTION_COLOURS.items()
    }


def scenario_classes(before: Analysis, after: Analysis) -> np.ndarray:
    """Class of every commune on the what-if map, in the reference order.

    ``gagnee_scenario`` when the scenario makes it covered, ``perdue_scenario``
    when it stops being covered, otherwise its class with the scenario
    (:func:`geo.core.classes.commune_classes`: its status read with the rule).
    """
    covered_before = before.coverage["couverte"].to_numpy(dtype=bool)
    covered_after = after.coverage["couverte"].to_numpy(dtype=bool)
    classes = commune_classes(after.coverage)
    classes[covered_after & ~covered_before] = SCENARIO_GAINED
    classes[covered_before & ~covered_after] = SCENARIO_LOST
    return classes


def class_counts(
    reference: ReferenceData, classes: np.ndarray, counted: np.ndarray
) -> dict[str, Counts]:
    """Communes and inhabitants of each class among the ``counted`` communes."""
    counted = np.asarray(counted, dtype=bool)
    frame = pd.DataFrame(
        {
            "classe": np.asarray(classes, dtype=object)[counted],
            "population": reference.communes["population"].to_numpy()[counted],
        }
    )
    grouped = frame.groupby("classe")["population"].agg(["size", "sum"])
    return {
        str(name): Counts(communes=int(row["size"]), population=int(row["sum"]))
        for name, row in grouped.iterrows()
    }


def change_map_spec(
    reference: ReferenceData,
    spec: dict,
    classes: np.ndarray,
    inside: np.ndarray,
    focus: np.ndarray,
    palette: dict[str, MapClass],
    title: str,
    note: str = "",
) -> dict:
    """``spec`` (a live map view) coloured by ``classes`` instead of the statuses.

    ``inside`` marks the communes of the counted territory (the others are
    greyed, as on the coverage map); ``focus`` the view's own communes, which
    the legend counts. The shapes, tooltips and clicks stay those of ``spec``.
    """
    inside = np.asarray(inside, dtype=bool)
    codes = pd.Series(classes).map({name: c.code for name, c in palette.items()}).to_numpy()
    codes[~inside] = OUTSIDE_CODE
    counts = class_counts(reference, classes, inside & np.asarray(focus, dtype=bool))
    entries = []
    for name, entry in palette.items():
        counted = counts.get(name, Counts(communes=0, population=0))
        entries.append(
            {
                "colour": entry.colour,
                "label": entry.label,
                "count": f"{fmt.count(counted.communes, 'commune')}, "
                f"{fmt.inhabitants(counted.population)}",
            }
        )
    if not inside.all():
        entries.append({"colour": OUTSIDE_COLOUR, "label": OUTSIDE_LABEL, "count": "DROM"})
    return spec | {
        "statuses": code_runs(codes),
        "colours": {c.code: c.colour for c in palette.values()} | {OUTSIDE_CODE: OUTSIDE_COLOUR},
        "labels": {c.code: c.label for c in palette.values()} | {OUTSIDE_CODE: OUTSIDE_LABEL},
        "legend": {"title": title, "entries": entries, "note": note or spec["legend"]["note"]},
    }
