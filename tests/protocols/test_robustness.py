"""Bad input gets a protocol error, never a crash: arbitrary requests against every protocol and
against routing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statewright.protocols.errors import ProtocolError
from statewright.protocols.models import ServiceModels
from statewright.protocols.routing import identify, unroutable
from statewright.protocols.types import HttpRequest, ParsedRequest

MODELS = ServiceModels()
CASES = [("stepfunctions", "json"), ("sts", "query"), ("lambda", "rest-json"), ("s3", "rest-xml"),
         ("cloudwatch", "smithy-rpc-v2-cbor"), ("cloudwatch", "query")]

paths = st.one_of(st.just("/"), st.sampled_from(["/b/k", "/2015-03-31/functions/f/invocations", "/b",
                                                  "/service/GraniteServiceVersion20100801/operation/ListMetrics"]),
                  st.text(min_size=1, max_size=30).map(lambda t: "/" + t))
bodies = st.one_of(st.binary(max_size=200), st.sampled_from([b"{}", b"[]", b"<a>", b"\xa1aa\x01", b"Action=GetCallerIdentity",
                                                             b"Action=ListMetrics&Namespace.member.1=x"]))
header_values = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
headers = st.dictionaries(st.sampled_from(["x-amz-target", "content-type", "smithy-protocol", "content-encoding",
                                           "x-amz-invocation-type", "range", "authorization", "x-amz-meta-a"]),
                          header_values, max_size=4)
requests = st.builds(HttpRequest, st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD"]), paths,
                     st.text(max_size=40), headers, bodies)


@pytest.mark.parametrize(("service", "protocol"), CASES)
@settings(max_examples=150, deadline=None)
@given(request=requests)
def test_any_request_parses_or_is_a_protocol_error(service, protocol, request):
    try:
        parsed = MODELS.wire(protocol).parse(MODELS.get(service), request)
    except ProtocolError as error:
        assert error.code and error.message
        response = MODELS.wire(protocol).serialize_error(MODELS.get(service), None, error, "r")
        assert 400 <= response.status < 500
    else:
        assert isinstance(parsed, ParsedRequest) and parsed.operation in MODELS.get(service).operation_names


@settings(max_examples=200, deadline=None)
@given(request=requests)
def test_any_request_is_routed_or_answered(request):
    registered = {name for name, _ in CASES}
    route = identify(request, MODELS, registered, "us-east-1")
    if route is None:
        assert unroutable(request, MODELS, "r").status in (400, 404)
    else:
        assert route.service in registered
