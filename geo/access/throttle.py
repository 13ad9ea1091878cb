"""Failed sign-ins slow the next attempts without ever locking out the owner.

Three counters, each over a sliding window (5 minutes by default):

- **per client** (its address, or its session when the address is unknown):
  after *k* failures, that client waits ``min(cap, base × 2^(k-1))`` seconds
  before its next attempt, whatever the account: one guesser, one queue;
- **per account name**: past ``account_limit`` failures on a name, every client
  that has itself failed recently waits until the oldest of them leaves the
  window (a guesser spreading over addresses cannot keep trying that name);
- **for the whole server**: past ``global_limit`` failures, the same.

A client with no recent failure is never refused: when the account or the
server is under attack, its attempt is only slowed by ``slow`` seconds. Thirty
wrong guesses from thirty new sessions (or addresses) therefore slow, but do
not stop, the person who types the right password. Thread-safe (Streamlit runs
sessions in threads); memory is bounded by pruning what left the window.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

MAX_TRACKED = 10_000
"""Most clients or account names remembered at once (the oldest are forgotten first)."""


@dataclass(frozen=True)
class Verdict:
    """What to do with one attempt: refuse it for ``wait`` s, or check it after ``delay`` s."""

    wait: float = 0.0
    delay: float = 0.0

    @property
    def refused(self) -> bool:
        return self.wait > 0


class LoginThrottle:
    """Counts failures per client, per account name and for the server (see the module)."""

    def __init__(
        self,
        base: float = 1.0,
        cap: float = 60.0,
        window: float = 300.0,
        account_limit: int = 10,
        global_limit: int = 30,
        slow: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base, self.cap, self.window, self.slow = base, cap, window, slow
        self.account_limit, self.global_limit = account_limit, global_limit
        self.clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, tuple[int, float]] = {}  # client → (failures, last failure)
        self._accounts: dict[str, deque[float]] = {}  # account → failure times in the window
        self._recent: deque[float] = deque()  # every failure in the window

    def _prune(self, now: float) -> None:
        """Forget what left the window: the tables are in order of last failure, oldest first."""
        start = now - self.window
        while self._recent and self._recent[0] <= start:
            self._recent.popleft()
        while self._accounts:
            name, times = next(iter(self._accounts.items()))
            if times and times[-1] > start:
                break
            del self._accounts[name]
        forget = now - max(self.window, self.cap)
        while self._clients:
            client, (_, last) = next(iter(self._clients.items()))
            if last > forget:
                break
            del self._clients[client]

    def _in_window(self, account: str, now: float) -> deque[float] | None:
        times = self._accounts.get(account)
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def _backoff(self, failures: int) -> float:
        return min(self.cap, self.base * 2 ** (failures - 1)) if failures else 0.0

    def check(self, client: str, account: str) -> Verdict:
        """Whether ``client`` may try ``account`` now (and after how long a pause)."""
        with self._lock:
            now = self.clock()
            self._prune(now)
            failures, last = self._clients.get(client, (0, 0.0))
            crowded = [
                times[0] + self.window - now
                for times, limit in (
                    (self._in_window(account, now), self.account_limit),
                    (self._recent, self.global_limit),
                )
                if times and len(times) >= limit
            ]
            if not failures:  # a client that has not been failing: slowed at most
                return Verdict(delay=self.slow if crowded else 0.0)
            wait = max([last + self._backoff(failures) - now, *crowded])
            return Verdict(wait=max(0.0, wait))

    def failure(self, client: str, account: str) -> None:
        with self._lock:
            now = self.clock()
            failures, _ = self._clients.pop(client, (0, 0.0))
            self._clients[client] = (failures + 1, now)  # re-inserted: newest last
            times = self._accounts.pop(account, None) or deque()
            times.append(now)
            self._accounts[account] = times
            self._recent.append(now)
            self._prune(now)
            for table in (self._clients, self._accounts):
                while len(table) > MAX_TRACKED:
                    del table[next(iter(table))]

    def success(self, client: str, account: str) -> None:
        """A right password: this client starts afresh (the account's count stays)."""
        with self._lock:
            self._clients.pop(client, None)
