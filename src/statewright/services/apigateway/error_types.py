"""The `x-amzn-ErrorType` header on a REST API's own error answers.

AWS's guides list the gateway response types and their statuses but not this header; its values
here are the ones real REST APIs send, as recorded in public captures of their answers:

| gateway response | status | `x-amzn-ErrorType` |
|---|---|---|
| `MISSING_AUTHENTICATION_TOKEN` | 403 | `MissingAuthenticationTokenException` |
| `UNAUTHORIZED` | 401 | `UnauthorizedException` |
| `ACCESS_DENIED` (an authorizer's Deny) | 403 | `AccessDeniedException` |
| `INVALID_API_KEY` | 403 | `ForbiddenException` |
| `THROTTLED` | 429 | `TooManyRequestsException` |
| `QUOTA_EXCEEDED` | 429 | `LimitExceededException` |
| `INTEGRATION_TIMEOUT` | 504 | `InternalServerErrorException` |
| `DEFAULT_5XX` (a failed or malformed integration answer, 500/502) | 5xx | `InternalServerErrorException` |

Answers that already carry the header (validators' `BadRequestException`, authorizers'
`AuthorizerConfigurationException`) keep theirs; a type not in the table gets none rather than a
guess. HTTP APIs send no such header (their answers carry only `apigw-requestid`).
"""

from __future__ import annotations

from .types import ApiResponse

HEADER = "x-amzn-ErrorType"

ERROR_TYPES = {
    "MISSING_AUTHENTICATION_TOKEN": "MissingAuthenticationTokenException",
    "UNAUTHORIZED": "UnauthorizedException",
    "ACCESS_DENIED": "AccessDeniedException",
    "INVALID_API_KEY": "ForbiddenException",
    "THROTTLED": "TooManyRequestsException",
    "QUOTA_EXCEEDED": "LimitExceededException",
    "INTEGRATION_TIMEOUT": "InternalServerErrorException",
    "DEFAULT_5XX": "InternalServerErrorException",
}


def with_error_type(response: ApiResponse) -> ApiResponse:
    """`response` with its `x-amzn-ErrorType` added, when it is one of API Gateway's own answers
    (it has a gateway response type) of a type in the table and has no such header yet."""
    error_type = ERROR_TYPES.get(response.kind)
    if error_type is None or response.header(HEADER) is not None:
        return response
    response.headers.append((HEADER, error_type))
    return response
