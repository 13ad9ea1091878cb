"""The security headers of every answer: what a page may load, and who may frame it.

The page loads everything from its own origin (``'self'``): Streamlit's files,
the map's Leaflet and geometry files, the WebSocket (same host, same port).
Two exceptions, both stated here:

- the Plan IGN tiles, from the IGN's host, when the server offers that
  background (``tiles``);
- ``blob:`` scripts: Streamlit turns the JavaScript of the page's own elements
  (the map, the French texts) into ``blob:`` modules of the page itself, which
  only code already running in the page can create.

Inline scripts are allowed by their hash only (the page's one line
``window.prerenderReady = false``, hashed as served); inline styles are
allowed (Streamlit's components style themselves at run time). Framing is
allowed to the app itself, plus the origins of :func:`parse_frame_ancestors`
(``OPSN_FRAME_ANCESTORS``, for embedding the map in a chosen site).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

SELF = "'self'"
_ORIGIN = re.compile(r"^https?://(\*\.)?[a-z0-9.-]+(:\d{1,5})?$")
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)


class HeaderSettingError(ValueError):
    """A security setting that cannot be used (French message)."""


def parse_frame_ancestors(text: str) -> tuple[str, ...]:
    """Origins allowed to frame the app, from a setting like ``https://www.example.fr``.

    Separated by spaces or commas; each an origin (scheme, host, optional port;
    ``https://*.example.fr`` for its subdomains). Empty: nobody but the app itself.
    """
    found = []
    for item in re.split(r"[\s,]+", text.strip()):
        if not item:
            continue
        origin = item.rstrip("/").lower()
        if not _ORIGIN.match(origin):
            raise HeaderSettingError(
                f"OPSN_FRAME_ANCESTORS : « {item} » n'est pas une origine (attendu : "
                "https://www.exemple.fr, sans chemin ; plusieurs séparées par des espaces)."
            )
        found.append(origin)
    return tuple(dict.fromkeys(found))


def origin_of(url: str) -> str:
    """``https://data.geopf.fr`` for ``https://data.geopf.fr/wmts?…``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def inline_script_hashes(html: bytes) -> tuple[str, ...]:
    """CSP sources (``'sha256-…'``) of the inline scripts of an HTML page, as served."""
    return tuple(
        f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    )


@dataclass(frozen=True)
class HeaderPolicy:
    """The headers of this server's answers (see the module)."""

    frame_ancestors: tuple[str, ...] = ()
    tiles: tuple[str, ...] = ()

    def content_security_policy(self, script_hashes: Iterable[str] = ()) -> str:
        images = " ".join([SELF, "data:", "blob:", *self.tiles])
        scripts = " ".join([SELF, "blob:", *script_hashes])
        ancestors = " ".join([SELF, *self.frame_ancestors])
        directives = [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "media-src 'self' blob: data:",
            "worker-src 'self' blob:",
            "frame-src 'self' blob: data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
        return "; ".join(directives)

    def headers(self, script_hashes: Iterable[str] = ()) -> list[tuple[bytes, bytes]]:
        """Headers added to every answer (the CSP with the page's inline-script hashes)."""
        return [
            (b"content-security-policy", self.content_security_policy(script_hashes).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]
