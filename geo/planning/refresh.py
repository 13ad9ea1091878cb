"""Refresh from the ANCT's open dataset: fetch, read, check, preview, then one dated version.

:func:`plan_refresh` asks the portal for the dataset's two files
(:mod:`geo.importers.anct_source`: conditional requests with what the last
refresh kept, so nothing is downloaded when nothing changed), reads them with
the import's own reader (:func:`geo.planning.imports.read_import`: the same
per-line report as an upload) and lists the reasons to refuse them (changed
columns, empty file, a file ten times smaller than the one in service, a
checksum that disagrees with the published one). :func:`save_refresh` saves
one version of kind ``refresh`` whose files name the resources, their dates,
checksums and HTTP validators (:mod:`geo.storage.sources` reads them back).

What a refresh does to the data (:func:`refreshed_snapshot`, pure): the
ANCT's operators are added to the registry (known ones only get their empty
fields filled, as ``db import`` does), and the adhesions of the operators the
file lists are replaced, other OPSN's own adhesions kept. The adhesions are
**dated** by the source's date once a previous refresh is in the data: one
that appears starts (``depuis``) on the source's date, one that disappears
ends (``jusqu_a``) the day before, so that « Évolution » and ``timeline``
compare the real states of two refreshes. The first refresh leaves them
undated: the ANCT does not publish when a collectivity joined, and dating them
all from that day would invent a wave of adhesions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import pandas as pd

from geo.core import fmt
from geo.core.figures import FiguresCompared
from geo.core.memberships import memberships_frame
from geo.core.records import as_json
from geo.importers.anct_source import (
    ADHERENTS,
    DATASET_ID,
    FILE_NAMES,
    OPERATORS,
    ROLES,
    Fetched,
    Resource,
    fetch_file,
    fetch_resources,
    published_checksum_matches,
    source_base,
    source_day,
)
from geo.importers.bounded import LIMITS, ImportFileError, Limits
from geo.planning.changes import import_operators
from geo.planning.imports import ImportBatch, import_counts, read_import
from geo.planning.saving import save_on_base
from geo.storage.base import NothingToSave, Snapshot, Store, Version
from geo.storage.labels import data_label
from geo.storage.sources import (
    CHECK_NOTE,
    REFRESH_KIND,
    AnctSource,
    freshness_label,
    store_source,
)

#: ``source`` of the memberships a refresh brings: how the next refresh knows them.
ANCT_MEMBERS_SOURCE = FILE_NAMES[ADHERENTS]
#: The format the reader must recognise in each file, and the columns it then has.
EXPECTED = {
    OPERATORS: (
        "anct_operateurs",
        "id;nom;nom_avec_article;statut;url;siret;services;departements",
    ),
    ADHERENTS: ("anct_adherents", "organisation_siret;operateur_id"),
}
UNCHANGED, READY, REFUSED = "unchanged", "ready", "refused"
#: A file with this many times fewer lines than the one in service is refused.
SHRINK_FACTOR = 10
_KEY_SEPARATOR = "\x1f"


class RefreshRefused(Exception):
    """A refresh that cannot be saved (French message with the reasons)."""


@dataclass(frozen=True)
class Refusal:
    """Why the downloaded files are not saved as they are; ``forceable``: a planner who
    read the report and the preview may still save them (``--force``)."""

    code: str  # colonnes, vide, plus_petit, empreinte, illisible, aucune_adhesion
    message: str
    forceable: bool = True

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "forceable": self.forceable}


@dataclass
class RefreshPlan:
    """What a refresh found at the source and would do to the data in service."""

    source: str  # the portal's base address
    base: Version  # the version in service when the files were read
    snapshot: Snapshot
    in_service: AnctSource | None  # the ANCT files the version in service holds
    resources: dict[str, Resource]
    fetched: dict[str, Fetched]
    status: str  # UNCHANGED, READY or REFUSED
    message: str = ""
    downloaded: tuple[str, ...] = ()  # roles whose bytes were downloaded
    batch: ImportBatch | None = None
    refusals: list[Refusal] = field(default_factory=list)
    day: dt.date | None = None  # the source's date, which dates the adhesions
    dated: bool = False  # a previous refresh is in the data: changes get dates
    files: list[dict] = field(default_factory=list)  # the version's file records

    @property
    def forceable(self) -> bool:
        """Refused only for reasons a planner may overrule after reading the preview."""
        return (
            self.status == REFUSED
            and self.batch is not None
            and not self.batch.empty
            and all(r.forceable for r in self.refusals)
        )

    def change(self, snapshot: Snapshot) -> Snapshot:
        """The refresh applied to ``snapshot`` (the store runs it on the latest data)."""
        return refreshed_snapshot(
            snapshot,
            self.batch,
            self.day,
            self.resources[ADHERENTS].stable_url,
        )

    @property
    def after(self) -> Snapshot:
        return self.change(self.snapshot)

    def dates_sentence(self) -> str:
        """How the adhesions of this refresh are dated, in French."""
        if self.day is None:
            return ""
        if not self.dated:
            return (
                "Première mise à jour depuis la Suite territoriale : les adhésions ne sont pas "
                "datées (l'ANCT ne publie pas la date d'adhésion) ; les suivantes le seront."
            )
        before = self.day - dt.timedelta(days=1)
        return (
            f"Adhésions datées par la source : les nouvelles depuis le {fmt.long_date(self.day)}, "
            f"les disparues jusqu'au {fmt.long_date(before)}."
        )

    def counts(self, forced: list[str]) -> dict:
        return {
            **import_counts(self.batch),
            "source_date": self.day.isoformat() if self.day else None,
            "portail": self.source,
            "adhesions_datees": self.dated,
            "refus_forces": forced,
        }

    def as_dict(self) -> dict:
        """JSON-ready (``db refresh --format json``; keys only ever added)."""
        return {
            "status": self.status,
            "message": self.message,
            "source": self.source,
            "dataset": DATASET_ID,
            "base": self.base.number,
            "in_service": self.in_service.as_dict() if self.in_service else None,
            "source_date": self.day.isoformat() if self.day else None,
            "dated": self.dated,
            "dates": self.dates_sentence(),
            "resources": {
                role: {
                    "id": r.id,
                    "title": r.title,
                    "format": r.format,
                    "url": r.stable_url,
                    "last_modified": r.last_modified,
                    "downloaded": role in self.downloaded,
                    "size": len(self.fetched[role].data or b"") if role in self.fetched else 0,
                }
                for role, r in self.resources.items()
            },
            "refusals": [r.as_dict() for r in self.refusals],
            "forceable": self.forceable,
            "reports": [r.to_dict() for r in self.batch.reports] if self.batch else [],
            "errors": list(self.batch.errors) if self.batch else [],
            "files": self.files,
        }

    def check_note(self, source_version: int, files: dict[str, dict] | None = None) -> dict:
        """The store's note of this check: the files that give the data of ``source_version``."""
        if files is None:
            files = {f["role"]: f for f in self.files}
        return {
            "checked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "portal": self.source,
            "source_version": source_version,
            "files": files,
        }


