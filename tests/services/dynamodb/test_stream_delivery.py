"""Stream records delivered to a function, as an event source mapping does (AWS developer guide,
"Using AWS Lambda with Amazon DynamoDB"). The function side is a recording `FunctionInvoker`
(the contract Lambda implements), answering as a handler would."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from statewright.services.common import AwsError, InvokeResult, RequestContext
from statewright.services.dynamodb import DynamoDbService

CONTEXT = RequestContext()


class RecordingFunction:
    """Collects the events it is invoked with; `answer` decides each invocation's result;
    `others` answer for other function names."""

    def __init__(self, answer: Callable[[dict], InvokeResult] | None = None,
                 others: dict[str, RecordingFunction] | None = None) -> None:
        self.events: list[dict] = []
        self.answer = answer or (lambda event: InvokeResult(200, b"null"))
        self.others = others or {}

    def invoke(self, function, payload, context, *, qualifier=None, invocation_type="RequestResponse", log_tail=False):
        if function in self.others:
            return self.others[function].invoke(function, payload, context)
        event = json.loads(payload)
        self.events.append(event)
        return self.answer(event)


@pytest.fixture
def service(tmp_path):
    service = DynamoDbService(tmp_path, ttl_interval=0)
    service.handle("CreateTable", {"TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
                                   "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                   "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                                   "StreamSpecification": {"StreamEnabled": True,
                                                           "StreamViewType": "NEW_AND_OLD_IMAGES"}}, CONTEXT)
    yield service
    service.close()


def put(service, key: str) -> None:
    service.handle("PutItem", {"TableName": "orders", "Item": {"pk": {"S": key}}}, CONTEXT)


def stream_arn(service) -> str:
    return service.handle("DescribeTable", {"TableName": "orders"}, CONTEXT)["Table"]["LatestStreamArn"]


def keys_of(event: dict) -> list[str]:
    return [record["dynamodb"]["Keys"]["pk"]["S"] for record in event["Records"]]


def test_batches_from_latest_with_the_documented_shape(service):
    put(service, "before")
    function = RecordingFunction()
    delivery = service.deliver_streams(function, poll_interval=3600)  # polled by hand below
    delivery.add_mapping("m1", stream_arn(service), "handler", CONTEXT, batch_size=2)
    for key in ("a", "b", "c"):
        put(service, key)
    assert delivery.poll_once() == 2
    assert delivery.poll_once() == 1
    assert delivery.poll_once() == 0
    assert [keys_of(event) for event in function.events] == [["a", "b"], ["c"]]  # not "before": LATEST
    record = function.events[0]["Records"][0]
    assert record["eventSource"] == "aws:dynamodb" and record["eventName"] == "INSERT"
    assert record["eventSourceARN"] == stream_arn(service)
    assert record["dynamodb"]["NewImage"] == {"pk": {"S": "a"}}
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"


def test_failed_batches_are_retried_then_skipped(service):
    answers = iter([InvokeResult(200, b'{"errorMessage": "boom"}', function_error="Unhandled")] * 2)
    always_failing = RecordingFunction(lambda event: InvokeResult(200, b"{}", function_error="Unhandled"))
    function = RecordingFunction(lambda event: next(answers, InvokeResult(200, b"null")),
                                 others={"failing": always_failing})
    delivery = service.deliver_streams(function, poll_interval=3600)
    delivery.add_mapping("retry", stream_arn(service), "handler", CONTEXT, starting_position="TRIM_HORIZON")
    put(service, "x")
    assert [delivery.poll_once() for _ in range(3)] == [0, 0, 1]  # two failures, then delivered
    assert [keys_of(event) for event in function.events] == [["x"]] * 3

    delivery.add_mapping("bounded", stream_arn(service), "failing", CONTEXT, starting_position="TRIM_HORIZON",
                         maximum_retry_attempts=1)
    polls = [delivery.poll_once() for _ in range(3)]
    assert len(always_failing.events) == 2  # the first try and one retry; then the batch is skipped
    assert polls == [0, 1, 0]


def test_report_batch_item_failures_checkpoints_before_the_failure(service):
    def answer(event: dict) -> InvokeResult:
        second = event["Records"][1]["dynamodb"]["SequenceNumber"] if len(event["Records"]) > 1 else None
        failures = [{"itemIdentifier": second}] if second and len(calls) == 1 else []
        return InvokeResult(200, json.dumps({"batchItemFailures": failures}).encode())

    calls: list[int] = []
    function = RecordingFunction(lambda event: (calls.append(1), answer(event))[1])
    delivery = service.deliver_streams(function, poll_interval=3600)
    delivery.add_mapping("partial", stream_arn(service), "handler", CONTEXT, starting_position="TRIM_HORIZON",
                         report_batch_item_failures=True)
    for key in ("p1", "p2", "p3"):
        put(service, key)
    assert delivery.poll_once() == 1  # p1 done; p2 failed
    assert delivery.poll_once() == 2  # from p2 again
    assert [keys_of(event) for event in function.events] == [["p1", "p2", "p3"], ["p2", "p3"]]


def test_positions_survive_a_restart(tmp_path):
    service = DynamoDbService(tmp_path, ttl_interval=0)
    service.handle("CreateTable", {"TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
                                   "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                   "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                                   "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}},
                   CONTEXT)
    arn = stream_arn(service)
    first = RecordingFunction()
    service.deliver_streams(first, poll_interval=3600).add_mapping("keep", arn, "f", CONTEXT,
                                                                   starting_position="TRIM_HORIZON")
    put(service, "one")
    service.delivery.poll_once()
    put(service, "two")
    service.close()

    service = DynamoDbService(tmp_path, ttl_interval=0)
    try:
        second = RecordingFunction()
        delivery = service.deliver_streams(second, poll_interval=3600)
        delivery.add_mapping("keep", arn, "f", CONTEXT, starting_position="TRIM_HORIZON")
        delivery.poll_once()
        assert [keys_of(event) for event in first.events + second.events] == [["one"], ["two"]]
    finally:
        service.close()


def test_bad_mappings_are_refused(service):
    delivery = service.deliver_streams(RecordingFunction(), poll_interval=3600)
    with pytest.raises(AwsError):
        delivery.add_mapping("bad", stream_arn(service), "f", CONTEXT, starting_position="AT_TIMESTAMP")
    with pytest.raises(AwsError):
        delivery.add_mapping("none", stream_arn(service) + "x", "f", CONTEXT)


def test_the_background_poller_delivers(service):
    import time

    function = RecordingFunction()
    delivery = service.deliver_streams(function, poll_interval=0.02)
    delivery.add_mapping("bg", stream_arn(service), "f", CONTEXT)
    put(service, "live")
    deadline = time.monotonic() + 10
    while not function.events and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [keys_of(event) for event in function.events] == [["live"]]
