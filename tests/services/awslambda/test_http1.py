"""The Runtime API's HTTP reader: requests split across reads, chunked bodies, 100-continue."""

from __future__ import annotations

import socket

import pytest

from statewright.services.awslambda.http1 import Connection, ProtocolError


@pytest.fixture
def pair():
    ours, theirs = socket.socketpair()
    yield Connection(ours), theirs
    ours.close()
    theirs.close()


def feed(connection: Connection, data: bytes) -> None:
    connection.buffer += data


def test_a_request_arriving_in_pieces_is_read_when_complete(pair):
    connection, _ = pair
    feed(connection, b"POST /2018-06-01/runtime/invocation/1/response HTTP/1.1\r\nContent-Length: 5\r\n")
    assert connection.next_request() is None
    feed(connection, b"\r\nhel")
    assert connection.next_request() is None
    feed(connection, b"loGET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n")
    first = connection.next_request()
    assert first is not None and first.method == "POST" and first.body == b"hello"
    second = connection.next_request()
    assert second is not None and (second.method, second.path) == ("GET", "/2018-06-01/runtime/invocation/next")
    assert connection.buffer == bytearray()


def test_a_chunked_body(pair):
    connection, _ = pair
    feed(connection, b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
    assert connection.next_request() is None
    feed(connection, b"2\r\nde\r\n0\r\n\r\n")
    request = connection.next_request()
    assert request is not None and request.body == b"abcde"


def test_expect_100_continue_is_answered_once(pair):
    connection, theirs = pair
    feed(connection, b"POST /x HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
    assert connection.next_request() is None
    assert connection.next_request() is None
    theirs.settimeout(2)
    assert theirs.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
    feed(connection, b"ok")
    request = connection.next_request()
    assert request is not None and request.body == b"ok"


def test_responses_carry_length_and_headers(pair):
    connection, theirs = pair
    connection.respond(202, b"{}", {"Content-Type": "application/json"})
    theirs.settimeout(2)
    assert theirs.recv(1000) == (b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n"
                                 b"Content-Type: application/json\r\n\r\n{}")


def test_garbage_is_a_protocol_error(pair):
    connection, _ = pair
    feed(connection, b"nonsense\r\n\r\n")
    with pytest.raises(ProtocolError):
        connection.next_request()
