"""A saved registry whose every OPSN name is a hostile payload, for the UI, browser and export tests.

The names are the corpus's Markdown/HTML/URL payloads (``tests/hostile/corpus.py``)
and a formula (``tests/export_data.py``); the version that plants them has a
payload for author and reason too. Whoever shows them must show them as the
text they are: no link, image, formula, HTML or emphasis made from them.
"""

from __future__ import annotations

from pathlib import Path

from geo.storage import Snapshot, open_store
from tests.export_data import PAYLOADS as FORMULAS
from tests.hostile.corpus import PAYLOADS as MARKUP

NAMES = (*MARKUP, FORMULAS[0], "Agence\n\n[deux lignes](http://3232235777/)")
"""OPSN names, given in turn to the OPSN of the registry."""
AUTHOR = "**Marie** [moi](http://3232235777/)"
REASON = "![pixel](http://piege.exemple/p.png) $y$"
HOSTS = ("3232235777", "piege.exemple", "evil.example")
"""Hosts the payloads point to: no request, link or image may go there."""

RAW = (
    "](http",
    "![",
    "<img",
    "<script",
    "<a ",
    "$x^2$",
    "$$",
    "$y$",
    ":red[",
    ":material/home:",
    "**gras**",
    "_italique_",
    "**Marie**",
    "javascript:",
    "# titre",
    "http://3232235777",
    "http://evil",
    "http://piege",
    "www.piege",
)
"""Pieces of the payloads that would be live Markdown or HTML if they reached a page as
they are (escaped text never holds them: its active characters are references)."""


def plant(path: Path) -> Path:
    """A base at ``path``: version 1 (the bundled files), version 2 (the hostile names)."""

    def hostile(snapshot: Snapshot) -> Snapshot:
        registry = snapshot.registry.copy()
        names = [NAMES[k % len(NAMES)] for k in range(len(registry))]
        registry["nom"] = names
        registry["sigle"] = names  # the short name the panels and lists show
        return Snapshot(registry, snapshot.memberships)

    with open_store(path) as store:
        store.commit(hostile, author=AUTHOR, kind="edit", reason=REASON)
    return path


def name_of(opsn: str) -> str:
    """The hostile name :func:`plant` gives to ``opsn``."""
    from geo.storage.seed import bundled_snapshot

    ids = list(bundled_snapshot()[0].registry["id"])
    return NAMES[ids.index(opsn) % len(NAMES)]


def raw_pieces(text: str) -> list[str]:
    """The live pieces of payloads found in ``text`` (Markdown or HTML source)."""
    return [piece for piece in RAW if piece in text]
