"""Alias routing draws from the service's injected random source: at uneven weights each start
goes to the version that source picks (so the choice is testable, not only at 100 %)."""

from __future__ import annotations

import json
import random

from statewright.runtime import Runtime, RuntimeConfig
from statewright.services.common import RequestContext
from statewright.services.common.platform import Settings

ROLE = "arn:aws:iam::123456789012:role/test"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def test_alias_routing_follows_the_injected_random_source(tmp_path):
    seed = 20261130
    config = RuntimeConfig(Settings(data_dir=tmp_path), seed=seed)
    context = RequestContext()
    with Runtime(config) as runtime:
        sfn = runtime.services["stepfunctions"]
        machine = sfn.handle("CreateStateMachine", {"name": "m", "definition": PASS, "roleArn": ROLE,
                                                    "publish": True}, context)
        first = machine["stateMachineVersionArn"]
        second = sfn.handle("UpdateStateMachine", {"stateMachineArn": machine["stateMachineArn"],
                                                   "definition": PASS.replace('"P"', '"Q"'), "publish": True},
                            context)["stateMachineVersionArn"]
        routes = [{"stateMachineVersionArn": first, "weight": 70},
                  {"stateMachineVersionArn": second, "weight": 30}]
        alias = sfn.handle("CreateStateMachineAlias", {"name": "live", "routingConfiguration": routes},
                           context)["stateMachineAliasArn"]
        started = [sfn.handle("StartExecution", {"stateMachineArn": alias}, context)["executionArn"]
                   for _ in range(200)]
        versions = [sfn.handle("DescribeExecution", {"executionArn": arn}, context)["stateMachineVersionArn"]
                    for arn in started]
    # The same seed drawn the same way gives the same choices: the service used the injected source.
    replay = random.Random(seed)
    expected = [replay.choices(routes, weights=[70, 30])[0]["stateMachineVersionArn"] for _ in started]
    assert versions == expected
    assert 0 < versions.count(second) < versions.count(first)
