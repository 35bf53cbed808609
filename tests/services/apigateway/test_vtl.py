"""Mapping templates through airspeed with API Gateway's variables."""

from __future__ import annotations

import json

from statewright.services.apigateway.vtl import render

PARAMS = {"path": {"id": "7"}, "querystring": {"q": "x"}, "header": {"X-H": "h"}}


def run(template: str, body: str = "", context: dict | None = None, stage: dict | None = None) -> str:
    return render(template, body, PARAMS, context or {"stage": "dev", "requestId": "r-1"}, stage or {})


def test_input_json_and_path():
    body = '{"a": {"b": [1, 2]}, "s": "t"}'
    assert json.loads(run("$input.json('$.a')", body)) == {"b": [1, 2]}
    assert run("$input.path('$.s')", body) == "t"
    assert run("$input.path('$.a.b').size()", body) == "2"
    assert json.loads(run("$input.json('$')", body)) == json.loads(body)


def test_input_params():
    assert run("$input.params('id') $input.params('q') $input.params('X-H')") == "7 x h"
    assert run("$input.params().path.get('id')") == "7"
    assert run("[$input.params('absent')]") == "[]"


def test_util_functions():
    assert run("$util.escapeJavaScript($input.json('$'))", '{"a": "x"}') == '{\\"a\\": \\"x\\"}'
    # AWS documents that escapeJavaScript escapes single quotes (not valid JSON escapes).
    assert run("$util.escapeJavaScript(\"it's\")") == "it\\'s"
    assert run("#set($o = $util.parseJson('{\"on\": true, \"m\": {\"k\": 1}}'))$o.on $o.m") == "true {k=1}"
    assert run("$util.base64Encode('hi') $util.base64Decode('aGk=')") == "aGk= hi"
    assert run("$util.urlEncode('a b/c') $util.urlDecode('a+b%2Fc')") == "a%20b%2Fc a b/c"


def test_context_and_stage_variables():
    assert run("$context.stage $context.requestId [$context.nope]") == "dev r-1 []"
    assert run("$stageVariables.color|$stageVariables.none|", stage={"color": "blue"}) == "blue||"


def test_foreach_over_parsed_json():
    body = '{"items": [{"n": "a"}, {"n": "b"}]}'
    assert run("#foreach($i in $input.path('$.items'))$i.n#if($foreach.hasNext),#end#end", body) == "a,b"
