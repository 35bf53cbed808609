"""The wire fuzzer against a real server: every operation of every registered service, valid and
damaged requests; no 5xx, every error in its protocol's AWS shape, and the server still answers.

Bounded by count and time: a short run in `make test`; `make fuzz` sets STATEWRIGHT_FUZZ_REQUESTS,
STATEWRIGHT_FUZZ_SECONDS (and STATEWRIGHT_FUZZ_SEED to replay a run) for a long one.
"""

from __future__ import annotations

import json
import os
import random
import urllib.request

import pytest
from tests.e2e.server import ThreadServer, client, free_port
from tests.fuzz.fuzzer import Fuzzer
from tests.fuzz.values import Pools

from statewright.runtime import SERVICES, RuntimeConfig
from statewright.services.common.platform import Settings

ROLE = "arn:aws:iam::123456789012:role/fuzz"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("fuzz"), port=free_port(), time_scale=0.001,
                        activity_poll_seconds=0.1)
    with ThreadServer(RuntimeConfig(settings)) as running:
        yield running


def _seeded_pools(endpoint: str) -> Pools:
    """Resources for requests to find: a machine with a version and an alias, an execution, an
    activity with executions waiting on it (their ARNs are what fuzzed ARN members mostly carry)."""
    sfn = client(endpoint)
    machine = sfn.create_state_machine(name="fuzz", definition=PASS, roleArn=ROLE, publish=True)
    alias = sfn.create_state_machine_alias(name="live", routingConfiguration=[
        {"stateMachineVersionArn": machine["stateMachineVersionArn"], "weight": 100}])
    execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])
    activity = sfn.create_activity(name="fuzz-activity")
    # Executions waiting on the activity: GetActivityTask hands out real task tokens, which
    # SendTaskSuccess/Failure/Heartbeat then answer with fuzzed outputs, errors and causes.
    task = json.dumps({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": activity["activityArn"],
                                                        "End": True}}})
    waiting = sfn.create_state_machine(name="fuzz-tasks", definition=task, roleArn=ROLE)["stateMachineArn"]
    for _ in range(30):
        sfn.start_execution(stateMachineArn=waiting)
    sfn.close()
    pools = Pools()
    pools.arns += [machine["stateMachineArn"], machine["stateMachineVersionArn"], alias["stateMachineAliasArn"],
                   execution["executionArn"], activity["activityArn"]]
    return pools


SUITE_SEED = 20261130


def test_every_operation_of_every_service_survives_the_fuzzer(server, capsys):
    # The suite replays one seed, so `make test` checks the same requests every run; `make fuzz`
    # draws new seeds (STATEWRIGHT_FUZZ_RANDOM) and prints each, to replay what it finds.
    fixed = None if os.environ.get("STATEWRIGHT_FUZZ_RANDOM") else SUITE_SEED
    seed = _setting("STATEWRIGHT_FUZZ_SEED", fixed if fixed is not None else random.SystemRandom().randrange(1 << 30))
    count = _setting("STATEWRIGHT_FUZZ_REQUESTS", 400)
    seconds = _setting("STATEWRIGHT_FUZZ_SECONDS", 8)
    fuzzer = Fuzzer(server.endpoint, sorted(SERVICES), seed, _seeded_pools(server.endpoint))
    report = fuzzer.run(count, seconds)
    with capsys.disabled():
        print("\n" + report.summary())
    assert report.sent > 0
    assert report.findings == [], f"seed {seed}:\n" + "\n".join(report.findings[:20])
    # The server still answers, and still works.
    with urllib.request.urlopen(f"{server.endpoint}/health", timeout=10) as answer:
        assert answer.status == 200
    sfn = client(server.endpoint)
    arn = sfn.create_state_machine(name="after-fuzz", definition=PASS, roleArn=ROLE)["stateMachineArn"]
    assert sfn.describe_state_machine(stateMachineArn=arn)["name"] == "after-fuzz"
    sfn.close()
