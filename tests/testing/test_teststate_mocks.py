"""TestState's current request fields through boto3 and as raw JSON: stateName, variables,
context, mock (result / errorOutput, fieldValidationMode) and stateConfiguration."""

from __future__ import annotations

import json
import urllib.request

import pytest

from statewright.testing import StatewrightServer

ROLE = "arn:aws:iam::123456789012:role/test"
CHARGE = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
          "ResultSelector": {"charged.$": "$.Payload.amount"}, "ResultPath": "$.charge",
          "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 2, "BackoffRate": 3,
                     "MaxAttempts": 2}],
          "Catch": [{"ErrorEquals": ["Payment.Declined"], "Next": "Declined"}], "Next": "Done"}
MACHINE = {"StartAt": "Charge", "States": {"Charge": CHARGE, "Declined": {"Type": "Fail"},
                                           "Done": {"Type": "Succeed"}}}
LAMBDA_OK = {"StatusCode": 200, "ExecutedVersion": "$LATEST", "Payload": {"amount": 42}}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with StatewrightServer(tmp_path_factory.mktemp("teststate")) as running:
        yield running


@pytest.fixture(scope="module")
def sfn(server):
    client = server.client()
    yield client
    client.close()


def _test(sfn, **request):
    request.setdefault("roleArn", ROLE)
    return sfn.test_state(**request)


def test_boto3_sends_every_field():
    import botocore.session

    members = botocore.session.get_session().get_service_model("stepfunctions").operation_model("TestState")
    assert {"stateName", "variables", "context", "mock", "stateConfiguration"} <= set(members.input_shape.members)


def test_a_mocked_result_runs_the_state_of_a_whole_machine(sfn):
    answer = _test(sfn, definition=json.dumps(MACHINE), stateName="Charge", input='{"order": 1}',
                   mock={"result": json.dumps(LAMBDA_OK)}, inspectionLevel="DEBUG")
    assert answer["status"] == "SUCCEEDED" and answer["nextState"] == "Done"
    assert json.loads(answer["output"]) == {"order": 1, "charge": {"charged": 42}}
    inspection = answer["inspectionData"]
    assert json.loads(inspection["afterParameters"]) == {"FunctionName": "charge", "Payload": {"order": 1}}
    assert json.loads(inspection["result"]) == LAMBDA_OK
    assert json.loads(inspection["afterResultSelector"]) == {"charged": 42}
    assert json.loads(inspection["afterResultPath"]) == {"order": 1, "charge": {"charged": 42}}


def test_a_mocked_error_is_retriable_then_exhausted_then_caught(sfn):
    error = {"errorOutput": {"error": "Lambda.ServiceException", "cause": "busy"}}
    first = _test(sfn, definition=json.dumps(MACHINE), stateName="Charge", mock=error, inspectionLevel="DEBUG")
    assert (first["status"], first["error"], first["cause"]) == ("RETRIABLE", "Lambda.ServiceException", "busy")
    assert first["inspectionData"]["errorDetails"] == {"retryIndex": 0, "retryBackoffIntervalSeconds": 2}
    second = _test(sfn, definition=json.dumps(MACHINE), stateName="Charge", mock=error, inspectionLevel="DEBUG",
                   stateConfiguration={"retrierRetryCount": 1})
    assert second["inspectionData"]["errorDetails"]["retryBackoffIntervalSeconds"] == 6  # 2 × 3¹
    exhausted = _test(sfn, definition=json.dumps(MACHINE), stateName="Charge", mock=error,
                      stateConfiguration={"retrierRetryCount": 2})
    assert exhausted["status"] == "FAILED" and exhausted["error"] == "Lambda.ServiceException"
    caught = _test(sfn, definition=json.dumps(MACHINE), stateName="Charge",
                   mock={"errorOutput": {"error": "Payment.Declined", "cause": "no"}})
    assert (caught["status"], caught["nextState"]) == ("CAUGHT_ERROR", "Declined")


@pytest.mark.parametrize(("result", "mode", "problem"), [
    ({"StatusCode": "200"}, "STRICT", "$.StatusCode: must be an integer"),
    ({"Nope": 1}, "PRESENT", "$.Nope: is not a member of InvocationResponse"),
])
def test_field_validation_refuses_results_that_do_not_fit_the_api(sfn, result, mode, problem):
    with pytest.raises(sfn.exceptions.ValidationException) as refused:
        _test(sfn, definition=json.dumps(CHARGE), mock={"result": json.dumps(result), "fieldValidationMode": mode})
    assert "lambda Invoke" in str(refused.value) and problem in str(refused.value)


