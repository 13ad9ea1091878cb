"""Static maps for slides and print: PNG (1920×1080, or 300 dpi) and vector PDF (A4 landscape).

Drawn with matplotlib over geopandas, without a browser, from the same analysis
and colours as the live map (:data:`geo.maps.style.CLASS_COLOURS`: a commune's class is its
status read with the counting rule, :mod:`geo.core.classes`). Every map has a
title, the counting rule with its vintages as subtitle, a legend with counts
and the headline share, and the credit line (sources, licence, date). France
shows the mainland in Lambert-93 with the five DROM as insets beside it, each
in its own metric CRS (moved for drawing only: every figure is computed on the
true geometry). Other views draw their communes by status, the communes around
them in paler tints, department and region borders, and a few town names.

The national map draws the ~35,000 communes dissolved by status (three
polygons, ``shapely.coverage_union_all``): cheaper to draw than 35,000 patches,
and the same picture at this scale (``bench/bench_export.py`` measures both).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field

import geopandas as gpd
import matplotlib
import matplotlib.text
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

from geo.core import fmt
from geo.core.analysis import Analysis, Inputs
from geo.core.classes import CLASSES, commune_classes
from geo.core.figures import AreaFigures, Figures
from geo.core.reference import ReferenceData
from geo.core.views import DROM, Level
from geo.exports.about import About, about
from geo.exports.projected import METRO, dissolve_by, zone_of_mask
from geo.exports.scope import Scope, scope_figures
from geo.maps.style import CLASS_COLOURS, STATUS_COLOURS

# ----------------------------------------------------------------------------- sizes

MM_PER_INCH = 25.4
SLIDE_WIDTH_IN = 13.333  # a 16:9 presentation slide, as office suites define it
SLIDE_HEIGHT_IN = 7.5


@dataclass(frozen=True)
class Canvas:
    """The page: size in inches and resolution (dots per inch; PNG only)."""

    width_in: float
    height_in: float
    dpi: float = 144.0

    @classmethod
    def of_pixels(cls, width: int, height: int, dpi: float) -> Canvas:
        """A canvas of exactly ``width`` × ``height`` pixels at ``dpi``.

        matplotlib truncates inches × dpi to whole pixels: a hair more than the
        exact quotient keeps 1920/144 × 144 from becoming 1919.
        """
        return cls((width + 1e-3) / dpi, (height + 1e-3) / dpi, dpi)

    @property
    def pixels(self) -> tuple[int, int]:
        """What the PNG measures (matplotlib truncates to whole pixels)."""
        return int(self.width_in * self.dpi), int(self.height_in * self.dpi)

    @property
    def unit(self) -> float:
        """Scale of every length and font relative to a 13.33 × 7.5 in slide."""
        return min(self.width_in / SLIDE_WIDTH_IN, self.height_in / SLIDE_HEIGHT_IN)


SLIDE = Canvas.of_pixels(1920, 1080, 144)
"""PNG for slides: 1920 × 1080 pixels (16:9), laid out as a 13.33 × 7.5 in slide."""
A4_LANDSCAPE = Canvas(297 / MM_PER_INCH, 210 / MM_PER_INCH, 300)
"""Print: A4 landscape; the PDF's page, and the PNG's at 300 dpi."""
A4_PRINT = Canvas.of_pixels(3508, 2480, 300)
"""PNG for print: A4 landscape at 300 dpi (3508 × 2480 pixels)."""
MIN_ASPECT = 1.2


class CanvasError(ValueError):
    """An image size or resolution that cannot give a readable map (French message)."""


def parse_size(text: str) -> tuple[int, int]:
    """``"1920x1080"`` → ``(1920, 1080)``; a French message for anything else."""
    parts = str(text).lower().replace("×", "x").split("x")
    try:
        width, height = (int(p.strip()) for p in parts)
    except ValueError:
        raise CanvasError(f"--size « {text} » : attendu LARGEURxHAUTEUR, ex. 1920x1080") from None
    return width, height


def canvas_for(kind: str, size: tuple[int, int] | None = None, dpi: float | None = None) -> Canvas:
    """The page of a map export.

    ``png``: 1920×1080 for slides by default; ``--dpi`` alone gives A4 landscape
    for print at that resolution (300 dpi: 3508×2480); ``--size`` gives those
    pixels, laid out like a slide of that shape (``--dpi`` then sets the text's
    size in pixels: a higher resolution, larger text). ``pdf``: A4 landscape.
    """
    if dpi is not None and not 50 <= dpi <= 600:
        raise CanvasError(f"--dpi {dpi:g} : choisir entre 50 et 600 (300 pour l'impression)")
    if kind == "pdf":
        if size is not None:
            raise CanvasError("--size s'applique aux images PNG ; le PDF est au format A4 paysage")
        return A4_LANDSCAPE
    if size is None:
        if not dpi:
            return SLIDE
        if dpi == A4_PRINT.dpi:
            return A4_PRINT
        return Canvas.of_pixels(
            round(A4_LANDSCAPE.width_in * dpi), round(A4_LANDSCAPE.height_in * dpi), dpi
        )
    width, height = size
    if not (640 <= width <= 10000 and 360 <= height <= 10000):
        raise CanvasError(f"--size {width}x{height} : entre 640x360 et 10000x10000 pixels")
    if width < MIN_ASPECT * height:
        raise CanvasError(
            f"--size {width}x{height} : format paysage attendu (largeur ≥ 1,2 × hauteur), "
            "comme une diapositive ou une page A4 paysage"
        )
    return Canvas.of_pixels(width, height, dpi or width / SLIDE_WIDTH_IN)


# ----------------------------------------------------------------------------- style

STYLE = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same everywhere
    "text.parse_math": False,  # names come from files: a « $ » must stay a « $ »
    "pdf.fonttype": 42,  # TrueType in the PDF: its text can be searched and copied
    "svg.fonttype": "none",
    "axes.unicode_minus": False,
    "path.simplify": True,
}
TEXT = "#1d1d1f"
MUTED = "#555555"
FRAME = "#9a9a9a"
DEPARTMENT_LINE = "#ffffff"
REGION_LINE = "#3a3a3a"
OUTLINE = "#000000"
HALO = "#ffffff"
SHARE_COLOUR = STATUS_COLOURS["adherente"]
CONTEXT_TINT = 0.38  # share of the status colour kept for the communes around a view


def tint(colour: str, share: float = CONTEXT_TINT) -> str:
    """``colour`` mixed with white (``share`` of the colour kept): no alpha, no seams."""
    rgb = np.array(to_rgb(colour))
    return to_hex(1 - share * (1 - rgb))


# ----------------------------------------------------------------------------- result


@dataclass
class RenderedMap:
    """A drawn map and where its parts are, in pixels (x0, y0, x1, y1; origin top left)."""

    figure: Figure
    canvas: Canvas
    info: About
    title: str = ""
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)  # town and department names drawn

    def save(self, target, kind: str) -> None:
        """Write ``png`` or ``pdf`` to a path or a binary file object."""
        metadata = _metadata(kind, self.title, self.info)
        printable_spaces(self.figure)
        with matplotlib.rc_context(STYLE):
            self.figure.savefig(target, format=kind, dpi=self.canvas.dpi, metadata=metadata)

    def to_bytes(self, kind: str) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer, kind)
        return buffer.getvalue()


def printable_spaces(figure: Figure) -> None:
    """Every thousands separator of the figure as a no-break space of full width.

    The narrow one of French typography (U+202F, ``12 345`` on screen) is a fifth of
    an em in DejaVu Sans: printed at 8 points, « 709 441 » read « 709441 ». The
    no-break space (U+00A0) keeps the number on one line and the gap visible.
    """
    for text in figure.findobj(matplotlib.text.Text):
        value = text.get_text()
        if fmt.NNBSP in value:
            text.set_text(value.replace(fmt.NNBSP, fmt.NBSP))


def _metadata(kind: str, title: str, info: About) -> dict:
    if kind == "pdf":
        return {
            "Title": title,
            "Subject": info.rule_sentence,
            "Keywords": "OPSN, couverture, communes",
            "Creator": "Couverture OPSN (python -m geo export)",
        }
    return {
        "Title": title,
        "Description": info.rule_sentence,
        "Source": info.credit_line,
        "Software": "Couverture OPSN (python -m geo export)",
    }


# ----------------------------------------------------------------------------- layout


_NO_BREAK = ((" :", "\u00a0:"), (" ;", "\u00a0;"), (" %", "\u00a0%"), ("« ", "«\u00a0"),
             (" »", "\u00a0»"), (" ?", "\u00a0?"), (" !", "\u00a0!"))  # fmt: skip


def _wrap(text: str, width_in: float, size_pt: float) -> list[str]:
    """Lines of ``text`` that fit ``width_in`` at ``size_pt`` (DejaVu Sans: ~0.56 em per char).

    A line never starts with « : », « ; » or « % » (French spacing kept unbreakable).
    """
    for plain, joined in _NO_BREAK:
        text = text.replace(plain, joined)
    chars = max(12, int(width_in * 72 / (size_pt * 0.58)))
    return textwrap.wrap(text, chars, break_on_hyphens=False) or [""]


def _line_in(size_pt: float, spacing: float = 1.3) -> float:
    return size_pt * spacing / 72


@dataclass
class _Layout:
    """Boxes in inches (left, bottom, width, height) of each part of the page."""

    canvas: Canvas
    title_lines: list[str]
    subtitle_lines: list[str]
    credit_lines: list[str]
    body: tuple[float, float, float, float]  # map + insets + legend
    sizes: dict[str, float]


def _layout(canvas: Canvas, title: str, subtitle: str, credits: str) -> _Layout:
    u = canvas.unit
    sizes = {
        "title": 21 * u,
        "subtitle": 11 * u,
        "credits": 7.6 * u,
        "legend_title": 12 * u,
        "legend": 11 * u,
        "legend_small": 9.5 * u,
        "share": 40 * u,
        "label": 9 * u,
        "inset": 9 * u,
        "margin": 0.3 * u,
    }
    margin = sizes["margin"]
    text_width = canvas.width_in - 2 * margin
    title_lines = _wrap(title, text_width, sizes["title"])[:3]
    subtitle_lines = _wrap(subtitle, text_width, sizes["subtitle"])[:3]
    credit_lines = _wrap(credits, text_width, sizes["credits"])[:3]
    header = (
        len(title_lines) * _line_in(sizes["title"], 1.2)
        + 0.08 * u
        + len(subtitle_lines) * _line_in(sizes["subtitle"])
    )
    footer = len(credit_lines) * _line_in(sizes["credits"])
    top = canvas.height_in - margin - header - 0.18 * u
    bottom = margin + footer + 0.14 * u
    body = (margin, bottom, text_width, top - bottom)
    return _Layout(canvas, title_lines, subtitle_lines, credit_lines, body, sizes)


def _fraction(canvas: Canvas, box: tuple[float, float, float, float]) -> list[float]:
    left, bottom, width, height = box
    return [
        left / canvas.width_in,
        bottom / canvas.height_in,
        width / canvas.width_in,
        height / canvas.height_in,
    ]


def _pixels(figure: Figure, artist_box) -> tuple[float, float, float, float]:
    """A display-space bbox as (x0, y0, x1, y1) with the origin at the top left."""
    height = figure.bbox.height
    return (artist_box.x0, height - artist_box.y1, artist_box.x1, height - artist_box.y0)


# ----------------------------------------------------------------------------- drawing parts


def _plot(ax, geometries, **style) -> None:
    """Polygons or lines through geopandas (one collection per call)."""
    values = [g for g in np.atleast_1d(geometries) if g is not None and not g.is_empty]
    if values:
        gpd.GeoSeries(values).plot(ax=ax, **style)


def _bare(ax, frame: bool = False) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("white")
    for spine in ax.spines.values():
        spine.set_visible(frame)
        spine.set_color(FRAME)
        spine.set_linewidth(0.6)


def _limits(bounds, box_aspect: float, pad: float = 0.03) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) around ``bounds`` with the box's width/height ratio."""
    minx, miny, maxx, maxy = bounds
    dx, dy = ((maxx - minx) or 1.0) * (1 + 2 * pad), ((maxy - miny) or 1.0) * (1 + 2 * pad)
    if dx / dy < box_aspect:
        dx = dy * box_aspect
    else:
        dy = dx / box_aspect
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return cx - dx / 2, cx + dx / 2, cy - dy / 2, cy + dy / 2


