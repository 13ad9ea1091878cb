"""How pytest-xdist shares the suite between workers: by file, with two lanes.

The browser tests (the *pinned* lane, one unit per file) run in one worker, one file
after the other, handed out first: two app servers and two Chromiums at once on the
2-core CI machine slow every test of both. Once every other unit is handed out, an idle
worker takes browser files from the end of the lane (the atlas, whose export the
controller made in the background, is last): the end of the run, where only the browser
worker would still be busy, is shared. The hostile corpus tests read the results of
runs that the controller started with the session (``tests/hostile/background.py``):
one worker runs them all, last, when the results are there. Every other test file is
a unit of its own, the largest first, so that the workers end together.

It implements xdist's ``Scheduling`` protocol (its public hook
``pytest_xdist_make_scheduler``, ``tests/conftest.py``): the ``xdist_group`` mark
of ``--dist loadgroup`` is not read under pytest 9 (xdist 3.8 renames the node id
through an attribute pytest 9 no longer uses).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

LOW_WATER = 2
"""A worker runs a test only once it knows the next one (for fixture teardown):
it gets its next unit while it still has this many tests to run."""


class WorkerController(Protocol):
    """What the scheduler uses of xdist's ``WorkerController``."""

    shutting_down: bool

    def shutdown(self) -> None: ...

    def send_runtest_some(self, indices: Sequence[int]) -> None: ...


class LaneScheduling:
    """Units of tests (``lane_of(nodeid)``), handed to whichever worker runs short first.

    ``pinned(unit)`` says which units belong to the pinned lane (the browser files):
    the worker that took the first of them takes the next ones; the others take them
    only when nothing else is left, from the end."""

    def __init__(
        self,
        numnodes: int,
        lane_of: Callable[[str], str],
        pinned: Callable[[str], bool] = lambda unit: False,
        last: Sequence[str] = (),
        pinned_last: Sequence[str] = (),
    ):
        self.numnodes = numnodes
        self.lane_of = lane_of
        self.is_pinned = pinned
        self.last, self.pinned_last = tuple(last), tuple(pinned_last)
        self.collections: dict[WorkerController, list[str]] = {}
        self.positions: dict[WorkerController, dict[str, int]] = {}
        self.pending: dict[WorkerController, list[str]] = {}
        self.queue: list[list[str]] | None = None
        self.pinned: list[list[str]] = []
        self.home: WorkerController | None = None
        """The worker of the pinned lane."""

    # Read by xdist's session -------------------------------------------------

    @property
    def nodes(self) -> list[WorkerController]:
        return list(self.pending)

    @property
    def collection_is_completed(self) -> bool:
        return len(self.collections) >= self.numnodes

    @property
    def tests_finished(self) -> bool:
        if not self.collection_is_completed or self.queue is None or self.queue or self.pinned:
            return False
        return all(len(tests) < LOW_WATER for tests in self.pending.values())

    @property
    def has_pending(self) -> bool:
        return bool(self.queue) or bool(self.pinned) or any(self.pending.values())

    def add_node(self, node: WorkerController) -> None:
        self.pending[node] = []

    def add_node_collection(self, node: WorkerController, collection: Sequence[str]) -> None:
        if self.queue is not None and list(collection) != self._collection():
            return  # a worker started late that collected something else: left idle
        self.collections[node] = list(collection)
        self.positions[node] = {nodeid: i for i, nodeid in enumerate(collection)}

    def mark_test_complete(self, node: WorkerController, item_index: int, duration: float = 0):
        self.pending[node].remove(self.collections[node][item_index])
        self._feed(node)

    def mark_test_pending(self, item: str) -> None:
        raise NotImplementedError

    def remove_pending_tests_from_node(self, node: WorkerController, indices: Sequence[int]):
        raise NotImplementedError

    def remove_node(self, node: WorkerController) -> str | None:
        """A worker crashed or stopped: its remaining tests go back first in the queue."""
        left = self.pending.pop(node, [])
        if node is self.home:
            self.home = None
        if not left:
            return None
        crashed, rest = left[0], left[1:]
        if rest and self.queue is not None:
            lane = self.pinned if self.is_pinned(self.lane_of(rest[0])) else self.queue
            lane.insert(0, rest)
        for other in self.nodes:
            self._feed(other)
        return crashed

    def schedule(self) -> None:
        if self.queue is None:
            self.pinned, self.queue = self._units()
        for node in self.nodes:
            self._feed(node)

    # -------------------------------------------------------------------------

    def _collection(self) -> list[str]:
        return next(iter(self.collections.values()))

    def _units(self) -> tuple[list[list[str]], list[list[str]]]:
        """The pinned lane (in collection order, ``pinned_last`` at its end) and the rest
        (the largest unit first, ``last`` at the end)."""
        units: dict[str, list[str]] = {}
        for nodeid in self._collection():
            units.setdefault(self.lane_of(nodeid), []).append(nodeid)
        pinned = {name: units.pop(name) for name in list(units) if self.is_pinned(name)}
        pinned_end = [pinned.pop(name) for name in self.pinned_last if name in pinned]
        last = [units.pop(name) for name in self.last if name in units]
        rest = sorted(units.values(), key=len, reverse=True)
        return list(pinned.values()) + pinned_end, rest + last

    def _next_unit(self, node: WorkerController) -> list[str] | None:
        if self.pinned and self.home in (None, node):
            self.home = node
            return self.pinned.pop(0)
        if self.queue:
            return self.queue.pop(0)
        if self.pinned:  # nothing else left: share the end of the pinned lane
            return self.pinned.pop()
        return None

    def _feed(self, node: WorkerController) -> None:
        if node.shutting_down or node not in self.pending:
            return
        if not self.queue and not self.pinned:
            node.shutdown()
            return
        if len(self.pending[node]) > LOW_WATER:
            return
        unit = self._next_unit(node)
        if unit is None:
            return
        self.pending[node].extend(unit)
        node.send_runtest_some([self.positions[node][nodeid] for nodeid in unit])
