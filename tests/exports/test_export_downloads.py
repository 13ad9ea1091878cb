"""What the app's « Exporter » menu offers for a view, and the names of its files."""

from __future__ import annotations

import pytest

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.exports.files import DOWNLOADS, download_name, downloads_for
from geo.exports.scope import resolve
from geo.importers.inputs import bundled_inputs


@pytest.fixture(scope="module")
def analysis(reference):
    return analyse(reference, bundled_inputs(), CoverageOptions())


def test_every_view_offers_maps_html_and_tables_and_a_report_where_one_exists():
    keys = {level: [d.key for d in downloads_for(level)] for level in ("france", "region", "epci")}
    assert keys["france"] == ["png_slide", "png_print", "pdf_map", "html", "xlsx", "csv"]
    assert keys["region"] == [d.key for d in DOWNLOADS], "everything, report included"
    assert "report" not in keys["epci"]
    assert "report" in [d.key for d in downloads_for("territoire")]


def test_file_names_are_french_and_name_the_view(reference, analysis):
    by_key = {d.key: d for d in DOWNLOADS}
    france = resolve(reference, analysis, "france")
    finistere = resolve(reference, analysis, "departement", "29")
    assert download_name(france, by_key["png_slide"]) == "couverture_opsn_france_diapositive.png"
    assert download_name(france, by_key["png_print"]) == "couverture_opsn_france_impression.png"
    assert download_name(finistere, by_key["report"]) == "rapport_opsn_departement_29_finistere.pdf"
    assert download_name(finistere, by_key["xlsx"]) == "tableaux_opsn_departement_29_finistere.xlsx"
    names = {download_name(finistere, d) for d in DOWNLOADS}
    assert len(names) == len(DOWNLOADS), "two files of one view never share a name"
    for name in names:
        assert name.isascii() and " " not in name