def _fit(ax, bounds, box_aspect: float, pad: float = 0.03) -> None:
    """Limits with the box's proportions: the map keeps its true shape and fills the box."""
    x0, x1, y0, y1 = _limits(bounds, box_aspect, pad)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    _clear_labels(ax)


def _clear_labels(ax) -> None:
    """No « x » / « y » axis names: geopandas' plot leaves them on a map."""
    ax.set_xlabel("")
    ax.set_ylabel("")


def _aspect(bounds: tuple[float, float, float, float], pad: float = 0.03) -> float:
    minx, miny, maxx, maxy = bounds
    return ((maxx - minx) or 1.0) * (1 + 2 * pad) / (((maxy - miny) or 1.0) * (1 + 2 * pad))


def _draw_classes(ax, pieces: dict[str, shapely.Geometry], colours: dict[str, str], edge=None):
    for kind in CLASSES:
        if kind in pieces:
            _plot(
                ax,
                pieces[kind],
                facecolor=colours[kind],
                edgecolor=edge or colours[kind],
                linewidth=0.2 if edge is None else 0.15,
            )


def _borders(ax, reference, zone: str, u: float, regions: bool = True) -> None:
    """Department (white) and region (dark) borders of a zone, from the prepared outlines."""
    zones, outlines = reference.projected("departements")
    _plot(ax, shapely.boundary(outlines[zones == zone]), color=DEPARTMENT_LINE, linewidth=0.5 * u)
    if regions:
        zones, outlines = reference.projected("regions")
        _plot(ax, shapely.boundary(outlines[zones == zone]), color=REGION_LINE, linewidth=0.9 * u)


