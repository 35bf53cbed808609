"""uvicorn's protocols as the server runs them: unframeable requests get an AWS JSON 400, and a
response's head goes out with its first body bytes (OneSend) without holding back an interim
`100 Continue`, a body-less answer or the next pipelined request's answer."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from typing import Any

import pytest
import uvicorn

from statewright.edge.framing import OneSend, http_protocol


class RecordingTransport:
    """The socket end of the machine, recorded: what was written, whether it was closed."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


def test_the_head_goes_out_with_the_first_body_bytes():
    transport = RecordingTransport()
    writes = OneSend(transport)
    writes.write(b"HTTP/1.1 200 OK\r\n\r\n")
    assert transport.writes == []
    writes.write(b"body")
    writes.write(b"more")
    writes.flush()
    assert transport.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"more"]


def test_an_interim_continue_is_not_held_and_a_lone_head_goes_out_on_flush_or_close():
    transport = RecordingTransport()
    writes = OneSend(transport)
    writes.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    writes.write(b"HTTP/1.1 204 No Content\r\n\r\n")
    assert transport.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    writes.flush()
    assert transport.writes[-1] == b"HTTP/1.1 204 No Content\r\n\r\n"
    other = RecordingTransport()
    held = OneSend(other)
    held.write(b"HTTP/1.1 200 OK\r\n\r\n")
    held.close()
    assert other.writes == [b"HTTP/1.1 200 OK\r\n\r\n"] and other.closed and held.is_closing()


async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers with the request's body; `/stream` answers in two chunks a moment apart."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"one,", "more_body": True})
        await asyncio.sleep(0.05)
        await send({"type": "http.response.body", "body": b"two"})
        return
    answer = b"echo:" + body
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", str(len(answer)).encode())]})
    await send({"type": "http.response.body", "body": answer})


@pytest.fixture
def port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(echo, host="127.0.0.1", port=free, log_level="warning",
                                           lifespan="off", http=http_protocol()))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield free
    server.should_exit = True
    thread.join(10)


def read_until(connection: socket.socket, ending: bytes, timeout: float = 5.0) -> bytes:
    connection.settimeout(timeout)
    data = b""
    while not data.endswith(ending):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_a_head_request_is_answered_without_a_body(port):
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"HEAD / HTTP/1.1\r\nhost: localhost\r\n\r\n")
        head = read_until(connection, b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"content-length: 5" in head


def test_expect_continue_is_answered_before_the_body_is_sent(port):
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"POST / HTTP/1.1\r\nhost: localhost\r\ncontent-length: 3\r\nexpect: 100-continue\r\n\r\n")
        assert read_until(connection, b"\r\n\r\n") == b"HTTP/1.1 100 Continue\r\n\r\n"
        connection.sendall(b"abc")
        answer = read_until(connection, b"echo:abc")
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and answer.endswith(b"\r\n\r\necho:abc")


def test_pipelined_requests_are_answered_in_order(port):
    request = b"POST / HTTP/1.1\r\nhost: localhost\r\ncontent-length: %d\r\n\r\n%s"
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(request % (1, b"1") + request % (1, b"2"))
        answers = read_until(connection, b"echo:2")
    assert answers.count(b"HTTP/1.1 200 OK") == 2 and answers.index(b"echo:1") < answers.index(b"echo:2")


def test_a_streamed_answer_arrives_whole(port):
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"GET /stream HTTP/1.1\r\nhost: localhost\r\n\r\n")
        answer = read_until(connection, b"0\r\n\r\n")
    assert b"transfer-encoding: chunked" in answer and answer.endswith(b"4\r\none,\r\n3\r\ntwo\r\n0\r\n\r\n")


def test_an_unframeable_request_gets_an_aws_json_400(port):
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        answer = read_until(connection, b"}")
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["__type"] == "SerializationException"
