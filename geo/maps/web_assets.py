"""Leaflet served from an installed package, so that maps draw with no network.

Folium loads Leaflet, jQuery, Bootstrap and font packs from public CDNs. The Folium
maps of this project (standalone exports) use only GeoJSON layers and tooltips, which
need Leaflet alone, so :func:`offline_map` returns a Folium map whose only assets are
Leaflet's JS and CSS under a local URL prefix, with no tile layer and a plain
background that looks finished without tiles.

The files come from the PyPI package ``django-js-lib-leaflet`` (import name
``js_lib_leaflet``; Django is not needed to read them). Nothing here imports
Streamlit: the live map (``ui/map_element``) has :func:`copy_leaflet` put the files
in the directory the app serves as static files, under a name that changes with
their content; standalone exports inline them (:func:`inline_assets_html`).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import mimetypes
import os
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import folium


LEAFLET_PACKAGE = "js_lib_leaflet"
"""Import name of the package that ships Leaflet's ``dist`` files."""

DEFAULT_ASSET_PREFIX = "leaflet"
"""Where a Folium page looks for Leaflet when no prefix is given (a folder next to it);
standalone exports inline the files instead (:func:`inline_assets_html`)."""

LEAFLET_JS = "leaflet.js"
LEAFLET_CSS = "leaflet.css"

SEA_COLOUR = "#dde6ee"
"""Background of the map where no polygon is drawn: a pale blue-grey."""

MAP_CODE_DIR = Path(__file__).resolve().parents[2] / "ui" / "map_element"
"""The coverage map's drawing core (``map.js``) and its styles (``map.css``), shared by
the live app (a Streamlit element: ``ui/map_element``) and the static atlas
(:mod:`geo.exports.site`), which writes them into its folder."""

MAP_ELEMENT_HTML = """<div class="opsn-root" data-layout="page">
  <div class="opsn-map" data-state="loading"
       role="application" aria-label="Carte de la couverture par les OPSN">
    <div class="opsn-leaflet"></div>
    <div class="opsn-map-message">Chargement de la carte…</div>
  </div>
  <div class="opsn-legend" aria-label="Légende"></div>
</div>"""
"""The markup the map's code draws in (``CoverageMap`` in ``map.js``)."""


@cache
def leaflet_asset_dir() -> Path:
    """Directory holding ``leaflet.js``, ``leaflet.css`` and ``images/``."""
    spec = importlib.util.find_spec(LEAFLET_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"The package '{LEAFLET_PACKAGE}' is not installed "
            "(pip install django-js-lib-leaflet): maps cannot draw offline."
        )
    for location in spec.submodule_search_locations:
        directory = Path(location) / "static" / LEAFLET_PACKAGE
        if (directory / LEAFLET_JS).is_file() and (directory / LEAFLET_CSS).is_file():
            return directory
    raise RuntimeError(f"Leaflet files not found in the package '{LEAFLET_PACKAGE}'.")


@cache
def leaflet_dir_name() -> str:
    """``leaflet-`` and a digest of the installed Leaflet files: the folder
    :func:`copy_leaflet` writes, whose name changes whenever the files do."""
    source = leaflet_asset_dir()
    digest = hashlib.sha256()
    for path in sorted(p for p in source.rglob("*") if p.is_file() and p.suffix != ".map"):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0" + path.read_bytes())
    return f"leaflet-{digest.hexdigest()[:12]}"


def copy_leaflet(directory: Path) -> str:
    """Leaflet's JS, CSS and images copied into ``directory/<name>``; returns ``<name>``.

    ``<name>`` is :func:`leaflet_dir_name`, so that a browser may keep the files as
    long as it likes. Copied once (a complete copy is renamed into place).
    """
    source = leaflet_asset_dir()
    name = leaflet_dir_name()
    target = directory / name
    if (target / LEAFLET_JS).is_file():
        return name
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=".tmp-leaflet-"))
    try:
        for item in (LEAFLET_JS, LEAFLET_CSS):
            shutil.copy2(source / item, staging / item)
        shutil.copytree(source / "images", staging / "images")
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a web server must read it
        try:
            os.rename(staging, target)
        except OSError:  # another process put it there first
            if not (target / LEAFLET_JS).is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return name


def leaflet_urls(prefix: str = DEFAULT_ASSET_PREFIX) -> tuple[str, str]:
    """(JS URL, CSS URL) of Leaflet under ``prefix``."""
    prefix = prefix.rstrip("/")
    return f"{prefix}/{LEAFLET_JS}", f"{prefix}/{LEAFLET_CSS}"