# --------------------------------------------------------------------------- plan


def plan_refresh(
    store: Store, reference, source: str | None = None, limits: Limits = LIMITS
) -> RefreshPlan:
    """Fetch and read the ANCT's files against the version in service; nothing is saved.

    Raises :class:`geo.importers.anct_source.Offline` without network and
    :class:`geo.importers.anct_source.SourceError` for a portal answer that
    cannot be used (incomplete download included): nothing is changed then.
    """
    base_url = source_base(source)
    version, snapshot = store.snapshot()
    in_service = store_source(store, version.number)
    resources = fetch_resources(base_url)
    fetched = {
        role: fetch_file(
            resources[role], in_service.validators(role) if in_service else None, limits
        )
        for role in ROLES
    }
    plan = RefreshPlan(base_url, version, snapshot, in_service, resources, fetched, UNCHANGED)
    if all(f.unchanged for f in fetched.values()):
        plan.message = (
            "Rien n'a changé à la source depuis la dernière vérification : rien n'a été "
            f"téléchargé ni enregistré ({_service_words(in_service)})."
        )
        return plan
    for role, got in list(fetched.items()):
        if got.unchanged:  # the other file changed: both are read together
            fetched[role] = fetch_file(resources[role], None, limits)
    plan.downloaded = tuple(role for role in ROLES if not fetched[role].unchanged)
    digests = {role: hashlib.sha256(fetched[role].data).hexdigest() for role in ROLES}
    if in_service and all(digests[r] in in_service.checksums(r) for r in ROLES):
        plan.message = (
            "Les fichiers publiés sont identiques à ceux des données en service : rien n'est "
            f"enregistré ({_service_words(in_service)})."
        )
        plan.files = _file_records(plan, None)
        return plan
    plan.day = source_day(resources[ADHERENTS], fetched[ADHERENTS]) or dt.date.today()
    files = [(FILE_NAMES[role], fetched[role].data) for role in ROLES]
    plan.batch = read_import(reference, files, snapshot.registry_typed())
    plan.refusals = content_refusals(plan.batch, fetched, in_service, limits)
    plan.dated = bool((snapshot.memberships["source"] == ANCT_MEMBERS_SOURCE).any())
    plan.files = _file_records(plan, plan.batch)
    plan.status = REFUSED if plan.refusals else READY
    return plan


