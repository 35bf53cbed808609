"""The REST protocols' shared part: URI templates and header lists."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from statewright.protocols.models import ServiceModels
from statewright.protocols.rest import compile_template, split_header_list
from statewright.protocols.rest_json import RestJsonProtocol
from statewright.protocols.rest_xml import RestXmlProtocol
from statewright.protocols.types import HttpRequest

from .wire import client_request

MODELS = ServiceModels()


def test_templates_compile_labels_greedy_labels_and_query_literals():
    template = compile_template(MODELS.get("s3").operation_model("ListObjectsV2"))
    assert (template.method, template.query, template.labels) == ("GET", (("list-type", "2"),), (("g0", "Bucket"),))
    get_object = compile_template(MODELS.get("s3").operation_model("GetObject"))
    assert get_object.path.match("/b/a/b/c").group("g1") == "a/b/c"
    assert get_object.path.match("/b/dir/").group("g1") == "dir/"
    invoke = compile_template(MODELS.get("lambda").operation_model("Invoke"))
    assert invoke.path.match("/2015-03-31/functions/f/invocations")
    assert not invoke.path.match("/2015-03-31/functions/f/g/invocations")


def test_header_lists_split_outside_quotes():
    assert split_header_list('a, "b,c", d') == ["a", "b,c", "d"]
    assert split_header_list('"say \\"hi\\""') == ['say "hi"']
    assert split_header_list("single") == ["single"]


keys = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@given(keys)
def test_any_s3_key_comes_through_the_path(key):
    operation = MODELS.get("s3").operation_model("GetObject")
    request = client_request("rest-xml", operation, {"Bucket": "bucket", "Key": key})
    parsed = RestXmlProtocol().parse(MODELS.get("s3"), request)
    assert (parsed.operation, parsed.input) == ("GetObject", {"Bucket": "bucket", "Key": key})


@given(keys)
def test_any_lambda_qualifier_comes_through_the_query_string(qualifier):
    operation = MODELS.get("lambda").operation_model("GetFunction")
    request = client_request("rest-json", operation, {"FunctionName": "f", "Qualifier": qualifier})
    assert RestJsonProtocol().parse(MODELS.get("lambda"), request).input == {"FunctionName": "f", "Qualifier": qualifier}


def test_labels_are_percent_decoded_once():
    parsed = RestXmlProtocol().parse(MODELS.get("s3"), HttpRequest("GET", "/b/a%2520b"))
    assert parsed.input == {"Bucket": "b", "Key": "a%20b"}


class _Operation:
    """An operation whose URI carries the SDK's `x-id` (newer S3 models do)."""

    name, deprecated, input_shape = "GetThing", False, None
    http = {"method": "GET", "requestUri": "/{Bucket}/{Key+}?x-id=GetThing"}


def test_the_sdks_x_id_names_the_operation_but_is_never_required():
    template = compile_template(_Operation())
    assert (template.x_id, template.query) == ("GetThing", ())
    assert template.score({"x-id": ["GetThing"]}, {}) > template.score({}, {})
