"""Lambda's API operations on the service: CreateFunction from a zip, UpdateFunctionCode,
GetFunction(Configuration), ListFunctions pages, DeleteFunction, ListTags, persistence."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest

from statewright.services.awslambda import LambdaService
from statewright.services.common import AwsError

from .conftest import CONTEXT

ROLE = "arn:aws:iam::123456789012:role/lambda-role"


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def create(service, name="made", text="def handler(event, context):\n    return {'v': 1}\n", **extra):
    return service.handle("CreateFunction", {
        "FunctionName": name, "Runtime": "python3.11", "Role": ROLE, "Handler": "main.handler",
        "Code": {"ZipFile": zip_of({"main.py": text})}, **extra}, CONTEXT)


def call(service, operation, **input):
    return service.handle(operation, input, CONTEXT)


def test_create_function_from_a_zip_then_invoke_it(service):
    made = create(service, Environment={"Variables": {"K": "v"}}, Timeout=9, MemorySize=512,
                  Tags={"team": "orders"})
    assert made["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:made"
    assert made["Timeout"] == 9 and made["MemorySize"] == 512 and made["Role"] == ROLE
    assert made["Environment"] == {"Variables": {"K": "v"}}
    assert made["State"] == "Active" and made["PackageType"] == "Zip"
    assert made["CodeSize"] > 0 and len(base64.b64decode(made["CodeSha256"])) == 32
    result = call(service, "Invoke", FunctionName="made", Payload=b"{}")
    assert json.loads(result["Payload"]) == {"v": 1}


def test_creating_an_existing_function_is_a_conflict(service):
    create(service)
    with pytest.raises(AwsError) as raised:
        create(service)
    assert (raised.value.code, raised.value.status) == ("ResourceConflictException", 409)
    assert raised.value.message == "Function already exist: made"


@pytest.mark.parametrize(("change", "code", "text"), [
    ({"Role": "not-a-role"}, "ValidationException", "at 'role' failed to satisfy constraint"),
    ({"Handler": None}, "InvalidParameterValueException", "Runtime and Handler are mandatory"),
    ({"Code": {"ZipFile": b"not a zip"}}, "InvalidParameterValueException", "Could not unzip uploaded file"),
    ({"Timeout": 901}, "ValidationException", "at 'timeout' failed to satisfy constraint"),
    ({"FunctionName": "bad name!"}, "ValidationException", "at 'functionName' failed to satisfy constraint"),
])
def test_bad_create_function_requests_get_lambdas_errors(service, change, code, text):
    request = {"FunctionName": "made", "Runtime": "python3.11", "Role": ROLE, "Handler": "main.handler",
               "Code": {"ZipFile": zip_of({"main.py": "x = 1\n"})}}
    request.update(change)
    with pytest.raises(AwsError) as raised:
        call(service, "CreateFunction", **request)
    assert raised.value.code == code
    assert text in raised.value.message


def test_a_zip_member_leaving_the_code_directory_is_refused(service):
    with pytest.raises(AwsError) as raised:
        call(service, "CreateFunction", FunctionName="made", Runtime="python3.11", Role=ROLE,
             Handler="main.handler", Code={"ZipFile": zip_of({"../escape.py": "x = 1\n"})})
    assert raised.value.code == "InvalidParameterValueException"


def test_update_function_code_replaces_the_code_and_recycles_workers(service):
    first = create(service)
    call(service, "Invoke", FunctionName="made", Payload=b"{}")
    updated = call(service, "UpdateFunctionCode", FunctionName="made",
                   ZipFile=zip_of({"main.py": "def handler(event, context):\n    return {'v': 2}\n"}))
    assert updated["CodeSha256"] != first["CodeSha256"]
    result = call(service, "Invoke", FunctionName="made", Payload=b"{}")
    assert json.loads(result["Payload"]) == {"v": 2}


def test_get_function_and_its_configuration(service, define):
    define({"app.py": "def handler(e, c):\n    return 1\n"}, tags={"a": "b"}, reserved_concurrency=5,
           environment={"X": "1"})
    got = call(service, "GetFunction", FunctionName="fn")
    assert got["Configuration"]["FunctionName"] == "fn"
    assert got["Configuration"]["Handler"] == "app.handler"
    assert got["Tags"] == {"a": "b"}
    assert got["Concurrency"] == {"ReservedConcurrentExecutions": 5}
    assert call(service, "GetFunctionConfiguration", FunctionName="fn") == got["Configuration"]


def test_a_missing_function_is_resource_not_found_with_lambdas_message(service):
    for operation in ("GetFunction", "GetFunctionConfiguration", "DeleteFunction", "Invoke"):
        with pytest.raises(AwsError) as raised:
            call(service, operation, FunctionName="nope")
        assert (raised.value.code, raised.value.status) == ("ResourceNotFoundException", 404)
        assert raised.value.message == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"


def test_list_functions_pages_with_markers(service):
    for index in range(5):
        create(service, name=f"fn-{index}")
    names: list[str] = []
    marker = None
    pages = 0
    while True:
        page = call(service, "ListFunctions", MaxItems=2, **({"Marker": marker} if marker else {}))
        pages += 1
        names += [f["FunctionName"] for f in page["Functions"]]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert names == [f"fn-{i}" for i in range(5)]
    assert pages == 3


def test_delete_function_then_it_is_gone(service):
    create(service)
    assert call(service, "DeleteFunction", FunctionName="made") == {}
    with pytest.raises(AwsError):
        call(service, "GetFunction", FunctionName="made")
    assert call(service, "ListFunctions")["Functions"] == []


def test_list_tags_by_function_arn(service):
    create(service, Tags={"team": "orders"})
    tags = call(service, "ListTags", Resource="arn:aws:lambda:us-east-1:123456789012:function:made")
    assert tags == {"Tags": {"team": "orders"}}


def test_created_functions_survive_a_restart_and_template_ones_do_not(tmp_path, define, service):
    create(service)
    define({"app.py": "def handler(e, c):\n    return 1\n"}, name="from-template")
    service.close()
    again = LambdaService(tmp_path / "data", "http://127.0.0.1:4599")
    try:
        assert again.function_names() == ["made"]
        result = again.handle("Invoke", {"FunctionName": "made", "Payload": b"{}"}, CONTEXT)
        assert json.loads(result["Payload"]) == {"v": 1}
    finally:
        again.close()


def test_an_unknown_operation_is_refused(service):
    with pytest.raises(AwsError) as raised:
        call(service, "PublishLayerVersion")
    assert "PublishLayerVersion" in raised.value.message


def test_every_answer_fits_botocores_output_shapes(service, define):
    """What the protocol layer will serialize: each operation's output against the lambda model."""
    import botocore.session
    from botocore.validate import ParamValidator

    model = botocore.session.get_session().get_service_model("lambda")
    define({"app.py": "def handler(e, c):\n    return {'ok': True}\n"}, tags={"a": "b"}, reserved_concurrency=3,
           layers=("/opt/layer",), environment={"X": "1"})
    create(service, Tags={"t": "v"})
    arn = "arn:aws:lambda:us-east-1:123456789012:function:made"
    outputs = {
        "Invoke": call(service, "Invoke", FunctionName="fn", Payload=b"{}", LogType="Tail"),
        "GetFunction": call(service, "GetFunction", FunctionName="fn"),
        "GetFunctionConfiguration": call(service, "GetFunctionConfiguration", FunctionName="made"),
        "ListFunctions": call(service, "ListFunctions", MaxItems=1),
        "UpdateFunctionCode": call(service, "UpdateFunctionCode", FunctionName="made",
                                   ZipFile=zip_of({"main.py": "x = 1\n"})),
        "ListTags": call(service, "ListTags", Resource=arn),
        "DeleteFunction": call(service, "DeleteFunction", FunctionName="made"),
    }
    # A layer given only as a folder is listed under an ARN named after it, never the path.
    assert outputs["GetFunction"]["Configuration"]["Layers"] == [
        {"Arn": "arn:aws:lambda:us-east-1:123456789012:layer:layer:1", "CodeSize": 0}]
    for operation, output in outputs.items():
        shape = model.operation_model(operation).output_shape
        if shape is None:
            assert output == {}
            continue
        report = ParamValidator().validate(output, shape)
        assert not report.has_errors(), f"{operation}: {report.generate_report()}"
        assert set(output) <= set(shape.members), operation
