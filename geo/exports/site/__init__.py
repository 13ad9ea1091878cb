"""The static atlas: every view of the map as plain files, for everyone who only looks.

``python -m geo export site --out DIR`` writes an ``index.html``, an ``embed.html`` and
plain files that any static web host serves to any number of visitors, and that open
from a laptop's disk (``file://``) with no network. The map is the live app's own
code (``ui/map_element/map.js``) drawing the same geometry files (:mod:`geo.mapdata`)
from the same specs; every figure and word is written at export time by the
functions behind the app and the command line (:mod:`geo.exports.site.data`); the
files are named after their content (:mod:`geo.exports.site.writer`).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from geo.core import fmt
from geo.core.analysis import Analysis, Inputs
from geo.core.paths import CACHE_DIR
from geo.core.reference import ReferenceData
from geo.exports.site.writer import SiteWriter, data_script, fill, js_value, map_code, web_file
from geo.maps.web_assets import MAP_ELEMENT_HTML

GEOMETRY_CACHE = CACHE_DIR / "mapdata"
"""Where the geometry files are built once per reference data (``geo.mapdata``)."""


@dataclass(frozen=True)
class SiteReport:
    """What an export wrote, for the command's line and the benchmarks."""

    out: Path
    files: int
    data_bytes: int  # sum of the files' sizes
    disk_bytes: int  # space they take on disk (blocks, as ``du``)
    biggest_view: tuple[str, int]  # the largest data file a single view needs
    seconds: float
    removed: int

    def summary(self) -> str:
        name, size = self.biggest_view
        return (
            f"Atlas écrit : {self.out} — {fmt.integer(self.files)} fichiers, "
            f"{_mb(self.disk_bytes)} sur disque ; plus gros fichier de données d'une vue : "
            f"{name} ({_kb(size)}) ; en {fmt.decimal(self.seconds)} s"
            + (
                f" ; {fmt.count(self.removed, 'fichier ancien retiré', 'fichiers anciens retirés')}"
                if self.removed
                else ""
            )
        )


def _mb(size: int) -> str:
    return f"{fmt.decimal(size / 1e6)} Mo"


def _kb(size: int) -> str:
    return f"{fmt.integer(size / 1e3)} ko"


def export_site(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    out: Path,
    date: dt.date | None = None,
) -> SiteReport:
    """Write the atlas of ``analysis`` (its options, ``inputs``' data) into ``out``."""
    from geo.exports.site.data import atlas_data
    from geo.mapdata import ensure_map_files

    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = ensure_map_files(reference, GEOMETRY_CACHE)
    data = atlas_data(reference, analysis, inputs, files, date)
    writer = SiteWriter(out)
    leaflet = writer.leaflet()
    writer.geometry(GEOMETRY_CACHE, [files.national, *files.departements.values()])
    map_js, map_css = map_code()
    assets = {
        "leaflet_js": f"{leaflet}/leaflet.js",
        "leaflet_css": f"{leaflet}/leaflet.css",
        "map_js": writer.put("atlas", "map", ".js", map_js.encode()),
        "map_css": writer.put("atlas", "map", ".css", map_css.encode()),
        "atlas_js": writer.put("atlas", "atlas", ".js", web_file("atlas.js").encode()),
        "atlas_css": writer.put("atlas", "atlas", ".css", web_file("atlas.css").encode()),
    }
    docs: dict[str, str] = {}
    view_files: dict[str, str] = {}  # a view's own data file (the size budget)

    def document(folder: str, name: str, value) -> str:
        docs[name] = writer.put(folder, name, ".js", data_script(name, value))
        return docs[name]

    site = writer.put("data", "site", ".js", data_script("site", data.site))
    for name, value in data.views.items():
        view_files[name] = document("data/vues", name, value)
    for department, group in data.epci.items():
        view_files[f"epci-{department}"] = document("data/epci", f"epci-{department}", group)
    for department, shard in data.communes.items():
        view_files[f"communes-{department}"] = document(
            "data/communes", f"communes-{department}", shard
        )
    document("data", "recherche", data.search)
    manifest = {
        "site": site,
        "docs": docs,
        "mapdata": {
            "national": f"mapdata/{files.national}",
            "departements": {d: f"mapdata/{n}" for d, n in files.departements.items()},
            "neighbours": files.neighbours,
        },
        "leaflet": assets["leaflet_js"],
        "index": "index.html",
        "embed": "embed.html",
    }
    values = (
        {"head": web_file("head.html")}
        | assets
        | {
            "manifest": js_value(manifest),
            "boot": web_file("boot.js"),
            "national": f"mapdata/{files.national}.js",
            "map_html": MAP_ELEMENT_HTML,
            "index": "index.html",
        }
    )
    for page in ("index.html", "embed.html"):
        writer.page(page, fill(web_file(page), values))
    removed = writer.finish()
    written = writer.written
    disk = sum(_disk_size(out / name) for name in set(written.files))
    biggest = max(view_files.values(), key=lambda name: written.sizes[name])
    return SiteReport(
        out=out,
        files=len(set(written.files)),
        data_bytes=sum(written.sizes.values()),
        disk_bytes=disk,
        biggest_view=(biggest, written.sizes[biggest]),
        seconds=time.perf_counter() - started,
        removed=len(removed),
    )


def _disk_size(path: Path) -> int:
    try:
        return path.stat().st_blocks * 512
    except OSError:
        return 0
