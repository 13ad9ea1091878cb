"""The security headers' policy and the uploads' accounting (geo.access.headers, .uploads)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from geo.access.headers import (
    HeaderPolicy,
    HeaderSettingError,
    inline_script_hashes,
    origin_of,
    parse_frame_ancestors,
)
from geo.access.uploads import MB, UploadLedger


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


def test_the_policy_allows_the_app_s_own_origin_and_the_tiles_only():
    tiles = (origin_of("https://data.geopf.fr/wmts?SERVICE=WMTS&LAYER=x"),)
    found = directives(HeaderPolicy(tiles=tiles).content_security_policy(["'sha256-abc'"]))
    assert found["default-src"] == ["'self'"]
    assert found["script-src"] == ["'self'", "blob:", "'sha256-abc'"]  # no 'unsafe-inline'
    assert found["img-src"] == ["'self'", "data:", "blob:", "https://data.geopf.fr"]
    assert found["connect-src"] == ["'self'"] and found["object-src"] == ["'none'"]
    assert found["frame-ancestors"] == ["'self'"]
    offline = directives(HeaderPolicy().content_security_policy())
    assert offline["img-src"] == ["'self'", "data:", "blob:"]
    every = " ".join(" ".join(v) for v in found.values())
    assert "http://" not in every and "*" not in every


def test_frame_ancestors_come_from_a_documented_setting():
    allowed = parse_frame_ancestors(
        "https://www.declic.fr, https://*.exemple.fr  http://x.fr:8080/"
    )
    assert allowed == ("https://www.declic.fr", "https://*.exemple.fr", "http://x.fr:8080")
    policy = directives(HeaderPolicy(frame_ancestors=allowed).content_security_policy())
    assert policy["frame-ancestors"] == ["'self'", *allowed]
    assert parse_frame_ancestors("  ") == ()
    for bad in ("declic.fr", "https://declic.fr/carte", "javascript:alert(1)", "'unsafe-inline'"):
        with pytest.raises(HeaderSettingError, match="OPSN_FRAME_ANCESTORS"):
            parse_frame_ancestors(bad)


def test_every_answer_gets_nosniff_a_referrer_policy_and_the_csp():
    headers = dict(HeaderPolicy().headers())
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert headers[b"referrer-policy"] == b"same-origin"
    assert headers[b"content-security-policy"].startswith(b"default-src 'self'")


def test_inline_scripts_are_hashed_as_served_and_external_ones_are_not():
    body = b"\n  window.x = 1\n"
    page = b"<head><script>" + body + b"</script><script type=module src=./a.js></script>"
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert inline_script_hashes(page) == (f"'sha256-{digest}'",)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_uploads_are_capped_per_session_and_for_the_server():
    ledger = UploadLedger(per_session=100 * MB, total=150 * MB, clock=Clock())
    assert ledger.admit("s1", "f1", 60 * MB) is None
    refused = ledger.admit("s1", "f2", 50 * MB)
    assert "100 Mo au plus par session" in refused
    assert ledger.admit("s2", "f3", 60 * MB) is None
    assert "trop de fichiers" in ledger.admit("s3", "f4", 40 * MB)
    ledger.release("s2", "f3")  # failed, or removed by the browser
    assert ledger.admit("s3", "f4", 40 * MB) is None
    assert ledger.held("s1") == 60 * MB and ledger.held() == 100 * MB


def test_an_upload_no_page_reads_is_dropped_after_a_few_minutes():
    clock = Clock()
    ledger = UploadLedger(unclaimed=300, idle=900, clock=clock)
    for name in ("lue", "oubliée", "en-cours"):
        ledger.admit("s", name, 10)
    ledger.confirm("s", "lue", replay="comment la retirer")
    ledger.confirm("s", "oubliée")  # "en-cours" is still being received: never due
    clock.now += 60
    ledger.mark_read(["lue"])
    clock.now += 240
    due = ledger.due()
    assert [u.file_id for u in due] == ["oubliée"] and ledger.was_dropped("oubliée")
    clock.now += 600
    ledger.mark_read(["lue"])  # the import page keeps reading it
    clock.now += 899
    assert ledger.due() == []
    clock.now += 1
    (gone,) = ledger.due()
    assert gone.file_id == "lue" and gone.replay == "comment la retirer"
    assert ledger.held() == 10 and not ledger.was_dropped("en-cours")
