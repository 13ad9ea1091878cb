"""Find a territory by what a person types: name, INSEE code, postal code, SIREN.

Names are compared without accents, case, hyphens, apostrophes or spaces, so
that "saint denis" finds every Saint-Denis and "lhay les roses"
L'Haÿ-les-Roses; homonyms come back each with its department so the person can
choose. The results say how many matched in all, so that a list cut at 30 says
so. Text folding is :func:`geo.core.text.fold`, the import's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from geo.core import fmt
from geo.core.reference import ReferenceData
from geo.core.text import fold

KIND_LABELS = {
    "commune": "commune",
    "departement": "département",
    "region": "région",
    "epci": "EPCI",
    "territoire": "territoire sans OPSN",
}
KIND_ORDER = {"region": 0, "departement": 1, "epci": 2, "commune": 3, "territoire": 4}


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


@dataclass(frozen=True)
class SearchResults:
    """The first hits of a search, and how many territories matched in all."""

    hits: list[Hit]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.hits)

    def caption(self) -> str:
        """« 30 premiers résultats sur 57 », « 3 résultats », « Aucun résultat »."""
        if not self.total:
            return "Aucun résultat"
        if self.truncated:
            return f"{fmt.integer(len(self.hits))} premiers résultats sur {fmt.integer(self.total)}"
        return fmt.count(self.total, "résultat")


def _ranks(table: pd.DataFrame, text: str) -> pd.Series:
    """Rank of each row for ``text`` (9 = no match): codes, exact names, prefixes, words, parts.

    Names are compared folded (no accents, case, hyphens, apostrophes) and
    without spaces, so that « lhay les roses » finds L'Haÿ-les-Roses and
    « saintdenis » Saint-Denis.
    """
    key = normalize_text(text)
    compact = key.replace(" ", "")
    code = text.replace(" ", "").upper()
    nothing = pd.Series(False, index=table.index)
    by_code = table["code"].str.upper() == code
    if code.isdigit() and len(code) == 4:
        by_code |= table["code"] == "0" + code  # a lost leading zero
    by_postcode = (
        table["extra"].str.contains(rf"\b{re.escape(code)}\b", regex=True)
        if code.isdigit()
        else nothing
    )
    exact = (table["compact"] == compact) if compact else nothing
    prefix = table["compact"].str.startswith(compact) if compact else nothing
    words = table["key"].str.contains(rf"\b{re.escape(key)}", regex=True) if key else nothing
    inside = table["compact"].str.contains(compact, regex=False) if compact else nothing
    rank = pd.Series(9, index=table.index)
    rank[inside] = 4
    rank[words] = 3
    rank[prefix] = 2
    rank[exact | by_postcode] = 1
    rank[by_code] = 0
    return rank


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
        self.dep_names = dep_names
        self.table = self._keyed(pd.concat(frames, ignore_index=True))

    def _keyed(self, table: pd.DataFrame) -> pd.DataFrame:
        table["key"] = table["name"].map(normalize_text)
        table["compact"] = table["key"].str.replace(" ", "", regex=False)
        table["dep_name"] = table["departement"].map(self.dep_names).fillna("")
        return table

    def find(self, query: str, limit: int = 20, zones: pd.DataFrame | None = None) -> SearchResults:
        """Territories matching ``query``, best first, and how many matched in all.

        Order: exact codes; exact names (and postal codes); names starting
        with the query; names with a word starting with it; names containing
        it — then regions, departments, EPCI, communes, territories without
        OPSN, most populated first. ``zones`` (the current territories without
        OPSN, which depend on the options) are searched too, by name and id.
        """
        text = str(query).strip()
        if not text:
            return SearchResults([], 0)
        parts = [self.table]
        if zones is not None and not zones.empty:
            parts.append(self._zone_entries(zones))
        found = []
        for table in parts:
            rank = _ranks(table, text)
            hit = table[rank < 9]
            found.append(hit.assign(rank=rank[rank < 9], order=hit["kind"].map(KIND_ORDER)))
        matches = pd.concat(found, ignore_index=True)
        matches = matches.sort_values(
            ["rank", "order", "weight", "name"], ascending=[True, True, False, True]
        )
        return SearchResults(
            [self._hit(row) for row in matches.head(limit).itertuples()], len(matches)
        )

    def entries(self, zones: pd.DataFrame | None = None) -> pd.DataFrame:
        """Every searchable row (``kind``, ``code``, ``name``, ``departement``, ``extra``,
        ``weight``, ``key``: the folded name), the territories of ``zones`` included."""
        if zones is None or zones.empty:
            return self.table
        return pd.concat([self.table, self._zone_entries(zones)], ignore_index=True)

    def search(self, query: str, limit: int = 20, zones: pd.DataFrame | None = None) -> list[Hit]:
        """The hits of :meth:`find` only (a list, best first)."""
        return self.find(query, limit, zones).hits

    def _zone_entries(self, zones: pd.DataFrame) -> pd.DataFrame:
        extra = zones["communes"].map(lambda n: fmt.count(n, "commune"))
        table = _entries("territoire", zones["id"], zones["nom"], zones["population"],
                         zones["departements"].str.split(",").str[0], extra)  # fmt: skip
        return self._keyed(table)

    @staticmethod
    def _hit(row) -> Hit:
        if row.kind == "commune":
            place = f"{row.departement}, {row.dep_name}" if row.dep_name else row.departement
            label = f"{row.name} ({place}) — commune, code {row.code}"
        elif row.kind == "departement":
            label = f"{row.name} ({row.code}) — département"
        elif row.kind == "region":
            label = f"{row.name} — région"
        elif row.kind == "territoire":
            label = (
                f"{row.name} — territoire sans OPSN ({row.extra}, {fmt.inhabitants(row.weight)})"
            )
        else:
            label = f"{row.name} — EPCI ({row.code})"
        return Hit(row.kind, row.code, label, row.departement)


SUGGESTION_LIMIT = 10
"""Suggestions shown while typing (the list of the search box)."""


def suggestions(
    index: SearchIndex, query: str, zones: pd.DataFrame | None = None, limit: int = SUGGESTION_LIMIT
) -> dict:
    """What the search box lists while ``query`` is typed: JSON for the page or the atlas.

    ``query`` (as typed, echoed so that a late answer to an older query can be
    told apart), ``items`` (best first: ``level``, ``code`` — the view a choice
    opens — and ``label``, homonyms with their department) and ``caption``
    (« 3 résultats », « 8 premiers résultats sur 4 482 », « Aucun territoire ne
    correspond à « … » »). Accents, case, hyphens and apostrophes are folded:
    « lhay » lists L'Haÿ-les-Roses.
    """
    text = str(query or "")
    found = index.find(text, limit=limit, zones=zones) if text.strip() else SearchResults([], 0)
    caption = found.caption() if found.total else ""
    if text.strip() and not found.total:
        caption = f"Aucun territoire ne correspond à « {text.strip()} »."
    return {
        "query": text,
        "items": [{"level": h.kind, "code": h.code, "label": h.label} for h in found.hits],
        "caption": caption,
    }
