"""A static map of the view: PNG for slides or print, PDF (A4 landscape, vector)."""

from __future__ import annotations

from geo.core import fmt
from geo.exports.formats.base import CommandOptions, Download, ExportFormat, ExportRequest, Settings


def _settings(options: CommandOptions) -> Settings:
    from geo.exports.static_map import canvas_for, parse_size

    size = parse_size(options.size) if options.size else None
    return Settings(canvas=canvas_for(options.suffix.lstrip("."), size, options.dpi))


def _make(request: ExportRequest) -> tuple[bytes, str]:
    from geo.exports.static_map import canvas_for, draw_map

    scope, extension = request.scope, request.suffix.lstrip(".")
    canvas = request.settings.canvas or canvas_for(extension)
    drawn = draw_map(request.reference, request.analysis, request.inputs, scope, canvas)
    if extension != "png":
        return drawn.to_bytes(extension), f"carte « {scope.name} » (PDF vectoriel, A4 paysage)"
    width, height = canvas.pixels
    return drawn.to_bytes(extension), (
        f"carte « {scope.name} » ({fmt.integer(width)} × {fmt.integer(height)} pixels, "
        f"{fmt.integer(canvas.dpi)} dpi)"
    )


FORMAT = ExportFormat(
    label="carte",
    media={".png": "image/png", ".pdf": "application/pdf"},
    stem="couverture_opsn",
    make=_make,
    downloads=(
        Download(
            "png_slide",
            "Image PNG pour diapositive (1 920 × 1 080)",
            ".png",
            canvas="slide",
            variant="diapositive",
        ),
        Download(
            "png_print",
            "Image PNG pour impression (A4, 300 dpi)",
            ".png",
            canvas="print",
            variant="impression",
        ),
        Download("pdf_map", "Carte PDF (A4 paysage, vectorielle)", ".pdf"),
    ),
    options=("size", "dpi"),
    settings=_settings,
)
