"""One server, several regions: each request's region comes from its SigV4 credential scope, and
ARNs, listings and lookups are per region, as on AWS."""

from __future__ import annotations

from .conftest import PASS, make_machine
from .server import client


def regional(server, region: str):
    return client(server.endpoint, "stepfunctions", region)


def test_arns_carry_the_region_of_the_request(server):
    west, frankfurt = regional(server, "us-west-2"), regional(server, "eu-central-1")
    west_arn = make_machine(west, PASS)
    frankfurt_arn = make_machine(frankfurt, PASS)
    assert west_arn.startswith("arn:aws:states:us-west-2:123456789012:stateMachine:")
    assert frankfurt_arn.startswith("arn:aws:states:eu-central-1:123456789012:stateMachine:")
    west_listed = {m["stateMachineArn"] for m in west.list_state_machines()["stateMachines"]}
    assert west_arn in west_listed and frankfurt_arn not in west_listed
    execution = west.start_execution(stateMachineArn=west_arn)["executionArn"]
    assert execution.startswith("arn:aws:states:us-west-2:")


def test_partitions_follow_the_region(server):
    china = regional(server, "cn-north-1")
    arn = make_machine(china, PASS)
    assert arn.startswith("arn:aws-cn:states:cn-north-1:123456789012:stateMachine:")
