"""Which service, in which protocol, a request is for — and for which region and account key.

The SigV4 credential scope (`Authorization` header, or `X-Amz-Credential` for presigned URLs)
names the signing service and the region, as on AWS. Several models may share a signing name
(`dynamodb` and `dynamodbstreams`), and unsigned requests have none; then the protocol markers
decide: `smithy-protocol` + `/service/<prefix>/operation/<Op>`, `X-Amz-Target: <prefix>.<Op>`,
an `Action=` form whose action belongs to one query service, a REST path that matches one
model's request URIs (the most specific wins)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, cast
from urllib.parse import parse_qsl

from .errors import ProtocolError
from .models import ServiceModels
from .query_protocol import form_params
from .types import HttpRequest, HttpResponse, WireProtocol

CBOR = "smithy-rpc-v2-cbor"
REST = ("rest-json", "rest-xml")
QUERY = ("query", "ec2")
_CREDENTIAL = re.compile(r"Credential=([^,\s]+)")
_CBOR_PATH = re.compile(r"/service/([^/]+)/operation/([^/?]+)$")


@dataclass(frozen=True)
class CredentialScope:
    """`AKID/20261130/us-west-2/states/aws4_request`, taken apart."""

    access_key: str
    date: str
    region: str
    service: str


@dataclass(frozen=True)
class Route:
    """Where a request goes: `service` is the botocore model name, `protocol` the wire protocol
    instance to parse it with (and to answer in), `protocol_name` botocore's name for it."""

    service: str
    protocol: WireProtocol
    protocol_name: str
    region: str
    partition: str
    access_key: str = ""


class RestMatcher(Protocol):
    def match_score(self, service: Any, request: HttpRequest) -> int | None: ...


def credential_scope(request: HttpRequest) -> CredentialScope | None:
    """The SigV4 scope of a signed (or presigned) request, or None. SigV4a scopes
    (`AKID/date/service/aws4_request`) name no region: it comes from the first entry of
    `X-Amz-Region-Set` unless that is a wildcard (then the region is "")."""
    found = _CREDENTIAL.search(request.headers.get("authorization", ""))
    credential = found.group(1) if found else None
    query = dict(parse_qsl(request.query)) if "X-Amz-Credential" in request.query else {}
    if credential is None:
        credential = query.get("X-Amz-Credential")
    parts = credential.split("/") if credential else []
    if len(parts) < 4 or parts[-1] != "aws4_request":
        return None
    if len(parts) == 4:
        region_set = request.headers.get("x-amz-region-set") or query.get("X-Amz-Region-Set", "")
        region = region_set.split(",")[0].strip()
        return CredentialScope(parts[0], parts[1], "" if "*" in region else region, parts[2])
    # An access key never contains "/", but be lenient: everything before the last four parts.
    return CredentialScope("/".join(parts[:-4]), parts[-4], parts[-3], parts[-2])


def identify(request: HttpRequest, models: ServiceModels, registered: set[str],
             default_region: str) -> Route | None:
    """The route for a request among the `registered` services (botocore model names), or None
    when no registered service speaks it."""
    scope = credential_scope(request)
    signed = models.with_signing_name(scope.service, registered) if scope is not None else []
    choice = select(request, models, signed or sorted(registered))
    if choice is None and len(signed) == 1:
        # Signed for one service but without a marker that fits it: that service answers (in the
        # protocol botocore speaks to it), so the client hears an error it knows.
        choice = (signed[0], models.client_protocol(signed[0]))
    if choice is None:
        return None
    service, protocol = choice
    region = scope.region if scope is not None and scope.region else default_region
    return Route(service, models.wire(protocol), protocol, region, models.partition_of(region),
                 scope.access_key if scope is not None else "")


def select(request: HttpRequest, models: ServiceModels, candidates: list[str]) -> tuple[str, str] | None:
    """(service, protocol) by the request's protocol markers, among `candidates`."""
    if request.headers.get("smithy-protocol") == "rpc-v2-cbor":
        found = _CBOR_PATH.search(request.path)
        prefix = found.group(1) if found else None
        return _only([(n, CBOR) for n in candidates
                      if prefix and models.target_prefix(n) == prefix and CBOR in models.protocols(n)])
    target = request.headers.get("x-amz-target")
    if target:
        prefix = target.rpartition(".")[0]
        return _only([(n, "json") for n in candidates
                      if models.target_prefix(n) == prefix and "json" in models.protocols(n)])
    query = _by_action(request, models, candidates)
    if query is not None:
        return query
    return _by_rest_path(request, models, candidates)


def _only(choices: list[tuple[str, str]]) -> tuple[str, str] | None:
    return choices[0] if len(choices) == 1 else None


def _by_action(request: HttpRequest, models: ServiceModels, candidates: list[str]) -> tuple[str, str] | None:
    params = _form(request)
    if params is None:
        return None
    action, version = params["Action"], params.get("Version")
    choices = []
    for name in candidates:
        protocol = next((p for p in models.protocols(name) if p in QUERY), None)
        if protocol is not None and action in models.get(name).operation_names:
            choices.append((name, protocol))
    if len(choices) > 1 and version:
        choices = [c for c in choices if models.get(c[0]).api_version == version]
    return _only(choices)



