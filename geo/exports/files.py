"""One call from a view to an export file: its name, MIME type, bytes and description.

The command line (``python -m geo export``) and the app's download buttons go
through :func:`export_file`, so that the file a user downloads and the one a
script writes are the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.core import fmt
from geo.core.analysis import Analysis, Inputs
from geo.core.coverage import CoverageOptions
from geo.core.reference import ReferenceData
from geo.core.rules import Rule, Territory
from geo.exports.formats import (
    DOWNLOADS,
    MIME_TYPES,
    Download,
    ExportError,
    ExportKind,
    ExportRequest,
    Settings,
    export_format,
)
from geo.exports.formats.tables import chosen_tables
from geo.exports.scope import Scope

__all__ = [
    "DOWNLOADS",
    "MIME_TYPES",
    "Download",
    "ExportError",
    "ExportFile",
    "ExportKind",
    "chosen_tables",
    "download_name",
    "downloads_for",
    "export_file",
    "filename",
    "table_name",
]


@dataclass(frozen=True)
class ExportFile:
    filename: str  # suggested name: couverture_opsn_departement_29.png
    mime: str
    data: bytes
    description: str  # French, for a confirmation line

    @property
    def size_text(self) -> str:
        size = len(self.data)
        if size >= 1_000_000:
            return f"{fmt.decimal(size / 1_000_000)} Mo"
        return f"{fmt.integer(max(1, round(size / 1000)))} Ko"


def filename(scope: Scope, kind: str, suffix: str) -> str:
    """``couverture_opsn_france.png``, ``rapport_opsn_departement_29.pdf``…"""
    return f"{ExportKind(kind).format.stem}_{scope.slug}{suffix}"


def downloads_for(level: str) -> list[Download]:
    """The exports of a view of ``level``: a report exists for a region, a department
    or a territory without OPSN only."""
    return [d for d in DOWNLOADS if ExportKind(d.kind).format.exists_for(level)]


RULE_WORDS = {Rule.PERIMETRE: "adherentes-ou-perimetre", Rule.ADHESION: "adherentes-seulement"}
TERRITORY_WORDS = {Territory.FRANCE: "france-entiere", Territory.METROPOLE: "metropole"}
"""How a file name says the counting rule and the territory counted."""


def options_words(options: CoverageOptions | None) -> str:
    """``adherentes-seulement_metropole``: the rule and territory, as a file name says them."""
    options = options or CoverageOptions()
    return f"{RULE_WORDS[options.rule]}_{TERRITORY_WORDS[options.territory]}"


def view_words(scope: Scope) -> str:
    """``finistere``: the view's name folded for a file name (empty for France)."""
    from geo.core.text import fold

    if scope.is_france:
        return ""
    words = fold(scope.name.split(" : ", 1)[-1]).replace(" ", "-")
    if scope.code:
        words = words.replace(fold(scope.code), "").strip("-")
    return words


def download_name(scope: Scope, download: Download, options: CoverageOptions | None = None) -> str:
    """``couverture_opsn_departement_29_finistere_adherentes-seulement_france-entiere_diapositive.png``:
    French, naming the view, the counting rule and the territory counted."""
    stem = filename(scope, download.kind, download.suffix).removesuffix(download.suffix)
    parts = [stem, view_words(scope), options_words(options), download.variant]
    return "_".join(p for p in parts if p)[:150] + download.suffix


def table_name(scope: Scope, table_key: str, options: CoverageOptions | None = None) -> str:
    """``opsn_communes_departement_29_finistere_adherentes-ou-perimetre_france-entiere.csv``:
    one table of a view, as the app's « Télécharger en CSV » names it."""
    parts = ["opsn", table_key, scope.slug, view_words(scope), options_words(options)]
    return "_".join(p for p in parts if p)[:150] + ".csv"


def export_file(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    scope: Scope,
    kind: str,
    suffix: str | None = None,
    canvas=None,
    table_keys: list[str] | None = None,
) -> ExportFile:
    """The export ``kind`` (an :class:`ExportKind` word) of ``scope`` as ``suffix`` (.png…)."""
    kind, found = export_format(kind)
    suffix = (suffix or found.suffixes[0]).lower()
    if suffix not in found.media:
        raise ExportError(
            f"extension attendue pour « {kind} » : {', '.join(found.suffixes)} (pas {suffix})"
        )
    settings = Settings(canvas, table_keys)
    data, what = found.make(ExportRequest(reference, analysis, inputs, scope, suffix, settings))
    return ExportFile(
        filename(scope, kind, found.file_suffix(suffix)), found.media[suffix], data, what
    )