def test_strict_needs_the_required_members_and_none_checks_nothing(sfn):
    state = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:putItem",
             "Parameters": {"TableName": "t", "Item": {}}, "End": True}
    # PutItem's output has no required members; ListTables' neither, so use sfn:startExecution.
    start = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution",
             "Parameters": {"StateMachineArn": "x"}, "End": True}
    with pytest.raises(sfn.exceptions.ValidationException, match=r"\$.startDate: is required"):
        _test(sfn, definition=json.dumps(start), mock={"result": json.dumps({"executionArn": "a"})})
    present = _test(sfn, definition=json.dumps(start), mock={"result": json.dumps({"executionArn": "a"}),
                                                             "fieldValidationMode": "PRESENT"})
    assert present["status"] == "SUCCEEDED"
    loose = _test(sfn, definition=json.dumps(state), mock={"result": '{"anything": [1]}', "fieldValidationMode": "NONE"})
    assert json.loads(loose["output"]) == {"anything": [1]}


def test_context_and_variables_are_what_the_state_sees(sfn):
    state = {"Type": "Pass", "Parameters": {"token.$": "$$.Task.Token", "exec.$": "$$.Execution.Name"},
             "End": True}
    answer = _test(sfn, definition=json.dumps(state),
                   context=json.dumps({"Task": {"Token": "tok"}, "Execution": {"Name": "mine"}}))
    assert json.loads(answer["output"]) == {"token": "tok", "exec": "mine"}
    jsonata = {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $limit * 2 %}", "End": True}
    assert json.loads(_test(sfn, definition=json.dumps(jsonata), variables='{"limit": 21}')["output"]) == 42


def test_a_mocked_map_is_its_result_and_failures_over_the_tolerance_fail_it(sfn):
    mapped = {"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 1, "MaxConcurrency": 2,
              "ItemProcessor": {"StartAt": "Each", "States": {"Each": {"Type": "Task", "End": True,
                                                                      "Resource": "arn:aws:states:::lambda:invoke",
                                                                      "Parameters": {"FunctionName": "f"}}}},
              "ResultPath": "$.results", "End": True}
    answer = _test(sfn, definition=json.dumps(mapped), input='{"items": [1, 2]}',
                   mock={"result": "[10, 20]"}, inspectionLevel="DEBUG",
                   stateConfiguration={"mapIterationFailureCount": 1})
    assert json.loads(answer["output"]) == {"items": [1, 2], "results": [10, 20]}
    inspection = answer["inspectionData"]
    assert (inspection["toleratedFailureCount"], inspection["maxConcurrency"]) == (1, 2)
    assert json.loads(inspection["afterItemsPath"]) == [1, 2]
    over = _test(sfn, definition=json.dumps(mapped), input='{"items": [1, 2]}', mock={"result": "[10, 20]"},
                 stateConfiguration={"mapIterationFailureCount": 2})
    assert (over["status"], over["error"]) == ("FAILED", "States.ExceedToleratedFailureThreshold")


def test_a_mocked_parallel_error_names_an_inner_state(sfn):
    parallel = {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}]}
    error = {"errorOutput": {"error": "Boom", "cause": "inner"}}
    answer = _test(sfn, definition=json.dumps(parallel), mock=error, stateConfiguration={"errorCausedByState": "A"})
    assert (answer["status"], answer["error"], answer["cause"]) == ("FAILED", "Boom", "inner")
    with pytest.raises(sfn.exceptions.ValidationException, match="'B' is not inside"):
        _test(sfn, definition=json.dumps(parallel), mock=error, stateConfiguration={"errorCausedByState": "B"})


@pytest.mark.parametrize(("request_fields", "message"), [
    ({"mock": {"result": "1", "errorOutput": {"error": "E"}}}, "exactly one of result and errorOutput"),
    ({"mock": {"result": "1"}, "definition": json.dumps({"Type": "Pass", "End": True})}, "not a Pass state"),
    ({"stateConfiguration": {"retrierRetryCount": -1}}, "stateConfiguration.retrierRetryCount"),
    ({"stateConfiguration": {"mapIterationFailureCount": 1}}, "only for a Map state"),
    ({"mock": {"result": "1", "fieldValidationMode": "LOOSE"}}, "fieldValidationMode"),
])
def test_bad_requests_are_validation_errors_over_raw_json(server, request_fields, message):
    body = {"definition": json.dumps(CHARGE), "roleArn": ROLE, **request_fields}
    request = urllib.request.Request(server.endpoint, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions.TestState"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    answer = json.loads(refused.value.read())
    refused.value.close()
    assert answer["__type"].endswith("ValidationException") and message in answer["message"]


def test_raw_json_mock_and_configuration_are_read(server):
    body = {"definition": json.dumps(MACHINE), "stateName": "Charge", "roleArn": ROLE,
            "mock": {"errorOutput": {"error": "Lambda.ServiceException", "cause": "c"}},
            "stateConfiguration": {"retrierRetryCount": 2}}
    request = urllib.request.Request(server.endpoint, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions.TestState"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.loads(answer.read())["status"] == "FAILED"
