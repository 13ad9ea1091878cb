"""What the atlas shows, as data documents written at export time (JSON-ready dicts).

Every figure and every word comes from the functions behind the app and the
command line, called here once per view: :func:`geo.explore.panel.view_facts`
(headline, metrics, side panel), :func:`geo.maps.live.view_map_spec` (the map),
:func:`geo.explore.tables.build` (tables), and, for the 34,875 commune views,
:func:`geo.explore.commune_facts.commune_facts` (the same facts, all communes at
once). The browser only displays them.

Documents:

- the **site** (:func:`site_document`): what every view shares — options and rule,
  France's figures, Déclic's reference, sources, the parts of the map spec common to
  every view (statuses, colours, tooltips' shares, territories), names for the
  breadcrumb, the OPSN and territories commune shards point into, the slides;
- a **view** (:func:`view_document`) for France, each region, department, territory
  without OPSN, and EPCI (EPCI grouped by department, :func:`epci_shards`): its facts,
  its map spec (the keys that differ from the site's), its tables;
- a **commune shard** per department (:func:`commune_shards`): per commune, as columns,
  its facts, what its map spec changes in its department's, its row of the communes table;
- the **search index** (:func:`search_document`): names and codes, as compact text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geo.core import fmt
from geo.core.analysis import Analysis, Inputs
from geo.core.classes import CLASSES, rule_classes
from geo.core.coverage import without_label
from geo.core.figures import Figures
from geo.core.records import as_json
from geo.core.reference import ReferenceData
from geo.core.stats import CREDITS
from geo.core.views import DROM, LEVEL_LABELS, Level, View
from geo.explore import tables
from geo.explore.commune_facts import SERVING_WAYS, commune_facts
from geo.explore.facts import ViewFacts
from geo.explore.panel import FactsContext, facts_context, view_facts, zone_brief
from geo.explore.presentation import default_slides
from geo.explore.search import KIND_LABELS, SearchIndex
from geo.explore.views import territory_mask
from geo.mapdata import MapFiles
from geo.maps.live import (
    commune_bounds,
    coverage_shares,
    departments_reached,
    status_runs,
    view_map_spec,
)

MAPDATA = "mapdata"
"""Folder of the geometry files, relative to the atlas's pages (also the URL prefix)."""

SHARED_SPEC_KEYS = ("national", "statuses", "colours", "labels", "sea", "shares", "basemap")
"""Map spec keys expected to be the same for every view (any other that happens to be is
shared too): written once in the site document."""

FACTS_SHARED = ("france", "sources", "definition", "reference_declic_2020")
"""Keys of ``view_facts`` that are the same for every view: in the site document."""


@dataclass(frozen=True)
class AtlasData:
    """Every document of an atlas, by kind."""

    site: dict
    views: dict[str, dict]  # "france", "region-53", "departement-29", "territoire-Z14118"
    epci: dict[str, dict]  # department → {siren: view document}
    communes: dict[str, dict]  # department → commune shard
    search: dict


def view_key(view: View) -> str:
    """``france``, ``region-53``, ``departement-2A``: a view's document name."""
    return str(view.level) if view.level == Level.FRANCE else f"{view.level}-{view.code}"


def atlas_data(
    reference: ReferenceData,
    analysis: Analysis,
    inputs: Inputs,
    files: MapFiles,
    date: dt.date | None = None,
) -> AtlasData:
    """All documents of the atlas under the options of ``analysis``."""
    reference, analysis = plain_strings(reference, analysis)
    context = AtlasContext.make(reference, analysis, inputs, files)
    site = site_document(context, date or dt.date.today())
    views = {}
    for view in _area_views(reference, analysis):
        views[view_key(view)] = view_document(context, view, site["spec"])
    epci = {}
    first_department = reference.epci["departements"].str.split(",").str[0]
    for siren, department in zip(reference.epci["siren"], first_department, strict=True):
        document = view_document(context, View(Level.EPCI, siren), site["spec"])
        epci.setdefault(department, {})[siren] = document
    communes = dict(commune_shards(context, views))
    return AtlasData(site, views, epci, communes, search_document(reference, analysis))


