"""How fresh the data in service is: the ANCT refresh a version's data comes from.

A refresh (``python -m geo db refresh``, kind ``refresh``) saves a version
whose ``files`` name the two resources of the ANCT's dataset with their
source dates, checksums and HTTP validators (ETag, Last-Modified). Later
versions (an edit, an import of another OPSN's list) keep that data, so the
source of version *n* is found by walking back: a refresh is its own source,
a restore takes the restored version's, the seed and the bundled files have
none, anything else keeps the previous version's. The same record serves the
next refresh (conditional requests, « nothing changed ») and the freshness
shown beside « Données » on every page and export.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass

from geo.core import fmt
from geo.importers.anct_source import ADHERENTS, OPERATORS, Validators
from geo.storage.base import Store, Version

REFRESH_KIND = "refresh"
#: The store's note (:meth:`geo.storage.base.Store.note`) of the last check of the portal.
CHECK_NOTE = "anct_check"
#: Kinds whose data owes nothing to an earlier version.
FRESH_START_KINDS = ("seed", "bundled")
#: Days after which the data in service is said to be old (``$OPSN_ANCT_MAX_AGE_DAYS``).
MAX_AGE_ENV = "OPSN_ANCT_MAX_AGE_DAYS"
DEFAULT_MAX_AGE_DAYS = 30


@dataclass(frozen=True)
class AnctSource:
    """The ANCT files a version's data comes from (one record per role).

    ``check`` is the last check of the portal (:data:`CHECK_NOTE`) when it
    found files that give this very data again (re-published, or unchanged):
    its HTTP validators serve the next request, and its date says until when
    the data is known to be current. The label (:func:`freshness_label`)
    keeps the saved files' date, so a version is always named the same way.
    """

    version: int  # the refresh that brought them
    files: dict[str, dict]  # role → the file record saved with that version
    check: dict | None = None

    def record(self, role: str) -> dict:
        """The newest record known of a file: the last check's, else the version's."""
        if self.check and role in self.check.get("files", {}):
            return self.check["files"][role]
        return self.files.get(role, {})

    def day(self, role: str = ADHERENTS) -> dt.date | None:
        """The source's date of the saved file."""
        return _day(self.files.get(role, {}))

    def confirmed_day(self, role: str = ADHERENTS) -> dt.date | None:
        """The latest source date known to give this data (the last check's, if newer)."""
        days = [d for d in (self.day(role), _day(self.record(role))) if d]
        return max(days, default=None)

    def checksums(self, role: str) -> set[str]:
        """SHA-256 of the files known to give this data (the saved one, the last checked)."""
        found = {self.files.get(role, {}).get("sha256"), self.record(role).get("sha256")}
        return {str(sha) for sha in found if sha}

    def rows(self, role: str) -> int:
        """Lines of the saved file (header excluded), as its report counted them."""
        return int(self.files.get(role, {}).get("lignes", 0) or 0)

    def validators(self, role: str) -> Validators | None:
        record = self.record(role)
        if not record:
            return None
        return Validators(str(record.get("etag", "")), str(record.get("http_last_modified", "")))

    @property
    def checked_at(self) -> str | None:
        return self.check.get("checked_at") if self.check else None

    def as_dict(self) -> dict:
        """JSON-ready (the ``db status`` contract, key ``anct_source``)."""
        return {
            "version": self.version,
            "adherents_date": _iso(self.day(ADHERENTS)),
            "operators_date": _iso(self.day(OPERATORS)),
            "confirmed_date": _iso(self.confirmed_day(ADHERENTS)),
            "label": freshness_label(self),
            "checked_at": self.checked_at,
            "files": [self.files[role] for role in (OPERATORS, ADHERENTS) if role in self.files],
        }


def _day(record: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(record.get("source_date") or ""))
    except ValueError:
        return None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def refresh_source(version: Version) -> AnctSource | None:
    """The source a refresh version records (``None`` for any other kind)."""
    if version.kind != REFRESH_KIND:
        return None
    files = {f["role"]: dict(f) for f in version.files if isinstance(f, dict) and f.get("role")}
    return AnctSource(version.number, files) if files else None


def anct_source(
    versions: Sequence[Version], number: int | None = None, check: dict | None = None
) -> AnctSource | None:
    """The ANCT refresh whose data version ``number`` (the latest by default) holds.

    ``versions`` is the store's history (any order); ``check`` the last check
    (:data:`CHECK_NOTE`), kept when it found this refresh's data again.
    ``None`` when the data comes from no refresh (the bundled files, or a
    restore of a version older than the first refresh).
    """
    by_number = {v.number: v for v in versions}
    current = number if number is not None else max(by_number, default=None)
    seen = set()
    while current in by_number and current not in seen:
        seen.add(current)
        version = by_number[current]
        if version.kind == REFRESH_KIND:
            found = refresh_source(version)
            if found is not None and check and check.get("source_version") == found.version:
                found = AnctSource(found.version, found.files, check)
            return found
        if version.kind in FRESH_START_KINDS:
            return None
        current = version.restored_from if version.restored_from else current - 1
    return None


def store_source(store: Store, number: int | None = None) -> AnctSource | None:
    """:func:`anct_source` of a store's version (the latest by default), its last check included."""
    return anct_source(store.versions(), number, store.note(CHECK_NOTE))


def freshness_label(source: AnctSource | None) -> str | None:
    """« adhésions ANCT du 3 novembre 2026 » (and the operators' date when it differs)."""
    if source is None:
        return None
    members, operators = source.day(ADHERENTS), source.day(OPERATORS)
    if members is None:
        return None
    text = f"adhésions ANCT du {fmt.long_date(members)}"
    if operators is not None and operators != members:
        text += f", opérateurs du {fmt.long_date(operators)}"
    return text


def max_age_days() -> int:
    """The configured age (days) beyond which the data in service is said to be old."""
    text = os.environ.get(MAX_AGE_ENV, "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_MAX_AGE_DAYS


def age_days(source: AnctSource | None, today: dt.date) -> int | None:
    """Days since the latest source date known to give the data in service."""
    day = source.confirmed_day(ADHERENTS) if source else None
    return (today - day).days if day else None


def stale_notice(source: AnctSource | None, today: dt.date, limit: int) -> str | None:
    """A French warning when the ANCT data in service is older than ``limit`` days."""
    age = age_days(source, today)
    if age is None or age <= limit:
        return None
    return (
        f"Les adhésions ANCT en service datent du {fmt.long_date(source.confirmed_day())} "
        f"({fmt.count(age, 'jour')}, plus de {fmt.count(limit, 'jour')}) : mettez-les à jour "
        "depuis la Suite territoriale (page « Importer », ou python -m geo db refresh)."
    )


def freshness_facts(source: AnctSource | None, today: dt.date, limit: int) -> dict:
    """The freshness keys of ``db status --format json``."""
    return {
        "anct_source": source.as_dict() if source else None,
        "freshness": freshness_label(source),
        "anct_age_days": age_days(source, today),
        "anct_max_age_days": limit,
        "anct_stale": stale_notice(source, today, limit) is not None,
        "anct_notice": stale_notice(source, today, limit),
    }
