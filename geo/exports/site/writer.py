"""The atlas on disk: pages, code, data and geometry as plain files any web host serves.

Every file but the two pages is named after its content (``departement-29.3f9a0c1d2e.js``):
a host may let browsers keep them for a year, a new export writes new names, and
files that did not change keep theirs (a host only uploads what changed). The pages
(``index.html``, ``embed.html``) name the current files and are replaced last, each
in one rename, so that a visitor never gets a page naming files not yet written.

Data and geometry are scripts that hand their content to ``OPSN_ATLAS.put`` (see
``web/boot.js``): a browser runs them from ``file://`` as from a web host, where it
would refuse ``fetch()``. Geometry files are the live map's own (``geo.mapdata``), in
base64.

The files of the previous export are kept (a page already open still finds them);
older ones are removed. Only files an export wrote are ever removed: the list of each
export's files is ``atlas-fichiers.json``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from geo.core.paths import write_file
from geo.maps.web_assets import MAP_CODE_DIR, copy_leaflet

WEB = Path(__file__).resolve().parent / "web"
FILES_LIST = "atlas-fichiers.json"
PAGES = ("index.html", "embed.html")
DIGEST = 10
"""Hex digits of a file's digest in its name."""


@dataclass
class Written:
    """What an export wrote: every file (relative paths) and their sizes."""

    files: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, size: int) -> None:
        self.files.append(name)
        self.sizes[name] = size


def js_value(value) -> str:
    """``value`` as a JavaScript expression (JSON, safe inside a ``<script>`` element)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def data_script(name: str, value) -> bytes:
    """A data file: ``OPSN_ATLAS.put("name", {...});``."""
    return f"OPSN_ATLAS.put({js_value(name)},{js_value(value)});\n".encode()


class SiteWriter:
    """Writes content-addressed files into ``out`` and keeps the list of what it wrote."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.written = Written()

    def put(self, folder: str, stem: str, suffix: str, data: bytes) -> str:
        """Write ``data`` as ``folder/stem.<digest><suffix>`` (if missing); its path."""
        digest = hashlib.sha256(data).hexdigest()[:DIGEST]
        name = f"{folder}/{stem}.{digest}{suffix}"
        self._write(name, data)
        return name

    def put_named(self, name: str, data: bytes) -> str:
        """Write ``data`` as ``name``, a name that already carries the content's digest."""
        self._write(name, data)
        return name

    def _write(self, name: str, data: bytes) -> None:
        path = self.out / name
        if not path.is_file() or path.stat().st_size != len(data):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_file(path, data)
        self.written.add(name, len(data))

    def leaflet(self) -> str:
        """Leaflet's folder (named after its content); its name."""
        name = copy_leaflet(self.out)
        for path in sorted(p for p in (self.out / name).rglob("*") if p.is_file()):
            self.written.add(path.relative_to(self.out).as_posix(), path.stat().st_size)
        return name

    def geometry(self, directory: Path, names: list[str]) -> None:
        """The live map's geometry files (``directory``), each as a script of its bytes."""
        for name in names:
            stored = (directory / name).read_bytes()
            text = base64.b64encode(stored).decode("ascii")
            self.put_named(f"mapdata/{name}.js", data_script(f"mapdata/{name}", text))

    def page(self, name: str, text: str) -> None:
        """A page, replaced in one rename (``write_file``)."""
        data = text.encode("utf-8")
        write_file(self.out / name, data)
        self.written.add(name, len(data))

    def finish(self) -> list[str]:
        """Record this export's files; remove those of the export before the previous one
        that this one does not use. Returns the removed paths."""
        record = self.out / FILES_LIST
        previous: dict = {}
        if record.is_file():
            try:
                previous = json.loads(record.read_text(encoding="utf-8"))
            except ValueError:
                previous = {}
        keep = set(self.written.files) | set(previous.get("files", []))
        removed = []
        for name in previous.get("previous", []):
            if name in keep or name in PAGES or ".." in Path(name).parts:
                continue
            path = self.out / name
            if path.is_file():
                path.unlink()
                removed.append(name)
        for folder in sorted({str(Path(n).parent) for n in removed}, key=len, reverse=True):
            try:
                os.rmdir(self.out / folder)
            except OSError:
                pass  # not empty: other files live there
        files = sorted(set(self.written.files) | {FILES_LIST})
        text = json.dumps({"files": files, "previous": previous.get("files", [])}, indent=0)
        write_file(record, text.encode("utf-8"))
        return removed


def map_code() -> tuple[str, str]:
    """The live map's drawing core and styles (``ui/map_element``: map.js, map.css)."""
    return (
        (MAP_CODE_DIR / "map.js").read_text(encoding="utf-8"),
        (MAP_CODE_DIR / "map.css").read_text(encoding="utf-8"),
    )


def web_file(name: str) -> str:
    return (WEB / name).read_text(encoding="utf-8")


def fill(template: str, values: dict[str, str]) -> str:
    """``template`` with each ``{name}`` replaced (CSS and scripts keep their braces)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template
