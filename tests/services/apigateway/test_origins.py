"""Direct Step Functions integrations record the API request that started each execution, and
`GET /_statewright/execution-origin` answers it (services/apigateway/origins.py, edge/origins.py)."""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path
from typing import Any

import boto3
import pytest
from tests.e2e.server import ThreadServer, free_port

from statewright.runtime import RuntimeConfig
from statewright.services.apigateway.origins import ORIGIN_KIND, function_name, trace_header, trace_root
from statewright.services.common.platform import Settings

from .conftest import send
from .test_service import http, rest


def origin(server: Any, execution_arn: str) -> Any:
    """The recorded origin (the record is committed just after the API answers: poll briefly)."""
    url = f"{server.endpoint}/_statewright/execution-origin?executionArn={urllib.parse.quote(execution_arn, safe='')}"
    deadline = time.monotonic() + 5
    while True:
        answer = send(url)
        assert answer.status == 200
        found = answer.json()["origin"]
        if found is not None or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_rest_start_execution_records_its_request(server, rest_id):
    answer = send(rest(server, rest_id, "/orders"), "POST", b'{"id": "o-9"}', {"Content-Type": "application/json"})
    assert answer.status == 200
    arn = answer.json()["executionArn"]
    found = origin(server, arn)
    assert found is not None
    assert found["apiId"] == rest_id and found["protocol"] == "REST" and found["stage"] == "dev"
    assert found["routeKey"] == "POST /orders" and found["httpMethod"] == "POST" and found["path"] == "/orders"
    assert found["requestId"] == answer.headers["x-amzn-RequestId"]
    assert found["executionArn"] == arn
    assert abs(found["requestTimeEpoch"] / 1000 - time.time()) < 60
    assert found["apiName"]


def test_http_api_subtype_records_its_request(server, http_id):
    answer = send(http(server, http_id, "/workflow"), "POST", b'{"order": 7}', {"Content-Type": "application/json"})
    assert answer.status == 200
    found = origin(server, answer.json()["executionArn"])
    assert found is not None
    assert (found["apiId"], found["protocol"], found["stage"]) == (http_id, "HTTP", "$default")
    assert found["routeKey"] == "POST /workflow"
    assert found["requestId"] == answer.headers["apigw-requestid"]


def test_the_record_is_a_stored_resource_under_the_execution(server, rest_id):
    answer = send(rest(server, rest_id, "/orders"), "POST", b'{"id": "o-10"}', {"Content-Type": "application/json"})
    arn = answer.json()["executionArn"]
    assert origin(server, arn) is not None
    stored = server.runtime.store.list_resources(ORIGIN_KIND, arn, service="apigateway")
    assert len(stored) == 1 and stored[0].arn.startswith(f"arn:aws:apigateway:us-east-1::/restapis/{rest_id}/")


def test_an_execution_started_through_step_functions_has_no_origin(server, rest_id):
    sfn = boto3.client("stepfunctions", endpoint_url=server.endpoint, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    machine = next(m for m in sfn.list_state_machines()["stateMachines"] if m["name"].startswith("OrdersStateMachine"))
    arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input="{}")["executionArn"]
    url = f"{server.endpoint}/_statewright/execution-origin?executionArn={urllib.parse.quote(arn, safe='')}"
    assert send(url).json() == {"origin": None}


def test_a_missing_arn_is_a_validation_error(server):
    answer = send(f"{server.endpoint}/_statewright/execution-origin?executionArn=nope")
    assert answer.status == 400
    assert answer.json()["__type"] == "ValidationException" and "executionArn" in answer.json()["message"]


def test_origins_are_kept_in_the_store_and_go_with_a_step_functions_reset(tmp_path):
    from statewright.edge.reset import reset_stepfunctions
    from statewright.runtime import Runtime

    runtime = Runtime(RuntimeConfig(Settings(data_dir=tmp_path / "data")))
    runtime.open()
    try:
        origins = runtime.services["apigateway"].origins
        arn = "arn:aws:states:eu-west-1:123456789012:execution:m:e-1"
        request = {"apiId": "a1", "stage": "dev", "routeKey": "POST /x", "requestId": "r-1", "requestTimeEpoch": 5}
        origins.record(arn, request, "orders", "REST").result(10)
        found = origins.get(arn)
        assert found == {**request, "apiName": "orders", "protocol": "REST", "executionArn": arn}
        assert origins.get(arn.replace("e-1", "e-2")) is None
        stored = runtime.store.list_resources(ORIGIN_KIND, arn, service="apigateway")
        assert stored[0].arn == "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/dev/requests/r-1"
        reset_stepfunctions(runtime)
        assert origins.get(arn) is None
    finally:
        runtime.close()


# --- a Lambda function the request invoked starts the execution -----------------------------------------------
LAMBDA_START = Path(__file__).parent / "lambda_start" / "template.yaml"


@pytest.fixture(scope="module")
def lambda_start(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("lambda-start"), port=free_port())
    config = RuntimeConfig(settings, template=LAMBDA_START, stack_name="lambda-start", run_lint=False)
    with ThreadServer(config) as running:
        yield running


