"""An operators import says what it changes, field by field, and what it leaves aside and why.

Registry facts used (``data/opsn/registre_opsn.csv``): Mégalis Bretagne
(``megalis``, ANCT id 7e7ff701…, SIRET 25351449100047, departments 22, 29, 35,
56), ADICO (``adico``, SIRET 38445261100047, eight departments).
"""

from __future__ import annotations

import csv
import io

import pytest

from geo.planning.changes import import_operators
from geo.planning.imports import read_import
from geo.planning.operator_changes import plan_operators
from geo.storage import Snapshot
from geo.storage.diff import registry_changes
from geo.storage.seed import bundled_snapshot

HEADER = '"id";"nom";"nom_avec_article";"statut";"url";"siret";"services";"departements"\n'
MEGALIS = '"7e7ff701-de04-476e-bfca-3db263c7dc33";"Mégalis Bretagne";"";"";"https://www.megalis.bretagne.bzh/";"{siret}";"";"{departments}"\n'


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return bundled_snapshot()[0]


def operators(reference, snapshot, *lines: str):
    data = (HEADER + "".join(lines)).encode()
    batch = read_import(reference, [("operators.csv", data)], snapshot.registry_typed())
    return batch.operators


def changed_fields(before: Snapshot, after: Snapshot) -> set[tuple[str, str]]:
    changes = registry_changes(
        before.registry.to_dict(orient="records"), after.registry.to_dict(orient="records")
    )
    return {(item["id"], f["field"]) for item in changes["changed"] for f in item["fields"]}


def test_a_new_department_is_said_ignored_then_taken_when_replacing(reference, snapshot):
    incoming = operators(
        reference,
        snapshot,
        MEGALIS.format(siret="25351449100047", departments="22,29,35,56,44"),
    )
    plan = plan_operators(snapshot.registry, incoming, "completer")
    assert plan.changed == [] and plan.added == []
    (ignored,) = plan.ignored
    assert (ignored.opsn, ignored.field, ignored.registry) == (
        "megalis",
        "departements",
        "22|29|35|56",
    )
    assert ignored.reason == "44 non ajouté(s) : mode « compléter » : le registre garde sa valeur"
    assert any("statut" in note for note in plan.notes)  # the columns the registry has no room for
    # Nothing is saved that the plan did not list.
    assert changed_fields(snapshot, import_operators(snapshot, incoming, "completer")) == set()

    plan = plan_operators(snapshot.registry, incoming, "remplacer")
    by_field = {change.field: change for change in plan.changed}
    assert by_field["departements"].before == "22|29|35|56"
    assert set(by_field["departements"].after.split("|")) == {"22", "29", "35", "44", "56"}
    assert by_field["departements"].label == "Périmètre (départements)"
    assert "operators.csv" in by_field["sources"].after  # the file joins the row's sources
    assert by_field["sources"].after.startswith(by_field["sources"].before)  # none lost
    saved = import_operators(snapshot, incoming, "remplacer")
    assert changed_fields(snapshot, saved) == {("megalis", f) for f in by_field}
    assert plan.to_dict()["changed"][0].keys() >= {"opsn", "field", "before", "after"}


def test_an_identifier_of_another_opsn_is_never_written(reference, snapshot):
    # The ANCT lists Mégalis (its ANCT id) with ADICO's SIRET.
    incoming = operators(
        reference, snapshot, MEGALIS.format(siret="38445261100047", departments="22,29,35,56")
    )
    plan = plan_operators(snapshot.registry, incoming, "remplacer")
    refused = {item.field: item for item in plan.ignored}
    assert refused["siret"].file == "38445261100047"
    assert refused["siret"].reason == "déjà celui de « ADICO » (adico)"
    assert "(adico)" in refused["siren"].reason
    assert not {"siret", "siren"} & {change.field for change in plan.changed}
    saved = import_operators(snapshot, incoming, "remplacer").registry.set_index("id")
    assert saved.at["megalis", "siret"] == "25351449100047"


def test_a_registry_file_s_new_opsn_with_a_known_siren_is_added_without_it(reference, snapshot):
    """A registry CSV (this project's format) adds an OPSN that bears Mégalis's identifiers."""
    row = snapshot.registry.set_index("id").loc["megalis"].to_dict()
    row.update(
        id="nouvel_opsn", nom="Nouvel opérateur", sigle="", anct_id="", sources="https://exemple.fr"
    )
    columns = list(snapshot.registry.columns)
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerows([columns, [row.get(c, "") for c in columns]])
    data = text.getvalue().encode()
    batch = read_import(reference, [("registre.csv", data)], snapshot.registry_typed())
    plan = plan_operators(snapshot.registry, batch.operators, "completer")
    (added,) = plan.added
    assert added["nom"] == "Nouvel opérateur" and added["siren"] == added["siret"] == ""
    assert {item.field for item in plan.ignored} == {"siren", "siret"}
    assert "(megalis)" in plan.ignored[0].reason
    lines = plan.text()
    assert lines[0] == "OPSN ajouté : Nouvel opérateur (nouvel_opsn)"
    assert any(line.startswith("Ignoré : Nouvel opérateur (nouvel_opsn) : SIREN") for line in lines)


def test_the_anct_sample_completes_without_noise(reference, snapshot):
    """ANCT short names, trailing slashes and reordered departments are no news."""
    from geo.core.paths import ROOT

    data = (ROOT / "tests" / "fixtures" / "import" / "anct_operators.csv").read_bytes()
    batch = read_import(reference, [("operators.csv", data)], snapshot.registry_typed())
    plan = plan_operators(snapshot.registry, batch.operators, "completer")
    assert len(plan.added) == 2 and plan.changed == []
    assert {(i.opsn, i.field) for i in plan.ignored} >= {("adico", "departements")}
    assert not any(i.field == "site_web" for i in plan.ignored)
    assert not any(i.opsn == "e_collectivites" for i in plan.ignored)  # same departments


def test_db_import_lists_the_changes_and_what_it_leaves_aside(tmp_path, capsys):
    import json

    from geo.cli import main

    path = tmp_path / "operators.csv"
    path.write_text(HEADER + MEGALIS.format(siret="25351449100047", departments="22,29,35,56,44"))
    database = str(tmp_path / "base.sqlite3")
    assert main(["db", "--db", database, "import", str(path), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "Ignoré : Mégalis Bretagne (megalis) : Périmètre (départements)" in text
    assert "« 22|29|35|56|44 » — 44 non ajouté(s)" in text
    arguments = ["db", "--db", database, "import", str(path), "--dry-run", "--format", "json"]
    assert main([*arguments, "--operators-mode", "remplacer"]) == 0
    changes = json.loads(capsys.readouterr().out)["operator_changes"]
    assert changes["mode"] == "remplacer"
    (perimeter,) = [c for c in changes["changed"] if c["field"] == "departements"]
    assert perimeter["before"] == "22|29|35|56" and "44" in perimeter["after"]
