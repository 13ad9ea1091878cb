"""Static maps: real PNG and PDF files, checked in their pixels and text.

The national PNG for slides is written to ``artifacts/`` to be looked at as a
presenter would. Checked here: its size; the three legend colours and the five
DROM insets present in the pixels; no text overlapping another or cut off by
the edge; the title, rule and credits in the PDF's text; the sizes for print.
"""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from geo.core import fmt
from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.rules import STATUSES
from geo.core.stats import CREDITS
from geo.core.views import DROM
from geo.exports.scope import resolve
from geo.exports.static_map import (
    A4_PRINT,
    SLIDE,
    CanvasError,
    canvas_for,
    draw_map,
    parse_size,
)
from geo.importers.inputs import bundled_inputs
from geo.maps import STATUS_COLOURS
from tests.export_data import artifacts_dir, complete, tiny_inputs
from tests.tiny_reference import tiny_reference


@pytest.fixture(scope="module")
def bundled(reference):
    inputs = bundled_inputs()
    return reference, inputs, analyse(reference, inputs, CoverageOptions())


@pytest.fixture(scope="module")
def national(bundled):
    reference, inputs, analysis = bundled
    return draw_map(
        reference, inputs=inputs, analysis=analysis, scope=resolve(reference, analysis, "france")
    )


@pytest.fixture(scope="module")
def national_png(national) -> Image.Image:
    data = national.to_bytes("png")
    (artifacts_dir() / "export_carte_france.png").write_bytes(data)
    return Image.open(io.BytesIO(data))


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))