@pytest.mark.parametrize(("logical", "stage", "protocol", "header"), [
    ("ServerlessHttpApi", "$default", "HTTP", "apigw-requestid"),
    ("ServerlessRestApi", "Prod", "REST", "x-amzn-RequestId"),
])
def test_an_execution_a_function_started_traces_back_to_the_request(lambda_start, logical, stage, protocol, header):
    ids = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in boto3.client(
        "cloudformation", endpoint_url=lambda_start.endpoint, region_name="us-east-1", aws_access_key_id="test",
        aws_secret_access_key="test").list_stack_resources(StackName="lambda-start")["StackResourceSummaries"]}
    url = f"{lambda_start.endpoint}/restapis/{ids[logical]}/{stage}/_user_request_/start"
    answer = send(url, "POST", b'{"n": 1}', {"Content-Type": "application/json"})
    assert answer.status == 200, answer.body
    arn = answer.json()["executionArn"]
    # The function's SDK sent API Gateway's trace on: Step Functions kept it.
    sfn = boto3.client("stepfunctions", endpoint_url=lambda_start.endpoint, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    request_id = answer.headers[header]
    assert request_id.replace("-", "")[:24] in sfn.describe_execution(executionArn=arn)["traceHeader"]
    found = origin(lambda_start, arn)
    assert found is not None
    assert (found["apiId"], found["stage"], found["protocol"]) == (ids[logical], stage, protocol)
    assert found["routeKey"] == "POST /start" and found["requestId"] == request_id
    assert found["functionName"] == ids["StartFunction"] and found["executionArn"] == arn


def test_trace_headers_name_their_request():
    header = trace_header({"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "requestTimeEpoch": 1_700_000_000_123})
    assert header == f"Root=1-{1_700_000_000:08x}-c6af9ac67b6111e69a4193e8;Sampled=0"
    assert trace_root(header + ";Parent=abc") == f"1-{1_700_000_000:08x}-c6af9ac67b6111e69a4193e8"
    assert trace_root("Sampled=1") is None
    assert function_name("arn:aws:lambda:us-east-1:123456789012:function:f:live") == "f"
    assert function_name("plain") == "plain"


# --- traced requests are kept in the store -----------------------------------------------------------------
def _settled(runtime: Any, *origins: Any) -> None:
    """Writes what `origins` hold back, then waits for the writes queued (one writer, in order)."""
    for each in origins:
        each.flush()
    runtime.store.write(lambda tx: None).result(10)


def _request(n: int) -> dict[str, Any]:
    return {"apiId": "h1", "stage": "$default", "routeKey": "POST /start", "requestId": f"0000000{n}-aaaa-bbbb-cccc",
            "requestTimeEpoch": 1_700_000_000_000 + n}


def test_a_traced_request_outlives_a_restart_and_then_its_execution_keeps_it(tmp_path):
    from statewright.runtime import Runtime
    from statewright.services.apigateway.origins import TRACE_KIND

    arn = "arn:aws:states:us-east-1:123456789012:execution:m:e-1"
    first = Runtime(RuntimeConfig(Settings(data_dir=tmp_path / "data")))
    first.open()
    try:
        header = first.services["apigateway"].origins.invoked(_request(1), "orders", "HTTP", "starter")
    finally:
        first.close()  # closing writes what is held back
    store_only = Runtime(RuntimeConfig(Settings(data_dir=tmp_path / "data")))
    store_only.open()
    try:
        [stored] = store_only.store.list_resources(TRACE_KIND, trace_root(header), service="apigateway")
        assert stored.arn == "arn:aws:apigateway:us-east-1::/apis/h1/stages/$default/requests/00000001-aaaa-bbbb-cccc/trace"
    finally:
        store_only.close()
    again = Runtime(RuntimeConfig(Settings(data_dir=tmp_path / "data")))
    again.open()
    try:
        origins = again.services["apigateway"].origins
        found = origins.get(arn, header)
        assert found == {**_request(1), "apiName": "orders", "protocol": "HTTP", "functionName": "starter",
                         "executionArn": arn}
        _settled(again, origins)
        # Linked once, the request is the execution's origin: found without the trace from now on.
        assert origins.get(arn) == found
        assert origins.get(arn.replace("e-1", "e-2"), header.replace("Root=1-", "Root=1-f")) is None
    finally:
        again.close()


def test_only_the_latest_traced_requests_are_kept(tmp_path):
    from statewright.runtime import Runtime
    from statewright.services.apigateway.origins import TRACE_KIND, WRITE_EVERY, ExecutionOrigins

    runtime = Runtime(RuntimeConfig(Settings(data_dir=tmp_path / "data")))
    runtime.open()
    try:
        origins = ExecutionOrigins(runtime.store, time.time, recent=2, region="us-east-1")
        headers = [origins.invoked(_request(n), "orders", "REST", "starter") for n in range(3)]
        _settled(runtime, origins)
        kept = {r.name for r in runtime.store.list_resources(TRACE_KIND, service="apigateway")}
        assert kept == {trace_root(h) for h in headers[1:]}
        assert origins.get("arn:aws:states:us-east-1:123456789012:execution:m:x", headers[0]) is None
        # Another instance on the same store starts from what is stored, and keeps the bound.
        later = ExecutionOrigins(runtime.store, time.time, recent=2, region="us-east-1")
        assert later.get("arn:aws:states:us-east-1:123456789012:execution:m:y", headers[2]) is not None
        later.invoked(_request(3), "orders", "REST", "starter")
        _settled(runtime, later)
        kept = {r.name for r in runtime.store.list_resources(TRACE_KIND, service="apigateway")}
        assert kept == {trace_root(headers[2]), trace_root(trace_header(_request(3)))}
        # Written in batches: a full batch goes without being asked.
        batch = [later.invoked(_request(n), "orders", "REST", "starter") for n in range(10, 10 + WRITE_EVERY)]
        _settled(runtime)
        kept = {r.name for r in runtime.store.list_resources(TRACE_KIND, service="apigateway")}
        assert kept == {trace_root(h) for h in batch[-2:]}
    finally:
        runtime.close()
