"""What a commune is shown as: its status read with the counting rule.

A commune's status (:class:`geo.core.rules.Status`) says what serves it, whatever
the rule; what a person sees on a map, a legend, a table or an export must also
say whether it *counts*. Under « Adhérentes seulement » a commune that is only in
a perimeter is not covered: drawn in the purple of the covered ones it would
contradict the headline, so it is a class of its own (« Dans un périmètre, non
comptée avec cette règle »). The classes of a view always add up to its
communes. This module is the one definition of the classes — their words, order
and meaning — used by the map, the legend, the tiles, the panel, the tables, the
exports and the command line; their colours are in :mod:`geo.maps.style`.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pandas as pd

from geo.core.figures import ClassCounts
from geo.core.rules import Rule, Status


class CoverageClass(StrEnum):
    """How a commune is drawn, listed and exported under the chosen counting rule."""

    ADHERENTE = "adherente"
    """Member of an OPSN (counted under every rule)."""
    PERIMETRE = "perimetre"
    """Only in a perimeter, counted (rule « adhérentes ou dans un périmètre »)."""
    PERIMETRE_NON_COMPTEE = "perimetre_non_comptee"
    """Only in a perimeter, not counted (rule « adhérentes seulement »)."""
    SANS_OPSN = "sans_opsn"
    """Neither a member nor in a perimeter."""
    HORS_TERRITOIRE = "hors_territoire"
    """Outside the counted territory (the DROM under « Métropole »): not counted at all."""

    @property
    def covered(self) -> bool:
        """Whether the communes of this class count as covered."""
        return self in (CoverageClass.ADHERENTE, CoverageClass.PERIMETRE)

    @property
    def code(self) -> str:
        """The one letter the live map reads (``geo.maps.live``: run-length encoded)."""
        return _CODES[self]

    def label(self, filtered: bool = False) -> str:
        """French words, as in legends and tables; ``filtered``: under an OPSN filter."""
        return (_FILTERED_LABELS if filtered else _LABELS)[self]

    def short(self, filtered: bool = False) -> str:
        """A few words for a tile (« Périmètre, non comptées »)."""
        return (_FILTERED_SHORT if filtered else _SHORT)[self]


_CODES = {
    CoverageClass.ADHERENTE: "a",
    CoverageClass.PERIMETRE: "p",
    CoverageClass.PERIMETRE_NON_COMPTEE: "n",
    CoverageClass.SANS_OPSN: "s",
    CoverageClass.HORS_TERRITOIRE: "-",
}
_LABELS = {
    CoverageClass.ADHERENTE: "Adhérente à un OPSN",
    CoverageClass.PERIMETRE: "Dans le périmètre d'un OPSN, sans adhésion connue",
    CoverageClass.PERIMETRE_NON_COMPTEE: "Dans un périmètre, non comptée avec cette règle",
    CoverageClass.SANS_OPSN: "Sans OPSN",
    CoverageClass.HORS_TERRITOIRE: "Hors du territoire compté",
}
_FILTERED_LABELS = _LABELS | {
    CoverageClass.ADHERENTE: "Adhérente à un OPSN choisi",
    CoverageClass.PERIMETRE: "Dans le périmètre d'un OPSN choisi, sans adhésion connue",
    CoverageClass.PERIMETRE_NON_COMPTEE: (
        "Dans le périmètre d'un OPSN choisi, non comptée avec cette règle"
    ),
    CoverageClass.SANS_OPSN: "Hors des OPSN choisis",
}
_SHORT = {
    CoverageClass.ADHERENTE: "Communes adhérentes",
    CoverageClass.PERIMETRE: "Communes dans un périmètre",
    CoverageClass.PERIMETRE_NON_COMPTEE: "Périmètre, non comptées",
    CoverageClass.SANS_OPSN: "Communes sans OPSN",
    CoverageClass.HORS_TERRITOIRE: "Hors du territoire compté",
}
_FILTERED_SHORT = _SHORT | {CoverageClass.SANS_OPSN: "Communes hors des OPSN choisis"}

CLASSES = tuple(CoverageClass)


def rule_classes(rule: Rule) -> tuple[CoverageClass, ...]:
    """The classes a view shows under ``rule``, in legend order; they partition its communes."""
    perimeter = (
        CoverageClass.PERIMETRE
        if Rule(rule).counts_perimeters
        else CoverageClass.PERIMETRE_NON_COMPTEE
    )
    return (CoverageClass.ADHERENTE, perimeter, CoverageClass.SANS_OPSN)


_CLASS_VALUES = np.array(
    [
        CoverageClass.ADHERENTE.value,
        CoverageClass.PERIMETRE.value,
        CoverageClass.PERIMETRE_NON_COMPTEE.value,
        CoverageClass.SANS_OPSN.value,
    ],
    dtype=object,
)


def commune_classes(coverage: pd.DataFrame, outside: bool = False) -> np.ndarray:
    """The class of every commune of a coverage frame (:func:`geo.core.coverage.commune_coverage`).

    Read from its ``statut`` and ``couverte`` columns, which the counting rule
    made: a commune in a perimeter is counted or not. ``outside``: the communes
    outside the counted territory are :attr:`CoverageClass.HORS_TERRITOIRE`
    (maps); otherwise they keep their class (figures leave them out anyway).
    Vectorised: one ``np.select`` over the ~35,000 communes.
    """
    status = coverage["statut"].to_numpy(dtype=object)
    covered = coverage["couverte"].to_numpy(dtype=bool)
    in_perimeter = status == Status.PERIMETRE.value
    chosen = np.select(  # positions in _CLASS_VALUES: no array of strings built per call
        [status == Status.ADHERENTE.value, in_perimeter & covered, in_perimeter & ~covered],
        [0, 1, 2],
        3,
    )
    classes = _CLASS_VALUES[chosen]
    if outside:
        classes[~coverage["dans_territoire"].to_numpy(dtype=bool)] = (
            CoverageClass.HORS_TERRITOIRE.value
        )
    return classes


def class_figures(
    classes: np.ndarray, population: np.ndarray, rule: Rule, filtered: bool = False
) -> dict[str, ClassCounts]:
    """Communes and inhabitants of each class of ``rule`` (the ``classes`` JSON key).

    ``classes`` and ``population`` are those of the counted communes; every
    class of the rule is listed, with 0 when none is in it, so that the
    entries add up to the communes counted. Each entry: ``label``,
    ``covered``, ``communes``, ``population``.
    """
    classes = np.asarray(classes, dtype=object)
    population = np.asarray(population)
    counts = {}
    for kind in rule_classes(rule):
        chosen = classes == kind.value
        counts[kind.value] = ClassCounts(
            label=kind.label(filtered),
            covered=kind.covered,
            communes=int(chosen.sum()),
            population=int(population[chosen].sum()),
        )
    return counts
