"""The side panel of a view as French lines: written once, printed by the app and the CLI.

:func:`panel_text` turns :class:`~geo.explore.facts.ViewFacts` into lines; the command
line prints them as plain text (:func:`panel_lines`), the app as HTML
(``ui.panel``). A line is a sequence of spans: our own words, and names that come
from files (OPSN, places, data) — kept apart, because whoever shows a line as
Markdown or HTML must escape the names and only them. A span may be bold; a line
may start with the colour swatch of a class of communes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geo.core import fmt
from geo.core.coverage import without_label
from geo.core.figures import Figures
from geo.core.rules import Territory
from geo.core.views import Level
from geo.explore.facts import CommuneView, PartialOffer, Serving, ViewFacts


@dataclass(frozen=True)
class Span:
    """A piece of a line: ``name``: from data (escape it as markup); ``bold``: set in bold."""

    text: str
    name: bool = False
    bold: bool = False


@dataclass(frozen=True)
class Line:
    """One line of the panel; ``swatch``: the class of communes whose colour starts it."""

    spans: tuple[Span, ...]
    swatch: str = ""

    @property
    def text(self) -> str:
        """The line as plain text."""
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class PanelText:
    """The panel's lines by part, in the order shown."""

    title: Line
    notice: Line | None  # the view lies outside the chosen territory
    summary: list[Line]  # share, classes or the commune's facts, the territory
    serving: list[Line]  # « OPSN présents : » and one line each, or « Aucun… »; none for France
    partial: Line | None
    bordering: Line | None
    white_zones: Line | None
    data: Line

    def lines(self) -> list[Line]:
        """Every line, in order."""
        single = (self.partial, self.bordering, self.white_zones)
        return [
            self.title,
            *([self.notice] if self.notice else []),
            *self.summary,
            *self.serving,
            *[line for line in single if line],
            self.data,
        ]


def line(*parts: str | Span, swatch: str = "") -> Line:
    """A line from our words (``str``) and spans."""
    return Line(tuple(Span(p) if isinstance(p, str) else p for p in parts), swatch)


def name(text: str, bold: bool = False) -> Span:
    return Span(str(text), name=True, bold=bold)


def bold(text: str) -> Span:
    return Span(text, bold=True)


def listed(spans: Iterable[list[str | Span]], empty: str) -> list[str | Span]:
    """Entries (each a few parts) joined by commas; ``empty`` when there is none."""
    out: list[str | Span] = []
    for entry in spans:
        out += [", "] if out else []
        out += entry
    return out or [empty]


def territory_words(france: Figures) -> str:
    """« France entière » or « France métropolitaine », after the national figures' territory."""
    return "France entière" if france.territory == Territory.FRANCE else "France métropolitaine"


def panel_text(facts: ViewFacts) -> PanelText:
    """The side panel of ``facts``."""
    view, figures, france = facts.view, facts.figures, facts.france
    without = without_label(figures.opsn_filter)
    national = view.niveau == Level.FRANCE
    title = line(name(view.nom))
    if view.niveau == Level.TERRITOIRE:  # it may bear its department's name (« La Réunion »)
        title = line(f"Territoire {without} : ", name(view.nom))
    summary = [
        line(
            bold(fmt.percent(figures.covered_share)),
            f" de la population couverte ({fmt.integer(figures.covered_population)} sur "
            f"{fmt.inhabitants(figures.total_population)})"
            + (
                ""
                if national
                else f", contre {fmt.percent(france.covered_share)} pour la "
                f"{territory_words(france)}"
            ),
        )
    ]
    if facts.commune is None:
        summary += [
            line(
                name(entry.label),
                f" : {fmt.count(entry.communes, 'commune')}, {fmt.inhabitants(entry.population)}",
                swatch=kind,
            )
            for kind, entry in figures.classes.items()
        ]
    else:
        summary += _commune_lines(facts.commune)
    if facts.zone is not None:
        summary.append(line(name(facts.zone.description or facts.zone.nom)))
    zones = facts.white_zones
    return PanelText(
        title=title,
        notice=line(
            "Hors du territoire choisi (Métropole) : ses chiffres ne comptent pas dans le "
            "total national."
        )
        if facts.outside_territory
        else None,
        summary=summary,
        serving=[] if national else _serving_lines(facts.opsn),
        partial=line(bold("Offres partielles présentes"), " : ", *_partial(facts.partial_offers))
        if facts.partial_offers
        else None,
        bordering=line(
            bold("OPSN voisins"), " : ", *listed(([name(o.nom)] for o in facts.bordering_opsn), "")
        )
        if facts.bordering_opsn
        else None,
        # A commune says its own territory; a territory is its own.
        white_zones=line(
            bold(f"Territoires {without}"),
            f" touchant ce territoire : {fmt.integer(zones.count)} "
            f"({fmt.inhabitants(zones.population_in_view)} ici, "
            f"{fmt.inhabitants(zones.population)} en tout)",
        )
        if zones.count and view.niveau not in (Level.TERRITOIRE, Level.COMMUNE)
        else None,
        data=line("Données : ", name(facts.sources.data)),
    )


