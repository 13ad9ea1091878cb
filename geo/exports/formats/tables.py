"""The view's tables: an XLSX workbook (its tables and « Sources et règle ») or one CSV table."""

from __future__ import annotations

from geo.core import fmt
from geo.core.views import Level
from geo.exports.formats.base import (
    CommandOptions,
    Download,
    ExportError,
    ExportFormat,
    ExportRequest,
    Settings,
)


def chosen_tables(level: str, suffix: str, asked: list[str] | None = None) -> list[str]:
    """The tables asked for, or the view's own (:data:`geo.explore.tables.VIEW_TABLES`);
    a French error for what cannot be."""
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
        chosen = [tables.csv_table(level)]
    else:
        chosen = list(tables.TABLES_BY_LEVEL[level])
    if suffix == ".csv" and len(chosen) != 1:
        raise ExportError("--table : un seul tableau par fichier CSV (plusieurs : choisir .xlsx)")
    return chosen


def _settings(options: CommandOptions) -> Settings:
    keys = [t.strip() for t in (options.table or "").split(",") if t.strip()] or None
    chosen_tables(options.level, options.suffix, keys)
    return Settings(table_keys=keys)


def _make(request: ExportRequest) -> tuple[bytes, str]:
    from geo.explore import tables
    from geo.exports.about import about
    from geo.exports.csv import csv_bytes
    from geo.exports.xlsx import workbook_bytes

    reference, analysis, inputs, scope = (
        request.reference,
        request.analysis,
        request.inputs,
        request.scope,
    )
    chosen = chosen_tables(scope.level, request.suffix, request.settings.table_keys)
    mask = None if scope.is_france else scope.mask
    built = [tables.build(key, reference, analysis, inputs, mask, scope.name) for key in chosen]
    if request.suffix == ".csv":
        table = built[0]
        data = csv_bytes(table.frame, list(table.notes))
        return data, f"tableau « {table.title} » ({fmt.count(len(table.frame), 'ligne')})"
    data = workbook_bytes(built, about(reference, analysis, inputs, scope.name))
    names = ", ".join(t.sheet for t in built)
    return data, f"classeur de {len(built) + 1} feuilles : {names}, Sources et règle"


FORMAT = ExportFormat(
    label="tableaux",
    media={
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".csv": "text/csv",
    },
    stem="tableaux_opsn",
    make=_make,
    downloads=(
        Download("xlsx", "Tableaux (classeur XLSX)", ".xlsx"),
        Download("csv", "Tableau (CSV pour Excel)", ".csv"),
    ),
    options=("table",),
    settings=_settings,
)
