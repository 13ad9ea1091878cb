"""The published seed: the bundled ``data/opsn/`` files as a snapshot, with their fingerprints."""

from __future__ import annotations

import hashlib
from pathlib import Path

from geo.core.memberships import memberships_frame
from geo.core.paths import OPSN_DIR
from geo.storage.base import Snapshot

REGISTRY_FILE = "registre_opsn.csv"
MEMBERSHIPS_FILE = "adhesions.csv"


def fingerprint(name: str, data: bytes) -> dict:
    """How a version names a file it was made from: name, size, SHA-256."""
    return {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def bundled_snapshot(directory: Path = OPSN_DIR) -> tuple[Snapshot, list[dict]]:
    """The registry and memberships of ``directory`` and the fingerprints of their files."""
    from geo.core.registry import registry_from_table
    from geo.importers.memberships import load_bundled_memberships
    from geo.importers.registry_file import read_registry_table

    registry_path = Path(directory) / REGISTRY_FILE
    memberships_path = Path(directory) / MEMBERSHIPS_FILE
    table = read_registry_table(registry_path)
    registry_from_table(table, REGISTRY_FILE)  # the seed must be valid too
    memberships = memberships_frame(load_bundled_memberships(memberships_path))
    files = [
        fingerprint(f"data/opsn/{path.name}", path.read_bytes())
        for path in (registry_path, memberships_path)
    ]
    return Snapshot(table, memberships), files
