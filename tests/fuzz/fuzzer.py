"""The wire fuzzer: requests for every operation of every registered service, valid and damaged,
sent to a real server; every answer checked with botocore's own response parser.

A finding is an answer with a 5xx status, an error botocore cannot read as its protocol's error
shape (no error code, or a plain-text body), a success botocore cannot parse, or no answer at all.
Runs are reproducible from their seed.
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from tests.fuzz.values import Pools
from tests.fuzz.wire import FRAMING_GARBAGE, KINDS, WireRequest, build

from statewright.protocols.models import ServiceModels

TIMEOUT_SECONDS = 30.0


@dataclass
class Report:
    """What a run sent and found."""

    seed: int
    sent: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    operations: set[str] = field(default_factory=set)
    succeeded: Counter[str] = field(default_factory=Counter)  # operation → 2xx answers
    findings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        by_class = Counter(f"{status // 100}xx" for status in self.statuses.elements())
        return (f"fuzz seed={self.seed}: {self.sent} requests over {len(self.operations)} operations in "
                f"{self.seconds:.1f} s; {dict(sorted(by_class.items()))}; {len(self.succeeded)} operations "
                f"succeeded at least once; {len(self.findings)} findings")


class Fuzzer:
    """Sends fuzzed requests to `endpoint` for the given botocore service models."""

    def __init__(self, endpoint: str, services: list[str], seed: int, pools: Pools | None = None) -> None:
        self.endpoint = endpoint
        self.models = ServiceModels()
        self.services = services
        self.rng = random.Random(seed)
        self.pools = pools or Pools()
        self.report = Report(seed)
        self.operations: list[OperationModel] = [
            model.operation_model(name) for model in (self.models.get(s) for s in services)
            for name in model.operation_names]
        self._connection: http.client.HTTPConnection | None = None

    def run(self, count: int, seconds: float) -> Report:
        """Send up to `count` requests, stopping after `seconds`; every operation comes up in
        turn (shuffled), so a short run still covers them all."""
        started = time.monotonic()
        order: list[OperationModel] = []
        try:
            while self.report.sent < count and time.monotonic() - started < seconds:
                if not order:
                    order = list(self.operations)
                    self.rng.shuffle(order)
                self.one(order.pop(), self.rng.choice(KINDS))
        finally:
            self.close()
            self.report.seconds = time.monotonic() - started
        return self.report

    def one(self, operation: OperationModel, kind: str) -> None:
        if kind == "framing":
            self.unframed(self.rng.choice(FRAMING_GARBAGE))
            return
        request = build(operation, self.rng, self.pools, self.endpoint, kind)
        self.report.sent += 1
        self.report.kinds[kind] += 1
        self.report.operations.add(f"{request.service}.{request.operation}")
        try:
            status, headers, body = self.send(request)
        except (OSError, http.client.HTTPException) as error:
            self.report.findings.append(f"no answer ({type(error).__name__}: {error}) to {request.describe()}")
            self.close()
            return
        self.report.statuses[status] += 1
        if status < 300:
            self.report.succeeded[f"{request.service}.{request.operation}"] += 1
        problem = check(operation, request, status, headers, body)
        if problem is not None:
            self.report.findings.append(f"{problem} — {request.describe()} → {status} {body[:300]!r}")
        self._remember(operation, status, body)

    def unframed(self, raw: bytes) -> None:
        """Bytes that are no HTTP request, on a connection of their own: answered with an AWS
        error (or the connection closed), never plain text or a 5xx."""
        self.report.sent += 1
        self.report.kinds["framing"] += 1
        split = urlsplit(self.endpoint)
        answer = b""
        try:
            with socket.create_connection((split.hostname, split.port), timeout=TIMEOUT_SECONDS) as connection:
                connection.sendall(raw)
                while chunk := connection.recv(65536):
                    answer += chunk
        except OSError as error:
            if not answer:
                self.report.findings.append(f"no answer ({type(error).__name__}: {error}) to unframed {raw!r}")
                return
        head = answer.partition(b"\r\n\r\n")[0].lower()
        status = int(head[9:12]) if head.startswith(b"http/1.1 ") and head[9:12].isdigit() else 0
        if status:
            self.report.statuses[status] += 1
        if status >= 500 or b"content-type: text/plain" in head:
            self.report.findings.append(f"unframed {raw!r} → {answer[:300]!r}")

    def send(self, request: WireRequest) -> tuple[int, dict[str, str], bytes]:
        if self._connection is None:
            split = urlsplit(self.endpoint)
            self._connection = http.client.HTTPConnection(split.hostname, split.port, timeout=TIMEOUT_SECONDS)
        connection = self._connection
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "host")}
        connection.putrequest(request.method, request.path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value.encode("latin-1", "replace"))
        connection.putheader("Content-Length", str(len(request.body)))
        connection.endheaders(request.body)
        response = connection.getresponse()
        body = response.read()
        answer = {name.lower(): value for name, value in response.getheaders()}
        if response.will_close:
            self.close()
        return response.status, answer, body

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _remember(self, operation: OperationModel, status: int, body: bytes) -> None:
        """ARNs a successful answer names join the pool, so later requests reach real resources."""
        if status != 200 or operation.service_model.resolved_protocol != "json" or len(self.pools.arns) > 200:
            return
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            return
        if isinstance(answer, dict):
            for member in ("taskToken", "nextToken"):  # a real task to answer, a real page to turn
                if isinstance(answer.get(member), str):
                    self.pools.by_member.setdefault(member, []).append(answer[member])
            for key, value in answer.items():
                if key.endswith("Arn") and isinstance(value, str) and value.isprintable() \
                        and value == value.encode("utf-8", "ignore").decode("utf-8"):  # botocore must encode it
                    self.pools.arns.append(value)


def check(operation: OperationModel, request: WireRequest, status: int, headers: dict[str, str],
          body: bytes) -> str | None:
    """What is wrong with an answer, or None. A 501 `NotImplemented` in the protocol's error shape
    is an honest answer (S3 gives it for features it does not offer; a HEAD answer has no body to
    say so), not a failure; any other 5xx is."""
    if status >= 500 and not (status == 501 and (b"NotImplemented" in body or request.method == "HEAD")):
        return f"HTTP {status}"
    if headers.get("content-type", "").startswith("text/plain"):
        return "a plain-text answer"
    if request.method == "HEAD":
        return None
    model: ServiceModel = operation.service_model
    protocol = model.resolved_protocol
    try:
        parsed = create_parser(protocol).parse({"status_code": status, "headers": headers, "body": body},
                                               None if status >= 300 else _output_shape(operation))
    except Exception as error:  # noqa: BLE001 - botocore failing to read the answer is the finding
        return f"botocore cannot parse the answer ({type(error).__name__}: {error})"
    if status >= 300:
        code = parsed.get("Error", {}).get("Code", "")
        if not code or code == str(status):
            return "an error without an AWS error code"
    return None


def _output_shape(operation: OperationModel) -> Any:
    """The output shape to parse a success with (None for streamed outputs, read as raw bytes)."""
    if operation.has_streaming_output or operation.has_event_stream_output:
        return None
    return operation.output_shape