def count(image: Image.Image, box, colour: str, tolerance: int = 6) -> int:
    """Pixels of ``colour`` (± tolerance per channel) inside ``box`` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = (round(v) for v in box)
    pixels = np.asarray(image.convert("RGB"))[y0:y1, x0:x1].astype(int)
    return int((np.abs(pixels - np.array(rgb(colour))).max(axis=2) <= tolerance).sum())


def plain(text: str) -> str:
    """Text with its line breaks and no-break spaces as plain spaces (wrapping aside)."""
    return " ".join(text.replace("\u00a0", " ").split())


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def text_boxes(rendered) -> list[tuple[str, tuple]]:
    """Every visible text of the figure with its pixel box (origin top left)."""
    figure = rendered.figure
    renderer = figure.canvas.get_renderer()
    height = figure.bbox.height
    texts = [t for t in figure.findobj(lambda a: hasattr(a, "get_text")) if t.get_visible()]
    boxes = []
    for text in texts:
        if not text.get_text().strip():
            continue
        extent = text.get_window_extent(renderer)
        boxes.append(
            (text.get_text(), (extent.x0, height - extent.y1, extent.x1, height - extent.y0))
        )
    return boxes


def assert_tidy(rendered) -> None:
    """Parts inside the page and apart; texts inside the page and never on top of each other."""
    width, height = rendered.canvas.pixels
    parts = {k: v for k, v in rendered.boxes.items() if k not in ("subtitle",)}
    for name, box in rendered.boxes.items():
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height, name
    for (a, box_a), (b, box_b) in itertools.combinations(parts.items(), 2):
        if {a, b} == {"title", "map"} or "labels" in (a, b):
            continue
        assert not overlaps(box_a, box_b), f"{a} overlaps {b}: {box_a} {box_b}"
    assert not overlaps(rendered.boxes["title"], rendered.boxes["subtitle"])
    texts = text_boxes(rendered)
    for text, box in texts:
        assert box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height, text
    for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):
        shrunk_a = (box_a[0] + 1, box_a[1] + 1, box_a[2] - 1, box_a[3] - 1)
        assert not overlaps(shrunk_a, box_b), f"« {a} » overlaps « {b} »"


def test_national_png_for_slides(national, national_png):
    assert national_png.size == (1920, 1080)
    assert national.canvas == SLIDE
    assert national_png.info["Title"] == "Couverture des communes par un OPSN — France"
    assert "Licence Ouverte 2.0" in national_png.info["Source"]
    legend = national.boxes["legend"]
    for status in STATUSES:  # each legend swatch, in the colour of the live map
        assert count(national_png, legend, STATUS_COLOURS[status]) > 800, status
    mainland = national.boxes["map"]
    for status in ("perimetre", "sans_opsn"):
        assert count(national_png, mainland, STATUS_COLOURS[status]) > 20_000, status


def test_the_five_drom_are_insets_beside_the_mainland(national, national_png, bundled):
    reference, _, analysis = bundled
    mainland = national.boxes["map"]
    statuses = analysis.coverage["statut"].to_numpy()
    for code, name in DROM.items():
        box = national.boxes[f"inset:{code}"]
        assert box[2] <= mainland[0], f"{name} inset is not beside the mainland"
        mine = statuses[(reference.communes["departement"] == code).to_numpy()]
        main_status = max(set(mine), key=list(mine).count)
        assert count(national_png, box, STATUS_COLOURS[main_status]) > 300, name
        texts = [t for t, _ in text_boxes(national)]
        assert name in texts


def test_national_map_is_tidy_and_says_its_figures(national, bundled):
    _, _, analysis = bundled
    assert_tidy(national)
    figures = analysis.figures
    texts = plain(" ".join(t for t, _ in text_boxes(national)))
    assert plain(fmt.percent(figures.covered_share)) in texts
    for status in STATUSES:
        counts = figures.status[status]
        assert plain(fmt.count(counts.communes, "commune")) in texts
        assert plain(fmt.inhabitants(counts.population)) in texts
    assert "Paris" in national.labels and "Marseille" in national.labels
    assert len(national.labels) >= 10
    assert "Sources : IGN" in texts and "Réalisation : Couverture OPSN" in texts


def test_pdf_is_vector_a4_landscape_with_title_rule_and_credits(bundled, tmp_path):
    reference, inputs, analysis = bundled
    scope = resolve(reference, analysis, "departement", "29")
    rendered = draw_map(reference, analysis, inputs, scope, canvas_for("pdf"))
    assert_tidy(rendered)
    reader = PdfReader(io.BytesIO(rendered.to_bytes("pdf")))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    text = " ".join(page.extract_text().split())
    assert "Couverture des communes par un OPSN — Finistère (29)" in text
    assert "populations légales 2023" in text and "communes au 1er janvier 2026" in text
    assert "Licence Ouverte 2.0" in text and "IGN" in text
    assert reader.metadata.title == "Couverture des communes par un OPSN — Finistère (29)"
    assert not page.images, "the map should be vector, not a picture"
    assert "Brest" in rendered.labels and "Quimper" in rendered.labels


def test_print_and_custom_sizes(bundled):
    assert canvas_for("png", dpi=300) == A4_PRINT and A4_PRINT.pixels == (3508, 2480)
    assert canvas_for("png").pixels == (1920, 1080)
    assert canvas_for("png", parse_size("1280x720")).pixels == (1280, 720)
    assert canvas_for("png", parse_size("1280x720"), dpi=144).pixels == (1280, 720)
    reference, inputs, analysis = bundled
    scope = resolve(reference, analysis, "region", "53")
    image = Image.open(
        io.BytesIO(draw_map(reference, analysis, inputs, scope, A4_PRINT).to_bytes("png"))
    )
    assert image.size == (3508, 2480)
    assert round(image.info["dpi"][0]) == 300
    small = draw_map(reference, analysis, inputs, scope, canvas_for("png", parse_size("1280x720")))
    assert_tidy(small)
    assert Image.open(io.BytesIO(small.to_bytes("png"))).size == (1280, 720)


@pytest.mark.parametrize(
    ("size", "dpi", "kind"),
    [("1080x1080", None, "png"), ("10x10", None, "png"), ("abc", None, "png"),
     (None, 5, "png"), ("1920x1080", None, "pdf")],
)  # fmt: skip
def test_unusable_sizes_get_a_french_message(size, dpi, kind):
    with pytest.raises(CanvasError, match=r"--size|--dpi"):
        canvas_for(kind, parse_size(size) if size else None, dpi)


@pytest.mark.parametrize(("level", "code"), [("epci", "242900314"), ("territoire", "Z87085"),
                                             ("commune", "29019"), ("departement", "974")])  # fmt: skip
def test_every_kind_of_view_draws_tidily(bundled, level, code):
    reference, inputs, analysis = bundled
    if level == "territoire" and code not in set(analysis.zones["id"]):
        code = analysis.zones["id"].iloc[4]  # territories may be renumbered by the data
    rendered = draw_map(reference, analysis, inputs, resolve(reference, analysis, level, code))
    assert_tidy(rendered)
    image = Image.open(io.BytesIO(rendered.to_bytes("png")))
    assert image.size == (1920, 1080)
    present = [s for s in STATUSES if count(image, rendered.boxes["map"], STATUS_COLOURS[s]) > 500]
    assert present, "no status colour on the map"


def test_names_with_math_or_dollars_are_drawn_as_typed():
    reference = complete(tiny_reference())
    reference.communes["nom"] = reference.communes["nom"].where(
        reference.communes["insee"] != "75056", "Saint-$x^2$-\\frac{a}{b}"
    )
    inputs = tiny_inputs()
    analysis = analyse(reference, inputs, CoverageOptions())
    rendered = draw_map(reference, analysis, inputs, resolve(reference, analysis, "france"))
    rendered.to_bytes("png")  # mathtext would fail on « \\frac »
    assert "Saint-$x^2$-\\frac{a}{b}" in rendered.labels
    assert [k for k in rendered.boxes if k.startswith("inset:")] == ["inset:971"]
    assert plain(CREDITS) in plain(" ".join(t for t, _ in text_boxes(rendered)))


def test_metropole_has_no_insets(reference):
    inputs = bundled_inputs()
    analysis = analyse(reference, inputs, CoverageOptions(territory="metropole"))
    rendered = draw_map(reference, analysis, inputs, resolve(reference, analysis, "france"))
    assert rendered.title == "Couverture des communes par un OPSN — France métropolitaine"
    assert not [k for k in rendered.boxes if k.startswith("inset:")]
    assert "France métropolitaine" in plain(" ".join(t for t, _ in text_boxes(rendered)))
    assert_tidy(rendered)
