"""Where an extension would cover the most inhabitants: the ranked opportunities.

For each territory without OPSN and each OPSN that borders it (its perimeter
or one of its members touches the territory), the candidate extensions are:

- ``departements``: the OPSN offers its services in the territory's departments;
- ``departement``: in one of them (when the territory spans several), for the
  OPSN that border the territory in that department;
- ``epci_territoire``: the EPCIs that hold the territory's communes join the OPSN;
- ``epci``: one of those EPCIs joins an OPSN that borders the territory there.

Every candidate is a :class:`geo.planning.scenarios.Change`, evaluated in one
vectorised pass by :func:`geo.planning.scenarios.addition_gains` (the same result as
``python -m geo scenario`` for that change, which the tests check), ranked by
inhabitants gained, and can be opened as a what-if.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.core.analysis import Analysis, Inputs, analyse
from geo.core.coverage import CoverageOptions
from geo.core.reference import ReferenceData
from geo.core.registry import opsn_names
from geo.core.rules import Rule
from geo.planning.command_line import scenario_command
from geo.planning.scenarios import Change, addition_gains

KINDS = {
    "departements": "départements du territoire",
    "departement": "un département",
    "epci_territoire": "EPCI du territoire",
    "epci": "un EPCI",
}
_KIND_ORDER = {kind: rank for rank, kind in enumerate(KINDS)}

#: Columns of :func:`opportunities` (the ``opportunities --format csv`` contract).
COLUMNS = (
    "rang",
    "territoire",
    "territoire_nom",
    "territoire_population",
    "opsn",
    "opsn_nom",
    "voisin_par",
    "extension",
    "extension_libelle",
    "codes",
    "population_gagnee",
    "communes_gagnees",
    "part_apres",
    "population_du_territoire_servie",
    "territoire_absorbe",
    "commande",
)


def _zone_of_position(communes: pd.DataFrame, zones: pd.DataFrame) -> np.ndarray:
    """Index (row in ``zones``) of each commune's territory without OPSN, ``-1`` if none."""
    exploded = zones["insee"].str.split("|").explode()
    index = pd.Index(communes["insee"].to_numpy(dtype=object))
    where = index.get_indexer(exploded.to_numpy(dtype=object))
    zone_of = np.full(len(communes), -1)
    zone_of[where] = exploded.index.to_numpy()
    return zone_of


def bordering(
    reference: ReferenceData, analysis: Analysis, zone_of: np.ndarray | None = None
) -> pd.DataFrame:
    """(zone, inside commune's department and EPCI, bordering OPSN, how) across each border.

    ``voisin_par`` is ``perimetre`` when the neighbour is in the OPSN's
    perimeter, ``adhesion`` when it is a member only.
    """
    communes = reference.communes
    if zone_of is None:
        zone_of = _zone_of_position(communes, analysis.zones.reset_index(drop=True))
    a, b = reference.neighbour_positions
    crossing = (zone_of[a] >= 0) != (zone_of[b] >= 0)
    inside = np.where(zone_of[a] >= 0, a, b)[crossing]
    outside = np.where(zone_of[a] >= 0, b, a)[crossing]
    parts = []
    for column, how in (("opsn_perimetre", Rule.PERIMETRE), ("opsn_adhesion", Rule.ADHESION)):
        served = analysis.coverage[column].to_numpy(dtype=object)[outside]
        frame = pd.DataFrame(
            {
                "zone": zone_of[inside],
                "departement": communes["departement"].to_numpy(dtype=object)[inside],
                "epci": communes["epci"].to_numpy(dtype=object)[inside],
                "opsn": served,
                "voisin_par": how,
            }
        )
        frame = frame[frame["opsn"] != ""]
        parts.append(frame.assign(opsn=frame["opsn"].str.split("|")).explode("opsn"))
    border = pd.concat(parts, ignore_index=True)
    if analysis.options.opsn:
        border = border[border["opsn"].isin(analysis.options.opsn)]
    # A perimeter neighbour is the stronger tie: keep it when both exist.
    border = border.sort_values("voisin_par", ascending=False)
    return border.drop_duplicates(["zone", "departement", "epci", "opsn"]).reset_index(drop=True)


