"""No lost save: every save on a stated base version, drafts beside the versions, schema 2."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pandas as pd
import pytest

from geo.core.memberships import memberships_frame
from geo.planning.changes import import_memberships
from geo.planning.drafts import publication, publish, save_draft, scenario_state
from geo.planning.saving import confirm, propose, propose_restore, save_on_base, save_unattended
from geo.planning.scenarios import Change
from geo.storage import BaseMoved, ConflictError, Snapshot, UnknownDraft, open_store
from geo.storage.labels import moved_message, spoken_time
from geo.storage.sqlite import SCHEMA_VERSION


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "base.sqlite3") as opened:
        yield opened


def adding(opsn: str, insee: str, source: str = "liste.csv"):
    rows = memberships_frame([{"opsn": opsn, "insee": insee, "epci": "", "source": source}])
    return lambda snapshot: import_memberships(snapshot, rows, "ajouter")


def test_a_save_on_a_base_that_moved_is_refused_and_names_the_other_save(store):
    mine = propose(store, adding("sitpi", "38185"))
    theirs = propose(store, adding("smico", "14762", "liste_smico.csv"))
    assert mine.base.number == theirs.base.number == 1
    first = confirm(store, theirs, author="Marie", kind="import", reason="liste", files=[
        {"name": "liste_smico.csv"}])  # fmt: skip
    with pytest.raises(BaseMoved) as refused:
        confirm(store, mine, author="Paul", kind="import", reason="la mienne")
    message = str(refused.value)
    assert message.startswith("La version 2 a été enregistrée par Marie à ")
    assert "(import de liste_smico.csv — liste) pendant votre aperçu" in message
    assert "qui partait de la version 1 : votre enregistrement est refusé" in message
    assert refused.value.latest == first.number == 2
    assert [v.number for v in store.versions()] == [1, 2], "nothing written"
    # A fresh preview on the new base saves, and keeps the first save.
    again = propose(store, adding("sitpi", "38185"))
    assert again.base.number == 2
    confirm(store, again, author="Paul", kind="import", reason="la mienne")
    _, final = store.snapshot()
    assert {"14762", "38185"} <= set(final.memberships["insee"])


def test_the_message_names_every_save_made_meanwhile_and_says_the_day():
    from geo.storage import Version

    then = dt.datetime(2026, 12, 3, 13, 32, tzinfo=dt.UTC)
    saved = [
        Version(7, then, "Marie", "import", "", files=({"name": "liste_sitpi.csv"},)),
        Version(8, then, "Paul", "restore", "", restored_from=3),
    ]
    assert spoken_time(saved[0], today=dt.date(2026, 12, 3)) == "à 14 h 32"  # Paris time
    assert spoken_time(saved[0], today=dt.date(2026, 12, 4)) == "le 03/12/2026 à 14 h 32"
    text = moved_message(6, saved)
    assert text.startswith("Les versions 7 et 8 ont été enregistrées pendant votre aperçu (")
    assert "la version 7 par Marie le 03/12/2026 à 14 h 32 (import de liste_sitpi.csv)" in text
    assert "la version 8 par Paul le 03/12/2026 à 14 h 32 (restauration de la version 3)" in text
    assert text.endswith(
        "qui partait de la version 6 : votre enregistrement est refusé pour ne pas les défaire."
    )


def test_restore_and_registry_edits_follow_the_same_rule(store):
    save_on_base(store, adding("sitpi", "38185")(store.snapshot()[1]), base=1, author="a",
                 kind="import", reason="un")  # fmt: skip
    restoring = propose_restore(store, 1)
    assert len(restoring.after.memberships) == len(restoring.before.memberships) - 1
    save_on_base(store, adding("smico", "14762"), base=2, author="b", kind="import", reason="deux")
    with pytest.raises(BaseMoved, match="La version 3 a été enregistrée par b"):
        confirm(store, restoring, author="c", kind="restore", reason="")
    with pytest.raises(BaseMoved):
        store.restore(1, author="c", base=2)
    version = store.restore(1, author="c", base=3)
    assert version.restored_from == 1 and version.base == 3


def test_an_unattended_save_recomputes_on_the_new_version_and_says_so(store):
    calls = []

    def change(snapshot: Snapshot) -> Snapshot:
        calls.append(len(snapshot.memberships))
        if len(calls) == 1:  # someone saves between the preview and the confirmation
            store.commit(adding("smico", "14762"), author="Marie", kind="import", reason="x")
        return adding("sitpi", "38185")(snapshot)

    done = save_unattended(store, change, author="script", kind="import", reason="y")
    assert done.version.number == 3 and done.proposal.base.number == 2
    assert [str(m).split(" a été")[0] for m in done.moved] == ["La version 2"]
    _, final = store.snapshot()
    assert {"14762", "38185"} <= set(final.memberships["insee"])
    with pytest.raises(BaseMoved):  # with the base of a dry run, refused as in the app
        save_unattended(
            store, adding("alpi", "40192"), author="s", kind="import", reason="z", base=2
        )


def test_a_draft_is_kept_beside_the_versions_and_published_once(store, reference):
    changes = (Change("manche_numerique", add_departements=("14",)),)
    draft = save_draft(
        store, name="  Manche   et Calvados ", author="Marie", base=1, changes=changes
    )
    assert (draft.number, draft.name, draft.base, draft.published_in) == (
        1,
        "Manche et Calvados",
        1,
        None,
    )
    assert [v.number for v in store.versions()] == [1], "a draft is no version"
    assert store.drafts() == [draft] and store.draft(1) == draft
    assert "enregistré comme brouillon par Marie" in scenario_state(changes, draft)
    assert "modifié" in scenario_state((), draft)
    assert scenario_state(changes, None).startswith("Scénario en cours, non enregistré")
    with pytest.raises(UnknownDraft, match="scénario 9 inconnu"):
        store.draft(9)
    for name, changes_given in (("", changes), ("x", ())):
        with pytest.raises(Exception, match="scénario non enregistré"):
            save_draft(store, name=name, author="M", base=1, changes=changes_given)

    proposal = publication(store, draft, reference.departements)
    store.commit(adding("smico", "14762"), author="Paul", kind="import", reason="entre-temps")
    with pytest.raises(BaseMoved, match="par Paul"):
        publish(store, proposal, draft, "Marie")
    proposal = publication(store, draft, reference.departements)  # the fresh preview
    version = publish(store, proposal, draft, "Marie")
    assert version.kind == "scenario" and version.base == 2
    assert "scénario 1 « Manche et Calvados »" in version.reason
    published = store.draft(1)
    assert (published.published_in, published.published_by) == (3, "Marie")
    assert "publié : il est devenu la version 3" in scenario_state(changes, published)
    _, data = store.snapshot()
    assert "14" in data.registry.set_index("id").at["manche_numerique", "departements"]
    assert "14762" in set(data.memberships["insee"]), "Paul's import is kept"
    with pytest.raises(ConflictError, match="déjà été publié"):
        publish(store, publication(store, published, reference.departements), published, "Paul")
    assert len(store.versions()) == 3


def test_a_schema_1_database_is_migrated_without_losing_anything(tmp_path):
    path = tmp_path / "ancienne.sqlite3"
    with open_store(path) as store:
        store.commit(adding("sitpi", "38185", "nouveau.csv"), author="a", kind="import", reason="r")
        before = [(v.number, v.author, v.reason) for v in store.versions()]
        _, data = store.snapshot()
    with sqlite3.connect(path) as db:  # as schema 1 wrote it: no drafts, counts of rows
        db.execute("DROP TABLE drafts")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        db.execute(
            "UPDATE versions SET counts = ? WHERE id = 2",
            (
                json.dumps(
                    {
                        "opsn": 86,
                        "adhesions": 18,
                        "adhesions_ajoutees": 5,
                        "adhesions_retirees": 0,
                        "fichiers": 1,
                    }
                ),
            ),
        )
    with open_store(path) as store:
        assert [(v.number, v.author, v.reason) for v in store.versions()] == before
        pd.testing.assert_frame_equal(store.snapshot()[1].memberships, data.memberships)
        counts = store.version(2).counts
        assert counts["fichiers"] == 1 and counts["lignes_ajoutees"] == 5  # kept, as rows
        assert counts["adhesions_ajoutees"] == 1  # recounted on facts
        assert store.drafts() == []
        save_draft(
            store, name="d", author="a", base=2, changes=[Change("sitpi", add_departements=("73",))]
        )
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(
            SCHEMA_VERSION
        )
