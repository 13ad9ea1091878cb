"""Where the project's data lives, so that no module hard-codes a path."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
COMMUNES_DIR = DATA / "communes"
OPSN_DIR = DATA / "opsn"
CACHE_DIR = ROOT / ".cache"