def panel_lines(facts: ViewFacts) -> list[str]:
    """The side panel as French lines of plain text (the CLI prints them).

    Plain text: names come from files, so whoever shows them as HTML or
    Markdown must escape them (``ui.panel`` prints :func:`panel_text` instead).
    """
    return [line.text for line in panel_text(facts).lines()]


def partial_offers_text(offers: list[PartialOffer]) -> str:
    """« DataSud (plateforme de données, SIG), OPenIG (SIG) — non comptées »."""
    return line(*_partial(offers)).text


def _partial(offers: list[PartialOffer]) -> list[str | Span]:
    parts = listed(([name(o.nom), " (", name(o.nature), ")"] for o in offers), "")
    counted = {o.counted for o in offers}
    if counted == {True}:
        return [*parts, " — comptées"]
    if counted == {False}:
        return [*parts, " — non comptées"]
    return parts


def _serving_lines(serving: list[Serving]) -> list[Line]:
    if not serving:
        return [line("Aucun OPSN compté sur ce territoire.")]
    lines = [line(bold("OPSN présents"), " :")]
    for opsn in serving:
        how = []
        if opsn.perimetre_communes:
            how.append(f"périmètre ({fmt.count(opsn.perimetre_communes, 'commune')})")
        if opsn.adhesion_communes:
            via = opsn.adhesion_via_epci_communes
            how.append(
                fmt.count(opsn.adhesion_communes, "commune adhérente", "communes adhérentes")
                + (f" (dont {fmt.integer(via)} par leur EPCI)" if via else "")
            )
        partial = " (offre partielle)" if opsn.offre == "partielle" else ""
        lines.append(line("- ", name(opsn.nom), f"{partial} : {', '.join(how)}"))
    return lines


def _commune_lines(commune: CommuneView) -> list[Line]:
    department = commune.departement
    members = [[name(o.nom)] for o in commune.adhesion if o.via == "commune"]
    members += [[name(o.nom), " (par son EPCI)"] for o in commune.adhesion if o.via == "epci"]
    lines = [
        line(name(commune.classe_libelle, bold=True), swatch=commune.classe),
        line(f"Population municipale : {fmt.inhabitants(commune.population)}"),
        line(
            "Département : ",
            name(department.nom),
            " (",
            name(department.code),
            ") — EPCI : ",
            name(commune.epci.nom) if commune.epci else "aucun",
        ),
        line(bold("Adhérente à"), " : ", *listed(members, "aucun OPSN connu")),
        line(
            bold("Dans le périmètre de"),
            " : ",
            *listed(([name(o.nom)] for o in commune.perimetre), "aucun OPSN"),
        ),
    ]
    if commune.zone:
        zone = commune.zone
        lines.append(
            line(
                "Territoire sans OPSN « ",
                name(zone.nom),
                f" » : {fmt.count(zone.communes, 'commune')}, {fmt.inhabitants(zone.population)}",
            )
        )
    return lines
