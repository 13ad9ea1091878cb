"""The interactive map of the view as one HTML file that works offline."""

from __future__ import annotations

from geo.exports.formats.base import Download, ExportFormat, ExportRequest


def _make(request: ExportRequest) -> tuple[bytes, str]:
    from geo.exports.html_map import html_bytes

    data = html_bytes(request.reference, request.analysis, request.inputs, request.scope)
    return data, f"carte interactive « {request.scope.name} » (HTML autonome, sans connexion)"


FORMAT = ExportFormat(
    label="carte interactive",
    media={".html": "text/html", ".htm": "text/html"},
    aliases={".htm": ".html"},
    stem="carte_opsn",
    make=_make,
    downloads=(Download("html", "Carte interactive autonome (HTML, hors ligne)", ".html"),),
)
