"""The AWS endpoint calls a service on a worker thread, or on the event loop for the requests
the service says it answers there (LoopService); request ids are unique and AWS-shaped."""

from __future__ import annotations

import re
import threading
from typing import Any

from tests.loops import run_coroutine

from statewright.edge.aws import AwsEndpoint, RequestIds
from statewright.services.common import RequestContext
from statewright.services.common.platform import Settings

UUID_SHAPE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Recorder:
    """A service that answers with the thread it ran on; `Fast` may be answered on the loop."""

    name = "stepfunctions"

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        return {"thread": threading.get_ident(), "how": "handle"}

    def answers_on_loop(self, operation: str, input: dict[str, Any]) -> bool:
        return operation == "Fast" and not input.get("slow")

    async def handle_async(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        return {"thread": threading.get_ident(), "how": "handle_async"}

    def is_long(self, operation: str) -> bool:
        return False

    def close(self) -> None:
        pass


def _called(operation: str, payload: dict[str, Any]) -> tuple[dict[str, Any], int]:
    endpoint = AwsEndpoint(lambda: {}, Settings())

    async def call() -> tuple[dict[str, Any], int]:
        return await endpoint._call(Recorder(), operation, payload, RequestContext()), threading.get_ident()

    return run_coroutine(call)


def test_a_request_the_service_answers_on_the_loop_takes_no_thread():
    answer, loop_thread = _called("Fast", {})
    assert answer == {"thread": loop_thread, "how": "handle_async"}


def test_other_requests_run_on_a_worker_thread():
    for operation, payload in (("Slow", {}), ("Fast", {"slow": True})):
        answer, loop_thread = _called(operation, payload)
        assert answer["how"] == "handle" and answer["thread"] != loop_thread


def test_request_ids_are_unique_and_shaped_like_uuids():
    ids = RequestIds()
    made = [ids.next() for _ in range(1000)]
    assert len(set(made)) == 1000
    assert all(UUID_SHAPE.match(made_id) for made_id in made)
    assert RequestIds().next()[:24] != made[0][:24]  # another server, another prefix
