"""APIs from plain CloudFormation: a REST API from a local `BodyS3Location` file, an HTTP API
from `Route`/`Integration`/`Stage` resources with an `http_proxy` integration to a loopback
server, served by the service directly (no HTTP in front)."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from statewright.services.apigateway import ApiGatewayService, ApiRequest
from statewright.template import load_stack

PLAIN = Path(__file__).parent / "plain" / "template.yaml"


class Backend(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length", "0"))
        body = json.dumps({"path": self.path, "method": self.command, "body": self.rfile.read(length).decode(),
                           "x": self.headers.get("X-Thing")}).encode()
        self.send_response(207)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Backend", "yes")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def backend():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)


@pytest.fixture(scope="module")
def plain(backend):
    stack = load_stack(PLAIN, parameter_overrides={"Backend": backend}, run_lint=False)
    service = ApiGatewayService()
    service.apply_stack(stack)
    yield stack, service
    service.close()


def request(method: str, path: str, query: str = "", body: bytes = b"", headers=()) -> ApiRequest:
    return ApiRequest(method, path, query, tuple(headers), body)


def test_rest_api_from_local_file_with_mock_responses(plain):
    stack, service = plain
    api_id = stack.resource("FileApi").physical_id
    ok = service.serve(api_id, "prod", request("GET", "/hello", "who=ann"))
    assert ok.status == 200 and json.loads(ok.body) == {"hello": "ann"} and ok.header("X-From") == "mock"
    failed = service.serve(api_id, "prod", request("GET", "/hello", "fail=yes"))
    assert failed.status == 503 and json.loads(failed.body) == {"failed": True}
    assert service.serve(api_id, "prod", request("GET", "/nope")).status == 403


def test_http_api_from_resources_with_http_proxy(plain):
    stack, service = plain
    api_id = stack.resource("WebApi").physical_id
    answer = service.serve(api_id, "live", request("POST", "/web/a/b", "q=1", b"payload", [("X-Thing", "t")]))
    assert answer.status == 207 and answer.header("X-Backend") == "yes"
    assert json.loads(answer.body) == {"path": "/a/b?q=1", "method": "POST", "body": "payload", "x": "t"}
    missing = service.serve(api_id, "live", request("GET", "/elsewhere"))
    assert missing.status == 404 and json.loads(missing.body) == {"message": "Not Found"}


def test_urls_list_every_api_and_stage(plain):
    stack, service = plain
    urls = {(u.name, u.stage): u for u in service.urls("http://127.0.0.1:4590")}
    file_api, web = stack.resource("FileApi").physical_id, stack.resource("WebApi").physical_id
    assert set(urls) == {("web", "live"), ("file-api", "prod")}
    assert urls["web", "live"].url == f"http://127.0.0.1:4590/restapis/{web}/live/_user_request_/"
    assert urls["web", "live"].host_url == f"http://{web}.execute-api.localhost:4590/live/"
    assert urls["file-api", "prod"].url == f"http://127.0.0.1:4590/restapis/{file_api}/prod/_user_request_/"
    assert urls["file-api", "prod"].protocol == "REST"


def test_a_failure_inside_answers_500_not_a_crash(plain, monkeypatch):
    stack, service = plain

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr("statewright.services.apigateway.integrations.execute", broken)
    answer = service.serve(stack.resource("FileApi").physical_id, "prod", request("GET", "/hello"))
    assert answer.status == 500 and json.loads(answer.body) == {"message": "Internal server error"}


def test_applying_a_template_again_replaces_its_apis(backend):
    stack = load_stack(PLAIN, parameter_overrides={"Backend": backend}, run_lint=False)
    service = ApiGatewayService()
    try:
        service.apply_stack(stack)
        assert len(service.apis()) == 2
        smaller = replace(stack, resources=tuple(r for r in stack.resources if not r.type.startswith("AWS::ApiGatewayV2")))
        service.apply_stack(smaller)
        assert [api.name for api in service.apis()] == ["file-api"]
    finally:
        service.close()
