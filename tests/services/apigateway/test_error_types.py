"""`x-amzn-ErrorType` on API Gateway's own answers (error_types.py), over real HTTP against the
test SAM app: each REST refusal carries the type real REST APIs send; integration answers and HTTP
API answers carry none."""

from __future__ import annotations

from statewright.services.apigateway.error_types import ERROR_TYPES, with_error_type
from statewright.services.apigateway.proxy import gateway_error
from statewright.services.apigateway.types import ApiKey, ApiResponse, UsagePlan

from .conftest import send


def rest(server, api, path):
    return f"{server.endpoint}/restapis/{api}/dev/_user_request_{path}"


def error_type(answer) -> str | None:
    value = answer.headers.get("x-amzn-ErrorType")
    return str(value) if value is not None else None


def test_refusals_before_the_integration(server, rest_id):
    unknown = send(rest(server, rest_id, "/nothing-here"))
    assert (unknown.status, error_type(unknown)) == (403, "MissingAuthenticationTokenException")
    unauthorized = send(rest(server, rest_id, "/items/7"))
    assert (unauthorized.status, error_type(unauthorized)) == (401, "UnauthorizedException")
    denied = send(rest(server, rest_id, "/items/7"), headers={"Authorization": "deny"})
    assert (denied.status, error_type(denied)) == (403, "AccessDeniedException")
    no_key = send(rest(server, rest_id, "/keyed"))
    assert (no_key.status, no_key.json(), error_type(no_key)) == (403, {"message": "Forbidden"}, "ForbiddenException")


def test_failed_integrations_are_internal_server_errors(server, rest_id):
    malformed = send(rest(server, rest_id, "/custom?mode=malformed"))
    assert (malformed.status, error_type(malformed)) == (502, "InternalServerErrorException")
    timed_out = send(rest(server, rest_id, "/slow?mode=sleep&seconds=3"))
    assert (timed_out.status, error_type(timed_out)) == (504, "InternalServerErrorException")


def test_throttled_function_is_too_many_requests(server, rest_id):
    answer = send(rest(server, rest_id, "/throttled"))
    assert (answer.status, error_type(answer)) == (429, "TooManyRequestsException")


def test_usage_plan_limits(server, rest_id):
    gateway = server.runtime.services["apigateway"]
    gateway.put_usage_plan(UsagePlan("err-quota", "err-quota", frozenset({(rest_id, "dev")}), quota_limit=1))
    gateway.put_usage_plan(UsagePlan("err-rate", "err-rate", frozenset({(rest_id, "dev")}), rate_limit=0.001,
                                     burst_limit=1))
    gateway.put_api_key(ApiKey("k-quota", "k-quota", "q" * 40, stages=frozenset({(rest_id, "dev")}),
                               plans=("err-quota",)))
    gateway.put_api_key(ApiKey("k-rate", "k-rate", "r" * 40, stages=frozenset({(rest_id, "dev")}),
                               plans=("err-rate",)))
    url = rest(server, rest_id, "/keyed")
    try:
        quota = [send(url, headers={"x-api-key": "q" * 40}) for _ in range(2)]
        rate = [send(url, headers={"x-api-key": "r" * 40}) for _ in range(2)]
    finally:
        for key in ("k-quota", "k-rate"):
            gateway.remove_api_key(key)
        for plan in ("err-quota", "err-rate"):
            gateway.remove_usage_plan(plan)
    assert [(a.status, error_type(a)) for a in quota] == [(200, None), (429, "LimitExceededException")]
    assert [(a.status, error_type(a)) for a in rate] == [(200, None), (429, "TooManyRequestsException")]


def test_answers_of_the_integration_carry_none(server, rest_id):
    """A 4xx/5xx the function chose is the function's answer, not API Gateway's."""
    answer = send(rest(server, rest_id, "/custom?status=503"))
    assert answer.status == 503 and error_type(answer) is None


def test_http_apis_send_none(server, http_id):
    secure = f"{server.endpoint}/restapis/{http_id}/$default/_user_request_/secure"
    refused = [send(secure), send(secure, headers={"Authorization": "nope"})]
    assert [(a.status, error_type(a)) for a in refused] == [(401, None), (403, None)]


def test_an_existing_header_is_kept_and_unknown_types_get_none():
    validated = gateway_error(400, "Invalid request body", headers=[("x-amzn-ErrorType", "BadRequestException")],
                              kind="BAD_REQUEST_BODY")
    assert with_error_type(validated).headers.count(("x-amzn-ErrorType", "BadRequestException")) == 1
    assert with_error_type(gateway_error(415, "Unsupported Media Type", kind="UNSUPPORTED_MEDIA_TYPE")).header(
        "x-amzn-ErrorType") is None
    assert with_error_type(ApiResponse(500, [], b"{}")).header("x-amzn-ErrorType") is None  # not API Gateway's own
    assert set(ERROR_TYPES.values()) <= {"MissingAuthenticationTokenException", "UnauthorizedException",
                                         "AccessDeniedException", "ForbiddenException", "TooManyRequestsException",
                                         "LimitExceededException", "InternalServerErrorException"}
