"""The export formats' registry: every kind has its format, every button its extension."""

from __future__ import annotations

from geo.exports.formats import DOWNLOADS, FORMATS, MIME_TYPES, ExportKind


def test_every_kind_is_registered_once_with_its_words():
    assert list(FORMATS) == list(ExportKind)
    assert [str(kind) for kind in ExportKind] == ["map", "report", "html", "tables"]
    for kind, found in FORMATS.items():
        assert kind.label == found.label and found.label[0].islower()
        assert kind.suffixes and all(s.startswith(".") and s == s.lower() for s in kind.suffixes)
        assert set(found.aliases) <= set(found.media)
        assert {found.file_suffix(s) for s in found.suffixes} <= set(found.suffixes)


def test_every_download_is_one_of_its_formats_files():
    assert len({d.key for d in DOWNLOADS}) == len(DOWNLOADS)
    for download in DOWNLOADS:
        assert download.suffix in ExportKind(download.kind).suffixes
        assert MIME_TYPES[download.suffix]
