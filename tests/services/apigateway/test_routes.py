"""Route matching: most specific path first, exact method before ANY, `$default` for HTTP APIs."""

from __future__ import annotations

from statewright.services.apigateway.routes import match
from statewright.services.apigateway.types import Integration, Route

MOCK = Integration("MOCK")


def routes(*keys: str) -> list[Route]:
    made = []
    for key in keys:
        method, _, path = key.partition(" ")
        made.append(Route("ANY", "$default", MOCK) if key == "$default" else Route(method, path, MOCK))
    return made


def key(found):
    return found.route.route_key if found else None


def test_literal_beats_param_beats_greedy():
    table = routes("GET /items/special", "GET /items/{id}", "ANY /{proxy+}", "GET /")
    assert key(match(table, "GET", "/items/special", False)) == "GET /items/special"
    found = match(table, "GET", "/items/9", False)
    assert key(found) == "GET /items/{id}" and found.path_parameters == {"id": "9"}
    found = match(table, "POST", "/a/b/c", False)
    assert key(found) == "ANY /{proxy+}" and found.path_parameters == {"proxy": "a/b/c"}
    assert key(match(table, "GET", "/", False)) == "GET /"


def test_rest_resource_without_the_method_is_no_match():
    table = routes("GET /items/{id}", "ANY /{proxy+}")
    assert match(table, "DELETE", "/items/1", False) is None


def test_http_api_falls_through_to_other_paths_and_default():
    table = routes("GET /items/{id}", "ANY /{proxy+}", "$default")
    assert key(match(table, "DELETE", "/items/1", True)) == "ANY /{proxy+}"
    assert key(match(routes("GET /items/{id}", "$default"), "POST", "/other", True)) == "$default"
    assert match(routes("GET /items/{id}"), "POST", "/other", True) is None


def test_exact_method_before_any_and_percent_decoding():
    table = routes("ANY /files/{name}", "PUT /files/{name}")
    found = match(table, "PUT", "/files/a%20b", False)
    assert key(found) == "PUT /files/{name}" and found.path_parameters == {"name": "a b"}
