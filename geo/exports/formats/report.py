"""The territory report (PDF): a region, a department or a territory without OPSN."""

from __future__ import annotations

from geo.exports.formats.base import (
    CommandOptions,
    Download,
    ExportError,
    ExportFormat,
    ExportRequest,
    Settings,
)
from geo.exports.scope import REPORT_LEVELS


def _settings(options: CommandOptions) -> Settings:
    if options.level not in REPORT_LEVELS:
        raise ExportError(
            f"le rapport porte sur une région, un département ou un territoire sans OPSN "
            f"(--vue {' | '.join(REPORT_LEVELS)}), pas sur « {options.level} »"
        )
    return Settings()


def _make(request: ExportRequest) -> tuple[bytes, str]:
    from geo.exports.report import report_bytes

    data = report_bytes(request.reference, request.analysis, request.inputs, request.scope)
    return data, f"rapport « {request.scope.name} » (PDF, A4 paysage)"


FORMAT = ExportFormat(
    label="rapport de territoire",
    media={".pdf": "application/pdf"},
    stem="rapport_opsn",
    make=_make,
    downloads=(Download("report", "Rapport de territoire (PDF)", ".pdf"),),
    levels=REPORT_LEVELS,
    settings=_settings,
)