def _borders_of(ax, outlines: np.ndarray, keys: np.ndarray, colour: str, width: float) -> None:
    """Borders between groups of communes (departments, regions) at the communes' detail."""
    if len(np.unique(keys)) < 2:
        return
    groups = dissolve_by(outlines, keys)
    _plot(ax, shapely.boundary(list(groups.values())), color=colour, linewidth=width)


def _halo(size: float):
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=max(1.5, size * 0.32), foreground=HALO)]


@dataclass
class _Label:
    x: float
    y: float
    text: str
    dot: bool = True
    muted: bool = False
    bold: bool = False


def _place_labels(
    figure: Figure, ax, labels: list[_Label], size: float, avoid: list | None = None
) -> list[str]:
    """Draw labels in order of priority, skipping any that would overlap one already drawn
    (or a box of ``avoid``: the scale bar) or leave the map.

    Returns the texts drawn (tests and reports can say which towns are named).
    """
    renderer = figure.canvas.get_renderer()
    ax.apply_aspect()
    inside = ax.get_window_extent(renderer)
    taken = list(avoid or [])
    drawn = []
    for label in labels:
        text = ax.annotate(
            label.text,
            (label.x, label.y),
            xytext=(size * 0.45 if label.dot else 0, 0),
            textcoords="offset points",
            ha="left" if label.dot else "center",
            va="center",
            fontsize=size * (0.92 if label.muted else 1.0),
            color=MUTED if label.muted else TEXT,
            fontstyle="italic" if label.muted else "normal",
            fontweight="bold" if label.bold else "normal",
            path_effects=_halo(size),
            zorder=6,
            annotation_clip=True,
        )
        box = text.get_window_extent(renderer).expanded(1.08, 1.25)
        fits = (
            box.x0 >= inside.x0
            and box.x1 <= inside.x1
            and box.y0 >= inside.y0
            and box.y1 <= inside.y1
        )
        if not fits or any(box.overlaps(other) for other in taken):
            text.remove()
            continue
        taken.append(box)
        drawn.append(label.text)
        if label.dot:
            ax.plot(
                [label.x],
                [label.y],
                marker="o",
                markersize=size * 0.38,
                color=TEXT,
                markeredgecolor=HALO,
                markeredgewidth=0.6,
                zorder=7,
            )
    return drawn