def plain_strings(reference: ReferenceData, analysis: Analysis) -> tuple[ReferenceData, Analysis]:
    """Copies whose commune and coverage text columns are numpy object arrays.

    The same values: 1,400 views each select and count communes, and turning 35,000
    Arrow strings into Python ones again for every view would cost more than the views.
    """

    def plain(frame: pd.DataFrame) -> pd.DataFrame:
        text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)]
        return frame.astype(dict.fromkeys(text, object)) if text else frame

    return (
        replace(reference, communes=plain(reference.communes)),
        replace(analysis, coverage=plain(analysis.coverage)),
    )


def _area_views(reference: ReferenceData, analysis: Analysis) -> Iterator[View]:
    yield View()
    for code in reference.regions["code"]:
        yield View(Level.REGION, code)
    for code in reference.departements["code"]:
        yield View(Level.DEPARTEMENT, code)
    for zone_id in analysis.zones["id"]:
        yield View(Level.TERRITOIRE, zone_id)


@dataclass(frozen=True)
class AtlasContext:
    """What every document is made from, computed once: each view then costs a few
    milliseconds (:class:`geo.explore.panel.FactsContext`)."""

    reference: ReferenceData
    analysis: Analysis
    inputs: Inputs
    files: MapFiles
    facts: FactsContext
    shares: dict
    statuses: str

    @classmethod
    def make(cls, reference, analysis, inputs, files) -> AtlasContext:
        return cls(
            reference,
            analysis,
            inputs,
            files,
            facts_context(reference, analysis, inputs),
            coverage_shares(reference, analysis),
            status_runs(analysis.coverage),
        )

    @property
    def names(self) -> dict[str, str]:
        return self.facts.names

    def view_facts(self, view: View) -> ViewFacts:
        """The view's facts (JSON: :meth:`geo.explore.facts.ViewFacts.as_json`)."""
        return view_facts(self.reference, self.analysis, self.inputs, view, self.facts)

    def spec(self, view: View, figures: Figures | None = None) -> dict:
        return view_map_spec(
            self.reference, self.analysis, view, self.files, MAPDATA, self.names,
            shares=self.shares, statuses=self.statuses, figures=figures,
        )  # fmt: skip


# ----------------------------------------------------------------------------- the site


def site_document(context: AtlasContext, date: dt.date) -> dict:
    """What every view shares (see the module's doc)."""
    reference, analysis, inputs = context.reference, context.analysis, context.inputs
    figures = analysis.figures
    france = context.view_facts(View()).as_json()
    national_spec = context.spec(View())
    opsn = as_json(commune_facts(reference, analysis, inputs, context.facts).opsn)  # shards' index
    options = analysis.options
    regions = reference.regions
    departements = reference.departements
    return {
        "generated": date.isoformat(),
        "generated_text": f"{date:%d/%m/%Y}",
        "options": {
            "rule": options.rule,
            "territory": options.territory,
            "epci_membership": options.epci_membership,
            "at": options.at.isoformat() if options.at else None,
            "opsn": list(options.opsn),
            "partial_offers_counted": options.count_partial_offers,
        },
        "without": without_label(options.opsn),
        "status_labels": figures.status_labels,
        "share_digits": fmt.SHARE_DIGITS,
        # The classes a commune is shown in under the rule (geo.core.classes), in order.
        "class_labels": {kind.value: kind.label(bool(options.opsn)) for kind in CLASSES},
        "rule_classes": [
            {
                "key": kind.value,
                "label": kind.label(bool(options.opsn)),
                "covered": kind.covered,
                "short": kind.short(bool(options.opsn)),
            }
            for kind in rule_classes(options.rule)
        ],
        "level_labels": LEVEL_LABELS,
        "kind_labels": KIND_LABELS,
        "facts": {key: france[key] for key in FACTS_SHARED},
        "credits": CREDITS,
        "spec": {key: national_spec[key] for key in SHARED_SPEC_KEYS},
        "names": {
            "region": dict(zip(regions["code"], regions["nom"], strict=True)),
            "departement": dict(zip(departements["code"], departements["nom"], strict=True)),
            "departement_region": dict(
                zip(departements["code"], departements["region"], strict=True)
            ),
        },
        "drom": DROM,
        "opsn": opsn,
        "zones": [as_json(zone_brief(zone, context.names)) for zone in analysis.zones.itertuples()],
        "slides": [[view.level, view.code] for view in default_slides(reference)],
        "data": inputs.label,
        # An EPCI's departments: the first holds its view (epci_shards), all its communes.
        "epci": {
            siren: departments.split(",")
            for siren, departments in zip(
                reference.epci["siren"], reference.epci["departements"], strict=True
            )
        },
        "communes_table": _communes_table_header(reference, analysis, inputs),
    }


