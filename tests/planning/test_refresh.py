"""What a refresh does to the memberships (dates), and how fresh the data in service is."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from geo.core.coverage import active_memberships
from geo.core.memberships import memberships_frame
from geo.importers.headers import ANCT_ADHERENT_HEADER, ANCT_OPERATOR_HEADER
from geo.planning.refresh import ANCT_MEMBERS_SOURCE, EXPECTED, dated_memberships
from geo.storage.base import Version
from geo.storage.sources import anct_source, freshness_label, stale_notice

ANCT = ANCT_MEMBERS_SOURCE
DAY = dt.date(2026, 11, 20)


def members(rows) -> pd.DataFrame:
    """Rows (opsn, insee, source[, depuis, jusqu_a])."""
    return memberships_frame(
        [
            {
                "opsn": r[0],
                "insee": r[1],
                "source": r[2],
                "depuis": r[3] if len(r) > 3 else None,
                "jusqu_a": r[4] if len(r) > 4 else None,
            }
            for r in rows
        ]
    )


def facts(frame: pd.DataFrame) -> set[tuple]:
    days = [frame[c].dt.strftime("%Y-%m-%d").fillna("") for c in ("depuis", "jusqu_a")]
    return set(zip(frame["opsn"], frame["insee"], *days, strict=True))


def test_first_refresh_replaces_the_listed_operators_and_dates_nothing():
    current = members([("sitpi", "38169", "statuts"), ("megalis", "29019", "liste.csv")])
    incoming = members([("megalis", "29001", ANCT), ("megalis", "29002", ANCT)])
    result = dated_memberships(current, incoming, DAY, "https://portail/fr/datasets/r/x")
    assert facts(result) == {
        ("sitpi", "38169", "", ""),  # another OPSN's own adhesion: kept
        ("megalis", "29001", "", ""),  # undated: the ANCT does not say since when
        ("megalis", "29002", "", ""),
    }
    assert set(result.loc[result["opsn"] == "megalis", "reference"]) == {
        "https://portail/fr/datasets/r/x"
    }


def test_later_refreshes_date_what_appears_and_what_disappears():
    current = members(
        [
            ("megalis", "29001", ANCT),  # stays
            ("megalis", "29002", ANCT),  # disappears
            ("megalis", "29003", ANCT, "2026-11-20"),  # appeared today, already gone
            ("sitiv", "69001", ANCT, "2026-11-03"),  # its operator is no longer listed
            ("megalis", "29004", ANCT, None, "2026-10-01"),  # ended earlier: history
        ]
    )
    incoming = members([("megalis", "29001", ANCT), ("megalis", "29005", ANCT)])
    result = dated_memberships(current, incoming, DAY)
    assert facts(result) == {
        ("megalis", "29001", "", ""),
        ("megalis", "29002", "", "2026-11-19"),
        ("sitiv", "69001", "2026-11-03", "2026-11-19"),
        ("megalis", "29004", "", "2026-10-01"),
        ("megalis", "29005", "2026-11-20", ""),
    }

    def members_on(day: dt.date) -> set[str]:
        return set(active_memberships(result, day)["insee"])

    assert members_on(DAY) == {"29001", "29005"}  # the new file
    assert members_on(DAY - dt.timedelta(days=1)) == {"29001", "29002", "69001"}  # the old one


def version(number, kind, files=(), restored_from=None, counts=None) -> Version:
    return Version(
        number, dt.datetime(2026, 11, number, tzinfo=dt.UTC), "M", kind, "", None,
        restored_from, tuple(files), counts or {},
    )  # fmt: skip


def test_the_source_of_each_version_and_its_freshness():
    files = [
        {"role": "operators", "source_date": "2026-10-28", "sha256": "a", "lignes": 30},
        {"role": "adherents", "source_date": "2026-11-03", "sha256": "b", "etag": '"e1"'},
    ]
    history = [
        version(1, "seed"),
        version(2, "refresh", files),
        version(3, "edit"),
        version(4, "restore", restored_from=1),
        version(5, "restore", restored_from=3),
    ]
    assert anct_source(history, 1) is None
    assert anct_source(history, 3).version == 2  # an edit keeps the refreshed data
    assert anct_source(history, 4) is None  # back to the seed: no ANCT data
    source = anct_source(history)  # the latest: a restore of version 3
    assert source.version == 2 and source.day() == dt.date(2026, 11, 3)
    assert freshness_label(source) == (
        "adhésions ANCT du 3 novembre 2026, opérateurs du 28 octobre 2026"
    )
    assert source.validators("adherents").headers() == {"If-None-Match": '"e1"'}
    # A later check that found the same data again: its newer date and validators.
    check = {
        "source_version": 2,
        "checked_at": "2026-12-01T06:00:00+00:00",
        "files": {
            "operators": {"source_date": "2026-12-01", "sha256": "c"},
            "adherents": {"source_date": "2026-12-01", "sha256": "d", "etag": '"e2"'},
        },
    }
    confirmed = anct_source(history, check=check)
    assert confirmed.confirmed_day() == dt.date(2026, 12, 1)
    assert freshness_label(confirmed) == freshness_label(source)  # a version keeps its name
    assert confirmed.checksums("adherents") == {"b", "d"}
    assert confirmed.validators("adherents").headers() == {"If-None-Match": '"e2"'}
    assert stale_notice(confirmed, dt.date(2026, 12, 20), 30) is None
    other = anct_source(history, check={**check, "source_version": 9})  # another refresh's
    assert other.confirmed_day() == dt.date(2026, 11, 3)

    assert stale_notice(source, dt.date(2026, 12, 3), 30) is None
    notice = stale_notice(source, dt.date(2026, 12, 4), 30)
    assert notice.startswith("Les adhésions ANCT en service datent du 3 novembre 2026 (31 jours")
    assert stale_notice(None, dt.date(2030, 1, 1), 30) is None


def test_expected_columns_are_the_readers():
    def folded(columns: str) -> set[str]:
        return {c.replace("_", " ") for c in columns.split(";")}

    assert set(ANCT_OPERATOR_HEADER) <= folded(EXPECTED["operators"][1])
    assert folded(EXPECTED["adherents"][1]) == ANCT_ADHERENT_HEADER
