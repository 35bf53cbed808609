"""Usage plans metering API keys: quota periods (DAY, WEEK from Sunday, MONTH, with offsets),
quota and throttle refusals, keys that are disabled or not opened to the stage."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from statewright.services.apigateway.stacks import usage_plans_from_stack
from statewright.services.apigateway.types import ApiKey, UsagePlan
from statewright.services.apigateway.usage_plans import Meter, period_start
from statewright.services.common import AwsError
from statewright.template.stack import StackResource


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


@pytest.mark.parametrize(("period", "offset", "now", "start"), [
    ("DAY", 0, "2026-11-30T16:05:00", "2026-11-30T00:00:00"),
    ("WEEK", 0, "2026-11-30T16:05:00", "2026-11-29T00:00:00"),  # a Monday: the week began on Sunday
    ("WEEK", 0, "2026-11-29T00:00:00", "2026-11-29T00:00:00"),
    ("WEEK", 1, "2026-11-30T16:05:00", "2026-11-30T00:00:00"),  # offset 1: weeks start on Monday
    ("WEEK", 2, "2026-11-30T16:05:00", "2026-11-24T00:00:00"),  # Tuesday's start is still ahead
    ("MONTH", 0, "2026-11-30T16:05:00", "2026-11-01T00:00:00"),
    ("MONTH", 9, "2026-11-30T16:05:00", "2026-11-10T00:00:00"),
    ("MONTH", 9, "2026-11-05T16:05:00", "2026-10-10T00:00:00"),
    ("MONTH", 0, "2027-01-01T00:00:00", "2027-01-01T00:00:00"),
])
def test_period_start(period, offset, now, start):
    assert period_start(period, offset, at(now)) == at(start)


KEY = ApiKey("k1", "key", "v" * 40, stages=frozenset({("api", "dev")}), plans=("p1",))


def plan(**limits) -> UsagePlan:
    return UsagePlan("p1", "plan", frozenset({("api", "dev")}), **limits)


def refusal(answer) -> tuple[int, str] | None:
    return None if answer is None else (answer.status, json.loads(answer.body)["message"])


def test_quota_runs_out_and_comes_back_next_period():
    now = [at("2026-11-30T23:59:00")]
    meter = Meter(clock=lambda: now[0])
    plans = [plan(quota_limit=2)]
    assert [refusal(meter.admit(KEY, plans, "api", "dev")) for _ in range(3)] == [None, None, (429, "Limit Exceeded")]
    now[0] = at("2026-12-01T00:00:01")
    assert meter.admit(KEY, plans, "api", "dev") is None


def test_throttle_allows_a_burst_then_the_rate():
    now = [1000.0]
    meter = Meter(clock=lambda: now[0])
    plans = [plan(rate_limit=2.0, burst_limit=3)]
    answers = [refusal(meter.admit(KEY, plans, "api", "dev")) for _ in range(4)]
    assert answers == [None, None, None, (429, "Too Many Requests")]
    now[0] += 0.5  # one more token at 2 per second
    assert meter.admit(KEY, plans, "api", "dev") is None
    assert refusal(meter.admit(KEY, plans, "api", "dev")) == (429, "Too Many Requests")


def test_keys_that_do_not_open_the_stage_are_forbidden():
    meter = Meter()
    assert refusal(meter.admit(None, [], "api", "dev")) == (403, "Forbidden")
    assert refusal(meter.admit(KEY, [], "api", "prod")) == (403, "Forbidden")
    disabled = ApiKey("k2", "off", "x" * 40, enabled=False, stages=frozenset({("api", "dev")}))
    assert refusal(meter.admit(disabled, [], "api", "dev")) == (403, "Forbidden")


def test_plans_of_other_stages_or_keys_do_not_meter():
    meter = Meter()
    other_stage = UsagePlan("p1", "plan", frozenset({("api", "prod")}), quota_limit=0)
    other_plan = UsagePlan("p9", "plan", frozenset({("api", "dev")}), quota_limit=0)
    assert meter.admit(KEY, [other_stage, other_plan], "api", "dev") is None
    assert refusal(meter.admit(KEY, [plan(quota_limit=0)], "api", "dev")) == (429, "Limit Exceeded")


class Stack:
    """The part of a loaded template that usage_plans_from_stack reads."""

    def __init__(self, *resources: StackResource) -> None:
        self.resources = list(resources)

    def of_type(self, kind: str) -> list[StackResource]:
        return [r for r in self.resources if r.type == kind]


def usage_plan_resource(**props) -> StackResource:
    return StackResource("Plan", "AWS::ApiGateway::UsagePlan", props, "plan-1", {})


def test_usage_plans_from_a_template():
    stack = Stack(usage_plan_resource(UsagePlanName="gold", ApiStages=[{"ApiId": "api", "Stage": "dev"}],
                                      Quota={"Limit": "500", "Period": "week", "Offset": 1},
                                      Throttle={"RateLimit": "2.5", "BurstLimit": 5}))
    [made] = usage_plans_from_stack(stack)
    assert made == UsagePlan("plan-1", "gold", frozenset({("api", "dev")}), 500, "WEEK", 1, 2.5, 5)
    assert usage_plans_from_stack(Stack(usage_plan_resource())) == [UsagePlan("plan-1", "plan-1")]


@pytest.mark.parametrize(("props", "field"), [
    ({"Quota": {"Limit": "lots"}}, "Quota.Limit: 'lots' is not a number"),
    ({"Quota": {"Limit": 1, "Period": "YEAR"}}, "Quota.Period: 'YEAR' is not DAY, WEEK or MONTH"),
    ({"Throttle": {"RateLimit": "fast"}}, "Throttle.RateLimit: 'fast' is not a number"),
])
def test_bad_usage_plans_are_named(props, field):
    with pytest.raises(AwsError) as raised:
        usage_plans_from_stack(Stack(usage_plan_resource(**props)))
    assert raised.value.message == f"UsagePlan plan-1: {field}"
