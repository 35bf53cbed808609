"""Host names the server answers (DNS rebinding defence) and the console's security headers."""

from __future__ import annotations

import http.client
import json

import pytest
from tests.e2e.server import ThreadServer, free_port

from statewright.edge.hosts import host_name, is_local_host
from statewright.runtime import RuntimeConfig
from statewright.services.common.platform import Settings


@pytest.mark.parametrize("header, name", [
    ("127.0.0.1:4590", "127.0.0.1"), ("[::1]:4590", "::1"), ("[::1]", "::1"), ("LOCALHOST", "localhost"),
    ("api.execute-api.localhost:4590", "api.execute-api.localhost"), ("::1", "::1"),
])
def test_host_name(header, name):
    assert host_name(header) == name


@pytest.mark.parametrize("name", [
    "127.0.0.1", "127.1.2.3", "::1", "localhost", "localhost.", "a.b.localhost", "sync-127.0.0.1",
    "sync-localhost", "myhost",
])
def test_local_names_are_answered(name):
    assert is_local_host(name, "myhost")


@pytest.mark.parametrize("name", [
    "evil.example", "localhost.evil.example", "10.0.0.5", "192.168.1.1", "8.8.8.8", "sync-evil.example",
    "127.0.0.1.nip.io",
])
def test_other_names_are_refused(name):
    assert not is_local_host(name, "127.0.0.1")


def request(server, method: str, path: str, host: str, body: bytes = b"", target: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", server.config.settings.port, timeout=30)
    headers = {"Host": host}
    if target:
        headers["X-Amz-Target"] = target
    connection.request(method, path, body=body, headers=headers)
    answer = connection.getresponse()
    payload = answer.read()
    connection.close()
    return answer, payload


def test_the_server_refuses_a_rebound_host_and_frames_nothing(tmp_path):
    config = RuntimeConfig(Settings(data_dir=tmp_path, port=free_port()))
    target = "AWSStepFunctions.ListStateMachines"
    with ThreadServer(config) as server:
        refused, body = request(server, "POST", "/", "attacker.example", b"{}", target)
        assert refused.status == 421
        assert json.loads(body)["__type"] == "MisdirectedRequest"
        answered, body = request(server, "POST", "/", "localhost:4590", b"{}", target)
        assert answered.status == 200 and json.loads(body) == {"stateMachines": []}
        page, _ = request(server, "GET", "/console/", "127.0.0.1")
        assert page.status == 200
        assert "frame-ancestors 'self'" in page.getheader("content-security-policy")
        assert page.getheader("x-frame-options") == "SAMEORIGIN"