def _candidates(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    kinds: tuple[str, ...],
    zone_of: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Candidate extensions (one row each) and their additions (one row per code)."""
    border = bordering(reference, analysis, zone_of)
    communes = reference.communes
    in_zone = zone_of >= 0
    zone_units = pd.DataFrame(
        {
            "zone": zone_of[in_zone],
            "departement": communes["departement"].to_numpy(dtype=object)[in_zone],
            "epci": communes["epci"].to_numpy(dtype=object)[in_zone],
        }
    )
    zone_departments = zone_units.groupby("zone")["departement"].agg(lambda d: sorted(set(d)))
    zone_epci = (
        zone_units[zone_units["epci"] != ""].groupby("zone")["epci"].agg(lambda e: sorted(set(e)))
    )
    perimeter = inputs.perimeters.groupby("opsn")["departement"].agg(set)
    how = border.sort_values("voisin_par", ascending=False).drop_duplicates(["zone", "opsn"])
    by_zone = how[["zone", "opsn", "voisin_par"]]

    rows = []
    if "departements" in kinds:
        for zone, opsn, voisin in by_zone.itertuples(index=False):
            own = perimeter.get(opsn, set())
            codes = [d for d in zone_departments[zone] if d not in own]
            rows.append((zone, opsn, voisin, "departements", "departement", codes))
    if "departement" in kinds:
        several = {z for z, d in zone_departments.items() if len(d) > 1}
        local = border[border["zone"].isin(several)]
        local = local.drop_duplicates(["zone", "departement", "opsn"])
        for zone, department, opsn, voisin in local[
            ["zone", "departement", "opsn", "voisin_par"]
        ].itertuples(index=False):
            if department not in perimeter.get(opsn, set()):
                rows.append((zone, opsn, voisin, "departement", "departement", [department]))
    if "epci_territoire" in kinds and analysis.options.epci_membership:
        for zone, opsn, voisin in by_zone.itertuples(index=False):
            codes = zone_epci.get(zone, [])
            if codes:
                rows.append((zone, opsn, voisin, "epci_territoire", "epci", codes))
    if "epci" in kinds and analysis.options.epci_membership:
        per_epci = border[border["epci"] != ""].drop_duplicates(["zone", "epci", "opsn"])
        for zone, epci, opsn, voisin in per_epci[["zone", "epci", "opsn", "voisin_par"]].itertuples(
            index=False
        ):
            rows.append((zone, opsn, voisin, "epci", "epci", [epci]))
    candidates = pd.DataFrame(
        rows, columns=["zone", "opsn", "voisin_par", "extension", "unit", "codes"]
    )
    candidates = candidates[candidates["codes"].map(len) > 0]
    # The same extension found from two territories is one opportunity.
    candidates["key"] = (
        candidates["opsn"] + "/" + candidates["unit"] + "/" + candidates["codes"].str.join(",")
    )
    candidates = candidates.sort_values(
        ["zone", "extension"], key=lambda s: s.map(_KIND_ORDER) if s.name == "extension" else s
    )
    candidates = candidates.drop_duplicates("key").reset_index(drop=True)
    candidates["candidate"] = np.arange(len(candidates))
    additions = candidates[["candidate", "opsn", "unit", "codes"]].explode("codes")
    additions = additions.rename(columns={"unit": "kind", "codes": "code"})
    return candidates, additions


def opportunities(
    reference: ReferenceData,
    inputs: Inputs,
    options: CoverageOptions | None = None,
    analysis: Analysis | None = None,
    kinds: tuple[str, ...] = tuple(KINDS),
) -> pd.DataFrame:
    """The ranked extensions (columns :data:`COLUMNS`, plus ``change``: a :class:`Change`).

    Ranked by inhabitants gained; ties: larger territory first, an OPSN whose
    perimeter borders the territory before one that only has members there,
    the wider extension first, then the OPSN id.
    """
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"extension inconnue : {', '.join(unknown)} ({', '.join(KINDS)})")
    options = options or (analysis.options if analysis is not None else CoverageOptions())
    analysis = analysis if analysis is not None else analyse(reference, inputs, options)
    zones = analysis.zones.reset_index(drop=True)
    if zones.empty:
        return pd.DataFrame(columns=[*COLUMNS, "change"])
    zone_of = _zone_of_position(reference.communes, zones)
    candidates, additions = _candidates(reference, analysis, inputs, kinds, zone_of)
    if candidates.empty:
        return pd.DataFrame(columns=[*COLUMNS, "change"])
    gains = addition_gains(reference, analysis, inputs.registry, additions)
    table = candidates.merge(gains, on="candidate", how="left").fillna(
        {"population_gained": 0, "communes_gained": 0, "population_leaving": 0}
    )
    # What the candidate does to its own territory.
    zone_population = zones["population"].to_numpy()
    within = _within_zone(reference, zone_of, candidates, additions)
    table["population_du_territoire_servie"] = within.reindex(table["candidate"]).to_numpy()
    table["territoire_population"] = zone_population[table["zone"].to_numpy()]
    table["territoire_absorbe"] = (
        table["population_du_territoire_servie"] >= table["territoire_population"]
    )
    table = table[table["population_gained"] > 0].copy()
    # Joining through EPCIs what joining through departments already gives is no news.
    by_departments = table[table["extension"] == "departements"].set_index(["zone", "opsn"])
    best = by_departments["population_gained"]
    pair = pd.MultiIndex.from_frame(table[["zone", "opsn"]])
    dominated = (table["extension"] == "epci_territoire").to_numpy() & (
        table["population_gained"].to_numpy() <= best.reindex(pair).fillna(-1).to_numpy()
    )
    table = table[~dominated].copy()
    names = opsn_names(inputs.registry)
    total = analysis.figures.total_population or 1
    table["part_apres"] = (
        (analysis.figures.covered_population + table["population_gained"]) / total
    ).round(6)
    table["territoire"] = zones["id"].to_numpy()[table["zone"].to_numpy()]
    table["territoire_nom"] = zones["nom"].to_numpy()[table["zone"].to_numpy()]
    table["zone_rang"] = table["zone"]
    table["opsn_nom"] = table["opsn"].map(names).fillna(table["opsn"])
    table["extension_libelle"] = table["extension"].map(KINDS)
    table["change"] = [
        Change(opsn, add_departements=tuple(codes))
        if unit == "departement"
        else Change(opsn, add_epci=tuple(codes))
        for opsn, unit, codes in table[["opsn", "unit", "codes"]].itertuples(index=False)
    ]
    table["commande"] = table["change"].map(
        lambda change: scenario_command([change], options, inputs.version)
    )
    table["population_gagnee"] = table["population_gained"].astype("int64")
    table["communes_gagnees"] = table["communes_gained"].astype("int64")
    table["kind_order"] = table["extension"].map(_KIND_ORDER)
    table["tie"] = (table["voisin_par"] != "perimetre").astype(int)
    table = table.sort_values(
        ["population_gagnee", "zone_rang", "tie", "kind_order", "opsn"],
        ascending=[False, True, True, True, True],
    ).reset_index(drop=True)
    table["rang"] = np.arange(1, len(table) + 1)
    table["codes"] = table["codes"].map(list)
    return table[[*COLUMNS, "change"]]


def _within_zone(
    reference: ReferenceData, zone_of: np.ndarray, candidates: pd.DataFrame, additions
) -> pd.Series:
    """Population of each candidate's own territory that it takes out of « sans OPSN »."""
    communes = reference.communes
    units = pd.DataFrame(
        {
            "zone": zone_of,
            "departement": communes["departement"].to_numpy(dtype=object),
            "epci": communes["epci"].to_numpy(dtype=object),
            "population": communes["population"].to_numpy(),
        }
    )
    units = units[units["zone"] >= 0]
    keyed = additions.merge(candidates[["candidate", "zone"]], on="candidate")
    parts = []
    for kind in ("departement", "epci"):
        chosen = keyed[keyed["kind"] == kind]
        grouped = units.groupby(["zone", kind])["population"].sum().rename("population")
        hit = chosen.merge(grouped.reset_index(), left_on=["zone", "code"], right_on=["zone", kind])
        parts.append(hit[["candidate", "population"]])
    joined = pd.concat(parts, ignore_index=True)
    return joined.groupby("candidate")["population"].sum()