def _communes_table_header(reference, analysis, inputs) -> dict:
    """Title, columns and notes of the communes table (its rows are in the commune shards)."""
    empty = np.zeros(len(reference.communes), dtype=bool)
    header = table_document(tables.build("communes", reference, analysis, inputs, empty))
    header.pop("data")
    return header


# ----------------------------------------------------------------------------- views


def view_document(context: AtlasContext, view: View, shared_spec: dict) -> dict:
    """One view: its facts, what its map spec adds to the site's, its tables."""
    reference, analysis, inputs = context.reference, context.analysis, context.inputs
    typed = context.view_facts(view)
    spec = own_spec(context.spec(view, typed.figures), shared_spec)
    facts = typed.as_json()  # the document's JSON from here on
    france = facts["france"]
    for key in FACTS_SHARED:
        facts.pop(key)
    # The browser reads {**France's figures, **these}, as view_facts makes them.
    facts["figures"] = {
        key: value
        for key, value in facts["figures"].items()
        if key not in france or _json(value) != _json(france[key])
    }
    return {
        "view": view.key,
        "facts": facts,
        "spec": spec,
        "tables": [
            table_document(
                tables.build(
                    key, reference, analysis, inputs, _mask(context, view), facts["view"]["nom"]
                )
            )
            for key in tables.atlas_tables(view.level)
        ],
    }


def own_spec(spec: dict, shared: dict) -> dict:
    """The keys of ``spec`` whose values are not ``shared``'s, and the list of those that are:
    the browser rebuilds ``spec`` as ``{shared[k] for k in spec["shared"]} | spec``."""
    same = [k for k, v in shared.items() if k in spec and _json(spec[k]) == _json(v)]
    return {k: v for k, v in spec.items() if k not in same} | {"shared": same}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _mask(context: AtlasContext, view: View) -> np.ndarray | None:
    if view.level == Level.FRANCE:
        return None
    return territory_mask(context.reference, view, context.analysis.zones)


def table_document(table: tables.Table) -> dict:
    """A table as the atlas shows and downloads it: columns (name, kind, digits), their
    values (:func:`encode_columns`), the notes that travel with it."""
    return {
        "key": table.key,
        "title": table.title,
        "sheet": table.sheet,
        "columns": [
            {"name": c.name, "kind": c.kind, "digits": c.digits, "description": c.description}
            for c in table.columns
        ],
        "data": encode_columns(table.frame),
        "notes": list(table.notes),
    }


def encode_columns(frame: pd.DataFrame) -> list[dict]:
    """Each column's values as JSON (NaN: ``None``): ``{"values": [...]}`` (``"float"``
    for a column of floats), or for text
    repeated down the column (a status, an EPCI, OPSN names), its distinct values and
    each row's index into them: ``{"distinct": [...], "codes": [...]}``."""
    out = []
    for name in frame.columns:
        values = frame[name].to_numpy()
        if values.dtype.kind == "f":  # "float": written 12,0 in CSV, as pandas writes it
            out.append(
                {"values": [None if np.isnan(v) else float(v) for v in values], "float": True}
            )
        elif values.dtype.kind in "iu":
            out.append({"values": [int(v) for v in values]})
        else:
            text = ["" if v is None else str(v) for v in values]
            codes, distinct = pd.factorize(pd.Series(text, dtype=object))
            if len(distinct) * 2 < len(text):
                out.append({"distinct": list(distinct), "codes": codes.tolist()})
            else:
                out.append({"values": text})
    return out


# ----------------------------------------------------------------------------- communes


