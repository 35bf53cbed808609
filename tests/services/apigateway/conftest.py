"""The test SAM app (app/template.yaml) on a real server: its functions and state machines
defined in the local Lambda and Step Functions services, its APIs applied to API Gateway."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from tests.e2e.server import ThreadServer, free_port

from statewright.runtime import Runtime, RuntimeConfig
from statewright.services.awslambda import FunctionConfig
from statewright.services.common import RequestContext
from statewright.services.common.platform import Settings
from statewright.template import load_stack

APP = Path(__file__).parent / "app" / "template.yaml"


def apply_functions_and_machines(runtime: Runtime, stack: Any) -> None:
    """What `serve --template` does for Lambda and Step Functions (another module's job; the
    tests do it by hand so API Gateway has something to call)."""
    for resource in stack.of_type("AWS::Lambda::Function"):
        props = resource.properties
        runtime.services["lambda"].put_function(FunctionConfig(
            name=resource.physical_id, handler=props["Handler"], runtime=props["Runtime"], code_dir=props["Code"],
            timeout=int(props.get("Timeout", 3)), reserved_concurrency=props.get("ReservedConcurrentExecutions")))
    for resource in stack.of_type("AWS::StepFunctions::StateMachine"):
        props = resource.properties
        runtime.services["stepfunctions"].handle("CreateStateMachine", {
            "name": resource.attributes["Name"], "definition": props["DefinitionString"], "roleArn": props["RoleArn"],
            "type": props.get("StateMachineType", "STANDARD")}, RequestContext())


class Issuer:
    """A JWT issuer on loopback: OpenID discovery and a JWKS, and tokens signed with its RSA key."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/issuer"
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        documents = {"/issuer/.well-known/openid-configuration": {"issuer": self.url,
                                                                  "jwks_uri": f"{self.url}/jwks.json"},
                     "/issuer/jwks.json": {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                body = json.dumps(documents.get(self.path, {})).encode()
                self.send_response(200 if self.path in documents else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def token(self, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "aud": "statewright-tests", "sub": "u-1", "iat": now, "exp": now + 300,
                   "scope": "orders/read", **claims}
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture(scope="session")
def issuer():
    made = Issuer()
    made.thread.start()
    yield made
    made.httpd.shutdown()
    made.httpd.server_close()
    made.thread.join(10)


@pytest.fixture(scope="session")
def stack(issuer: Issuer) -> Any:
    return load_stack(APP, parameter_overrides={"JwtIssuer": issuer.url}, run_lint=False)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, stack: Any):
    settings = Settings(data_dir=tmp_path_factory.mktemp("apigw"), port=free_port())
    with ThreadServer(RuntimeConfig(settings)) as running:
        runtime = running.server.config.app.state.runtime
        apply_functions_and_machines(runtime, stack)
        runtime.services["apigateway"].apply_stack(stack)
        running.runtime = runtime
        yield running


@pytest.fixture(scope="session")
def rest_id(stack: Any) -> str:
    return str(stack.resource("RestApi").physical_id)


@pytest.fixture(scope="session")
def http_id(stack: Any) -> str:
    return str(stack.resource("HttpApi").physical_id)


@pytest.fixture(scope="session")
def workflow_id(stack: Any) -> str:
    return str(stack.resource("WorkflowApi").physical_id)


class Answer:
    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


def send(url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = 60) -> Answer:
    """One real HTTP request; error statuses are answers too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Answer(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, error.headers, error.read())
