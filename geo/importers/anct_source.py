"""The ANCT's open dataset for the *Suite territoriale*: its description and its two files.

The dataset (:data:`DATASET_ID`) is published on an open-data portal
(data.gouv.fr by default, :data:`DEFAULT_SOURCE`) with the usual shapes: its
description at ``BASE/api/1/datasets/ID/`` (``resources``, each with ``id``,
``title``, ``format``, ``url``, ``last_modified``, ``checksum``) and the
stable link of a resource at ``BASE/fr/datasets/r/RESOURCE_ID``, a redirect
to the file. This module asks for the description, finds the ``operators``
and ``adherents`` resources, and downloads them:

- HTTP(S) only, certificates checked, a timeout per read and a deadline per
  file, redirects followed (to HTTP(S) only, a few at most);
- conditional requests (``If-None-Match`` / ``If-Modified-Since``) with what
  the last refresh kept, so that nothing is downloaded when nothing changed;
- the same byte bound as an upload (:data:`geo.importers.bounded.LIMITS`),
  and a download shorter than announced is refused, never read as far as it
  goes (the readers apply the other bounds: decompressed bytes, rows, time).

Every failure is a :class:`SourceError` (:class:`Offline` when the portal
cannot be reached) whose text is a French sentence; nothing is ever written
here: the caller decides.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import http.client
import json
import os
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from geo.core.text import fold
from geo.importers.bounded import LIMITS, Limits, megabytes

DATASET_ID = "68b0a2a1117b75b1b09edc6b"
DEFAULT_SOURCE = "https://www.data.gouv.fr"
#: Environment variable naming another portal (its base address), as ``--source`` does.
SOURCE_ENV = "OPSN_ANCT_SOURCE"
OPERATORS = "operators"
ADHERENTS = "adherents"
ROLES = (OPERATORS, ADHERENTS)
#: The two resources of the dataset, found by id (by title if the ANCT recreates them).
RESOURCE_IDS = {
    OPERATORS: "902bb360-0b60-46d2-8169-4207a01caed1",
    ADHERENTS: "ffc74be0-fb88-40cf-9048-f53e955eac28",
}
#: Names the files take in reports and versions (the resources' published names).
FILE_NAMES = {OPERATORS: "operators.csv", ADHERENTS: "adherents.csv.gz"}
#: Seconds a connection or a single read may wait, and a whole file may take.
TIMEOUT_SECONDS = 30.0
DOWNLOAD_SECONDS = 300.0
#: The dataset's description is a small JSON document.
DESCRIPTION_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "couverture-opsn (mise a jour depuis la Suite territoriale)"
PARIS = ZoneInfo("Europe/Paris")


class SourceError(Exception):
    """The portal's answer cannot be used; ``str(error)`` is a French sentence."""


class Offline(SourceError):
    """The portal cannot be reached (no network, refused, timed out): a normal case."""


@dataclass(frozen=True)
class Resource:
    """One file of the dataset as its description gives it."""

    role: str  # OPERATORS or ADHERENTS
    id: str
    title: str
    format: str
    url: str  # where the description says the file is
    stable_url: str  # BASE/fr/datasets/r/ID, what is downloaded
    last_modified: str  # ISO date-time of the description, "" when absent
    checksum: dict | None  # {"type": "sha1", "value": "…"} when published

    @property
    def name(self) -> str:
        return FILE_NAMES[self.role]


@dataclass(frozen=True)
class Validators:
    """What the last download of a file answered, for a conditional request."""

    etag: str = ""
    last_modified: str = ""  # the HTTP header, as received

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Fetched:
    """One file asked for: its bytes, or ``None`` when the portal said « not modified »."""

    resource: Resource
    data: bytes | None
    etag: str = ""
    last_modified: str = ""  # HTTP header
    url: str = ""  # final address, after redirects

    @property
    def unchanged(self) -> bool:
        return self.data is None


# --------------------------------------------------------------------------- addresses


def source_base(given: str | None = None) -> str:
    """The portal's base address: ``given``, else ``$OPSN_ANCT_SOURCE``, else data.gouv.fr.

    Only ``http`` and ``https`` addresses with a host are accepted (French
    :class:`SourceError` otherwise); a trailing slash is dropped.
    """
    text = (given or os.environ.get(SOURCE_ENV, "") or DEFAULT_SOURCE).strip()
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(
            f"adresse du portail « {text[:200]} » invalide : attendu une adresse http(s)://… "
            f"(par défaut {DEFAULT_SOURCE})."
        )
    return text.rstrip("/")


