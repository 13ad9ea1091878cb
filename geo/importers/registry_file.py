"""Reading a registry file (the bundled ``data/opsn/registre_opsn.csv`` or an uploaded one)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.core.paths import OPSN_DIR
from geo.core.registry import registry_from_table
from geo.importers.bounded import LIMITS
from geo.importers.tables import read_text_frame

REGISTRY_PATH = OPSN_DIR / "registre_opsn.csv"


def read_registry_table(
    path: Path | str | None = None, content: bytes | None = None
) -> pd.DataFrame:
    """The registry CSV as written: one row per OPSN, every cell a string.

    This raw form is what the storage keeps and writes back, so that an export
    of an unchanged registry is byte-identical to the published file. Read
    through the bounded reader (``content``: the bytes of an uploaded file
    that ``path`` only names).
    """
    path = Path(path) if path is not None else REGISTRY_PATH
    return read_text_frame(path, content, max_rows=LIMITS.operators)


def load_registry(path: Path | str | None = None, content: bytes | None = None) -> pd.DataFrame:
    """The OPSN registry as a DataFrame (columns :data:`REGISTRY_COLUMNS`).

    Read through the bounded reader (``content``: the bytes of an uploaded
    file that ``path`` only names).

    Raises :class:`RegistryError` with a French message when an identifier,
    a scope or a department code in the file is invalid, because a silently
    wrong perimeter would paint the wrong map.
    """
    path = Path(path) if path is not None else REGISTRY_PATH
    return registry_from_table(read_registry_table(path, content), path.name)
