"""Find a territory by what a person types: name, INSEE code, postal code, SIREN.

Names are compared without accents, case, hyphens or apostrophes, so that
"saint denis" finds every Saint-Denis; homonyms come back each with its
department so the person can choose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from geo.reference import ReferenceData
from geo.text import fold

KIND_LABELS = {
    "commune": "commune",
    "departement": "département",
    "region": "région",
    "epci": "EPCI",
}
KIND_ORDER = {"region": 0, "departement": 1, "epci": 2, "commune": 3}


def normalize_text(text: object) -> str:
    """Lower case, no accents, words separated by single spaces (``Saint-Étienne`` → ``saint etienne``).

    The same folding as the import's column and name matching (``fold``), so
    that a name found by the search is found by the import too.
    """
    return fold(text)


@dataclass(frozen=True)
class Hit:
    kind: str  # commune, departement, region, epci
    code: str
    label: str  # what the person sees: "Saint-Denis (93) — commune, 150 000 hab."
    departement: str = ""


def _entries(
    kind: str,
    code: pd.Series,
    name: pd.Series,
    weight: pd.Series,
    departement: pd.Series | str = "",
    extra: pd.Series | str = "",
) -> pd.DataFrame:
    """Rows of the search table for one kind of territory."""

    def values(column):
        return column.to_numpy(dtype=object) if isinstance(column, pd.Series) else column

    return pd.DataFrame(
        {
            "kind": kind,
            "code": values(code),
            "name": values(name),
            "departement": values(departement),
            "extra": values(extra),
            "weight": weight.to_numpy(),
        }
    )


class SearchIndex:
    """Every territory with its normalised name and codes, built once per reference."""

    def __init__(self, reference: ReferenceData) -> None:
        communes = reference.communes
        dep_names = dict(
            zip(reference.departements["code"], reference.departements["nom"], strict=True)
        )
        deps, regions, epci = reference.departements, reference.regions, reference.epci
        frames = [
            _entries("commune", communes["insee"], communes["nom"], communes["population"],
                     communes["departement"], communes["codes_postaux"] + " " + communes["siren"]),
            _entries("departement", deps["code"], deps["nom"], deps["population"], deps["code"]),
            _entries("region", regions["code"], regions["nom"], regions["population"]),
            _entries("epci", epci["siren"], epci["nom"], epci["population"],
                     epci["departements"].str.split(",").str[0]),
        ]  # fmt: skip
        table = pd.concat(frames, ignore_index=True)
        table["key"] = table["name"].map(normalize_text)
        table["dep_name"] = table["departement"].map(dep_names).fillna("")
        self.table = table

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Territories matching ``query``: exact codes first, then names."""
        text = str(query).strip()
        if not text:
            return []
        table = self.table
        key = normalize_text(text)
        compact = text.replace(" ", "").upper()
        by_code = table["code"].str.upper() == compact
        if compact.isdigit() and len(compact) == 4:
            by_code |= table["code"] == "0" + compact  # a lost leading zero
        nothing = pd.Series(False, index=table.index)
        by_postcode = (
            table["extra"].str.contains(rf"\b{re.escape(compact)}\b", regex=True)
            if compact.isdigit()
            else nothing
        )
        exact = table["key"] == key
        prefix = table["key"].str.startswith(key) if key else nothing
        words = table["key"].str.contains(rf"\b{re.escape(key)}", regex=True) if key else nothing
        rank = pd.Series(9, index=table.index)
        rank[words] = 3
        rank[prefix] = 2
        rank[exact] = 1
        rank[by_postcode] = 1
        rank[by_code] = 0
        found = table[rank < 9]
        found = found.assign(rank=rank[rank < 9], order=found["kind"].map(KIND_ORDER))
        found = found.sort_values(["rank", "order", "weight"], ascending=[True, True, False]).head(
            limit
        )
        return [self._hit(row) for row in found.itertuples()]

    @staticmethod
    def _hit(row) -> Hit:
        if row.kind == "commune":
            place = f"{row.departement}, {row.dep_name}" if row.dep_name else row.departement
            label = f"{row.name} ({place}) — commune, code {row.code}"
        elif row.kind == "departement":
            label = f"{row.name} ({row.code}) — département"
        elif row.kind == "region":
            label = f"{row.name} — région"
        else:
            label = f"{row.name} — EPCI ({row.code})"
        return Hit(row.kind, row.code, label, row.departement)