def dataset_url(base: str) -> str:
    return f"{base}/api/1/datasets/{DATASET_ID}/"


def stable_url(base: str, resource_id: str) -> str:
    return f"{base}/fr/datasets/r/{urllib.parse.quote(resource_id, safe='-')}"


# --------------------------------------------------------------------------- description


def find_resources(description: object, base: str) -> dict[str, Resource]:
    """The ``operators`` and ``adherents`` resources of a dataset description.

    Each is found by its id, else by its title (« operators… », « adherents… »,
    accents and case ignored); a missing one is a :class:`SourceError`.
    """
    listed = description.get("resources") if isinstance(description, dict) else None
    if not isinstance(listed, list):
        raise SourceError(
            "la description du jeu de données n'a pas de liste « resources » : le portail a "
            "changé de format ; rien n'a été modifié."
        )
    entries = [entry for entry in listed if isinstance(entry, dict)]
    found = {}
    for role in ROLES:
        entry = next((e for e in entries if str(e.get("id", "")) == RESOURCE_IDS[role]), None)
        if entry is None:
            entry = next(
                (e for e in entries if fold(e.get("title", "")).split(" ")[:1] == [role]), None
            )
        if entry is None:
            raise SourceError(
                f"le jeu de données de la Suite territoriale ne contient plus la ressource "
                f"« {role} » (identifiant {RESOURCE_IDS[role]}) ; rien n'a été modifié."
            )
        checksum = entry.get("checksum")
        resource_id = str(entry.get("id", ""))
        found[role] = Resource(
            role=role,
            id=resource_id,
            title=str(entry.get("title") or role),
            format=str(entry.get("format") or ""),
            url=str(entry.get("url") or ""),
            stable_url=stable_url(base, resource_id),
            last_modified=str(entry.get("last_modified") or ""),
            checksum=checksum if isinstance(checksum, dict) and checksum.get("value") else None,
        )
    return found


def fetch_resources(base: str) -> dict[str, Resource]:
    """Ask the portal for the dataset's description; its two resources."""
    address = dataset_url(base)
    with _open(address, {"Accept": "application/json"}) as response:
        body = _read(response, address, DESCRIPTION_BYTES, time.monotonic() + TIMEOUT_SECONDS)
    try:
        description = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SourceError(
            f"{address} : la réponse n'est pas la description JSON attendue ; rien n'a été modifié."
        ) from None
    return find_resources(description, base)


# --------------------------------------------------------------------------- files


def fetch_file(
    resource: Resource, previous: Validators | None = None, limits: Limits = LIMITS
) -> Fetched:
    """Download a resource through its stable link (conditionally when ``previous`` is given).

    Returns ``data=None`` when the portal answers « not modified » (304).
    """
    headers = previous.headers() if previous else {}
    try:
        response = _open(resource.stable_url, headers)
    except _NotModified:
        return Fetched(resource, None)
    with response:
        data = _read(
            response, resource.name, limits.file_bytes, time.monotonic() + DOWNLOAD_SECONDS
        )
        return Fetched(
            resource,
            data,
            etag=response.headers.get("ETag", "") or "",
            last_modified=response.headers.get("Last-Modified", "") or "",
            url=response.geturl(),
        )


def published_checksum_matches(resource: Resource, data: bytes) -> bool | None:
    """Whether ``data`` has the checksum the description publishes (``None``: none to check)."""
    if not resource.checksum:
        return None
    kind = str(resource.checksum.get("type", "")).lower().replace("-", "")
    if kind not in ("sha1", "sha256", "sha512", "md5"):
        return None
    expected = str(resource.checksum.get("value", "")).strip().lower()
    return hashlib.new(kind, data).hexdigest() == expected


def source_day(resource: Resource, fetched: Fetched | None = None) -> dt.date | None:
    """The day the source file was last changed (Paris time), as the portal says.

    The description's ``last_modified`` first, else the file's ``Last-Modified``
    header; ``None`` when neither is given or readable.
    """
    if resource.last_modified:
        try:
            when = dt.datetime.fromisoformat(resource.last_modified.replace("Z", "+00:00"))
        except ValueError:
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.UTC)
            return when.astimezone(PARIS).date()
    if fetched is not None and fetched.last_modified:
        try:
            return email.utils.parsedate_to_datetime(fetched.last_modified).astimezone(PARIS).date()
        except (TypeError, ValueError):
            return None
    return None


