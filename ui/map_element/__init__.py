"""The live map, as a Streamlit custom component (v2) drawn in the page, without an iframe.

What it draws comes from :func:`geo.maps.live_map_spec`; the shapes are files
(:mod:`geo.mapdata`) and Leaflet's own files, both written into the ``static/``
folder next to the page's script (``app.py``), which Streamlit serves at
``app/static/`` (``server.enableStaticServing`` in ``.streamlit/config.toml``),
under names that change with their content. A click
on a territory comes back as the trigger value ``{"level": …, "code": …}``:
:func:`map_element` returns it during the rerun it causes, and ``None`` otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from geo.core.paths import ROOT
from geo.core.reference import ReferenceData
from geo.mapdata import MapFiles, ensure_map_files
from geo.maps.web_assets import (
    LEAFLET_CSS,
    LEAFLET_JS,
    MAP_CODE_DIR,
    MAP_ELEMENT_HTML,
    copy_leaflet,
    leaflet_dir_name,
)
from ui import serving

HERE = MAP_CODE_DIR  # this folder: map.js, map.css (shared with the atlas), streamlit.js
STATIC_URL = "app/static"
"""Where Streamlit serves the ``static`` folder next to the page's script."""
MAPDATA = "mapdata"
COMPONENT_NAME = "opsn_map"

LEAFLET_DIR = leaflet_dir_name()
LEAFLET_JS_URL = f"{STATIC_URL}/{LEAFLET_DIR}/{LEAFLET_JS}"
LEAFLET_CSS_URL = f"{STATIC_URL}/{LEAFLET_DIR}/{LEAFLET_CSS}"
MAPDATA_URL = f"{STATIC_URL}/{MAPDATA}"

HTML = f"""<link rel="stylesheet" href="{LEAFLET_CSS_URL}">\n{MAP_ELEMENT_HTML}"""

_component = st.components.v2.component(
    COMPONENT_NAME,
    html=HTML,
    css=(HERE / "map.css").read_text(encoding="utf-8"),
    # The drawing core (shared with the static atlas) and the Streamlit adapter.
    js="\n".join((HERE / name).read_text(encoding="utf-8") for name in ("map.js", "streamlit.js")),
)


@dataclass(frozen=True)
class MapAssets:
    """Where the map element finds its files (URLs relative to the page)."""

    files: MapFiles
    mapdata_url: str = MAPDATA_URL
    leaflet_js_url: str = LEAFLET_JS_URL


def static_dir() -> Path:
    """The ``static`` folder Streamlit serves for the app: next to its main script
    (``app.py``, or ``serve.py`` beside it). Another script (a test page, a benchmark)
    passes its own folder to :func:`prepare_map_files`."""
    return ROOT / "static"


def prepare_map_files(
    reference: ReferenceData, directory: Path | None = None, key: str | None = None
) -> MapAssets:
    """Leaflet and the geometry files of ``reference`` in the served ``static`` folder.

    Copied and built there if missing (the first start after a new clone or new
    data: about a second); ``directory`` replaces that folder (a page run by another
    script: the ``static`` folder next to it); ``key`` is the reference's
    fingerprint if known (:func:`geo.mapdata.ensure_map_files`).
    """
    served = directory is None
    directory = directory or static_dir()
    copy_leaflet(directory)
    assets = MapAssets(ensure_map_files(reference, directory / MAPDATA, key))
    if served:  # pages now name these files for the browser to fetch early (serve.py)
        files = assets.files
        serving.announce_map_files(
            LEAFLET_JS_URL, LEAFLET_CSS_URL, MAPDATA_URL, files.national, files.departements,
            files.neighbours,
        )  # fmt: skip
    return assets


def _ignore() -> None:
    """Clicks are read from the element's return value (a trigger)."""


def map_element(
    spec: dict,
    assets: MapAssets,
    *,
    key: str = "opsn_map",
    on_click: Callable[[], None] | None = None,
    layout: str = "page",
    legend_note: str | None = None,
) -> dict | None:
    """Draw ``spec`` (see :func:`geo.maps.live_map_spec`); the click just made, if any.

    ``on_click`` runs before the rerun a click causes (``st.session_state[key]``
    then holds the element's state); the return value is the click itself,
    ``{"level": "departement", "code": "29"}``, during that rerun only.
    ``layout``: ``"page"`` (the map's height follows the window, legend below),
    ``"presentation"`` (the map fills the window, legend beside it, no controls) or
    ``"embed"`` (another page's frame: the map fills it, a compact legend below);
    ``legend_note`` replaces the legend's hint (a slide shows the credits there).
    """
    data = dict(spec, assets={"leaflet": assets.leaflet_js_url}, layout=layout)
    if legend_note is not None:
        data["legend"] = dict(spec["legend"], note=legend_note)
    result = _component(key=key, data=data, on_click_change=on_click or _ignore, height="content")
    click = result.get("click")
    if isinstance(click, dict) and isinstance(click.get("level"), str):
        return {"level": click["level"], "code": str(click.get("code", ""))}
    return None


def clicked(key: str = "opsn_map") -> dict | None:
    """In an ``on_click`` callback: the click that caused it, ``{"level", "code"}``."""
    state = st.session_state.get(key)
    click = state.get("click") if hasattr(state, "get") else None
    if isinstance(click, dict) and isinstance(click.get("level"), str):
        return {"level": click["level"], "code": str(click.get("code", ""))}
    return None
