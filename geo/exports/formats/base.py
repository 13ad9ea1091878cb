"""What an export format is: its words, its file extensions, its menu entries and its maker.

A format never parses the command line nor draws a button: it says what it
needs (:class:`Settings`, checked from the command's options before any data is
loaded) and makes its bytes from an :class:`ExportRequest`. The command line
(:mod:`geo.commands.export`), the app's « Exporter » menu (``ui/downloads.py``)
and :func:`geo.exports.files.export_file` read these fields and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the registry is read by the command line's parser: no data modules yet
    from geo.core.analysis import Analysis, Inputs
    from geo.core.reference import ReferenceData
    from geo.exports.scope import Scope


class ExportError(ValueError):
    """An export that cannot be made as asked (French message)."""


@dataclass(frozen=True)
class Settings:
    """What a format takes besides the view, made from the command's options."""

    canvas: object | None = None  # a geo.exports.static_map.Canvas (map)
    table_keys: list[str] | None = None  # tables asked for (tables)


@dataclass(frozen=True)
class CommandOptions:
    """The options of ``python -m geo export`` a format may read, as typed (``None``: absent)."""

    level: str
    suffix: str  # of --out, lower case: ".png"
    size: str | None = None
    dpi: float | None = None
    table: str | None = None


@dataclass(frozen=True)
class ExportRequest:
    """Everything a format's maker may use: the view, the data, the extension and settings."""

    reference: ReferenceData
    analysis: Analysis
    inputs: Inputs
    scope: Scope
    suffix: str  # one of the format's extensions, lower case
    settings: Settings = field(default_factory=Settings)


@dataclass(frozen=True)
class Download:
    """One button of the app's « Exporter » menu (``ui/downloads.py``) for a format."""

    key: str
    label: str  # French, on the button
    suffix: str
    canvas: str | None = None  # "slide" or "print" for a PNG map
    variant: str = ""  # a word added to the file name when one view has two such files
    kind: str = ""  # its format's ExportKind, set by the registry


def _no_settings(options: CommandOptions) -> Settings:
    return Settings()


@dataclass(frozen=True)
class ExportFormat:
    """One kind of file made from a view.

    ``media``: extension → MIME type, the default extension first; ``aliases``:
    extensions accepted for another one (``.htm`` names its file ``.html``).
    ``stem``: the start of its file names. ``levels``: the views it exists for
    (``None``: every view). ``options``: the command-line options that only it
    takes (``size``, ``dpi``), refused with any other format.
    """

    label: str  # French: « carte », « rapport de territoire »
    media: Mapping[str, str]
    stem: str
    make: Callable[[ExportRequest], tuple[bytes, str]]  # (data, French description)
    downloads: tuple[Download, ...] = ()
    levels: tuple[str, ...] | None = None
    options: tuple[str, ...] = ()
    settings: Callable[[CommandOptions], Settings] = _no_settings
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def suffixes(self) -> tuple[str, ...]:
        """Every extension it writes, the default first (``.png``, ``.pdf``)."""
        return tuple(self.media)

    @property
    def names(self) -> str:
        """« PNG, PDF »: its own extensions (not their aliases), as a sentence names them."""
        return ", ".join(s[1:].upper() for s in self.media if s not in self.aliases)

    def file_suffix(self, suffix: str) -> str:
        """The extension its file is named with (``.htm`` → ``.html``)."""
        return self.aliases.get(suffix, suffix)

    def exists_for(self, level: str) -> bool:
        return self.levels is None or level in self.levels
