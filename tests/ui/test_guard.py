"""serve.py's guard: security headers, private metrics, HEAD like GET, guarded uploads."""

from __future__ import annotations

import json

from geo.access.headers import HeaderPolicy, inline_script_hashes
from geo.access.uploads import MB, UploadLedger
from tests.ui.asgi import run_in_thread
from ui import serving
from ui.guard import GuardMiddleware
from ui.shell import french_index

PAGE = b'<html lang="en"><head><script>\n  window.x = 1\n</script></head><body></body></html>'
UPLOAD = "/_stcore/upload_file/session-1/file-1"
COOKIE = (b"cookie", b"opsn_session=jeton-valide; _streamlit_xsrf=2|abc")


class Streamlit:
    """Stands for Streamlit: its page, a file, the upload endpoint; notes what it read."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict]] = []
        self.body_read = 0

    async def __call__(self, scope, receive, send) -> None:
        self.calls.append((scope["method"], scope["path"], dict(scope["headers"])))
        if scope["path"].startswith("/_stcore/upload_file/"):
            while True:
                message = await receive()
                self.body_read += len(message.get("body", b""))
                if not message.get("more_body"):
                    break
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        html = scope["path"] == "/"
        body = PAGE if html else b"console.log(1)"
        kind = b"text/html; charset=utf-8" if html else b"application/javascript"
        await send({
            "type": "http.response.start", "status": 200,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        })  # fmt: skip
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:]})


def guard(streamlit: Streamlit, ledger: UploadLedger | None = None) -> GuardMiddleware:
    return GuardMiddleware(
        streamlit,
        policy=HeaderPolicy(),
        uploads=ledger or UploadLedger(),
        signed_in=lambda headers: any(b"jeton-valide" in v for k, v in headers if k == b"cookie"),
        page_rewrite=french_index,
    )


async def _call(app, method: str, path: str, headers=(), body: bytes = b"") -> tuple[dict, bytes]:
    sent: list[dict] = []
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)] or [b""]

    async def receive():
        chunk = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "method": method, "path": path, "query_string": b"",
        "headers": list(headers),
    }  # fmt: skip
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def call(app, method, path, headers=(), body=b""):
    return run_in_thread(_call(app, method, path, headers, body))


def test_every_answer_carries_the_security_headers_and_the_page_s_script_hash():
    app = guard(Streamlit())
    start, body = call(app, "GET", "/")
    headers = dict(start["headers"])
    assert b'<html lang="fr">' in body  # Streamlit's page, French before its script runs
    scripts = next(
        d for d in headers[b"content-security-policy"].decode().split("; ") if "script-src" in d
    )
    assert inline_script_hashes(body)[0] in scripts and "unsafe-inline" not in scripts
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert headers[b"referrer-policy"] == b"same-origin"
    assert headers[b"content-length"] == str(len(body)).encode()
    start, _ = call(app, "GET", "/static/js/x.js")
    assert dict(start["headers"])[b"x-content-type-options"] == b"nosniff"


def test_head_answers_like_get_without_a_body():
    app = guard(Streamlit())
    for path in ("/", "/static/js/x.js"):
        get, body = call(app, "GET", path)
        head, nothing = call(app, "HEAD", path)
        assert nothing == b"" and head["status"] == get["status"] == 200
        assert dict(head["headers"]) == dict(get["headers"])
        assert dict(head["headers"])[b"content-length"] == str(len(body)).encode()


def test_metrics_are_not_served_to_visitors():
    streamlit = Streamlit()
    start, _ = call(guard(streamlit), "GET", "/_stcore/metrics")
    assert start["status"] == 404 and streamlit.calls == []


def test_an_anonymous_upload_is_refused_before_its_body_is_read():
    streamlit, ledger = Streamlit(), UploadLedger()
    body = b"x" * (3 * MB)
    headers = [(b"content-length", str(len(body)).encode()), (b"cookie", b"_streamlit_xsrf=2|a")]
    start, text = call(guard(streamlit, ledger), "PUT", UPLOAD, headers, body)
    assert start["status"] == 403 and "connectées" in text.decode()
    assert streamlit.calls == [] and streamlit.body_read == 0 and ledger.held() == 0


def test_a_signed_in_upload_is_stored_and_counted_until_removed():
    streamlit, ledger = Streamlit(), UploadLedger()
    body = b"insee;opsn\n29019;megalis\n"
    headers = [(b"content-length", str(len(body)).encode()), COOKIE, (b"x-xsrftoken", b"2|abc")]
    start, _ = call(guard(streamlit, ledger), "PUT", UPLOAD, headers, body)
    assert start["status"] == 204 and streamlit.body_read == len(body)
    assert ledger.held("session-1") == len(body)
    start, _ = call(guard(streamlit, ledger), "DELETE", UPLOAD, [COOKIE])
    assert start["status"] == 204 and ledger.held() == 0


def test_uploads_beyond_the_caps_or_without_a_length_are_refused_unread():
    streamlit, ledger = Streamlit(), UploadLedger(per_session=5 * MB, total=8 * MB)
    app = guard(streamlit, ledger)
    first = [(b"content-length", str(4 * MB).encode()), COOKIE]
    assert call(app, "PUT", UPLOAD, first, b"x" * 4 * MB)[0]["status"] == 204
    read = streamlit.body_read
    second = [(b"content-length", str(2 * MB).encode()), COOKIE]
    start, text = call(app, "PUT", "/_stcore/upload_file/session-1/file-2", second, b"y")
    assert start["status"] == 413 and "par session" in text.decode()
    for bad in ([COOKIE], [COOKIE, (b"content-length", b"-5")]):
        start, _ = call(app, "PUT", "/_stcore/upload_file/session-1/file-3", bad, b"y")
        assert start["status"] == 411
    assert streamlit.body_read == read  # neither body was read


def test_an_upload_left_unread_is_dropped_with_the_browser_s_own_delete():
    streamlit = Streamlit()
    ledger = UploadLedger(unclaimed=0)
    app = guard(streamlit, ledger)
    headers = [(b"content-length", b"3"), COOKIE, (b"x-xsrftoken", b"2|abc"), (b"host", b"a")]
    call(app, "PUT", UPLOAD, headers, b"abc")
    assert run_in_thread(app.sweep()) == 1
    method, path, sent = streamlit.calls[-1]
    assert (method, path) == ("DELETE", UPLOAD)
    assert sent[b"x-xsrftoken"] == b"2|abc" and b"opsn_session" in sent[b"cookie"]
    assert ledger.held() == 0 and ledger.was_dropped("file-1")


def test_the_file_cache_holds_each_file_once_whatever_the_path(tmp_path):
    (tmp_path / "mapdata").mkdir()
    (tmp_path / "mapdata" / "national.0123456789ab.bin.gz").write_bytes(b"\x1f\x8b data")
    files = serving.StaticFiles(tmp_path)
    for prefix in ("", "/p1", "/p2/p3", "/scenario"):
        assert files.answer(f"{prefix}/app/static/mapdata/national.0123456789ab.bin.gz")
    assert len(files._cache) == 1


def test_the_session_route_trades_a_ticket_for_the_cookie_once(monkeypatch):
    from starlette.routing import Router

    from geo.access.auth import Identity
    from geo.access.session import SessionBook
    from ui import sessions

    book = SessionBook(None)
    monkeypatch.setattr(sessions, "_book", book)
    router = Router(routes=sessions.routes())
    token = book.issue(Identity("Marie", "password"), hours=12)
    ticket = json.dumps({"ticket": book.ticket(token)}).encode()
    cross_site = [(b"sec-fetch-site", b"cross-site")]
    start, _ = call(router, "POST", "/_opsn/session", cross_site, ticket)
    assert start["status"] == 403
    length = [(b"content-length", str(len(ticket)).encode())]
    assert call(router, "POST", "/_opsn/session", [], ticket)[0]["status"] == 413  # no length
    huge = [(b"content-length", b"50000000")]
    assert call(router, "POST", "/_opsn/session", huge, ticket)[0]["status"] == 413
    start, _ = call(router, "POST", "/_opsn/session", length, ticket)
    cookie = dict(start["headers"])[b"set-cookie"].decode()
    assert start["status"] == 204 and cookie.startswith(f"opsn_session={token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=43200" in cookie
    assert call(router, "POST", "/_opsn/session", length, ticket)[0]["status"] == 403  # once
    start, _ = call(router, "DELETE", "/_opsn/session")
    assert "Max-Age=0" in dict(start["headers"])[b"set-cookie"].decode()


def test_the_sign_in_cookie_is_found_among_malformed_others():
    from ui.sessions import token_of

    header = b'a="x y, z"; pas un cookie; opsn_session=v1.abc.def; _streamlit_xsrf=2|a|b'
    assert token_of([(b"Cookie", header)]) == "v1.abc.def"
    assert token_of([(b"cookie", b"opsn_session_bis=x")]) is None
    assert token_of([]) is None
