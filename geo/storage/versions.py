"""From a saved version to coverage inputs, labelled (the app, the CLI and permalinks use it)."""

from __future__ import annotations

from geo.storage.base import Store, Version
from geo.storage.labels import data_label
from geo.storage.sources import freshness_label, store_source


def inputs_for_version(store: Store, number: int | None = None):
    """(version, :class:`geo.core.analysis.Inputs`) of version ``number`` (the latest by default)."""
    version, snapshot = store.snapshot(number)
    latest = store.latest().number
    label = data_label(version, latest, version_freshness(store, version))
    return version, snapshot.inputs(label, version.number)


def version_freshness(store: Store, version: Version) -> str | None:
    """« adhésions ANCT du 3 novembre 2026 » for the ANCT data ``version`` holds, if any."""
    return freshness_label(store_source(store, version.number))


def version_rows(versions: list[Version]) -> list[dict]:
    """The versions as table rows for the Versions page and ``db versions`` (newest first)."""
    from geo.storage.labels import describe, local_time

    rows = []
    for version in reversed(versions):
        counts = version.counts
        rows.append(
            {
                "version": version.number,
                "date": local_time(version),
                "auteur": version.author,
                "nature": describe(version),
                "motif": version.reason,
                "opsn": counts.get("opsn", 0),
                "adhesions": counts.get("adhesions", 0),
                "adhesions_ajoutees": counts.get("adhesions_ajoutees", 0),
                "adhesions_retirees": counts.get("adhesions_retirees", 0),
                "opsn_modifies": counts.get("opsn_modifies", 0)
                + counts.get("opsn_ajoutes", 0)
                + counts.get("opsn_retires", 0),
            }
        )
    return rows
