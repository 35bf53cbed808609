"""`serve --debug-function NAME`: that function's worker runs under debugpy, listening on the
loopback port for a debugger, and still answers invocations (one worker, Lambda's longest timeout)."""

from __future__ import annotations

import json
import socket
import textwrap

import boto3

from statewright.runtime import RuntimeConfig
from statewright.runtime_stack import DebugFunction
from statewright.services.common.platform import Settings

from .server import ThreadServer, free_port

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: greeter
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.11
      Timeout: 3
"""


def test_the_debugged_function_listens_for_a_debugger_and_still_answers(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(textwrap.dedent("""\
        import sys
        def handler(event, context):
            return {"hello": event["name"], "debugging": "debugpy" in sys.modules}
        """))
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    debug_port = free_port()
    config = RuntimeConfig(Settings(data_dir=tmp_path / "data", port=free_port()), template=tmp_path / "template.yaml",
                           run_lint=False, debug_function=DebugFunction("Greeter", debug_port))
    with ThreadServer(config) as server:
        client = boto3.client("lambda", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
        answer = client.invoke(FunctionName="greeter", Payload=json.dumps({"name": "ada"}).encode())
        assert json.loads(answer["Payload"].read()) == {"hello": "ada", "debugging": True}
        configuration = client.get_function_configuration(FunctionName="greeter")
        assert configuration["Timeout"] == 900
        with socket.create_connection(("127.0.0.1", debug_port), timeout=5):
            pass  # debugpy accepts a debugger here