@cache
def _offline_map_class() -> type:
    """:class:`OfflineMap`, defined on first use: Folium and Branca take a quarter of a
    second to import, which the live map (Leaflet files only) does not need."""
    import folium
    from branca.element import Element

    class OfflineMap(folium.Map):
        """A Folium map that needs Leaflet only, loaded from ``asset_prefix``.

        Only elements that add no asset of their own may be added (GeoJson, GeoJsonTooltip,
        Tooltip, Popup, FeatureGroup...). ``keep_in_front`` is refused: Folium implements
        it with jQuery.
        """

        def __init__(self, *args: Any, asset_prefix: str = DEFAULT_ASSET_PREFIX, **kwargs: Any):
            kwargs.setdefault("tiles", None)
            super().__init__(*args, **kwargs)
            js_url, css_url = leaflet_urls(asset_prefix)
            self.asset_prefix = asset_prefix
            # Instance attributes: JSCSSMixin.add_js_link mutates the lists in place, and
            # folium.Map's are module-level lists shared by every map.
            self.default_js = [("leaflet", js_url)]
            self.default_css = [("leaflet_css", css_url)]

        def keep_in_front(self, *args: Any) -> None:
            raise NotImplementedError("keep_in_front needs jQuery, which offline maps do not load.")

        def render(self, **kwargs: Any) -> None:
            figure = self.get_root()
            style = f"<style>#{self.get_name()}.leaflet-container {{ background: {SEA_COLOUR}; }}</style>"
            figure.header.add_child(Element(style), name="offline_map_background")
            super().render(**kwargs)

    return OfflineMap


def __getattr__(name: str) -> Any:
    if name == "OfflineMap":
        return _offline_map_class()
    raise AttributeError(f"module 'geo.maps.web_assets' has no attribute {name!r}")


def offline_map(
    location: tuple[float, float] | list[float] | None = (46.6, 2.5),
    zoom_start: int = 6,
    *,
    asset_prefix: str = DEFAULT_ASSET_PREFIX,
    **kwargs: Any,
) -> Any:
    """A Folium map (:class:`OfflineMap`) with no tile layer whose only assets are local Leaflet files.

    Defaults show metropolitan France. Other keyword arguments go to ``folium.Map``
    (``tiles`` defaults to ``None``).
    """
    return _offline_map_class()(
        location=location, zoom_start=zoom_start, asset_prefix=asset_prefix, **kwargs
    )


_SCRIPT_SRC = re.compile(
    r"""<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["'][^>]*>\s*</script\s*>""", re.IGNORECASE
)
_CSS_LINK = re.compile(r"""<link\b[^>]*\brel\s*=\s*["']stylesheet["'][^>]*>""", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*["']?(images/[^"')]+)["']?\s*\)""")


@cache
def leaflet_js_code() -> str:
    return (leaflet_asset_dir() / LEAFLET_JS).read_text(encoding="utf-8")


@cache
def leaflet_css_code() -> str:
    """Leaflet's CSS with its images embedded as data URIs."""
    directory = leaflet_asset_dir()

    def embed(match: re.Match[str]) -> str:
        path = directory / match.group(1)
        if not path.is_file():
            return match.group(0)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{data}")'

    return _CSS_URL.sub(embed, (directory / LEAFLET_CSS).read_text(encoding="utf-8"))


def inline_html_assets(html: str) -> str:
    """Replace Leaflet ``<script src>``/``<link rel=stylesheet>`` tags by their code.

    Any Leaflet URL (local prefix or CDN) is inlined; any other external asset raises
    ``ValueError``, since a standalone export must not depend on the network.
    """

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        if url.rsplit("/", 1)[-1] in (LEAFLET_JS, "leaflet-src.js"):
            return f"<script>{leaflet_js_code()}</script>"
        raise ValueError(f"Script externe non pris en charge dans l'export : {url}")

    def link(match: re.Match[str]) -> str:
        href = _HREF.search(match.group(0))
        url = href.group(1) if href else ""
        if url.rsplit("/", 1)[-1] == LEAFLET_CSS:
            return f"<style>{leaflet_css_code()}</style>"
        raise ValueError(f"Feuille de style externe non prise en charge dans l'export : {url}")

    # Functions as replacements: the code is inserted verbatim (no backslash escapes).
    return _CSS_LINK.sub(link, _SCRIPT_SRC.sub(script, html))


def inline_assets_html(m: folium.Map) -> str:
    """The map as one standalone HTML page, Leaflet inlined, for downloads."""
    return inline_html_assets(m.get_root().render())
