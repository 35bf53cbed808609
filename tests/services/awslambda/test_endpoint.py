"""boto3 inside a handler reaches the local server through AWS_ENDPOINT_URL, with no code change
and the credentials Lambda gives the worker; `create(platform)` builds the service."""

from __future__ import annotations

import json

from tests.e2e.server import ThreadServer, free_port

from statewright.runtime import RuntimeConfig
from statewright.services.awslambda import create
from statewright.services.common.platform import Platform, Settings

from .conftest import CONTEXT, write_code

HANDLER = {"app.py": """
    import boto3
    def handler(event, context):
        sfn = boto3.client("stepfunctions")
        return {"machines": [m["name"] for m in sfn.list_state_machines()["stateMachines"]],
                "endpoint": sfn.meta.endpoint_url}
"""}


def test_boto3_in_a_handler_calls_the_local_server(tmp_path):
    port = free_port()
    config = RuntimeConfig(Settings(data_dir=tmp_path / "server", port=port))
    with ThreadServer(config) as server:
        settings = Settings(data_dir=tmp_path / "data", port=port)
        service = create(Platform(settings=settings, store=None, engine=None, clock=None, integrations=None))
        try:
            assert service.name == "lambda"
            from statewright.services.awslambda import FunctionConfig
            code = write_code(tmp_path / "code", HANDLER)
            service.put_function(FunctionConfig("lister", "app.handler", "python3.11", str(code), timeout=30))
            result = service.invoke("lister", b"{}", CONTEXT)
            body = json.loads(result.payload)
            assert result.function_error is None, body
            assert body == {"machines": [], "endpoint": server.endpoint}
        finally:
            service.close()
