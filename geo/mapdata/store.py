"""The geometry files on disk, under names that change with their content.

The files are built once per version of the reference data (about half a second)
and written into a directory that the web server serves as it is. Each name
carries a digest of the file's content (``national.3f9a….bin.gz``), so that a
browser may keep a file as long as it likes: new data means new names. They are
stored gzip-compressed (a quarter smaller) and served as they are: the server
compresses nothing on each request, the browser inflates them
(``DecompressionStream``). A small manifest,
named after the reference data's fingerprint, says which file is which; when it
exists, nothing is built again. Files are written to a temporary name and renamed,
so that several servers sharing the directory never see half a file.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from geo.core.reference import ReferenceData
from geo.mapdata.build import all_files, department_neighbours, file_name, fingerprint

MANIFEST_PREFIX = "manifest-"


@dataclass(frozen=True)
class MapFiles:
    """File names of the national file and of each department's, relative to the directory."""

    fingerprint: str
    national: str
    departements: dict[str, str]
    neighbours: dict[str, list[str]]

    def to_json(self) -> dict:
        return {
            "fingerprint": self.fingerprint,
            "national": self.national,
            "departements": self.departements,
            "neighbours": self.neighbours,
        }

    @classmethod
    def from_json(cls, data: dict) -> MapFiles:
        return cls(
            data["fingerprint"], data["national"], dict(data["departements"]), data["neighbours"]
        )


def _write_atomic(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
        handle.write(data)
    os.chmod(handle.name, 0o644)  # readable by a web server in front of the app
    os.replace(handle.name, path)


def ensure_map_files(reference: ReferenceData, directory: Path, key: str | None = None) -> MapFiles:
    """The map files of ``reference`` in ``directory``, built there if missing.

    ``key``: :func:`fingerprint` of ``reference`` when the caller already knows it
    (0.15 to 0.4 s to compute).
    """
    key = key or fingerprint(reference)
    manifest = directory / f"{MANIFEST_PREFIX}{key}.json"
    if manifest.is_file():
        try:
            files = MapFiles.from_json(json.loads(manifest.read_text(encoding="utf-8")))
        except (ValueError, KeyError):
            files = None
        if files is not None and all(
            (directory / name).is_file() for name in (files.national, *files.departements.values())
        ):
            return files
    directory.mkdir(parents=True, exist_ok=True)
    names = {}
    for name, data in all_files(reference).items():
        names[name] = file_name(name, data)
        target = directory / names[name]
        if not target.is_file():
            _write_atomic(target, gzip.compress(data, compresslevel=9, mtime=0))
    files = MapFiles(
        fingerprint=key,
        national=names.pop("national"),
        departements={name.removeprefix("departement-"): value for name, value in names.items()},
        neighbours=department_neighbours(reference),
    )
    _write_atomic(manifest, json.dumps(files.to_json(), ensure_ascii=False).encode("utf-8"))
    return files
