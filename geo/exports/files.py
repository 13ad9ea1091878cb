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
from geo.core.views import Level
from geo.exports.scope import REPORT_LEVELS, Scope

FORMATS = {
    "map": (".png", ".pdf"),
    "report": (".pdf",),
    "tables": (".xlsx", ".csv"),
    "html": (".html", ".htm"),
}
"""Export kind → the file extensions it writes (the first is the default)."""
MIME_TYPES = {
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html",
    ".htm": "text/html",
}
DEFAULT_CSV_TABLE = {
    "france": "departements",
    "region": "departements",
    "departement": "communes",
    "epci": "communes",
    "commune": "communes",
    "territoire": "communes",
}
"""The table a CSV export writes when none is named: the level just below the view."""


class ExportError(ValueError):
    """An export that cannot be made as asked (French message)."""


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
    stem = {"report": "rapport_opsn", "tables": "tableaux_opsn", "html": "carte_opsn"}
    return f"{stem.get(kind, 'couverture_opsn')}_{scope.slug}{suffix}"


@dataclass(frozen=True)
class Download:
    """One export the app offers for the view shown (``ui/downloads.py``)."""

    key: str
    label: str  # French, on the button
    kind: str  # map, report, tables, html
    suffix: str
    canvas: str | None = None  # "slide" or "print" for a PNG map
    variant: str = ""  # a word added to the file name when one view has two such files


DOWNLOADS = (
    Download("png_slide", "Image PNG pour diapositive (1 920 × 1 080)", "map", ".png", "slide",
             "diapositive"),
    Download("png_print", "Image PNG pour impression (A4, 300 dpi)", "map", ".png", "print",
             "impression"),
    Download("pdf_map", "Carte PDF (A4 paysage, vectorielle)", "map", ".pdf"),
    Download("report", "Rapport de territoire (PDF)", "report", ".pdf"),
    Download("html", "Carte interactive autonome (HTML, hors ligne)", "html", ".html"),
    Download("xlsx", "Tableaux (classeur XLSX)", "tables", ".xlsx"),
    Download("csv", "Tableau (CSV pour Excel)", "tables", ".csv"),
)  # fmt: skip
"""What the app's « Exporter » menu offers, in order."""


def downloads_for(level: str) -> list[Download]:
    """The exports of a view of ``level``: a report exists for a region, a department
    or a territory without OPSN only."""
    return [d for d in DOWNLOADS if d.kind != "report" or level in REPORT_LEVELS]


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


def chosen_tables(level: str, suffix: str, asked: list[str] | None = None) -> list[str]:
    """The tables asked for, or the view's own; a French error for what cannot be."""
    from geo.explore import tables

    if asked:
        unknown = [t for t in asked if t not in tables.BUILDERS]
        if unknown:
            raise ExportError(
                f"--table : tableau(x) inconnu(s) : {', '.join(unknown)} "
                f"(possibles : {', '.join(tables.BUILDERS)})"
            )
        if level == Level.FRANCE and "voisins" in asked:
            raise ExportError(
                "--table voisins : OPSN voisins d'un territoire (--vue), pas de la France"
            )
        chosen = list(asked)
    elif suffix == ".csv":
        chosen = [DEFAULT_CSV_TABLE[level]]
    else:
        chosen = list(tables.TABLES_BY_LEVEL[level])
    if suffix == ".csv" and len(chosen) != 1:
        raise ExportError("--table : un seul tableau par fichier CSV (plusieurs : choisir .xlsx)")
    return chosen


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
    """The export ``kind`` (map, report, tables, html) of ``scope`` as ``suffix`` (.png…)."""
    if kind not in FORMATS:
        raise ExportError(f"export « {kind} » inconnu : {', '.join(FORMATS)}")
    suffix = (suffix or FORMATS[kind][0]).lower()
    if suffix not in FORMATS[kind]:
        raise ExportError(
            f"extension attendue pour « {kind} » : {', '.join(FORMATS[kind])} (pas {suffix})"
        )
    name = filename(scope, kind, ".html" if suffix == ".htm" else suffix)
    if kind == "map":
        from geo.exports.static_map import canvas_for, draw_map

        canvas = canvas or canvas_for(suffix.lstrip("."))
        data = draw_map(reference, analysis, inputs, scope, canvas).to_bytes(suffix.lstrip("."))
        if suffix == ".png":
            width, height = canvas.pixels
            what = (
                f"carte « {scope.name} » ({fmt.integer(width)} × {fmt.integer(height)} pixels, "
                f"{fmt.integer(canvas.dpi)} dpi)"
            )
        else:
            what = f"carte « {scope.name} » (PDF vectoriel, A4 paysage)"
    elif kind == "report":
        from geo.exports.report import report_bytes

        data = report_bytes(reference, analysis, inputs, scope)
        what = f"rapport « {scope.name} » (PDF, A4 paysage)"
    elif kind == "tables":
        data, what = _tables(reference, analysis, inputs, scope, suffix, table_keys)
    else:
        from geo.exports.html_map import html_bytes

        data = html_bytes(reference, analysis, inputs, scope)
        what = f"carte interactive « {scope.name} » (HTML autonome, sans connexion)"
    return ExportFile(name, MIME_TYPES[suffix], data, what)


def _tables(reference, analysis, inputs, scope: Scope, suffix: str, asked) -> tuple[bytes, str]:
    from geo.explore import tables
    from geo.exports.about import about
    from geo.exports.csv import csv_bytes
    from geo.exports.xlsx import workbook_bytes

    chosen = chosen_tables(scope.level, suffix, asked)
    mask = None if scope.is_france else scope.mask
    built = [tables.build(key, reference, analysis, inputs, mask, scope.name) for key in chosen]
    if suffix == ".csv":
        table = built[0]
        data = csv_bytes(table.frame, list(table.notes))
        return data, f"tableau « {table.title} » ({fmt.count(len(table.frame), 'ligne')})"
    data = workbook_bytes(built, about(reference, analysis, inputs, scope.name))
    names = ", ".join(t.sheet for t in built)
    return data, f"classeur de {len(built) + 1} feuilles : {names}, Sources et règle"
