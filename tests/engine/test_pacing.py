"""engine.pacing: due timers fired in slices, paced by the store's commits; none lost or repeated."""

from __future__ import annotations

import time
from concurrent.futures import Future

from statewright.engine import Clock, Engine
from statewright.engine.pacing import FiringPace
from statewright.store import SqliteStore

WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "Next": "P"},
                                    "P": {"Type": "Pass", "End": True}}}


class _Loop:
    """Stands in for the engine's inbox and the store's write: both run only when told."""

    def __init__(self) -> None:
        self.jobs: list = []
        self.writes: list[Future] = []

    def post(self, job) -> None:
        self.jobs.append(job)

    def write(self, change) -> Future:
        assert change(None) is None  # the marker writes nothing
        future: Future = Future()
        self.writes.append(future)
        return future

    def run_jobs(self) -> None:
        jobs, self.jobs = self.jobs, []
        for job in jobs:
            job()


def test_the_loop_is_held_once_a_window_of_slices_waits_for_its_commit() -> None:
    pace, loop = FiringPace(slice_size=3, window=2), _Loop()
    assert not pace.held
    pace.slice_fired(loop.post, loop.write)
    assert not pace.held and loop.writes == []  # the marker goes behind the slice's own jobs
    pace.slice_fired(loop.post, loop.write)
    assert pace.held
    loop.run_jobs()
    assert len(loop.writes) == 2 and pace.held
    loop.writes[0].set_result(None)
    assert pace.held  # released on the loop, not on the writer's thread
    loop.run_jobs()
    assert not pace.held and pace.waiting == 1


def test_a_failed_marker_write_releases_the_loop_too() -> None:
    pace, loop = FiringPace(slice_size=3, window=1), _Loop()
    pace.slice_fired(loop.post, loop.write)
    loop.run_jobs()
    loop.writes[0].set_exception(RuntimeError("the store is closed"))
    loop.run_jobs()
    assert not pace.held and pace.waiting == 0


def test_many_overdue_timers_fire_in_small_slices_each_exactly_once(harness) -> None:
    harness.scale = 0.01  # 5 s → 50 ms
    harness.open()
    arns = [harness.start(WAIT, {"i": index}, name=f"e{index}") for index in range(23)]
    harness.close()
    time.sleep(0.1)  # every Wait is overdue when the engine comes back
    harness.store = SqliteStore(harness.data_dir)
    harness.engine = Engine(harness.store, harness.integrations, Clock(harness.scale))
    harness.engine._pace = FiringPace(slice_size=4, window=1)  # 6 slices, one in flight at a time
    harness.engine.start()
    for index, arn in enumerate(arns):
        record = harness.wait(arn)
        assert record.status == "SUCCEEDED" and record.body["output"] == f'{{"i":{index}}}'
        assert harness.event_types(arn) == ["ExecutionStarted", "WaitStateEntered", "WaitStateExited",
                                            "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]


def test_an_engine_closed_while_held_starts_again_unheld(harness) -> None:
    engine = harness.open()
    engine._pace = FiringPace(slice_size=2, window=1)
    engine._pace.waiting = 1  # a slice's release was still queued when the loop stopped
    engine.close()
    assert not engine._pace.held and engine._pace.slice_size == 2
    harness.engine = None