def _service_words(in_service: AnctSource | None) -> str:
    label = freshness_label(in_service)
    if in_service is None or not label:
        return "aucune mise à jour depuis la Suite territoriale dans les données en service"
    return f"données en service : {label}, version {in_service.version}"


def _file_records(plan: RefreshPlan, batch: ImportBatch | None) -> list[dict]:
    """What the version (or the check's note) keeps of each file."""
    from geo.storage.seed import fingerprint

    read = {f["name"]: f for f in batch.files} if batch else {}
    records = []
    for role in ROLES:
        got, resource = plan.fetched[role], plan.resources[role]
        day = source_day(resource, got)
        records.append(
            {
                **(read.get(resource.name) or fingerprint(resource.name, got.data or b"")),
                "role": role,
                "resource_id": resource.id,
                "title": resource.title,
                "url": resource.stable_url,
                "download_url": got.url,
                "last_modified": resource.last_modified,
                "etag": got.etag,
                "http_last_modified": got.last_modified,
                "source_date": (day or plan.day or dt.date.today()).isoformat(),
                "portal": plan.source,
                "published_checksum": resource.checksum,
            }
        )
    return records


def content_refusals(
    batch: ImportBatch,
    fetched: dict[str, Fetched],
    in_service: AnctSource | None,
    limits: Limits = LIMITS,
) -> list[Refusal]:
    """Why these files should not replace the data in service (empty when they may)."""
    refusals = []
    reports = {report.file: report for report in batch.reports}
    for role in ROLES:
        name, data = FILE_NAMES[role], fetched[role].data or b""
        resource = fetched[role].resource
        if published_checksum_matches(resource, data) is False:
            kind = resource.checksum.get("type", "")
            refusals.append(
                Refusal(
                    "empreinte",
                    f"{name} : l'empreinte publiée par le portail ({kind}) ne correspond pas au "
                    "fichier reçu (fichier altéré, ou remplacé pendant le téléchargement).",
                )
            )
        error = next((e for e in batch.errors if e.startswith(f"{name} ")), None)
        report = reports.get(name)
        if not data.strip() or (report is not None and report.rows == report.blank):
            refusals.append(
                Refusal("vide", f"{name} : fichier vide (aucune ligne de données).", False)
            )
            continue
        if error is not None or report is None:
            error = error or f"{name} : fichier illisible."
            code = "vide" if " vide" in error else "illisible"
            refusals.append(Refusal(code, error, False))
            continue
        wanted, columns = EXPECTED[role]
        if report.format != wanted:
            found = header_text(name, data, limits)
            refusals.append(
                Refusal(
                    "colonnes",
                    f"{name} : les colonnes ont changé : attendu « {columns} », trouvé "
                    f"« {found} ». Lisez le rapport et l'aperçu avant de forcer.",
                )
            )
        rows = report.rows - report.blank
        before = in_service.rows(role) if in_service else 0
        if before and rows * SHRINK_FACTOR <= before:
            refusals.append(
                Refusal(
                    "plus_petit",
                    f"{name} : {fmt.count(rows, 'ligne')} contre {fmt.integer(before)} dans la "
                    f"version en service (au moins {SHRINK_FACTOR} fois moins) : fichier "
                    "partiel ?",
                )
            )
        if role == ADHERENTS and report.format == wanted and report.accepted == 0:
            refusals.append(
                Refusal(
                    "aucune_adhesion",
                    f"{name} : aucune ligne acceptée sur {fmt.integer(rows)} (voir le rapport).",
                    False,
                )
            )
    return refusals


def header_text(name: str, data: bytes, limits: Limits = LIMITS) -> str:
    """The first non-blank line of a file, cells joined by « ; » (for a message)."""
    from geo.importers.memberships import open_import
    from geo.importers.tables import is_blank

    try:
        head = open_import(name, data, limits=limits).head()
    except ImportFileError:
        return "illisible"
    first = next((cells for _, cells in head if not is_blank(cells)), [])
    text = ";".join(str(c) for c in first if c is not None)
    return text if len(text) <= 200 else text[:199] + "…"


