"""The figures of a set of communes and the headline figures, as typed values.

:func:`geo.core.coverage.area_figures` counts a set of communes (:class:`AreaFigures`);
:func:`geo.core.coverage.coverage_figures`, completed by :func:`geo.core.analysis.analyse`,
gives the headline (:class:`Figures`). They travel between modules as these frozen
dataclasses, read by attribute: a misspelt name is an error where it is written.

Each field's name is a key of the command line's JSON (``coverage --format json``, the
``before`` / ``after`` of ``scenario``, ``timeline`` and ``db compare``, the static
atlas), in the fields' order, through the one bridge :func:`geo.core.records.as_json`:
renaming or moving a field changes a contract (``tests/core/test_figures.py`` lists it).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from geo.core.rules import Rule, Status, Territory


@dataclass(frozen=True)
class Counts:
    """Communes and inhabitants of one status (an entry of ``status``)."""

    communes: int
    population: int


@dataclass(frozen=True)
class ClassCounts:
    """One class of the rule (an entry of ``classes``, :func:`geo.core.classes.class_figures`):
    its words, whether it counts as covered, its communes and inhabitants."""

    label: str
    covered: bool
    communes: int
    population: int


@dataclass(frozen=True)
class SizeRow:
    """One size class of communes (a row of ``by_size``)."""

    taille: str
    communes: int
    covered_communes: int
    population: int
    covered_population: int


@dataclass(frozen=True)
class AreaFigures:
    """Counts of a set of communes within the territory (:func:`geo.core.coverage.area_figures`).

    ``status`` and ``classes`` are keyed by the status and class values
    (``adherente``, …) in their order; ``outside_territory``: the set lies wholly
    outside the chosen territory and its own communes are counted.
    """

    total_communes: int
    total_population: int
    covered_communes: int
    covered_population: int
    covered_share: float
    status: dict[Status, Counts]
    classes: dict[str, ClassCounts]
    multi_opsn_communes: int
    multi_opsn_population: int
    by_size: list[SizeRow]
    status_labels: dict[Status, str]
    outside_territory: bool


@dataclass(frozen=True)
class Figures:
    """The headline figures: the ``coverage --format json`` contract (without the
    ``reference_declic_2020`` the command adds), and the figures of a view
    (:func:`geo.explore.panel.view_facts`: the same fields, counted on the view).

    ``white_zone_count`` is ``None`` when territories without OPSN were not
    computed; ``at`` is the date of the memberships (ISO), ``None`` for today;
    ``cog_year`` … ``data_version`` name the vintages and the data in use
    (:func:`geo.core.analysis.analyse`; ``data_version`` ``None``: files).
    """

    total_communes: int
    total_population: int
    covered_communes: int
    covered_population: int
    covered_share: float
    white_zone_count: int | None
    white_zone_population: int
    white_zone_overseas: int | None
    white_zone_islands: int | None
    rule: Rule
    territory: Territory
    epci_membership: bool
    at: str | None
    opsn_filter: list[str]
    partial_offers_counted: bool
    status: dict[Status, Counts]
    classes: dict[str, ClassCounts]
    multi_opsn_communes: int
    multi_opsn_population: int
    by_size: list[SizeRow]
    counting_rule: str
    status_labels: dict[Status, str]
    cog_year: int | None = None
    population_year: int | None = None
    data: str | None = None
    data_sources: list[dict] | None = None
    data_version: int | None = None


@dataclass(frozen=True)
class FiguresCompared:
    """Two sets of headline figures (two versions, before / after an import or a refresh)
    and what changed (the ``figures`` key of ``db compare --format json``)."""

    before: Figures
    after: Figures
    covered_population_delta: int
    covered_share_delta: float
    covered_communes_delta: int
    white_zone_count_delta: int


AREA_FIELDS = tuple(field.name for field in fields(AreaFigures))
"""The fields of :class:`AreaFigures`, in order."""

VIEW_FIELDS = tuple(
    name
    for name in AREA_FIELDS
    if name not in ("status_labels", "outside_territory")  # the headline's words; a flag apart
)
"""The counts a view replaces in the headline figures (:func:`geo.explore.panel.view_facts`);
its territories without OPSN are its own too."""
