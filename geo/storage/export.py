"""Write a saved version back as the published files (``registre_opsn.csv``, ``adhesions.csv``).

Same format as the bundled files (``data/opsn/README.md``): ``;``, UTF-8
with BOM, ``\\n`` line ends, fields quoted only when needed. An unchanged
seed exports byte for byte as it was read. A cell a spreadsheet would run
(``=…``, ``@…``) gets an apostrophe in front, removed again when the file is
read (:mod:`geo.core.csvfile`): the published files open safely and still
round-trip. Each file is written to a
temporary name and renamed, so an interrupted export never leaves half a file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.core.csvfile import write_csv
from geo.core.paths import write_file
from geo.core.reference import ReferenceData
from geo.storage.base import Snapshot
from geo.storage.seed import MEMBERSHIPS_FILE, REGISTRY_FILE

MEMBERSHIP_FILE_COLUMNS = (
    "opsn",
    "insee",
    "siren",
    "siret",
    "nom",
    "departement",
    "depuis",
    "jusqu_a",
    "source",
)


def csv_text(table: pd.DataFrame) -> bytes:
    return ("\ufeff" + write_csv(table.astype(str), line_end="\n")).encode("utf-8")


def memberships_file_table(snapshot: Snapshot, reference: ReferenceData) -> pd.DataFrame:
    """Memberships in the ``adhesions.csv`` layout, names and SIREN taken from the reference."""
    members = snapshot.memberships
    communes = reference.communes_by_insee
    epci = pd.DataFrame(
        reference.epci.drop(columns=["geometry", "geometry_generalisee"], errors="ignore")
    ).set_index("siren")
    is_commune = members["insee"] != ""
    insee, siren = members["insee"], members["epci"]

    def pick(frame: pd.DataFrame, keys: pd.Series, column: str) -> pd.Series:
        return keys.map(frame[column]).fillna("").astype(str)

    table = pd.DataFrame(
        {
            "opsn": members["opsn"],
            "insee": insee,
            "siren": pick(communes, insee, "siren").where(is_commune, siren),
            "siret": "",
            "nom": pick(communes, insee, "nom").where(is_commune, pick(epci, siren, "nom")),
            "departement": pick(communes, insee, "departement").where(
                is_commune, pick(epci, siren, "departements").str.replace(",", "|")
            ),
            "depuis": members["depuis"].dt.strftime("%Y-%m-%d").fillna(""),
            "jusqu_a": members["jusqu_a"].dt.strftime("%Y-%m-%d").fillna(""),
            "source": members["reference"].where(
                members["reference"] != "",
                "fichier " + members["source"] + ", ligne " + members["ligne"].astype(str),
            ),
        }
    )
    return table[list(MEMBERSHIP_FILE_COLUMNS)]


def export_snapshot(snapshot: Snapshot, directory: Path, reference: ReferenceData) -> list[Path]:
    """Write both files into ``directory`` (created if needed); returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    snapshot.registry_typed()  # never publish a registry the loader would refuse
    written = []
    for name, table in (
        (REGISTRY_FILE, snapshot.registry),
        (MEMBERSHIPS_FILE, memberships_file_table(snapshot, reference)),
    ):
        path = directory / name
        write_file(path, csv_text(table))
        written.append(path)
    return written
