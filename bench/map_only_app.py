"""The smallest page with the live map: a title and the national map (``bench_map.py``).

What the map element itself costs on top of the floor (``floor_app.py``), whatever
else the page shows. The benchmark runs a copy of it from a temporary folder, whose
``static`` folder the map element fills on the first (uncounted) visit; so does the
offline-assets browser test (``tests/browser/test_offline_assets.py``), the map element
having to put Leaflet and its geometry files there by itself, with no network.
"""

from pathlib import Path

import streamlit as st

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.reference import load_reference
from geo.core.registry import opsn_names
from geo.core.views import View
from geo.explore.views import selection
from geo.importers.inputs import bundled_inputs
from geo.maps import live_map_spec
from ui.map_element import map_element, prepare_map_files


@st.cache_resource
def national_spec():
    reference = load_reference()
    inputs = bundled_inputs()
    analysis = analyse(reference, inputs, CoverageOptions())
    assets = prepare_map_files(reference, Path(__file__).resolve().parent / "static")
    spec = live_map_spec(
        reference, analysis, "france", "", selection(reference, View()), analysis.figures,
        assets.files, assets.mapdata_url, opsn_names(inputs.registry),
    )  # fmt: skip
    return spec, assets


st.title("Couverture OPSN")
spec, assets = national_spec()
map_element(spec, assets)