# --------------------------------------------------------------------------- the change


def refreshed_snapshot(
    snapshot: Snapshot, batch: ImportBatch, day: dt.date, link: str = ""
) -> Snapshot:
    """The data once the ANCT's files are in (see the module docstring); pure."""
    if batch.operators is not None and not batch.operators.empty:
        snapshot = import_operators(snapshot, batch.operators, "completer")
    members = dated_memberships(snapshot.memberships, batch.memberships, day, link)
    return Snapshot(snapshot.registry, members)


def _keys(frame: pd.DataFrame) -> pd.Series:
    return frame["opsn"] + _KEY_SEPARATOR + frame["insee"] + _KEY_SEPARATOR + frame["epci"]


def dated_memberships(
    current: pd.DataFrame, incoming: pd.DataFrame, day: dt.date, link: str = ""
) -> pd.DataFrame:
    """``current`` memberships once the ANCT's ``incoming`` list of ``day`` is in.

    - other OPSN's adhesions are kept; those of the operators the list names,
      when they came from elsewhere, are replaced (as ``db import`` does);
    - an ANCT adhesion still listed is kept as it is (its own start date);
    - one no longer listed ends the day before ``day`` (one that started that
      very day never was in force: it goes);
    - a new one starts on ``day`` — undated on the first refresh (no ANCT
      adhesion in ``current``), since its real start is unknown;
    - ended ANCT adhesions stay, as history.

    ``link`` (the resource's stable address) becomes the new rows' reference:
    the public source an export names.
    """
    current = memberships_frame(current)
    incoming = memberships_frame(incoming)
    from_anct = (current["source"] == ANCT_MEMBERS_SOURCE).to_numpy()
    dated = bool(from_anct.any())
    listed = current["opsn"].isin(set(incoming["opsn"])).to_numpy()
    others = current[~from_anct & ~listed]
    previous = current[from_anct]
    in_force = previous["jusqu_a"].isna().to_numpy()
    ended = previous[~in_force]
    live = previous[in_force]
    listed_keys = set(_keys(incoming))
    still = live[_keys(live).isin(listed_keys).to_numpy()]
    gone = live[~_keys(live).isin(listed_keys).to_numpy()].copy()
    last_day = pd.Timestamp(day) - pd.Timedelta(days=1)
    gone = gone[(gone["depuis"].isna() | (gone["depuis"] <= last_day)).to_numpy()]
    gone["jusqu_a"] = last_day
    new = incoming[~_keys(incoming).isin(set(_keys(live))).to_numpy()].copy()
    new["depuis"] = pd.Timestamp(day) if dated else pd.NaT
    if link:
        new["reference"] = new["reference"].where(new["reference"] != "", link)
    parts = [p for p in (others, ended, still, gone, new) if len(p)]
    if not parts:
        return memberships_frame()
    return memberships_frame(pd.concat(parts, ignore_index=True))


@dataclass(frozen=True)
class InForce:
    """Adhesions in force on the source's day (ISO ``date``): how many start and how many
    end — what a planner means by « new » and « ended »; the rows of the database count an
    ended adhesion twice (its open row closed, its dated row added)."""

    date: str
    new: int
    ended: int

    @property
    def sentence(self) -> str:
        """« Adhésions en vigueur le 1er décembre 2026 : 10 nouvelles, 10 terminées »."""
        return (
            f"Adhésions en vigueur le {fmt.long_date(dt.date.fromisoformat(self.date))} : "
            f"{fmt.count(self.new, 'nouvelle')}, {fmt.count(self.ended, 'terminée')}"
        )


@dataclass(frozen=True)
class FigureChanges:
    """Headline figures before / after and their deltas (``before``, ``after``, …), and the
    communes whose status changes (:func:`geo.planning.compare.figure_changes`)."""

    figures: FiguresCompared
    communes: list[dict]


@dataclass(frozen=True)
class RefreshPreview:
    """What a refresh would change; the fields are the keys of ``db refresh --format json``'s
    ``preview`` (:meth:`as_json`).

    ``registry``, ``memberships``, ``figures`` and ``communes``: those of
    :func:`geo.planning.compare.compare_snapshots` under the options asked for;
    ``adhesion``: the figures and communes under « adhérentes seulement », the rule
    whose figures the ANCT's adhesions change most (the very ``figures`` and
    ``communes`` when that is the rule asked for).
    """

    registry: dict
    memberships: dict
    figures: FiguresCompared
    communes: list[dict]
    in_force: InForce
    adhesion: FigureChanges

    def as_json(self) -> dict:
        return as_json(self)


