"""Words for the data in use: what the headline, every export and a permalink name.

A figure is only as good as its sources (DESIGN §2.2: sources are never mixed
silently), so the UI and the exports print :func:`data_label` next to every
figure, and a permalink carries ``version=N`` (:data:`VERSION_PARAM`) so that
the link shows the same data later, whatever was saved since.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from geo.core import fmt
from geo.storage.base import KINDS, Version

VERSION_PARAM = "version"
TIMEZONE = ZoneInfo("Europe/Paris")


def local_time(version: Version) -> str:
    """``03/12/2026 à 14:05`` (heure de Paris)."""
    return paris_time(version.created_at)


def paris_time(when: dt.datetime) -> str:
    """``03/12/2026 à 14:05`` for a time saved in UTC."""
    return _in_paris(when).strftime("%d/%m/%Y à %H:%M")


def _in_paris(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(TIMEZONE)


def spoken_time(version: Version, today: dt.date | None = None) -> str:
    """« à 14 h 32 » today (heure de Paris), « le 03/12/2026 à 14 h 32 » another day."""
    when = _in_paris(version.created_at)
    today = today or dt.datetime.now(TIMEZONE).date()
    clock = f"à {when.hour} h {when.minute:02d}"
    return clock if when.date() == today else f"le {when:%d/%m/%Y} {clock}"


def moved_message(base: int, saved: list[Version] | tuple[Version, ...], during: str = "") -> str:
    """Why a save computed on version ``base`` is refused: who saved what since, and when.

    « La version 7 a été enregistrée par Marie à 14 h 32 (import de liste_sitpi.csv)
    pendant votre aperçu, qui partait de la version 6 : … ». ``during`` names what the
    person was doing (« pendant votre aperçu » by default).
    """
    undo = "la défaire" if len(saved) == 1 else "les défaire"
    return (
        f"{saved_since(base, saved, during)} : votre enregistrement est refusé pour ne pas {undo}."
    )


def saved_since(base: int, saved: list[Version] | tuple[Version, ...], during: str = "") -> str:
    """« La version 7 a été enregistrée par Marie à 14 h 32 (…) pendant votre aperçu, qui
    partait de la version 6 » — the facts of :func:`moved_message`, without the refusal."""
    during = during or "pendant votre aperçu"
    made = [
        f"par {v.author} {spoken_time(v)} ({what_made(v)}"
        + (
            f" — {v.reason.strip()}"
            if v.reason.strip() and v.reason.strip() != what_made(v)
            else ""
        )
        + ")"
        for v in saved
    ]
    if len(saved) == 1:
        head = f"La version {saved[0].number} a été enregistrée {made[0]} {during}"
    else:
        numbers = [str(v.number) for v in saved]
        listed = ", ".join(numbers[:-1]) + " et " + numbers[-1]
        details = " ; ".join(f"la version {v.number} {m}" for v, m in zip(saved, made, strict=True))
        head = f"Les versions {listed} ont été enregistrées {during} ({details})"
    return f"{head}, qui partait de la version {base}"


def short_label(version: Version) -> str:
    """``version 12 du 03/12/2026``, for tight places (legends, file names, tabs)."""
    return f"version {version.number} du {local_time(version)[:10]}"


def what_made(version: Version) -> str:
    """« import de liste.csv », « restauration de la version 3 », « modification du registre »."""
    what = KINDS.get(version.kind, version.kind)
    if version.kind == "seed":
        return what + " (data/opsn/)"
    files = [f["name"] for f in version.files if f.get("name")]
    if version.kind == "import" and files:
        what = f"import de {', '.join(files)}"
    if version.kind == "restore" and version.restored_from:
        what = f"restauration de la version {version.restored_from}"
    if version.kind == "refresh" and version.counts.get("source_date"):
        day = dt.date.fromisoformat(version.counts["source_date"])
        what = f"mise à jour depuis la Suite territoriale, adhésions ANCT du {fmt.long_date(day)}"
    return what


def describe(version: Version) -> str:
    """What made the version: « import de liste.csv, par Marie — motif »."""
    what = what_made(version)
    if version.kind == "seed":
        return what
    text = f"{what}, par {version.author}"
    reason = version.reason.strip()
    if reason and reason not in what:
        text += f" — {reason}"
    return text


def data_label(version: Version, latest: int | None = None, freshness: str | None = None) -> str:
    """``base enregistrée, version 12 du 03/12/2026 à 14:05 (import de liste.csv, par Marie)``.

    ``latest`` (the newest version number) adds « version la plus récente » or
    « une version plus récente existe » so that an old permalink says so;
    ``freshness`` (:func:`geo.storage.sources.freshness_label`) the date of
    the ANCT data the version holds.
    """
    text = f"base enregistrée, version {version.number} du {local_time(version)}"
    text += f" ({describe(version)})"
    if freshness and freshness not in text:  # a refresh names its own date already
        text += f" ; {freshness}"
    if latest is not None:
        text += (
            " — version la plus récente"
            if latest == version.number
            else f" — une version plus récente existe (version {latest})"
        )
    return text


def parse_version(text: object) -> int | None:
    """``version=12`` in a URL → 12; absent → ``None``; anything else → ``ValueError`` (French)."""
    if text is None:
        return None
    value = str(text).strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1 or len(value) > 9:
        raise ValueError(f"version « {value[:20]} » invalide : attendu un numéro (1, 2, 3…)")
    return int(value)
