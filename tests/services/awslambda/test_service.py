"""Invoking functions in real worker processes: results, context, environment, errors, init
errors, timeouts, warm reuse, concurrency, crashes, reloads, layers."""

from __future__ import annotations

import base64
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from statewright.services.common import AwsError

from .conftest import CONTEXT, write_code

ECHO = {"app.py": """
    import os
    def handler(event, context):
        print("handling", event)
        return {"event": event, "pid": os.getpid()}
"""}


def invoke(service, name="fn", payload=b"{}", **options):
    result = service.handle("Invoke", {"FunctionName": name, "Payload": payload, **options}, CONTEXT)
    return result, json.loads(result["Payload"]) if result["Payload"] else None


def test_a_handler_result_comes_back_as_the_payload(service, define):
    define(ECHO)
    result, body = invoke(service, payload=b'{"order": 7}')
    assert result["StatusCode"] == 200
    assert result["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in result
    assert body["event"] == {"order": 7}


def test_the_context_object_describes_the_function_and_the_request(service, define):
    define({"app.py": """
        def handler(event, context):
            return {"name": context.function_name, "version": context.function_version,
                    "memory": context.memory_limit_in_mb, "arn": context.invoked_function_arn,
                    "request": context.aws_request_id, "remaining": context.get_remaining_time_in_millis(),
                    "group": context.log_group_name, "stream": context.log_stream_name}
    """}, memory_size=512, timeout=7)
    _, body = invoke(service)
    assert body["name"] == "fn" and body["version"] == "$LATEST"
    assert body["memory"] == "512"
    assert body["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:fn"
    assert len(body["request"]) == 36
    assert 5000 < body["remaining"] <= 7000
    assert body["group"] == "/aws/lambda/fn"
    assert body["stream"].endswith(body["stream"][-32:]) and "[$LATEST]" in body["stream"]


def test_the_environment_has_the_templates_variables_and_lambdas_own(service, define):
    config = define({"app.py": """
        import os
        def handler(event, context):
            return dict(os.environ)
    """}, environment={"TABLE": "orders", "AWS_REGION": "ignored"}, memory_size=256)
    _, env = invoke(service)
    assert env["TABLE"] == "orders"
    assert env["AWS_REGION"] == "us-east-1" and env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "fn"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["_HANDLER"] == "app.handler"
    assert env["LAMBDA_TASK_ROOT"] == config.code_dir
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/fn"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"]
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4599"
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"] and env["AWS_SESSION_TOKEN"]
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"


def test_a_handlers_exception_is_lambdas_error_json_with_function_error_unhandled(service, define):
    define({"app.py": """
        class OrderRejected(Exception):
            pass
        def handler(event, context):
            raise OrderRejected("no stock for sku-1")
    """})
    result, body = invoke(service)
    assert result["StatusCode"] == 200
    assert result["FunctionError"] == "Unhandled"
    assert body["errorType"] == "OrderRejected"
    assert body["errorMessage"] == "no stock for sku-1"
    assert any("raise OrderRejected" in line for line in body["stackTrace"])


@pytest.mark.parametrize(("files", "handler", "error_type", "message"), [
    ({"app.py": "import not_a_module\n"}, "app.handler", "Runtime.ImportModuleError",
     "Unable to import module 'app': No module named 'not_a_module'"),
    ({"app.py": "x = 1\n"}, "app.handler", "Runtime.HandlerNotFound", "Handler 'handler' missing on module 'app'"),
    ({"app.py": "def handler(event, context)\n"}, "app.handler", "Runtime.UserCodeSyntaxError",
     "Syntax error in module 'app'"),
    ({"app.py": "x = 1\n"}, "nodot", "Runtime.MalformedHandlerName", "Bad handler 'nodot'"),
])
def test_init_errors_come_from_the_runtime_interface_client(service, define, files, handler, error_type,
                                                           message):
    define(files, handler=handler)
    for _ in range(2):  # the failed environment is replaced, and fails again
        result, body = invoke(service)
        assert result["FunctionError"] == "Unhandled"
        assert body["errorType"] == error_type
        assert body["errorMessage"].startswith(message)
    assert service.lookup_name("fn").pool.pids() == []


def test_a_slow_handler_times_out_as_on_lambda_and_its_worker_is_replaced(service, define):
    define({"app.py": """
        import os, time
        def handler(event, context):
            if event.get("sleep"):
                time.sleep(30)
            return os.getpid()
    """}, timeout=1)
    _, first_pid = invoke(service)
    started = time.monotonic()
    result, body = invoke(service, payload=b'{"sleep": true}', LogType="Tail")
    assert time.monotonic() - started < 10
    assert result["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith("Error: Task timed out after 1.00 seconds")
    assert "Task timed out after 1.00 seconds" in base64.b64decode(result["LogResult"]).decode()
    _, next_pid = invoke(service)
    assert next_pid != first_pid
    with pytest.raises(ProcessLookupError):
        os.kill(first_pid, 0)


def test_a_warm_worker_serves_the_next_invocation(service, define):
    define(ECHO)
    pids = {invoke(service)[1]["pid"] for _ in range(5)}
    assert len(pids) == 1


def test_concurrent_invocations_get_their_own_workers_within_the_reserved_concurrency(service, define):
    define({"app.py": """
        import os, time
        def handler(event, context):
            time.sleep(event.get("sleep", 0))
            return os.getpid()
    """}, reserved_concurrency=2)
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(invoke(service, payload=b'{"sleep": 1.5}')[1]))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while service.lookup_name("fn").pool.busy < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(AwsError) as raised:
        invoke(service)
    assert raised.value.code == "TooManyRequestsException"
    assert raised.value.status == 429
    assert raised.value.fields["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    for thread in threads:
        thread.join()
    assert len(set(results)) == 2


def test_zero_reserved_concurrency_throttles_every_invocation(service, define):
    define(ECHO, reserved_concurrency=0)
    with pytest.raises(AwsError) as raised:
        invoke(service)
    assert raised.value.code == "TooManyRequestsException"


def test_a_worker_killed_mid_invocation_fails_it_with_runtime_exit_error_and_is_replaced(service, define):
    define({"app.py": """
        import os, time
        def handler(event, context):
            if event.get("die"):
                os.kill(os.getpid(), 9)
            return os.getpid()
    """})
    _, pid = invoke(service)
    result, body = invoke(service, payload=b'{"die": true}')
    assert result["FunctionError"] == "Unhandled"
    assert body == {"errorType": "Runtime.ExitError",
                    "errorMessage": f"RequestId: {body['errorMessage'].split()[1]} Error: Runtime exited "
                                    "with error: signal: killed"}
    _, replacement = invoke(service)
    assert replacement != pid


def test_a_worker_killed_from_outside_while_idle_is_replaced(service, define):
    define(ECHO)
    pid = invoke(service)[1]["pid"]
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    result, body = invoke(service)
    assert "FunctionError" not in result
    assert body["pid"] != pid


def test_an_exit_during_the_invocation_reports_its_status(service, define):
    define({"app.py": """
        import sys
        def handler(event, context):
            sys.exit(3)
    """})
    result, body = invoke(service)
    # SystemExit is not an Exception: it ends the runtime, as on Lambda.
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith("Runtime exited with error: exit status 3")


def test_a_changed_handler_file_is_picked_up_by_the_next_invocation(service, define):
    config = define({"app.py": "def handler(event, context):\n    return 'one'\n"})
    assert invoke(service)[1] == "one"
    old_pids = service.lookup_name("fn").pool.pids()
    path = Path(config.code_dir, "app.py")
    path.write_text("def handler(event, context):\n    return 'two'\n")
    os.utime(path, ns=(time.time_ns() + 1_000_000, time.time_ns() + 1_000_000))
    assert invoke(service)[1] == "two"
    assert not set(old_pids) & set(service.lookup_name("fn").pool.pids())


def test_layers_are_importable(service, define, tmp_path):
    layer = write_code(tmp_path / "layer", {"python/shared_util.py": "def shout(s):\n    return s.upper()\n"})
    define({"app.py": """
        import shared_util
        def handler(event, context):
            return shared_util.shout("ok")
    """}, layers=(str(layer),))
    assert invoke(service)[1] == "OK"


def test_the_invocation_log_goes_to_the_sink_with_start_end_report_lines(service, define, logs):
    define(ECHO, memory_size=256)
    invoke(service)  # the cold start
    result, _ = invoke(service, payload=b'{"a": 1}', LogType="Tail")
    function, stream, lines = logs.records[-1]
    assert function == "fn" and "[$LATEST]" in stream
    assert lines[0].startswith("START RequestId: ") and lines[0].endswith(" Version: $LATEST")
    assert "handling {'a': 1}" in lines
    assert lines[-2].startswith("END RequestId: ")
    assert lines[-1].startswith("REPORT RequestId: ") and "\tMemory Size: 256 MB\t" in lines[-1]
    assert "Init Duration: " not in lines[-1]
    assert base64.b64decode(result["LogResult"]).decode() == "\n".join(lines) + "\n"


def test_the_log_tail_is_the_last_4_kb(service, define):
    define({"app.py": """
        def handler(event, context):
            for i in range(2000):
                print(f"line {i}")
    """})
    result, _ = invoke(service, LogType="Tail")
    tail = base64.b64decode(result["LogResult"])
    assert len(tail) == 4096
    assert tail.decode().rstrip().split("\n")[-1].startswith("REPORT RequestId: ")


def test_dry_run_checks_the_function_without_running_it(service, define, logs):
    define(ECHO)
    result, _ = invoke(service, InvocationType="DryRun")
    assert result["StatusCode"] == 204 and logs.records == []
    with pytest.raises(AwsError) as raised:
        invoke(service, name="missing", InvocationType="DryRun")
    assert raised.value.code == "ResourceNotFoundException"
    assert raised.value.message == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing"


def test_invoking_by_arn_and_by_qualified_name(service, define):
    define(ECHO)
    assert invoke(service, name="arn:aws:lambda:us-east-1:123456789012:function:fn")[0]["StatusCode"] == 200
    assert invoke(service, name="fn:$LATEST")[0]["StatusCode"] == 200
    with pytest.raises(AwsError) as raised:
        invoke(service, name="fn", Qualifier="7")
    assert raised.value.message == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:fn:7"


def test_a_payload_that_is_not_json_is_refused(service, define):
    define(ECHO)
    with pytest.raises(AwsError) as raised:
        invoke(service, payload=b"{not json")
    assert raised.value.code == "InvalidRequestContentException"
    assert raised.value.message.startswith("Could not parse request body into json")


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


def test_idle_workers_are_reaped(tmp_path):
    from statewright.services.awslambda import FunctionConfig, LambdaService

    code = write_code(tmp_path / "code", ECHO)
    svc = LambdaService(tmp_path / "data", "http://127.0.0.1:1", idle_seconds=0.2)
    try:
        svc.put_function(FunctionConfig("fn", "app.handler", "python3.11", str(code)))
        pid = invoke(svc)[1]["pid"]
        deadline = time.monotonic() + 10
        while svc.lookup_name("fn").pool.pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert svc.lookup_name("fn").pool.pids() == []
        # The reaper forgets a worker, then stops it: wait for the process to be gone.
        assert wait_gone(pid)
    finally:
        svc.close()


def test_closing_the_service_stops_every_worker(tmp_path):
    from statewright.services.awslambda import FunctionConfig, LambdaService

    code = write_code(tmp_path / "code", ECHO)
    svc = LambdaService(tmp_path / "data", "http://127.0.0.1:1")
    svc.put_function(FunctionConfig("fn", "app.handler", "python3.11", str(code)))
    pid = invoke(svc)[1]["pid"]
    svc.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_response_over_6_mb_is_lambdas_size_error(service, define):
    define({"app.py": """
        def handler(event, context):
            return "x" * (7 * 1024 * 1024)
    """})
    result, body = invoke(service)
    assert result["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Function.ResponseSizeTooLarge"


def test_output_while_initializing_is_logged_before_start(service, define, logs):
    define({"app.py": """
        print("loading the model")
        def handler(event, context):
            print("serving")
    """})
    invoke(service)
    lines = logs.records[-1][2]
    assert lines[0] == "loading the model"
    assert lines[1].startswith("START RequestId: ")
    assert lines[2] == "serving"
    assert "Init Duration: " in lines[-1]


def test_json_log_format_comes_from_the_runtime_interface_client(service, define, logs):
    define({"app.py": """
        import logging
        logger = logging.getLogger()
        def handler(event, context):
            logger.warning("stock low")
    """}, logging_config={"LogFormat": "JSON", "ApplicationLogLevel": "INFO"})
    invoke(service)
    records = [json.loads(line) for line in logs.records[-1][2] if line.startswith("{")]
    # Lambda's own records are JSON too (json_logs.py); the handler's come from awslambdaric.
    assert [r["type"] for r in records if "type" in r] == ["platform.initStart", "platform.start", "platform.report"]
    own = [r for r in records if "level" in r]
    assert own and own[0]["level"] == "WARNING" and own[0]["message"] == "stock low"
    assert len(own[0]["requestId"]) == 36


def test_the_client_context_reaches_the_handler(service, define):
    define({"app.py": """
        def handler(event, context):
            return context.client_context.custom
    """})
    encoded = base64.b64encode(json.dumps({"custom": {"tenant": "t-1"}}).encode()).decode()
    assert invoke(service, ClientContext=encoded)[1] == {"tenant": "t-1"}
