"""Territory report: a few A4 landscape pages (PDF) about a region, department or territory.

Page 1 is the static map of the view (:mod:`geo.exports.static_map`); then its
headline figures against France, the OPSN present and how they serve it, the
OPSN next door, its communes without OPSN by population, and the sources and
counting rule. Written with matplotlib's ``PdfPages``: the map stays vector,
the text stays searchable (TrueType fonts), and no second PDF library is
needed for a document that is mostly one map and a few tables. Tables run on
to the next page with their header repeated.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from geo.core import fmt
from geo.core.analysis import Analysis, Inputs
from geo.core.coverage import without_label
from geo.core.reference import ReferenceData
from geo.explore import tables
from geo.exports.about import About, about
from geo.exports.scope import REPORT_LEVELS, TERRITORY_LEVEL, Scope, scope_figures
from geo.exports.static_map import (
    A4_LANDSCAPE,
    MUTED,
    STYLE,
    TEXT,
    _line_in,
    _wrap,
    draw_map,
    printable_spaces,
)
from geo.maps import STATUS_COLOURS

"""Views a report is written for (France has its own figures; an EPCI or a commune is small)."""
MAX_COMMUNES = 60
"""Communes without OPSN listed (by population); the rest are counted, and in the tables export."""

PAGE = A4_LANDSCAPE
MARGIN = 0.55
HEADER_FILL = STATUS_COLOURS["adherente"]
ZEBRA = "#f3f1f8"
SIZES = {"h1": 17, "h2": 13, "body": 9.5, "table": 8.2, "small": 7.5}


class ReportError(ValueError):
    """A view the report is not written for (French message)."""


@dataclass
class _Cell:
    text: str
    align: str = "left"


class _Pages:
    """A flow of headings, paragraphs and tables over A4 landscape pages."""

    def __init__(self, pdf: PdfPages, info: About, running_title: str) -> None:
        self.pdf = pdf
        self.info = info
        self.running_title = running_title
        self.figure: Figure | None = None
        self.number = 0
        self.y = 0.0

    # -- pages

    def new_page(self) -> None:
        self.close_page()
        self.number += 1
        self.figure = Figure(figsize=(PAGE.width_in, PAGE.height_in))
        FigureCanvasAgg(self.figure)
        self.figure.text(
            MARGIN / PAGE.width_in, 1 - 0.35 / PAGE.height_in, self.running_title,
            fontsize=SIZES["small"], color=MUTED, va="top",
        )  # fmt: skip
        footer = _wrap(self.info.credit_line, PAGE.width_in - 2 * MARGIN - 0.8, SIZES["small"])
        self.figure.text(
            MARGIN / PAGE.width_in, 0.3 / PAGE.height_in, "\n".join(footer),
            fontsize=SIZES["small"], color=MUTED, va="bottom", linespacing=1.25,
        )  # fmt: skip
        self.figure.text(
            1 - MARGIN / PAGE.width_in, 0.3 / PAGE.height_in, f"page {self.number}",
            fontsize=SIZES["small"], color=MUTED, va="bottom", ha="right",
        )  # fmt: skip
        self.bottom = 0.3 + len(footer) * _line_in(SIZES["small"], 1.25) + 0.25
        self.y = PAGE.height_in - 0.75

    def close_page(self) -> None:
        if self.figure is not None:
            printable_spaces(self.figure)
            self.pdf.savefig(self.figure)
            self.figure = None

    def add_figure(self, figure: Figure) -> None:
        self.close_page()
        self.number += 1
        figure.text(
            1 - MARGIN / PAGE.width_in, 0.3 / PAGE.height_in * 0.5, f"page {self.number}",
            fontsize=SIZES["small"], color=MUTED, va="bottom", ha="right",
        )  # fmt: skip
        printable_spaces(figure)
        self.pdf.savefig(figure)

    def room(self, inches: float) -> None:
        if self.figure is None or self.y - inches < self.bottom:
            self.new_page()

    # -- flow

    def text(self, text: str, size: float, **style) -> None:
        width = PAGE.width_in - 2 * MARGIN
        lines = _wrap(text, width, size)
        height = len(lines) * _line_in(size, 1.3)
        self.room(height)
        self.figure.text(
            MARGIN / PAGE.width_in, self.y / PAGE.height_in, "\n".join(lines), fontsize=size,
            va="top", linespacing=1.3, color=style.pop("color", TEXT), **style,
        )  # fmt: skip
        self.y -= height + 0.06

    def heading(self, text: str, level: int = 2) -> None:
        size = SIZES["h1" if level == 1 else "h2"]
        self.room(_line_in(size) + 1.2)  # never a heading alone at the foot of a page
        self.y -= 0.12
        self.text(text, size, fontweight="bold")

    def paragraph(self, text: str, muted: bool = False) -> None:
        self.text(text, SIZES["body"], color=MUTED if muted else TEXT)

    def table(self, header: list[str], rows: list[list[_Cell]], widths: list[float]) -> None:
        """Rows under a coloured header, continued on the next page with the header again.

        ``widths`` are in inches, narrowed in proportion if they exceed the page.
        """
        size = SIZES["table"]
        row_h = _line_in(size, 1.55)
        scale = min(1.0, (PAGE.width_in - 2 * MARGIN) / sum(widths))
        widths = [w * scale for w in widths]
        aligns = [r.align for r in rows[0]] if rows else ["left"] * len(header)
        header_lines = [
            _Cell("\n".join(_wrap(h, w - 0.1, size)), a)
            for h, w, a in zip(header, widths, aligns, strict=True)
        ]
        header_h = max(c.text.count("\n") + 1 for c in header_lines) * _line_in(size, 1.2) + 0.1
        # A cell's text wraps onto as many lines as it needs: words are never cut.
        wrapped = [
            [_Cell("\n".join(_cell_lines(c.text, w - 0.1, size)), c.align)
             for c, w in zip(cells, widths, strict=True)]
            for cells in rows
        ]  # fmt: skip
        heights = [
            max(row_h, max(c.text.count("\n") + 1 for c in cells) * _line_in(size, 1.2) + 0.1)
            for cells in wrapped
        ]
        position = 0
        while position < len(rows) or position == 0:
            self.room(header_h + row_h * min(3, max(1, len(rows))))
            self._row(header_lines, widths, header_h, size, header=True)
            while position < len(rows) and self.y - heights[position] >= self.bottom:
                cells = wrapped[position]
                self._row(cells, widths, heights[position], size, zebra=position % 2 == 1)
                position += 1
            if position >= len(rows):
                break
            self.new_page()
        self.y -= 0.15

    def _row(self, cells, widths, height, size, header=False, zebra=False) -> None:
        figure = self.figure
        x = MARGIN
        top = self.y
        if header or zebra:
            figure.add_artist(
                Rectangle(
                    (MARGIN / PAGE.width_in, (top - height) / PAGE.height_in),
                    sum(widths) / PAGE.width_in,
                    height / PAGE.height_in,
                    transform=figure.transFigure,
                    facecolor=HEADER_FILL if header else ZEBRA,
                    edgecolor="none",
                )
            )
        for cell, width in zip(cells, widths, strict=True):
            text = cell.text
            align = cell.align
            anchor = x + 0.05 if align == "left" else x + width - 0.05
            figure.text(
                anchor / PAGE.width_in, (top - height / 2) / PAGE.height_in, text,
                fontsize=size, va="center", ha=align, linespacing=1.2,
                color="white" if header else TEXT, fontweight="bold" if header else "normal",
            )  # fmt: skip
            x += width
        self.y -= height


def _cell_lines(text: str, width_in: float, size: float) -> list[str]:
    """The lines of a table cell of ``width_in``: broken between words only (a word longer
    than the cell stays whole, never « délégué à la prote… »)."""
    chars = max(4, int(width_in * 72 / (size * 0.56)))
    return textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False) or [""]


def _cells(table: tables.Table, names: list[str]) -> list[list[_Cell]]:
    """Rows of French-formatted cells for the chosen columns of a table."""
    columns = [table.column(n) for n in names]
    rows = []
    for record in table.frame[names].itertuples(index=False):
        rows.append(
            [
                _Cell(
                    tables.format_value(value, column),
                    "right" if column.kind in tables.NUMERIC_KINDS else "left",
                )
                for value, column in zip(record, columns, strict=True)
            ]
        )
    return rows


# ----------------------------------------------------------------------------- content


def comparison_rows(
    reference: ReferenceData, analysis: Analysis, scope: Scope
) -> list[tuple[str, str, str]]:
    """(figure, the view's value, France's value): the headline figures side by side."""
    view = scope_figures(reference, analysis, scope)
    france = analysis.figures
    without = without_label(analysis.options.opsn)
    multi = (analysis.coverage["n_opsn"].to_numpy() >= 2) & scope.mask

    def both(key: str, kind: str | None = None) -> tuple[str, str]:
        if kind:
            return (
                fmt.integer(getattr(view.classes[kind], key)),
                fmt.integer(getattr(france.classes[kind], key)),
            )
        return fmt.integer(getattr(view, key)), fmt.integer(getattr(france, key))

    rows = [
        ("Population municipale", *both("total_population")),
        ("Communes", *both("total_communes")),
        (
            "Part de la population couverte",
            fmt.percent(view.covered_share, 1),
            fmt.percent(france.covered_share, 1),
        ),
        ("Population couverte", *both("covered_population")),
        ("Communes couvertes", *both("covered_communes")),
    ]
    for kind, entry in france.classes.items():
        rows.append((f"{entry.label} : communes", *both("communes", kind)))
        rows.append((f"{entry.label} : habitants", *both("population", kind)))
    rows.append(
        (
            "Communes servies par plusieurs OPSN",
            fmt.integer(multi.sum()),
            fmt.integer(france.multi_opsn_communes),
        )
    )
    zones = analysis.zones
    if not zones.empty:
        codes = set(reference.communes.loc[scope.mask, "insee"])
        touching = zones[zones["insee"].str.split("|").map(lambda c: not codes.isdisjoint(c))]
        rows.append(
            (
                f"Territoires {without} touchant la vue",
                fmt.integer(len(touching)),
                fmt.integer(france.white_zone_count or 0),
            )
        )
    return rows


def _how(row) -> str:
    """« périmètre : 277 communes ; adhésions : 12 communes », and a partial offer said so."""
    parts = []
    if row["Communes dans le périmètre"]:
        parts.append(f"périmètre : {fmt.count(row['Communes dans le périmètre'], 'commune')}")
    if row["Communes adhérentes"]:
        members = fmt.count(row["Communes adhérentes"], "commune")
        if row["dont par leur EPCI"]:
            members += f" (dont {fmt.integer(row['dont par leur EPCI'])} par leur EPCI)"
        parts.append(f"adhésions : {members}")
    if row["Offre"] != "complète":
        parts.append(f"offre {row['Offre']}")
    if row["Comptée"] != "oui":
        parts.append("non comptée")
    return " ; ".join(parts) or "—"


def write_report(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    scope: Scope,
    target,
    info: About | None = None,
) -> int:
    """Write the report of ``scope`` as PDF to a path or binary file; return its page count."""
    if scope.level not in REPORT_LEVELS:
        raise ReportError(
            f"le rapport porte sur une région, un département ou un territoire sans OPSN "
            f"(--vue {' | '.join(REPORT_LEVELS)}), pas sur « {scope.level} »"
        )
    info = info or about(reference, analysis, inputs, scope.name)
    title = (
        f"Rapport — {scope.name}"
        if scope.level == TERRITORY_LEVEL
        else f"Rapport de territoire — {scope.name}"
    )
    metadata = {
        "Title": title,
        "Subject": info.rule_sentence,
        "Keywords": "OPSN, couverture, communes, rapport",
        "Creator": "Couverture OPSN (python -m geo export report)",
    }
    with matplotlib.rc_context(STYLE), PdfPages(target, metadata=metadata) as pdf:
        pages = _Pages(pdf, info, f"{title} — {info.date:%d/%m/%Y}")
        rendered = draw_map(reference, analysis, inputs, scope, PAGE, info)
        pages.add_figure(rendered.figure)
        _figures_pages(pages, reference, analysis, inputs, scope, title)
        pages.close_page()
        return pages.number


def _figures_pages(pages: _Pages, reference, analysis, inputs, scope: Scope, title: str) -> None:
    names_note = scope.name
    pages.new_page()
    pages.heading(title, level=1)
    pages.paragraph(f"Règle de comptage : {pages.info.rule_sentence}", muted=True)
    pages.paragraph(f"Données OPSN : {pages.info.data}.", muted=True)

    pages.heading("Chiffres clés, face à la France")
    france = "France métropolitaine" if analysis.options.territory == "metropole" else "France"
    rows = [
        [_Cell(label), _Cell(view, "right"), _Cell(whole, "right")]
        for label, view, whole in comparison_rows(reference, analysis, scope)
    ]
    here = "Ce territoire" if scope.level == TERRITORY_LEVEL else scope.name
    pages.table(["", here, france], rows, [4.4, 2.2, 2.0])

    pages.heading("OPSN présents et comment ils servent le territoire")
    present = tables.opsn_table(reference, analysis, inputs, scope.mask, names_note)
    if present.frame.empty:
        pages.paragraph("Aucun OPSN connu ne sert ce territoire (ni périmètre, ni adhésion).")
    else:
        present = present.with_frame(
            present.frame.assign(Service=present.frame.apply(_how, axis=1))
        )
        present = _with_text_column(present, "Service", "comment il sert le territoire")
        columns = ["OPSN", "Portée", "Service", "Population du périmètre", "Population adhérente"]
        pages.table(columns, _cells(present, columns), [1.9, 1.4, 4.3, 1.6, 1.6])
        pages.paragraph(
            "Périmètre : départements où l'OPSN propose ses services ; adhésions : communes "
            "membres (directement ou par leur EPCI). Une commune servie par plusieurs OPSN "
            "compte une fois dans les chiffres clés.",
            muted=True,
        )

    pages.heading("OPSN voisins")
    neighbours = tables.bordering_opsn_table(reference, analysis, inputs, scope.mask, names_note)
    if scope.zone is not None and float(scope.zone.get("distance_km") or 0) > 0:
        pages.paragraph(
            f"Ce territoire ne touche aucune commune servie ; la plus proche est à "
            f"{fmt.decimal(float(scope.zone['distance_km']))} km."
        )
    if neighbours.frame.empty:
        pages.paragraph("Aucune commune voisine n'est servie par un OPSN.")
    else:
        columns = [c.name for c in neighbours.columns if c.name != "Identifiant"]
        pages.table(columns, _cells(neighbours, columns), [2.2, 2.0, 1.5, 2.0, 1.2])

    without = without_label(analysis.options.opsn)
    pages.heading(f"Communes {without}, par population")
    communes = tables.communes_without_opsn(reference, analysis, inputs, scope.mask, names_note)
    frame = communes.frame
    if frame.empty:
        pages.paragraph(f"Aucune commune {without} dans ce territoire.")
    else:
        total = int(frame["Population"].sum())
        pages.paragraph(
            f"{fmt.count(len(frame), 'commune')} {without}, "
            f"{fmt.inhabitants(total)} au total."
            + (
                f" Les {MAX_COMMUNES} plus peuplées ci-dessous ; la liste complète est dans "
                "l'export des tableaux (python\u00a0-m\u00a0geo\u00a0export\u00a0tables)."
                if len(frame) > MAX_COMMUNES
                else ""
            )
        )
        shown = communes.with_frame(frame.head(MAX_COMMUNES))
        columns = ["Code INSEE", "Commune", "Département", "EPCI", "Population"]
        widths = [1.0, 2.6, 1.0, 3.2, 1.2]
        if scope.level != TERRITORY_LEVEL:  # the territory each commune belongs to
            columns.append(communes.columns[-1].name)
            widths.append(2.6)
        pages.table(columns, _cells(shown, columns), widths)

    pages.heading("Sources et règle de comptage")
    for label, value in pages.info.rows():
        pages.paragraph(f"{label} : {value}")
    pages.paragraph(
        "Adhérente : commune membre d'au moins un OPSN (ou dont l'EPCI est membre, selon "
        "l'option). Dans un périmètre : non adhérente, mais un OPSN propose ses services dans "
        "son département. Sans OPSN : ni l'un ni l'autre. Un territoire sans OPSN est un "
        "ensemble de communes sans OPSN qui se touchent.",
        muted=True,
    )


def _with_text_column(table: tables.Table, name: str, description: str) -> tables.Table:
    from dataclasses import replace

    return replace(table, columns=(*table.columns, tables.Column(name, "text", description)))


def report_bytes(reference, analysis, inputs, scope, info: About | None = None) -> bytes:
    buffer = io.BytesIO()
    write_report(reference, analysis, inputs, scope, buffer, info)
    return buffer.getvalue()
