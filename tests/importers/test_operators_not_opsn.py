"""The ANCT's list names the ANCT itself and a test entry: their adherents never count."""

from __future__ import annotations

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.rules import Rule
from geo.importers.inputs import build_inputs
from tests.anct_portal import OPERATORS_CSV, adherents_gz, commune_sirets, operator_uuid

ANCT, TEST = "9f5624fc-ef99-4d10-ae3f-403a81eb16ef", "f33e9b4b-213f-4db9-8b39-ab17558f2931"


def test_adherents_of_the_anct_and_of_test_entries_are_not_counted(reference):
    served, anct_members, test_members = ["29019", "29190"], ["14118"], ["35238"]
    megalis = operator_uuid("Mégalis Bretagne")
    pairs = [
        *((siret, megalis) for siret in commune_sirets(reference, served)),
        *((siret, ANCT) for siret in commune_sirets(reference, anct_members)),
        *((siret, TEST) for siret in commune_sirets(reference, test_members)),
    ]
    files = [("operators.csv", OPERATORS_CSV), ("adherents.csv.gz", adherents_gz(pairs))]
    loaded = build_inputs(reference, files)
    assert loaded.errors == []
    registry = loaded.inputs.registry.set_index("id")
    assert not registry.at[ANCT, "sert_les_communes"]
    assert "pas un OPSN" in registry.at[ANCT, "perimetre_note"]
    assert not registry.at[TEST, "sert_les_communes"]
    notes = " ".join(note for report in loaded.reports for note in report.notes)
    assert "« ANCT » : l'ANCT, agence de l'État, n'est pas un OPSN" in notes
    assert "« TEST » : entrée de test" in notes

    coverage = analyse(reference, loaded.inputs, CoverageOptions(rule=Rule.ADHESION)).coverage
    members = set(coverage.loc[coverage["statut"] == "adherente", "insee"])
    assert members == set(served)
