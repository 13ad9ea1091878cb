"""The suite's scheduler (``tests/lanes.py``): the browser files in one worker, the end shared."""

from __future__ import annotations

from tests.lanes import LaneScheduling

BROWSER = [
    f"tests/browser/test_{name}.py::t{i}" for name in ("app", "atlas", "saves") for i in (1, 2, 3)
]
OTHERS = [f"tests/core/test_{name}.py::t{i}" for name in ("big", "small") for i in range(6)]
HOSTILE = ["tests/importers/test_hostile.py::t1", "tests/importers/test_hostile.py::t2"]
COLLECTION = BROWSER + OTHERS[:6] + HOSTILE + OTHERS[6:8]


def lane_of(nodeid: str) -> str:
    path = nodeid.split("::")[0]
    return "hostile" if "hostile" in path else path


class Worker:
    def __init__(self, name: str) -> None:
        self.name, self.shutting_down, self.sent = name, False, []

    def shutdown(self) -> None:
        self.shutting_down = True

    def send_runtest_some(self, indices) -> None:
        self.sent.extend(indices)


def scheduler(workers: list[Worker]) -> LaneScheduling:
    lanes = LaneScheduling(
        len(workers),
        lane_of,
        pinned=lambda unit: unit.startswith("tests/browser/"),
        last=("hostile",),
        pinned_last=("tests/browser/test_atlas.py",),
    )
    for worker in workers:
        lanes.add_node(worker)
    for worker in workers:
        lanes.add_node_collection(worker, COLLECTION)
    lanes.schedule()
    return lanes


def run(lanes: LaneScheduling, slow: Worker, fast: Worker, slowness: int = 4) -> dict[str, str]:
    """Tests complete on ``fast`` ``slowness`` times as often as on ``slow``: who ran what."""
    ran: dict[str, str] = {}
    step = 0
    while lanes.has_pending:
        step += 1
        for worker in (fast, slow):
            if worker is slow and step % slowness:
                continue
            if lanes.pending.get(worker):
                nodeid = lanes.pending[worker][0]
                ran[nodeid] = worker.name
                lanes.mark_test_complete(worker, COLLECTION.index(nodeid))
        assert step < 1000
    return ran


def files(ran: dict[str, str], worker: str) -> list[str]:
    return sorted({nodeid.split("::")[0] for nodeid, name in ran.items() if name == worker})


def test_the_browser_files_run_in_one_worker_while_others_are_left():
    one, two = Worker("one"), Worker("two")
    lanes = scheduler([one, two])
    ran = run(lanes, slow=one, fast=two, slowness=1)
    assert set(ran) == set(COLLECTION), "every test runs once"
    assert files(ran, "one") == sorted({nodeid.split("::")[0] for nodeid in BROWSER})
    assert not any(path.startswith("tests/browser/") for path in files(ran, "two"))
    assert lanes.tests_finished and one.shutting_down and two.shutting_down


def test_an_idle_worker_takes_the_last_browser_file_once_nothing_else_is_left():
    one, two = Worker("one"), Worker("two")
    ran = run(scheduler([one, two]), slow=one, fast=two, slowness=10)
    assert "tests/browser/test_atlas.py" in files(ran, "two"), "the atlas, last, is shared"
    assert "tests/browser/test_app.py" in files(ran, "one"), "the lane's start stays home"
    stolen = [nodeid for nodeid, worker in ran.items() if worker == "two"]  # in order
    assert stolen.index("tests/browser/test_atlas.py::t1") > stolen.index(HOSTILE[-1]), (
        "browser files are taken only after every other unit"
    )
    for path in ("tests/browser/test_atlas.py", "tests/browser/test_saves.py"):
        assert len({ran[nodeid] for nodeid in ran if nodeid.startswith(path)}) == 1, path


def test_the_browser_tests_of_a_crashed_worker_go_to_another():
    one, two = Worker("one"), Worker("two")
    lanes = scheduler([one, two])
    crashed = lanes.remove_node(one)
    assert crashed == BROWSER[0]
    ran = run(lanes, slow=two, fast=two)
    assert set(ran) == set(COLLECTION) - {crashed}
