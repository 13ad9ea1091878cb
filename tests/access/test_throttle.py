"""Failed sign-ins: counted per client, per account name and for the server; a client
that has not been failing is slowed at most, never refused (geo.access.throttle)."""

from __future__ import annotations

import pytest

from geo.access.throttle import MAX_TRACKED, LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def throttle(clock: Clock, **settings) -> LoginThrottle:
    defaults = {"base": 1, "cap": 8, "window": 60, "account_limit": 5, "global_limit": 10}
    return LoginThrottle(clock=clock, **{**defaults, **settings})


def test_a_failing_client_waits_longer_each_time_then_starts_afresh_on_success():
    clock = Clock()
    limits = throttle(clock, account_limit=100)
    assert limits.check("ip:a", "marie").wait == 0
    for expected in (1, 2, 4, 8, 8):
        limits.failure("ip:a", "marie")
        assert limits.check("ip:a", "marie").wait == expected
        assert limits.check("ip:a", "paul").wait == expected  # whatever the account
    assert limits.check("ip:b", "marie") == limits.check("ip:b", "paul")  # another client: free
    assert not limits.check("ip:b", "marie").refused
    limits.success("ip:a", "marie")
    assert limits.check("ip:a", "marie").wait == 0


def test_an_account_under_attack_refuses_the_guessers_and_slows_the_others():
    clock = Clock()
    limits = throttle(clock, base=0.001, cap=0.001, slow=3)
    for n in range(5):  # five addresses, one guess each, on one name
        limits.failure(f"ip:{n}", "marie")
        clock.now += 1
    assert limits.check("ip:0", "marie").wait == pytest.approx(55)  # a guesser: refused
    assert limits.check("ip:0", "paul").wait == 0  # its own backoff is over, paul is quiet
    owner = limits.check("ip:owner", "marie")
    assert not owner.refused and owner.delay == 3  # never refused, slowed
    assert limits.check("ip:owner", "paul").delay == 0
    clock.now += 55
    assert limits.check("ip:0", "marie").wait == 0
    assert limits.check("ip:owner", "marie").delay == 0


def test_the_server_ceiling_slows_clean_clients_and_stops_failing_ones():
    clock = Clock()
    limits = throttle(clock, base=0.001, cap=0.001, account_limit=1000, slow=2)
    for n in range(10):
        limits.failure(f"session:{n}", f"nom {n}")  # new sessions, new names
        clock.now += 1
    assert limits.check("session:3", "nom 99").wait == pytest.approx(50)
    assert limits.check("session:new", "nom 99").delay == 2
    assert not limits.check("session:new", "nom 99").refused
    clock.now += 50
    assert limits.check("session:3", "nom 99").wait == 0


def test_memory_stays_bounded_and_forgets_after_the_window():
    clock = Clock()
    limits = throttle(clock, account_limit=10**9, global_limit=10**9)
    for n in range(MAX_TRACKED + 50):
        limits.failure(f"ip:{n}", f"nom {n}")
    assert len(limits._clients) <= MAX_TRACKED and len(limits._accounts) <= MAX_TRACKED
    clock.now += 10_000
    limits.check("ip:x", "y")
    assert not limits._clients and not limits._accounts and not limits._recent