def refresh_preview(plan: RefreshPlan, reference, options=None) -> RefreshPreview:
    """Before / after of the refresh with ``options`` (see :class:`RefreshPreview`)."""
    import dataclasses

    from geo.core.coverage import CoverageOptions
    from geo.core.rules import Rule
    from geo.planning.compare import compare_snapshots, figure_changes

    options = options or CoverageOptions()
    after = plan.after
    compared = compare_snapshots(plan.snapshot, after, reference, options)
    asked = FigureChanges(compared["figures"], compared["communes"])
    members_only = asked
    if options.rule != Rule.ADHESION:
        changes = figure_changes(
            reference, plan.snapshot, after, dataclasses.replace(options, rule=Rule.ADHESION)
        )
        members_only = FigureChanges(changes["figures"], changes["communes"])
    return RefreshPreview(
        registry=compared["registry"],
        memberships=compared["memberships"],
        figures=asked.figures,
        communes=asked.communes,
        in_force=in_force_changes(plan.snapshot.memberships, after.memberships, plan.day),
        adhesion=members_only,
    )


def in_force_changes(before: pd.DataFrame, after: pd.DataFrame, day: dt.date) -> InForce:
    """Adhesions in force on the source's ``day``: how many start and how many end."""
    from geo.core.coverage import active_memberships

    old = set(_keys(active_memberships(memberships_frame(before), day)))
    new = set(_keys(active_memberships(memberships_frame(after), day)))
    return InForce(day.isoformat(), len(new - old), len(old - new))


# --------------------------------------------------------------------------- save


def refusal_text(plan: RefreshPlan) -> str:
    """The reasons, and whether ``--force`` can overrule them, in French."""
    reasons = " ; ".join(r.message.rstrip(".") for r in plan.refusals)
    if plan.forceable:
        return (
            f"mise à jour refusée : {reasons}. Rien n'a été modifié. Après lecture du rapport et "
            "de l'aperçu, elle peut être enregistrée quand même (--force, ou « Enregistrer quand "
            "même » dans l'application)."
        )
    return f"mise à jour refusée : {reasons}. Rien n'a été modifié."


def save_refresh(
    store: Store, plan: RefreshPlan, author: str, reason: str = "", force: bool = False
) -> Version:
    """Save the plan as one version (kind ``refresh``) computed on its base version.

    Raises :class:`RefreshRefused` for a refused plan (unless ``force`` and
    every reason may be overruled) and :class:`NothingToSave` when the files
    change nothing (the check is still noted, so the next refresh asks the
    portal with these files' validators).
    """
    if plan.status == UNCHANGED:
        raise NothingToSave(plan.message)
    if plan.status == REFUSED and not (force and plan.forceable):
        raise RefreshRefused(refusal_text(plan))
    forced = [r.code for r in plan.refusals]
    try:
        saved = save_on_base(  # refused (BaseMoved) if a version was saved since the reading
            store,
            plan.change,
            author=author,
            kind=REFRESH_KIND,
            reason=reason.strip(),  # the kind and the source's date already say what it is
            files=plan.files,
            base=plan.base.number,
            counts=plan.counts(forced),
        )
    except NothingToSave:
        if plan.in_service is not None:
            store.write_note(CHECK_NOTE, plan.check_note(plan.in_service.version))
        raise
    store.write_note(CHECK_NOTE, plan.check_note(saved.number))
    return saved


def note_unchanged(store: Store, plan: RefreshPlan) -> None:
    """Remember a check that found nothing new (its date, the files' newer validators)."""
    if plan.status != UNCHANGED or plan.in_service is None:
        return
    if plan.files:  # identical files, downloaded again: their newer dates and validators
        store.write_note(CHECK_NOTE, plan.check_note(plan.in_service.version))
    else:  # « not modified »: the same files as last time
        files = {role: plan.in_service.record(role) for role in ROLES}
        store.write_note(CHECK_NOTE, plan.check_note(plan.in_service.version, files))


def saved_words(version: Version, store: Store) -> str:
    """« base enregistrée, version 4 … ; adhésions ANCT du 3 novembre 2026 »."""
    return data_label(version, freshness=freshness_label(store_source(store, version.number)))
