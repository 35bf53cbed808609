"""Event (asynchronous) invocations: 202 at once, run in the background, retried twice after a
function error (retry delays scaled by the service's time scale, 1000x in these tests)."""

from __future__ import annotations

import time
from pathlib import Path

from .conftest import CONTEXT

COUNTING = {"app.py": """
    import os
    def handler(event, context):
        with open(os.environ["ATTEMPTS"], "a") as f:
            f.write(context.aws_request_id + "\\n")
        attempts = len(open(os.environ["ATTEMPTS"]).read().split())
        if attempts <= event["fail_times"]:
            raise RuntimeError(f"attempt {attempts} fails")
        return "ok"
"""}


def attempts(path: Path, expected: int) -> list[str]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        lines = path.read_text().split() if path.exists() else []
        if len(lines) >= expected:
            break
        time.sleep(0.02)
    time.sleep(0.5)  # longer than the scaled retry delays: no further attempt may come
    return path.read_text().split() if path.exists() else []


def event(service, fail_times: int) -> dict:
    return service.handle("Invoke", {"FunctionName": "fn", "InvocationType": "Event",
                                     "Payload": f'{{"fail_times": {fail_times}}}'.encode()}, CONTEXT)


def test_an_event_invocation_is_accepted_then_run(service, define, tmp_path):
    record = tmp_path / "attempts"
    define(COUNTING, environment={"ATTEMPTS": str(record)})
    result = event(service, 0)
    assert result == {"StatusCode": 202, "Payload": b""}
    assert len(attempts(record, 1)) == 1


def test_a_failing_event_is_retried_until_it_succeeds(service, define, tmp_path):
    record = tmp_path / "attempts"
    define(COUNTING, environment={"ATTEMPTS": str(record)})
    event(service, 1)
    assert len(attempts(record, 2)) == 2


def test_a_failing_event_gets_two_retries_and_no_more(service, define, tmp_path):
    record = tmp_path / "attempts"
    define(COUNTING, environment={"ATTEMPTS": str(record)})
    event(service, 10)
    seen = attempts(record, 3)
    assert len(seen) == 3
    assert len(set(seen)) == 1  # retries keep the request id, as on Lambda


def test_maximum_retry_attempts_zero_means_one_attempt(service, define, tmp_path):
    record = tmp_path / "attempts"
    define(COUNTING, environment={"ATTEMPTS": str(record)}, maximum_retry_attempts=0)
    event(service, 10)
    assert len(attempts(record, 1)) == 1


def test_a_throttled_event_waits_in_the_queue_and_runs_when_capacity_frees(service, define, tmp_path):
    record = tmp_path / "attempts"
    define(COUNTING, environment={"ATTEMPTS": str(record)}, reserved_concurrency=0)
    event(service, 0)
    time.sleep(0.3)
    assert not record.exists()
    config = service.lookup_name("fn").config
    from dataclasses import replace
    service.put_function(replace(config, reserved_concurrency=1))
    # The first throttle delays are 1 s, 2 s, 4 s... scaled 1000x: the next try comes soon.
    assert len(attempts(record, 1)) == 1
