"""Compare two saved versions: OPSN and memberships changed, and what it does to the figures."""

from __future__ import annotations

import pandas as pd

from geo.core.figures import Figures
from geo.storage.base import Snapshot, Store
from geo.storage.diff import membership_changes, registry_changes
from geo.storage.labels import short_label


def compare_snapshots(
    old: Snapshot, new: Snapshot, reference=None, options=None, names: dict | None = None
) -> dict:
    """What differs between two snapshots; with ``reference``, the figures too.

    Keys: ``registry`` (``added``, ``removed``, ``changed`` with field
    before/after), ``memberships`` (``added``/``removed`` counts, per OPSN,
    and the rows), and with ``reference``: ``figures``
    (:class:`geo.core.figures.FiguresCompared`: ``before``, ``after``, deltas) and
    ``communes`` (status changes, most populated first).
    """
    registry = registry_changes(
        old.registry.to_dict(orient="records"), new.registry.to_dict(orient="records")
    )
    added, removed = membership_changes(old.memberships, new.memberships)
    if names is None:
        names = {**_names(old.registry), **_names(new.registry)}
    per_opsn = (
        pd.concat([added.assign(sens="ajoutees"), removed.assign(sens="retirees")])
        .groupby(["opsn", "sens"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=["ajoutees", "retirees"], fill_value=0)
    )
    result = {
        "registry": registry,
        "memberships": {
            "added": len(added),
            "removed": len(removed),
            "by_opsn": [
                {
                    "opsn": opsn,
                    "nom": names.get(opsn, opsn),
                    "added": int(row["ajoutees"]),
                    "removed": int(row["retirees"]),
                }
                for opsn, row in per_opsn.iterrows()
            ],
            "added_rows": _rows(added),
            "removed_rows": _rows(removed),
        },
    }
    if reference is not None:
        result.update(figure_changes(reference, old, new, options))
    return result


def _names(registry: pd.DataFrame) -> dict[str, str]:
    """Registry id → acronym, else name (as :func:`geo.core.registry.opsn_names`)."""
    if registry.empty or "id" not in registry.columns:
        return {}
    sigles = registry["sigle"] if "sigle" in registry.columns else registry["nom"]
    return {
        opsn: sigle or nom
        for opsn, sigle, nom in zip(registry["id"], sigles, registry["nom"], strict=True)
    }


def _rows(frame: pd.DataFrame) -> list[dict]:
    out = frame.copy()
    for column in ("depuis", "jusqu_a"):
        out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d").fillna("")
    return out.to_dict(orient="records")


def figure_changes(reference, old: Snapshot, new: Snapshot, options=None, labels=("", "")) -> dict:
    """Headline figures of both snapshots, their differences, and communes whose status changes."""
    from geo.core.analysis import analyse, compared_figures
    from geo.core.coverage import CoverageOptions
    from geo.planning.scenarios import status_changes

    options = options or CoverageOptions()
    before = analyse(reference, old.inputs(labels[0] or "version A"), options)
    after = analyse(reference, new.inputs(labels[1] or "version B"), options)
    changed = status_changes(reference, before, after)
    return {
        "figures": compared_figures(before.figures, after.figures),
        "communes": changed.to_dict(orient="records"),
    }


def compare_versions(store: Store, first: int, second: int, reference=None, options=None) -> dict:
    """:func:`compare_snapshots` of two saved versions, with both versions described."""
    version_a, old = store.snapshot(first)
    version_b, new = store.snapshot(second)
    result = compare_snapshots(old, new)
    if reference is not None:
        labels = (short_label(version_a), short_label(version_b))
        result.update(figure_changes(reference, old, new, options, labels))
    return {"a": version_a.as_dict(), "b": version_b.as_dict(), **result}


def before_sentence(before: Figures) -> str:
    """The figures before a change, in words (a preview shows them beside the deltas)."""
    from geo.core import fmt

    zones = before.white_zone_count or 0
    return (
        f"Avant : {fmt.percent(before.covered_share, 1)} de la population couverte, "
        f"{fmt.integer(before.covered_population)} habitants, "
        f"{fmt.integer(before.covered_communes)} communes couvertes, "
        f"{fmt.integer(zones)} territoire{'s' if zones > 1 else ''} sans OPSN."
    )
