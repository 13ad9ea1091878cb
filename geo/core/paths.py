"""Where the project's data lives, so that no module hard-codes a path; how files are written."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
COMMUNES_DIR = DATA / "communes"
OPSN_DIR = DATA / "opsn"
CACHE_DIR = ROOT / ".cache"


def write_file(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` atomically, with the permissions the umask gives.

    A failed write never leaves half a file. ``tempfile.mkstemp`` would create
    it 0600 (private), and the rename would keep that: an export or a
    published CSV is a shared document, readable as any file the user makes.
    """
    out = Path(out)
    temporary = out.with_name(f".{out.name}.{secrets.token_hex(6)}")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())  # a saved export survives a power cut
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
