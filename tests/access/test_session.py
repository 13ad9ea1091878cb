"""Staying signed in: signed tokens, revocation everywhere, tickets, the cookie's attributes."""

from __future__ import annotations

import json
import os
import stat

import pytest

from geo.access.auth import Identity
from geo.access.session import COOKIE_NAME, TICKET_SECONDS, SessionBook, cookie_header

MARIE = Identity("Marie Dupont", "password")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_token_proves_its_person_until_it_expires(tmp_path, clock):
    book = SessionBook(tmp_path / "signin.json", clock=clock)
    token = book.issue(MARIE, hours=12)
    session = book.check(token)
    assert session.identity == MARIE and session.expires - session.issued == 12 * 3600
    clock.now += 12 * 3600 - 1
    assert book.check(token) is not None
    clock.now += 1
    assert book.check(token) is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature
        lambda t: t.replace("v1.", "v2.", 1),
        lambda t: ".".join([t.split(".")[0], t.split(".")[1][:-3] + "abc", t.split(".")[2]]),
        lambda t: "",
        lambda t: t + ".x",
        lambda t: None,
        lambda t: "v1." + "A" * 5000,
    ],
)
def test_a_forged_or_damaged_token_proves_nothing(tmp_path, clock, tamper):
    book = SessionBook(tmp_path / "signin.json", clock=clock)
    assert book.check(tamper(book.issue(MARIE, hours=1))) is None


def test_a_token_of_another_server_s_secret_proves_nothing(tmp_path, clock):
    ours = SessionBook(tmp_path / "a" / "signin.json", clock=clock)
    theirs = SessionBook(tmp_path / "b" / "signin.json", clock=clock)
    assert theirs.check(ours.issue(MARIE, hours=1)) is None


def test_signing_out_revokes_every_token_of_the_name_in_every_process(tmp_path, clock):
    path = tmp_path / "signin.json"
    book = SessionBook(path, clock=clock)
    laptop, phone = book.issue(MARIE, hours=12), book.issue(MARIE, hours=12)
    paul = book.issue(Identity("Paul", "password"), hours=12)
    other_process = SessionBook(path, clock=clock)  # a second server on the same data
    assert other_process.check(laptop) is not None
    clock.now += 1
    book.revoke("Marie Dupont")
    assert book.check(laptop) is None and book.check(phone) is None
    assert other_process.check(phone) is None  # it reads the file again when it changed
    assert book.check(paul) is not None
    assert book.check(book.issue(MARIE, hours=12)) is not None  # signing in again works


def test_a_restarted_server_keeps_sign_ins_and_sign_outs(tmp_path, clock):
    path = tmp_path / "signin.json"
    book = SessionBook(path, clock=clock)
    kept, revoked = book.issue(Identity("Paul", "account"), hours=12), book.issue(MARIE, hours=12)
    book.revoke("Marie Dupont")
    restarted = SessionBook(path, clock=clock)
    assert restarted.check(kept).identity.name == "Paul"
    assert restarted.check(revoked) is None
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # the secret is the owner's only
    assert "Marie Dupont" in json.loads(path.read_text())["generations"]


def test_a_configured_secret_replaces_the_stored_one(tmp_path, clock):
    path = tmp_path / "signin.json"
    token = SessionBook(path, secret="secret de l'administrateur", clock=clock).issue(MARIE, 1)
    assert SessionBook(path, secret="secret de l'administrateur", clock=clock).check(token)
    assert SessionBook(path, secret="un autre secret", clock=clock).check(token) is None


def test_a_data_folder_that_cannot_be_written_keeps_sessions_in_memory(tmp_path, clock):
    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("un fichier là où le dossier des données devrait être")
    book = SessionBook(blocker / "signin.json", clock=clock)  # every write fails (OSError)
    token = book.issue(MARIE, hours=1)
    assert book.check(token) is not None
    book.revoke("Marie Dupont")
    assert book.check(token) is None


def test_a_ticket_gives_its_token_once_within_a_minute(tmp_path, clock):
    book = SessionBook(None, clock=clock)
    token = book.issue(MARIE, hours=12)
    ticket = book.ticket(token)
    assert token not in ticket
    assert book.redeem(ticket) == token
    assert book.redeem(ticket) is None  # once
    late = book.ticket(token)
    clock.now += TICKET_SECONDS
    assert book.redeem(late) is None
    revoked = book.ticket(token)
    book.revoke(MARIE.name)
    assert book.redeem(revoked) is None
    assert book.redeem("n'importe quoi") is None and book.redeem(None) is None


def test_the_cookie_is_http_only_strict_and_scoped_to_the_app():
    header = cookie_header("v1.abc.def", 43200, path="/carte/", secure=True)
    parts = [p.strip() for p in header.split(";")]
    assert parts[0] == f"{COOKIE_NAME}=v1.abc.def"
    assert {"HttpOnly", "SameSite=Strict", "Secure", "Path=/carte/", "Max-Age=43200"} <= set(parts)
    cleared = cookie_header("", 0)
    assert f"{COOKIE_NAME}=;" in cleared and "Max-Age=0" in cleared and "Secure" not in cleared