def commune_shards(
    context: AtlasContext, views: dict[str, dict], only: Collection[str] | None = None
) -> Iterator[tuple[str, dict]]:
    """Per department (those of ``only`` if given), its communes as columns: facts
    (:mod:`geo.explore.commune_facts`), what a commune's map spec changes in its
    department's, its communes table rows.

    The browser builds a commune's spec from its department's
    (:func:`commune_spec`); the tests hold it equal to ``view_map_spec``.
    """
    reference, analysis, inputs = context.reference, context.analysis, context.inputs
    facts = commune_facts(reference, analysis, inputs, context.facts).table
    communes_table = tables.build("communes", reference, analysis, inputs)
    frame = communes_table.frame
    # The table leaves out the communes outside the territory (DROM under « Métropole »).
    department_of = frame["Département"].to_numpy(dtype=object)
    positions = np.arange(len(facts))
    bounds = commune_bounds(reference, positions)
    reached = departments_reached(reference, bounds)
    epci_names = reference.epci.set_index("siren")["nom"]
    for department, group in facts.groupby("departement", sort=False):
        if only is not None and department not in only:
            continue
        at = group.index.to_numpy()
        spec = views[f"departement-{department}"]["spec"]
        own, around = spec["detail"][0], spec["detail"][1:]
        rows = frame[department_of == department]
        epci = sorted(set(group["epci"]) - {""})
        yield (
            department,
            {
                "departement": department,
                "epci": {siren: epci_names[siren] for siren in epci},
                "columns": {
                    "insee": group["insee"].tolist(),
                    "nom": group["nom"].tolist(),
                    "epci": group["epci"].tolist(),
                    "population": group["population"].tolist(),
                    "statut": "".join(_STATUS_CODES[s] for s in group["statut"]),
                    "couverte": "".join("1" if c else "0" for c in group["couverte"]),
                    "dans_territoire": "".join("1" if c else "0" for c in group["dans_territoire"]),
                    "n_opsn": group["n_opsn"].tolist(),
                    "zone": group["zone"].tolist(),
                    **{way: group[way].tolist() for way in SERVING_WAYS},
                    "serving": group["serving"].tolist(),
                    "bordering": group["bordering"].tolist(),
                    "partial": group["partial"].tolist(),
                    "position": at.tolist(),
                    # south, west, north, east of the commune's view
                    "bounds": [x for k in at for x in (*bounds[k][0], *bounds[k][1])],
                    # Which neighbours' detailed files its view loads (bit i: around[i]).
                    "around": [
                        sum(
                            1 << i
                            for i, url in enumerate(around)
                            if _file_department(url) in reached[k]
                        )
                        for k in at
                    ],
                },
                "detail": [own, *around],
                # Rows of the communes table (those in the counted territory), in its order.
                "table": encode_columns(rows),
            },
        )


def _file_department(url: str) -> str:
    """``mapdata/departement-2A.<digest>.bin.gz`` → ``2A``."""
    return url.rsplit("/", 1)[-1].split(".", 1)[0].removeprefix("departement-")


_STATUS_CODES = {"adherente": "a", "perimetre": "p", "sans_opsn": "s"}


def commune_spec(department_spec: dict, shard: dict, row: int) -> dict:
    """A commune's map spec from its department's and its shard, as the browser builds it."""
    columns = shard["columns"]
    detail = shard["detail"]
    mask = columns["around"][row]
    s, w, n, e = columns["bounds"][4 * row : 4 * row + 4]
    return department_spec | {
        "view": f"commune:{columns['insee'][row]}",
        "level": Level.COMMUNE,
        "highlight": columns["position"][row],
        "bounds": [[s, w], [n, e]],
        "detail": [detail[0], *(url for i, url in enumerate(detail[1:]) if mask >> i & 1)],
    }


# ----------------------------------------------------------------------------- search


def search_document(reference: ReferenceData, analysis: Analysis) -> dict:
    """The app's search index (:meth:`geo.explore.search.SearchIndex.entries`), compact: per
    kind, ``|``-joined codes, names, departments, extra words (postal codes, SIREN), weights.

    The browser folds the names as :func:`geo.core.text.fold` does (the tests compare them
    all) and ranks them as :meth:`~geo.explore.search.SearchIndex.find` does.
    """
    entries = SearchIndex(reference).entries(analysis.zones)
    kinds = {}
    for kind, group in entries.groupby("kind", sort=False):
        kinds[kind] = {
            column: "|".join(group[column].astype(str))
            for column in ("code", "name", "departement", "extra")
        } | {"weight": ",".join(str(int(w)) for w in group["weight"])}
    departements = reference.departements
    return {
        "kinds": kinds,
        "departements": dict(zip(departements["code"], departements["nom"], strict=True)),
    }
