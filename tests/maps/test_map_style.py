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
