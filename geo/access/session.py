"""Staying signed in: a signed token in an HttpOnly cookie, revocable from the server.

A sign-in yields a token ``v1.<payload>.<signature>``: the person's name, how
they signed in, when it was issued, when it ends and the name's *generation*,
signed with HMAC-SHA256. The browser keeps it in a cookie that page scripts
cannot read (``HttpOnly``) and that no other site can make it send
(``SameSite=Strict``); each page run checks it again. « Se déconnecter »
increments the name's generation: every token issued before, in every browser,
stops being valid at once.

The secret and the generations live in one small file of the data directory
(``signin.json``, private to its owner), so that a server restart keeps people
signed in and signed out. A data directory that cannot be written (read-only)
still works, with a secret kept in memory: sign-ins then end with the process.

The token never reaches a page's JavaScript: a page that has just signed
someone in hands its script a one-time *ticket* (:meth:`SessionBook.ticket`),
which the server's own route exchanges for the cookie (:meth:`SessionBook.redeem`).
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geo.access.auth import Identity

COOKIE_NAME = "opsn_session"
FILE_NAME = "signin.json"
TICKET_SECONDS = 60.0
"""How long a page has to exchange its ticket for the cookie."""
VERSION = "v1"
METHODS = frozenset({"password", "account", "oidc"})

log = logging.getLogger("opsn.access")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Session:
    """What a valid token says."""

    identity: Identity
    issued: float
    expires: float
    generation: int


class SessionBook:
    """Issues, checks and revokes sign-in tokens; keeps the secret and the generations.

    ``path`` is the ``signin.json`` file (``None``: memory only, for tests);
    ``secret`` replaces the stored one (a configured ``session_secret``:
    changing it signs everybody out). Thread-safe.
    """

    def __init__(
        self,
        path: Path | None,
        *,
        secret: str | bytes | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        self._generations: dict[str, int] = {}
        self._tickets: dict[str, tuple[str, float]] = {}
        self._stamp: tuple[int, int] | None = None
        stored = self._load()
        if secret:
            self._secret = secret.encode() if isinstance(secret, str) else bytes(secret)
        elif stored:
            self._secret = stored
        else:
            self._secret = secrets.token_bytes(32)
            self._save()

    # ------------------------------------------------------------------ the file

    def _load(self) -> bytes | None:
        """Read the file if it changed since last read; the stored secret, if any."""
        if self.path is None:
            return None
        try:
            status = self.path.stat()
            stamp = (status.st_mtime_ns, status.st_size)
            if stamp == self._stamp:
                return None
            content = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            log.warning(
                "sign-in file %s unreadable (%s): sessions kept in memory", self.path, error
            )
            return None
        self._stamp = stamp
        generations = content.get("generations", {})
        if isinstance(generations, dict):
            for name, number in generations.items():
                if isinstance(number, int):
                    self._generations[str(name)] = max(number, self._generations.get(name, 0))
        try:
            return bytes.fromhex(str(content.get("secret", ""))) or None
        except ValueError:
            return None

    def _save(self) -> None:
        if self.path is None:
            return
        content = json.dumps(
            {"secret": self._secret.hex(), "generations": self._generations},
            ensure_ascii=False,
            sort_keys=True,
        )
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
            status = self.path.stat()
            self._stamp = (status.st_mtime_ns, status.st_size)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            log.warning(
                "sign-in file %s not written (%s): sign-ins and sign-outs last as long as "
                "this process",
                self.path,
                error,
            )

    # ------------------------------------------------------------------ tokens

    def generation(self, name: str) -> int:
        with self._lock:
            self._load()
            return self._generations.get(name, 0)

    def _sign(self, payload: bytes) -> str:
        return _b64(hmac.new(self._secret, VERSION.encode() + b"." + payload, "sha256").digest())

    def issue(self, identity: Identity, hours: float) -> str:
        """A token for ``identity``, valid ``hours`` from now (until the name's next sign-out)."""
        now = self.clock()
        payload = json.dumps(
            {
                "n": identity.name,
                "m": identity.method,
                "i": int(now),
                "e": int(now + hours * 3600),
                "g": self.generation(identity.name),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        encoded = _b64(payload)
        return f"{VERSION}.{encoded}.{self._sign(encoded.encode())}"

    def check(self, token: object) -> Session | None:
        """The session a token proves, or ``None`` (forged, expired, revoked, malformed)."""
        if not isinstance(token, str) or len(token) > 4096:
            return None
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != VERSION:
            return None
        if not hmac.compare_digest(parts[2], self._sign(parts[1].encode())):
            return None
        try:
            content = json.loads(_unb64(parts[1]))
            name, method = str(content["n"]), str(content["m"])
            issued, expires, generation = float(content["i"]), float(content["e"]), content["g"]
        except (ValueError, KeyError, TypeError):
            return None
        if method not in METHODS or not isinstance(generation, int):
            return None
        if not issued <= self.clock() < expires or generation != self.generation(name):
            return None
        return Session(Identity(name, method), issued, expires, generation)

    def revoke(self, name: str) -> None:
        """End every session of ``name``, in every browser (« Se déconnecter »)."""
        with self._lock:
            self._load()
            self._generations[name] = self._generations.get(name, 0) + 1
            self._save()

    # ------------------------------------------------------------------ tickets

    def ticket(self, token: str) -> str:
        """A one-time ticket a page's script exchanges for the cookie holding ``token``."""
        now = self.clock()
        ticket = secrets.token_urlsafe(24)
        with self._lock:
            for key in [k for k, (_, ends) in self._tickets.items() if ends <= now]:
                del self._tickets[key]
            self._tickets[ticket] = (token, now + TICKET_SECONDS)
        return ticket

    def redeem(self, ticket: object) -> str | None:
        """The token of a ticket (once, within :data:`TICKET_SECONDS`), still valid."""
        if not isinstance(ticket, str):
            return None
        with self._lock:
            token, ends = self._tickets.pop(ticket, ("", 0.0))
        if ends <= self.clock() or self.check(token) is None:
            return None
        return token


def cookie_header(token: str, max_age: int, *, path: str = "/", secure: bool = False) -> str:
    """``Set-Cookie`` value that stores ``token`` (``max_age`` 0 with an empty token: clears it)."""
    parts = [
        f"{COOKIE_NAME}={token}",
        f"Path={path}",
        f"Max-Age={max(0, int(max_age))}",
        "HttpOnly",
        "SameSite=Strict",
    ]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
