"""geo.maps.style: fills readable on a projector (contrast ≥ 3:1 against the background)."""

from __future__ import annotations

import re

import pytest

from geo.core.paths import ROOT
from geo.maps import style
from geo.maps.style import (
    MAP_FILL_OPACITY,
    MIN_CONTRAST,
    SEA_COLOUR,
    blend,
    contrast,
    legend_colours,
)


def test_contrast_formula_matches_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#b2abd2", SEA_COLOUR) < 2, "the old lavender: why the palette changed"


@pytest.mark.parametrize("name", list(legend_colours()))
def test_every_legend_colour_stands_out_from_the_background(name):
    colour = legend_colours()[name]
    assert contrast(colour, SEA_COLOUR) >= MIN_CONTRAST, "live map background"
    assert contrast(colour, "#ffffff") >= MIN_CONTRAST, "legend swatch, static exports"
    drawn = blend(colour, SEA_COLOUR, MAP_FILL_OPACITY)
    assert contrast(drawn, SEA_COLOUR) >= MIN_CONTRAST, "as drawn, at the map's opacity"


def test_statuses_stay_distinct_from_each_other():
    colours = style.STATUS_COLOURS
    assert contrast(colours["adherente"], colours["perimetre"]) >= 2
    assert len(set(legend_colours().values())) == len(legend_colours())


def test_folium_styles_and_the_map_element_use_the_same_fills():
    for status, colour in style.STATUS_COLOURS.items():
        assert style.STATUS_STYLES[status]["fillColor"] == colour
    script = (ROOT / "ui" / "map_element" / "map.js").read_text(encoding="utf-8")
    alpha = float(re.search(r"const FOCUS_ALPHA = ([\d.]+);", script).group(1))
    assert alpha == MAP_FILL_OPACITY


# Machado, Oliveira & Fernandes (2009), severity 1: how a colour looks to someone with
# protanopia, deuteranopia or tritanopia (applied to linear RGB).
CVD = {
    "typical": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def _lab(colour: str, vision: str) -> tuple[float, float, float]:
    """CIELAB of ``colour`` as seen with ``vision`` (sRGB, D65)."""
    linear = [style._channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5)]
    seen = [
        min(1.0, max(0.0, sum(m * c for m, c in zip(row, linear, strict=True))))
        for row in CVD[vision]
    ]
    xyz = [
        sum(m * c for m, c in zip(row, seen, strict=True))
        for row in ((0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505))
    ]
    f = [
        t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
        for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883)
    ]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _difference(first: str, second: str, vision: str) -> float:
    a, b = _lab(first, vision), _lab(second, vision)
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


@pytest.mark.parametrize("vision", list(CVD))
def test_the_class_not_counted_stands_apart_for_colour_blind_eyes(vision):
    """The colour of « dans un périmètre, non comptée » differs by at least 15 CIELAB
    units from every colour a map shows beside it (the other classes of « adhérentes
    seulement » and « hors du territoire »), also with a colour-vision deficiency."""
    from geo.core.classes import CoverageClass, rule_classes

    shown = [style.CLASS_COLOURS[kind] for kind in rule_classes("adhesion")]
    shown.append(style.CLASS_COLOURS[CoverageClass.HORS_TERRITOIRE])
    shown.remove(style.NOT_COUNTED_COLOUR)
    for other in shown:
        assert _difference(style.NOT_COUNTED_COLOUR, other, vision) >= 15, other


def test_the_class_not_counted_does_not_look_like_a_counted_one():
    """Under « adhérentes seulement » a perimeter-only commune must not read as covered:
    its colour is far from both purples, whatever the eyes."""
    not_counted = style.NOT_COUNTED_COLOUR
    for vision in CVD:
        for counted in (style.STATUS_COLOURS["adherente"], style.STATUS_COLOURS["perimetre"]):
            assert _difference(not_counted, counted, vision) >= 20
