"""How many uploaded bytes the server keeps, for whom, and for how long.

Streamlit keeps an uploaded file in memory as long as the browser session that
sent it lives. The :class:`UploadLedger` is the server's account of them:

- an upload is admitted only within a cap per session and a cap for the whole
  server, counted from its announced length before any byte is read;
- an upload that no page has read within ``unclaimed`` seconds (the import page
  reads its files at once) is due to be dropped; one that a page read is kept
  while pages keep reading it, and dropped ``idle`` seconds after the last read
  (the import page's own caches forget their files after the same time).

Pure accounting: the server (``ui.guard``) asks and tells; the ledger never
touches a file. Thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

MB = 1024 * 1024
PER_SESSION_BYTES = 200 * MB
"""A planner's files at once: four lists of the largest size the readers accept."""
TOTAL_BYTES = 600 * MB
"""All sessions together."""
UNCLAIMED_SECONDS = 5 * 60
IDLE_SECONDS = 15 * 60
REMEMBERED_DROPS = 1000


@dataclass
class Upload:
    """One file the server holds for a session."""

    session: str
    file_id: str
    size: int
    arrived: float
    read: float | None = None
    confirmed: bool = False
    replay: object = field(default=None, compare=False)
    """What the server needs to drop it later (opaque here)."""


class UploadLedger:
    """Caps and lifetimes of the uploads held in memory (see the module)."""

    def __init__(
        self,
        per_session: int = PER_SESSION_BYTES,
        total: int = TOTAL_BYTES,
        unclaimed: float = UNCLAIMED_SECONDS,
        idle: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_session, self.total = per_session, total
        self.unclaimed, self.idle = unclaimed, idle
        self.clock = clock
        self._lock = threading.Lock()
        self._uploads: dict[tuple[str, str], Upload] = {}
        self._dropped: OrderedDict[str, None] = OrderedDict()

    def held(self, session: str | None = None) -> int:
        """Bytes held (or announced and being received), for ``session`` or for everyone."""
        with self._lock:
            return sum(u.size for u in self._uploads.values() if session in (None, u.session))

    def admit(self, session: str, file_id: str, size: int) -> str | None:
        """Reserve ``size`` bytes for an upload about to be read; a French refusal otherwise."""
        with self._lock:
            others = [u for k, u in self._uploads.items() if k != (session, file_id)]
            mine = sum(u.size for u in others if u.session == session)
            everyone = sum(u.size for u in others)
            if mine + size > self.per_session:
                return (
                    f"Trop de fichiers envoyés à la fois : {self.per_session // MB} Mo au plus "
                    "par session. Retirez un fichier ou importez d'abord ceux qui sont là."
                )
            if everyone + size > self.total:
                return "Le serveur reçoit déjà trop de fichiers : réessayez dans quelques minutes."
            self._uploads[(session, file_id)] = Upload(session, file_id, size, self.clock())
            return None

    def confirm(self, session: str, file_id: str, replay: object = None) -> None:
        """The upload was stored by Streamlit: it now counts until dropped."""
        with self._lock:
            upload = self._uploads.get((session, file_id))
            if upload is not None:
                upload.confirmed, upload.replay = True, replay

    def release(self, session: str, file_id: str) -> None:
        """The upload failed, or the browser removed it."""
        with self._lock:
            self._uploads.pop((session, file_id), None)

    def mark_read(self, file_ids: Iterable[str]) -> None:
        """A page run read these files (``UploadedFile.file_id``): they are in use."""
        now = self.clock()
        wanted = set(file_ids)
        with self._lock:
            for upload in self._uploads.values():
                if upload.file_id in wanted:
                    upload.read = now

    def due(self) -> list[Upload]:
        """Uploads to drop now (removed from the ledger; remembered as dropped)."""
        now = self.clock()
        with self._lock:
            gone = [
                key
                for key, u in self._uploads.items()
                if u.confirmed
                and (
                    (u.read is None and now - u.arrived >= self.unclaimed)
                    or (u.read is not None and now - u.read >= self.idle)
                )
            ]
            found = [self._uploads.pop(key) for key in gone]
            for upload in found:
                self._dropped[upload.file_id] = None
            while len(self._dropped) > REMEMBERED_DROPS:
                self._dropped.popitem(last=False)
            return found

    def was_dropped(self, file_id: str) -> bool:
        """Whether the server dropped this file for lack of use (so a page can say so)."""
        with self._lock:
            return file_id in self._dropped