def _by_rest_path(request: HttpRequest, models: ServiceModels, candidates: list[str]) -> tuple[str, str] | None:
    best: list[tuple[str, str]] = []
    best_score = -1
    for name in candidates:
        protocol = next((p for p in models.protocols(name) if p in REST), None)
        if protocol is None:
            continue
        matcher = cast(RestMatcher, models.wire(protocol))
        score = matcher.match_score(models.get(name), request)
        if score is None or score < best_score:
            continue
        if score > best_score:
            best, best_score = [], score
        best.append((name, protocol))
    return _only(best)


def unroutable(request: HttpRequest, models: ServiceModels, request_id: str) -> HttpResponse:
    """The answer to a request no registered service speaks, in the wire shape its markers
    suggest (so the client still reads an AWS error): `UnknownOperationException` for JSON and
    CBOR, `InvalidAction` for a Query form, a 404 restJson error otherwise."""
    target = request.headers.get("x-amz-target")
    protocol = _signed_protocol(request, models) or marked_protocol(request)
    if protocol == CBOR:
        error = ProtocolError("UnknownOperationException",
                              f"Statewright does not implement the operation '{request.path}'", 404)
    elif protocol == "json":
        error = ProtocolError("UnknownOperationException",
                              f"Statewright does not implement the operation '{target or '(no X-Amz-Target)'}'")
    elif protocol == "query":
        params = _form(request) or {}
        error = ProtocolError("InvalidAction", f"Statewright does not implement the action {params.get('Action')}")
    else:
        error = ProtocolError("UnknownOperationException",
                              f"Statewright serves no operation at {request.method} {request.path}", 404)
    return models.wire(protocol).serialize_error(None, None, error, request_id)


def _signed_protocol(request: HttpRequest, models: ServiceModels) -> str | None:
    """The protocol of the service a request is signed for, when its signing name is a model's
    name (`apigateway`, `lambda`, `s3`): its client reads only that shape, whatever other
    markers the request carries."""
    scope = credential_scope(request)
    if scope is None:
        return None
    try:
        return models.client_protocol(scope.service)
    except Exception:  # noqa: BLE001 - not a model's name (`states` is stepfunctions'): use the markers
        return None


def marked_protocol(request: HttpRequest) -> str:
    """The wire protocol a request's markers suggest: CBOR, AWS JSON, a Query form, else restJson."""
    if request.headers.get("smithy-protocol") == "rpc-v2-cbor":
        return CBOR
    if request.headers.get("x-amz-target") or request.headers.get("content-type", "").startswith("application/x-amz-json"):
        return "json"
    if _form(request) is not None:
        return "query"
    return "rest-json"


def error_in_marked_shape(request: HttpRequest, models: ServiceModels, error: ProtocolError,
                          request_id: str) -> HttpResponse:
    """Any error of the edge itself (a method it does not serve, a failure before a route was
    found) in the wire shape the request's markers suggest, never as plain text."""
    return models.wire(marked_protocol(request)).serialize_error(None, None, error, request_id)


def _form(request: HttpRequest) -> dict[str, str] | None:
    """The parameters of a Query request (one with an `Action`), else None."""
    kind = request.headers.get("content-type", "")
    if "Action=" not in request.query and not kind.startswith("application/x-www-form-urlencoded"):
        return None
    try:
        params = form_params(request)
    except ProtocolError:  # an unreadable form is simply not a Query request
        return None
    return params if params.get("Action") else None


class RouteCache:
    """`identify`, remembered for AWS JSON requests: their route depends only on the target's
    prefix, the credential scope and `X-Amz-Region-Set`, never on the body or the signature, and
    a client sends the same few of these request after request. Other requests (REST paths,
    Query forms, CBOR, presigned queries) are identified afresh each time."""

    LIMIT = 1024  # distinct keys kept; past this the cache starts over (dates and keys rotate)

    def __init__(self, models: ServiceModels) -> None:
        self._models = models
        self._routes: dict[tuple[Any, ...], Route | None] = {}

    def identify(self, request: HttpRequest, registered: Iterable[str],
                 default_region: str) -> Route | None:
        marks = _json_route_key(request)
        if marks is None:
            return identify(request, self._models, set(registered), default_region)
        key = (*marks, frozenset(registered), default_region)
        try:
            return self._routes[key]
        except KeyError:
            pass
        route = identify(request, self._models, set(registered), default_region)
        if len(self._routes) >= self.LIMIT:
            self._routes.clear()
        self._routes[key] = route
        return route


def _json_route_key(request: HttpRequest) -> tuple[str, str | None, str | None] | None:
    """What `identify` reads of an `X-Amz-Target` request with no query and no CBOR marker
    (None for any other request)."""
    headers = request.headers
    target = headers.get("x-amz-target")
    if not target or request.query or "smithy-protocol" in headers:
        return None
    found = _CREDENTIAL.search(headers.get("authorization", ""))
    return target.rpartition(".")[0], found.group(1) if found else None, headers.get("x-amz-region-set")