def _scale_bar(figure: Figure, ax, u: float, size: float):
    """A bar of a round length (about a fifth of the map's width), bottom left.

    Returns the box it takes on the page, for the labels to keep clear of it.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) / 5
    steps = [1, 2, 5]
    magnitude = 10 ** np.floor(np.log10(target))
    length = max(s * magnitude for s in steps if s * magnitude <= target)
    left, base = x0 + 0.03 * (x1 - x0), y0 + 0.035 * (y1 - y0)
    ax.plot([left, left + length], [base, base], color=TEXT, linewidth=2.2 * u, zorder=8,
            solid_capstyle="butt")  # fmt: skip
    km = length / 1000
    label = f"{fmt.integer(km)} km" if km >= 1 else f"{fmt.integer(length)} m"
    text = ax.annotate(
        label, (left + length / 2, base), xytext=(0, 4 * u), textcoords="offset points",
        ha="center", va="bottom", fontsize=size, color=TEXT, path_effects=_halo(size), zorder=8,
    )  # fmt: skip
    renderer = figure.canvas.get_renderer()
    box = text.get_window_extent(renderer)
    start = ax.transData.transform((left, base))
    end = ax.transData.transform((left + length, base))
    return Bbox.union([box, Bbox([start - 4, end + 4])]).expanded(1.1, 1.2)


# ----------------------------------------------------------------------------- legend


def _legend(
    figure: Figure,
    box: list[float],
    figures: Figures | AreaFigures,
    national: Figures | None,
    sizes: dict[str, float],
    canvas: Canvas,
    notes: list[str],
) -> None:
    """Headline share, then one entry per status with its counts, top down."""
    ax = figure.add_axes(box)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    height_in = box[3] * canvas.height_in
    width_in = box[2] * canvas.width_in
    y = 1.0

    def down(inches: float) -> float:
        return inches / height_in

    def text(value: str, size: float, **style) -> None:
        nonlocal y
        y -= down(_line_in(size, 1.0))
        ax.text(0, y, value, fontsize=size, va="baseline", color=style.pop("color", TEXT), **style)
        y -= down(_line_in(size, 0.3))

    share = fmt.percent(figures.covered_share)
    text(share, sizes["share"], color=SHARE_COLOUR, fontweight="bold")
    text("de la population couverte", sizes["legend"])
    text(
        f"{fmt.inhabitants(figures.covered_population)} sur "
        f"{fmt.integer(figures.total_population)}",
        sizes["legend_small"],
        color=MUTED,
    )
    if national is not None:
        text(f"France : {fmt.percent(national.covered_share)}", sizes["legend_small"],
             color=MUTED)  # fmt: skip
    y -= down(0.22 * canvas.unit)
    text("Couverture par un OPSN", sizes["legend_title"], fontweight="bold")
    y -= down(0.04 * canvas.unit)
    swatch_w, swatch_h = 0.34 * canvas.unit, 0.24 * canvas.unit
    indent = (swatch_w + 0.14 * canvas.unit) / width_in
    text_width = width_in - swatch_w - 0.14 * canvas.unit
    for kind, counts in figures.classes.items():
        lines = _wrap(counts.label, text_width, sizes["legend"])
        top = y - down(0.06 * canvas.unit)
        ax.add_patch(
            Rectangle(
                (0, top - down(swatch_h)),
                swatch_w / width_in,
                down(swatch_h),
                facecolor=CLASS_COLOURS[kind],
                edgecolor="#444444",
                linewidth=0.6,
            )
        )
        for line in lines:
            y -= down(_line_in(sizes["legend"], 1.0))
            ax.text(indent, y, line, fontsize=sizes["legend"], va="baseline", color=TEXT)
            y -= down(_line_in(sizes["legend"], 0.22))
        y -= down(_line_in(sizes["legend_small"], 1.0))
        ax.text(
            indent,
            y,
            f"{fmt.count(counts.communes, 'commune')} · {fmt.inhabitants(counts.population)}",
            fontsize=sizes["legend_small"],
            va="baseline",
            color=MUTED,
        )
        y -= down(_line_in(sizes["legend_small"], 0.9))
    y -= down(0.1 * canvas.unit)
    for note in notes:
        for line in _wrap(note, width_in, sizes["legend_small"]):
            text(line, sizes["legend_small"], color=MUTED)


# ----------------------------------------------------------------------------- views


def _france(
    figure: Figure,
    reference: ReferenceData,
    analysis: Analysis,
    scope: Scope,
    layout: _Layout,
    boxes: dict,
) -> tuple[list, list[float]]:
    """Mainland and, for France with the DROM, five insets in a column on its left."""
    canvas, u = layout.canvas, layout.canvas.unit
    zones = reference.projected().zones
    outlines = reference.projected().outlines
    status = commune_classes(analysis.coverage)
    drawn = scope.drawn
    mainland = drawn & (zones == METRO)
    bounds = shapely.total_bounds(outlines[mainland])
    drom = [code for code in DROM if (drawn & (zones == code)).any()]

    left, bottom, width, height = layout.body
    legend_w = 3.75 * u
    gap = 0.25 * u
    inset_w = 1.45 * u if drom else 0.0
    available = width - legend_w - gap - (inset_w + gap if drom else 0)
    map_w = min(available, height * _aspect(bounds))
    group = (inset_w + gap if drom else 0) + map_w + gap + legend_w
    x = left + (width - group) / 2

    if drom:
        caption = layout.sizes["inset"]
        slot = (height - _line_in(caption, 1.6) - 4 * 0.1 * u) / len(drom)
        top = bottom + height
        figure.text(
            x / canvas.width_in, (top - _line_in(caption, 1.0)) / canvas.height_in,
            "Outre-mer (échelles différentes)", fontsize=caption * 0.92, color=MUTED,
        )  # fmt: skip
        top -= _line_in(caption, 1.6)
        for code in drom:
            label_h = _line_in(caption, 1.15)
            box = (x, top - slot, inset_w, slot - label_h)
            ax = figure.add_axes(_fraction(canvas, box))
            _bare(ax, frame=True)
            chosen = drawn & (zones == code)
            _draw_classes(ax, dissolve_by(outlines[chosen], status[chosen]), CLASS_COLOURS)
            _borders(ax, reference, code, u, regions=False)
            _fit(ax, shapely.total_bounds(outlines[chosen]), box[2] / box[3], pad=0.08)
            figure.text(
                (x + 0.02 * u) / canvas.width_in, (top - label_h + 0.05 * u) / canvas.height_in,
                DROM[code], fontsize=caption, color=TEXT,
            )  # fmt: skip
            boxes[f"inset:{code}"] = ax
            top -= slot + 0.1 * u
        x += inset_w + gap

    ax = figure.add_axes(_fraction(canvas, (x, bottom, map_w, height)))
    _bare(ax)
    _draw_classes(ax, dissolve_by(outlines[mainland], status[mainland]), CLASS_COLOURS)
    _borders(ax, reference, METRO, u)
    _fit(ax, bounds, map_w / height)
    boxes["map"] = ax
    labels = _towns_by(reference, outlines, mainland, "region", 1)
    scale = _scale_bar(figure, ax, u, layout.sizes["label"])
    boxes["labels"] = _place_labels(figure, ax, labels, layout.sizes["label"], [scale])
    legend_box = (x + map_w + gap, bottom, legend_w, height)
    return ["Traits blancs : départements ; traits sombres : régions."], _fraction(
        canvas, legend_box
    )


def _towns_by(
    reference: ReferenceData, outlines: np.ndarray, mask: np.ndarray, key: str, per_group: int
) -> list[_Label]:
    """The most populated commune(s) of each ``key`` group among ``mask``, largest first."""
    communes = reference.communes
    rows = np.flatnonzero(mask)
    frame = communes.iloc[rows][["nom", "population", key]].assign(position=rows)
    frame = frame.sort_values("population", ascending=False)
    chosen = frame.groupby(key, sort=False).head(per_group)
    points = shapely.point_on_surface(outlines[chosen["position"].to_numpy()])
    return [
        _Label(shapely.get_x(p), shapely.get_y(p), name)
        for p, name in zip(points, chosen["nom"], strict=True)
    ]


def _territory(
    figure: Figure,
    reference: ReferenceData,
    analysis: Analysis,
    scope: Scope,
    layout: _Layout,
    boxes: dict,
) -> tuple[list, list[float]]:
    """A region, department, EPCI, commune or territory: its communes, paler ones around."""
    canvas, u = layout.canvas, layout.canvas.unit
    zones = reference.projected().zones
    detail = "geometry_generalisee" if scope.level == Level.REGION else "geometry"
    outlines = reference.projected("communes", detail).outlines
    status = commune_classes(analysis.coverage)
    zone = zone_of_mask(zones, scope.drawn)
    drawn = scope.drawn & (zones == zone)
    bounds = shapely.total_bounds(outlines[drawn])

    left, bottom, width, height = layout.body
    legend_w, gap = 3.75 * u, 0.25 * u
    available = width - legend_w - gap
    aspect = _aspect(bounds, 0.06)
    map_w = min(available, height * aspect)
    map_h = min(height, map_w / aspect)
    group = map_w + gap + legend_w
    x = left + (width - group) / 2
    y = bottom + (height - map_h) / 2
    ax = figure.add_axes(_fraction(canvas, (x, y, map_w, map_h)))
    _bare(ax)
    x0, x1, y0, y1 = _limits(bounds, map_w / map_h, pad=0.06)
    window = shapely.box(x0, y0, x1, y1)

    visible = zones == zone
    visible[visible] = shapely.intersects(outlines[visible], window)
    around = visible & ~drawn
    if around.any():
        pale = {kind: tint(c) for kind, c in CLASS_COLOURS.items()}
        _draw_classes(ax, dissolve_by(outlines[around], status[around]), pale)
    edge = "#ffffff" if drawn.sum() < 1500 else None
    for kind in CLASSES:
        chosen = drawn & (status == kind)
        if chosen.any():
            _plot(ax, outlines[chosen], facecolor=CLASS_COLOURS[kind],
                  edgecolor=edge or CLASS_COLOURS[kind], linewidth=0.25 * u if edge else 0.2)  # fmt: skip
    communes = reference.communes
    _borders_of(ax, outlines[visible], communes["departement"].to_numpy()[visible],
                DEPARTMENT_LINE, 0.9 * u)  # fmt: skip
    _borders_of(ax, outlines[visible], communes["region"].to_numpy()[visible], REGION_LINE, u)
    selection_outline = shapely.coverage_union_all(outlines[drawn])
    _plot(ax, shapely.boundary(selection_outline), color=OUTLINE, linewidth=1.3 * u)
    if scope.level == Level.COMMUNE:
        target = (communes["insee"] == scope.code).to_numpy()
        _plot(ax, shapely.boundary(outlines[target]), color=OUTLINE, linewidth=2.4 * u)
    boxes["map"] = ax
    _fit(ax, bounds, map_w / map_h, pad=0.06)
    _bare(ax, frame=True)
    notes = [
        "Trait noir épais : limite du territoire ; traits blancs : départements ; "
        "traits sombres : régions."
    ]
    if around.any():
        notes.insert(0, "Teintes pâles : communes voisines.")

    labels = []
    if scope.level == Level.COMMUNE:
        labels += _towns_by(reference, outlines, (reference.communes["insee"] == scope.code)
                            .to_numpy(), "insee", 1)  # fmt: skip
        labels[0].bold = True
    if scope.level == Level.REGION:
        labels += _towns_by(reference, outlines, drawn, "departement", 1)
    labels += _top_towns(reference, outlines, drawn, 4 if scope.level == Level.REGION else 8)
    labels += _neighbour_names(reference, zone, window, drawn)
    scale = _scale_bar(figure, ax, u, layout.sizes["label"])
    boxes["labels"] = _place_labels(figure, ax, labels, layout.sizes["label"], [scale])
    legend_box = (x + map_w + gap, bottom, legend_w, height)
    return notes, _fraction(canvas, legend_box)


def _top_towns(reference, outlines, mask, count: int) -> list[_Label]:
    rows = np.flatnonzero(mask)
    population = reference.communes["population"].to_numpy()[rows]
    chosen = rows[np.argsort(-population, kind="stable")[:count]]
    points = shapely.point_on_surface(outlines[chosen])
    names = reference.communes["nom"].to_numpy()[chosen]
    return [
        _Label(shapely.get_x(p), shapely.get_y(p), n) for p, n in zip(points, names, strict=True)
    ]


def _neighbour_names(reference, zone: str, window, drawn: np.ndarray) -> list[_Label]:
    """Names of the departments around the view, in grey, where they show on the map."""
    zones, outlines = reference.projected("departements")
    inside = set(reference.communes.loc[drawn, "departement"])
    labels = []
    table = reference.departements
    for position in np.flatnonzero(zones == zone):
        code = table["code"].iat[position]
        if code in inside:
            continue
        visible = shapely.intersection(outlines[position], window)
        if visible.is_empty or visible.area < 0.02 * window.area:
            continue
        point = shapely.point_on_surface(visible)
        name = f"{table['nom'].iat[position]} ({code})"
        labels.append(_Label(point.x, point.y, name, dot=False, muted=True))
    return labels


# ----------------------------------------------------------------------------- the map


def title_of(scope: Scope) -> str:
    if scope.is_france:
        return f"Couverture des communes par un OPSN — {scope.name}"
    if scope.level == Level.TERRITOIRE:
        return scope.name
    return f"Couverture des communes par un OPSN — {scope.name}"


def draw_map(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    scope: Scope,
    canvas: Canvas = SLIDE,
    info: About | None = None,
) -> RenderedMap:
    """The static map of a view on ``canvas``; save it with :meth:`RenderedMap.save`."""
    info = info or about(reference, analysis, inputs, scope.name)
    title = title_of(scope)
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(canvas.width_in, canvas.height_in), dpi=canvas.dpi)
        FigureCanvasAgg(figure)
        figure.patch.set_facecolor("white")
        layout = _layout(canvas, title, info.rule_sentence, info.credit_line)
        boxes: dict = {}
        figures = scope_figures(reference, analysis, scope)
        if scope.is_france:
            notes, legend_box = _france(figure, reference, analysis, scope, layout, boxes)
            national = None
        else:
            notes, legend_box = _territory(figure, reference, analysis, scope, layout, boxes)
            national = analysis.figures
        _legend(figure, legend_box, figures, national, layout.sizes, canvas, notes)
        texts = _header_footer(figure, layout)
        legend_axes = figure.axes[-1]
        _keep_inside(figure, list(texts.values()), canvas.width_in - layout.sizes["margin"])
        _keep_inside(figure, legend_axes.texts, canvas.width_in - layout.sizes["margin"] / 2)
        rendered = RenderedMap(figure, canvas, info, title, labels=boxes.pop("labels", []))
        renderer = figure.canvas.get_renderer()
        for name, ax in boxes.items():
            ax.apply_aspect()
            rendered.boxes[name] = _pixels(figure, ax.get_window_extent(renderer))
        rendered.boxes["legend"] = _pixels(figure, figure.axes[-1].get_window_extent(renderer))
        for name, artist in texts.items():
            rendered.boxes[name] = _pixels(figure, artist.get_window_extent(renderer))
    return rendered


def _keep_inside(figure: Figure, texts, right_in: float) -> None:
    """Shrink any text whose measured width runs past ``right_in`` (inches from the left).

    Lines are wrapped from an estimate of the glyphs' width; a line of wide
    capitals can still exceed it, and nothing may be cut off by the page edge.
    """
    renderer = figure.canvas.get_renderer()
    right = right_in * figure.dpi
    for text in texts:
        extent = text.get_window_extent(renderer)
        if extent.x1 > right and extent.width > 0:
            scale = max(0.6, (right - extent.x0) / extent.width * 0.98)
            text.set_fontsize(text.get_fontsize() * scale)


def _header_footer(figure: Figure, layout: _Layout) -> dict:
    canvas, sizes = layout.canvas, layout.sizes
    margin = sizes["margin"]
    x = margin / canvas.width_in
    top = canvas.height_in - margin
    title = figure.text(
        x, top / canvas.height_in, "\n".join(layout.title_lines), fontsize=sizes["title"],
        fontweight="bold", color=TEXT, va="top", linespacing=1.2,
    )  # fmt: skip
    top -= len(layout.title_lines) * _line_in(sizes["title"], 1.2) + 0.08 * canvas.unit
    subtitle = figure.text(
        x, top / canvas.height_in, "\n".join(layout.subtitle_lines), fontsize=sizes["subtitle"],
        color=MUTED, va="top", linespacing=1.3,
    )  # fmt: skip
    credits = figure.text(
        x, margin / canvas.height_in, "\n".join(layout.credit_lines), fontsize=sizes["credits"],
        color=MUTED, va="bottom", linespacing=1.3,
    )  # fmt: skip
    return {"title": title, "subtitle": subtitle, "credits": credits}
