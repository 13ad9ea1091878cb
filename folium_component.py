"""The streamlit-folium map component, its arguments computed once per view.

``st_folium`` renders its Folium map to strings on every rerun of the page: 0.15 to
0.6 s for this app's maps (``bench/bench_map.py``), although the strings depend only
on the view. :func:`folium_component_args` computes them once, with streamlit-folium's
own helper functions, so that the app can cache them; :func:`show_map` hands them to
the component. ``tests/test_folium_component.py`` checks that they are exactly what
``st_folium`` passes, so that a new streamlit-folium version cannot drift unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterator

import folium
import streamlit_folium
from folium.elements import JSCSSMixin

MAP_HEIGHT = 620
MAP_RETURNS = ("last_active_drawing",)
"""What the map sends back: the clicked feature (drill-down); nothing on pan or zoom."""


def folium_component_args(folium_map: folium.Map, key: str) -> dict:
    """The arguments of ``st_folium(folium_map, key=key, height=MAP_HEIGHT,
    use_container_width=True, returned_objects=MAP_RETURNS)`` for its component.

    The map is rendered here, which alters it (``st_folium`` does the same): pass a
    map that is not used afterwards.
    """
    folium_map.get_root().render()
    folium_map.render()
    # Same order as st_folium: _get_map_string renames the map's elements.
    html = streamlit_folium._get_html(folium_map)
    header = streamlit_folium._get_header(folium_map)
    script = streamlit_folium._get_map_string(folium_map)
    css_links: list[str] = []
    js_links: list[str] = []
    for element in _elements(folium_map):
        if isinstance(element, JSCSSMixin):
            css_links.extend(href for _, href in element.default_css)
            js_links.extend(src for _, src in element.default_js)
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": streamlit_folium.get_full_id(folium_map),
        "key": streamlit_folium.generate_js_hash(script, key, False),
        "height": MAP_HEIGHT,
        "width": None,
        "returned_objects": list(MAP_RETURNS),
        "default": dict.fromkeys(MAP_RETURNS),
        "zoom": None,
        "center": None,
        "feature_group": None,
        "return_on_hover": False,
        "layer_control": None,
        "pixelated": False,
        "css_links": list(dict.fromkeys(css_links)),
        "js_links": list(dict.fromkeys(js_links)),
        "wrap_longitude": False,
    }


def _elements(element) -> Iterator:
    """The element and its descendants, parents first."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements(child)


def show_map(args: dict) -> dict | None:
    """Draw the map from cached arguments; what it sent back (the last click) or None."""
    return streamlit_folium._component_func(**args)
