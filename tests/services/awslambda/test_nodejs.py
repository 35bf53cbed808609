"""Node.js handlers (where `node` is installed): CommonJS and ES modules through our bootstrap
and the same Runtime API; without `node` such functions fail clearly."""

from __future__ import annotations

import json
import shutil

import pytest

from statewright.services.common import AwsError

from .conftest import CONTEXT

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def invoke(service, payload=b'{"n": 2}'):
    result = service.handle("Invoke", {"FunctionName": "fn", "Payload": payload, "LogType": "Tail"}, CONTEXT)
    return result, json.loads(result["Payload"])


@needs_node
def test_a_commonjs_handler(service, define):
    define({"index.js": """
        exports.handler = async (event, context) => {
          console.log("doubling", event.n);
          return {doubled: event.n * 2, name: context.functionName, memory: context.memoryLimitInMB,
                  request: context.awsRequestId, remaining: context.getRemainingTimeInMillis(),
                  region: process.env.AWS_REGION, pid: process.pid};
        };
    """}, runtime="nodejs20.x", handler="index.handler", memory_size=256)
    result, body = invoke(service)
    assert "FunctionError" not in result
    assert body["doubled"] == 4 and body["name"] == "fn" and body["memory"] == "256"
    assert len(body["request"]) == 36 and 0 < body["remaining"] <= 3000
    assert body["region"] == "us-east-1"
    assert invoke(service)[1]["pid"] == body["pid"]  # warm


@needs_node
def test_an_es_module_handler(service, define):
    define({"index.mjs": """
        export const handler = async (event) => ({ok: event.n});
    """}, runtime="nodejs22.x", handler="index.handler")
    assert invoke(service)[1] == {"ok": 2}


@needs_node
def test_a_callback_handler_in_a_subfolder(service, define):
    define({"src/handlers/orders.js": """
        exports.create = (event, context, callback) => { setTimeout(() => callback(null, {id: event.n}), 5); };
    """}, runtime="nodejs20.x", handler="src/handlers/orders.create")
    assert invoke(service)[1] == {"id": 2}


@needs_node
def test_a_thrown_error_is_lambdas_node_error_json(service, define):
    define({"index.js": """
        exports.handler = async () => { throw new TypeError("wrong type"); };
    """}, runtime="nodejs20.x", handler="index.handler")
    result, body = invoke(service)
    assert result["FunctionError"] == "Unhandled"
    assert body["errorType"] == "TypeError" and body["errorMessage"] == "wrong type"
    assert body["trace"][0] == "TypeError: wrong type"


@needs_node
def test_json_logs_are_records_filtered_by_the_application_log_level(service, define, logs):
    define({"index.js": """
        exports.handler = async () => {
          console.debug("too detailed");
          console.log("routine");
          console.warn("stock low", 3);
          throw new RangeError("out of stock");
        };
    """}, runtime="nodejs20.x", handler="index.handler",
        logging_config={"LogFormat": "JSON", "ApplicationLogLevel": "WARN"})
    result, body = invoke(service)
    assert result["FunctionError"] == "Unhandled" and body["errorType"] == "RangeError"
    records = [json.loads(line) for line in logs.records[-1][2]]
    own = [r for r in records if "type" not in r]
    assert [(r["level"], r["message"]) for r in own[:1]] == [("WARN", "stock low 3")]
    assert own[0]["requestId"] == records[[r.get("type") for r in records].index("platform.start")]["record"]["requestId"]
    assert own[1]["level"] == "ERROR" and own[1]["message"]["errorType"] == "RangeError"
    assert own[1]["message"]["stackTrace"][0] == "RangeError: out of stock"
    assert len(own) == 2  # debug and log are below WARN


@needs_node
def test_a_missing_export_is_handler_not_found(service, define):
    define({"index.js": "exports.other = () => 1;\n"}, runtime="nodejs20.x", handler="index.handler")
    result, body = invoke(service)
    assert result["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.HandlerNotFound"
    assert body["errorMessage"] == "index.handler is undefined or not exported"


def test_without_node_a_nodejs_function_fails_clearly_and_python_still_runs(service, define, monkeypatch,
                                                                         tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    define({"index.js": "exports.handler = async () => 1;\n"}, runtime="nodejs20.x", handler="index.handler")
    with pytest.raises(AwsError) as raised:
        invoke(service)
    assert raised.value.code == "InvalidRuntimeException"
    assert "'node' is not installed" in raised.value.message
    define({"app.py": "def handler(e, c):\n    return 'python works'\n"}, name="py")
    result = service.handle("Invoke", {"FunctionName": "py", "Payload": b"{}"}, CONTEXT)
    assert json.loads(result["Payload"]) == "python works"
