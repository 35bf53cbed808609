"""A caller's X-Ray trace header (the request context's `traceHeader`: the edge takes it from
`X-Amzn-Trace-Id`, API Gateway makes one per request) is the invocation's trace, which the
function sees as `_X_AMZN_TRACE_ID` and its AWS SDK sends on; without one Lambda makes its own."""

from __future__ import annotations

import json
import time

from statewright.services.common import RequestContext

TRACE = {"app.py": """
    import os

    def handler(event, context):
        return {"trace": os.environ.get("_X_AMZN_TRACE_ID")}
"""}
HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0"


def test_the_callers_trace_header_reaches_the_function(service, define):
    define(TRACE)
    traced = RequestContext(extra={"traceHeader": HEADER})
    result = service.handle("Invoke", {"FunctionName": "fn", "Payload": b"{}"}, traced)
    assert json.loads(result["Payload"])["trace"] == HEADER


def test_without_one_each_invocation_has_its_own_root(service, define):
    define(TRACE)
    traces = [json.loads(service.handle("Invoke", {"FunctionName": "fn", "Payload": b"{}"}, RequestContext())["Payload"])
              ["trace"] for _ in range(2)]
    assert all(t.startswith("Root=1-") for t in traces) and traces[0] != traces[1]


def test_an_event_invocation_keeps_the_callers_trace(service, define, tmp_path):
    marker = tmp_path / "trace.txt"
    define({"app.py": f"""
        import os

        def handler(event, context):
            with open({str(marker)!r}, "w") as out:
                out.write(os.environ.get("_X_AMZN_TRACE_ID", ""))
    """})
    traced = RequestContext(extra={"traceHeader": HEADER})
    assert service.handle("Invoke", {"FunctionName": "fn", "Payload": b"{}", "InvocationType": "Event"},
                          traced)["StatusCode"] == 202
    deadline = time.monotonic() + 30
    while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.read_text() == HEADER
