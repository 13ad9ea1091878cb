"""A local open-data portal for the refresh tests: the ANCT's dataset behind data.gouv.fr's shapes.

:class:`Portal` serves, on 127.0.0.1 and a free port, the dataset's description
(``/api/1/datasets/68b0a2a1117b75b1b09edc6b/``, with ``resources``), the
stable links of its resources (``/fr/datasets/r/ID``, redirects) and the
files, with ETag and Last-Modified so that conditional requests get « 304 Not
Modified ». It counts the files it sends. :func:`anct_files` makes the two
files in the published formats (operators CSV ``;`` every field quoted,
adherents CSV ``;`` compressed with gzip) from commune codes of the reference.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import http.server
import json
import threading
from collections.abc import Iterable
from pathlib import Path

from geo.core.ids import luhn_valid
from geo.importers.anct_source import DATASET_ID, RESOURCE_IDS

ROOT = Path(__file__).resolve().parents[1]
#: The 30 real operators of the ANCT's sample, in the CSV form the ANCT publishes.
OPERATORS_CSV = (ROOT / "tests" / "fixtures" / "import" / "anct_operators.csv").read_bytes()
MEGALIS = "7e7ff701-de04-476e-bfca-3db263c7dc33"
GIRONDE = "23f7a1ac-ac97-4574-a8fa-b11903864cd2"
SITIV = "80da8dd3-31c0-443d-9f3d-63ba1e54fe6f"
ANCT_SIRET = "13002603200016"  # the ANCT itself: neither a commune nor an EPCI
TITLES = {"operators": "operators", "adherents": "adherents"}
NAMES = {"operators": "operators.csv", "adherents": "adherents.csv.gz"}


def operator_uuid(name: str) -> str:
    """The uuid of an operator of :data:`OPERATORS_CSV` by its name."""
    for line in OPERATORS_CSV.decode("utf-8").splitlines()[1:]:
        cells = [c.strip('"') for c in line.split(";")]
        if cells[1] == name:
            return cells[0]
    raise KeyError(name)


def siret_of(siren: str) -> str:
    """A valid SIRET of an establishment of ``siren`` (NIC 0001 + a Luhn digit)."""
    return next(siren + "0001" + str(d) for d in range(10) if luhn_valid(siren + f"0001{d}"))


def adherents_gz(
    lines: Iterable[tuple[str, str]], header: str = "organisation_siret;operateur_id"
) -> bytes:
    """The ``adherents`` file: ``header`` then one ``siret;operator uuid`` line per pair."""
    text = header + "\n" + "".join(f"{siret};{uuid}\n" for siret, uuid in lines)
    return gzip.compress(text.encode("utf-8"), mtime=0)


def commune_sirets(reference, codes: Iterable[str]) -> list[str]:
    sirens = reference.communes_by_insee["siren"]
    return [siret_of(sirens[code]) for code in codes]


class Portal:
    """The local portal; ``publish`` changes what it serves (new dates, new ETags)."""

    def __init__(self, port: int = 0) -> None:
        self.files: dict[str, bytes] = {}
        self.dates: dict[str, str] = {}
        self.sent: list[str] = []  # file names sent with a body (200)
        self.not_modified: list[str] = []  # file names answered with 304
        self.partial = False  # send half of the adherents file, announcing all of it
        self.checksum_lie = False  # publish a wrong checksum for the adherents file
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def publish(self, operators: bytes | None, adherents: bytes | None, day: str) -> None:
        """Serve new files (``None`` keeps a file as it is) dated ``day`` (``2026-11-03``)."""
        for role, data in (("operators", operators), ("adherents", adherents)):
            if data is not None:
                self.files[role] = data
                self.dates[role] = f"{day}T09:30:00+00:00"

    def etag(self, role: str) -> str:
        return '"' + hashlib.sha256(self.files[role]).hexdigest()[:20] + '"'

    def http_date(self, role: str) -> str:
        from datetime import datetime

        return email.utils.format_datetime(datetime.fromisoformat(self.dates[role]), usegmt=True)

    def description(self) -> dict:
        resources = []
        for role, resource_id in RESOURCE_IDS.items():
            checksum = hashlib.sha1(self.files[role]).hexdigest()
            if self.checksum_lie and role == "adherents":
                checksum = "0" * 40
            resources.append(
                {
                    "id": resource_id,
                    "title": TITLES[role],
                    "format": "csv.gz" if role == "adherents" else "csv",
                    "url": f"{self.url}/files/{NAMES[role]}",
                    "latest": f"{self.url}/fr/datasets/r/{resource_id}",
                    "last_modified": self.dates[role],
                    "checksum": {"type": "sha1", "value": checksum},
                    "filesize": len(self.files[role]),
                }
            )
        return {"id": DATASET_ID, "title": "Suite territoriale", "resources": resources}

    def _handler(self):
        portal = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                if self.path == f"/api/1/datasets/{DATASET_ID}/":
                    body = json.dumps(portal.description()).encode()
                    self._send(200, body, {"Content-Type": "application/json"})
                    return
                for role, resource_id in RESOURCE_IDS.items():
                    if self.path == f"/fr/datasets/r/{resource_id}":
                        self._send(302, b"", {"Location": f"/files/{NAMES[role]}"})
                        return
                    if self.path == f"/files/{NAMES[role]}":
                        self._file(role)
                        return
                self._send(404, b"introuvable", {})

            def _file(self, role: str) -> None:
                etag, modified = portal.etag(role), portal.http_date(role)
                if self.headers.get("If-None-Match") == etag:
                    portal.not_modified.append(NAMES[role])
                    self._send(304, b"", {"ETag": etag})
                    return
                data = portal.files[role]
                portal.sent.append(NAMES[role])
                headers = {"ETag": etag, "Last-Modified": modified}
                if portal.partial and role == "adherents":
                    self.send_response(200)
                    for key, value in {**headers, "Content-Length": str(len(data))}.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self._send(200, data, {**headers, "Content-Type": "application/octet-stream"})

            def _send(self, status: int, body: bytes, headers: dict) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        return Handler