# --------------------------------------------------------------------------- HTTP


class _NotModified(Exception):
    pass


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow a few redirects, to HTTP(S) addresses only (never ``file:`` or ``ftp:``)."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urljoin(req.full_url, newurl)
        if urllib.parse.urlsplit(target).scheme not in ("http", "https"):
            raise SourceError(
                f"{req.full_url} : redirection vers « {target[:200]} » refusée (seules les "
                "adresses http(s) sont suivies) ; rien n'a été modifié."
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    """HTTP and HTTPS only (no ``file:``, ``ftp:``, ``data:`` handlers), proxies from the
    environment, certificates checked against the system's authorities."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        urllib.request.HTTPDefaultErrorHandler(),
        _Redirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _open(address: str, headers: dict[str, str]):
    request = urllib.request.Request(address, headers={"User-Agent": USER_AGENT, **headers})
    try:
        return _opener().open(request, timeout=TIMEOUT_SECONDS)
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 304:
            raise _NotModified from None
        if 300 <= error.code < 400:  # the standard library refused to follow it
            raise SourceError(
                f"{address} : redirection refusée (vers une adresse qui n'est pas http(s), ou "
                f"plus de {MAX_REDIRECTS} redirections) ; rien n'a été modifié."
            ) from None
        raise SourceError(
            f"{address} : le portail répond par l'erreur HTTP {error.code} "
            f"({_http_words(error.code)}) ; rien n'a été modifié."
        ) from None
    except urllib.error.URLError as error:
        raise _unreachable(address, error.reason) from None
    except (TimeoutError, ConnectionError, http.client.HTTPException) as error:
        raise _unreachable(address, error) from None


def _http_words(code: int) -> str:
    if code == 404:
        return "introuvable"
    if code in (401, 403):
        return "accès refusé"
    if code == 429:
        return "trop de demandes, réessayez plus tard"
    if code >= 500:
        return "panne du portail, réessayez plus tard"
    return "réponse inattendue"


def _unreachable(address: str, reason: object) -> SourceError:
    host = urllib.parse.urlsplit(address).hostname or address
    if isinstance(reason, ssl.SSLError):
        return SourceError(
            f"{host} : connexion sécurisée refusée (certificat invalide ou non reconnu) ; "
            "rien n'a été modifié."
        )
    if isinstance(reason, TimeoutError):
        why = "délai de réponse dépassé"
    elif isinstance(reason, ConnectionRefusedError):
        why = "connexion refusée"
    elif isinstance(reason, socket.gaierror):
        why = "adresse inconnue ou pas d'accès au réseau"
    elif isinstance(reason, SourceError):
        return reason
    else:
        why = "réseau indisponible"
    return Offline(
        f"Suite territoriale injoignable ({host} : {why}). Les données en service restent "
        "celles d'avant ; réessayez quand le réseau est disponible."
    )


def _read(response, name: str, cap: int, deadline: float) -> bytes:
    """The whole body, at most ``cap`` bytes, before ``deadline``; all of it or a refusal."""
    announced = response.headers.get("Content-Length")
    try:
        expected = int(announced) if announced is not None else None
    except ValueError:
        expected = None
    if expected is not None and expected > cap:
        raise SourceError(
            f"{name} : fichier trop volumineux ({megabytes(expected)}) ; la limite est de "
            f"{megabytes(cap)}. Rien n'a été modifié."
        )
    chunks, total = [], 0
    try:
        while True:
            chunk = response.read(min(1 << 16, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise SourceError(
                    f"{name} : fichier trop volumineux (plus de {megabytes(cap)}) ; rien n'a "
                    "été modifié."
                )
            if time.monotonic() > deadline:
                raise SourceError(
                    f"{name} : téléchargement trop long (plus de {DOWNLOAD_SECONDS:.0f} s) : "
                    "interrompu ; rien n'a été modifié."
                )
    except http.client.IncompleteRead as error:
        total += len(error.partial)
        raise _partial(name, total, expected) from None
    except (TimeoutError, ConnectionError, OSError):
        raise _partial(name, total, expected) from None
    if expected is not None and total != expected:
        raise _partial(name, total, expected)
    return b"".join(chunks)


def _partial(name: str, received: int, expected: int | None) -> SourceError:
    announced = f" sur {megabytes(expected)} annoncés" if expected else ""
    return SourceError(
        f"{name} : téléchargement interrompu ({megabytes(received)} reçus{announced}) : "
        "fichier incomplet refusé ; rien n'a été modifié."
    )
