"""REST API gateway responses (`x-amazon-apigateway-gateway-responses`, SAM's `GatewayResponses`):
a template may change the status, headers and body of API Gateway's own answers by response type,
falling back to `DEFAULT_4XX`/`DEFAULT_5XX`. The body template sees `$context.error.message`,
`$context.error.messageString` (the message as a quoted JSON string) and
`$context.error.responseType`."""

from __future__ import annotations

import json
from typing import Any

from . import vtl
from .types import ApiResponse


def customize(responses: dict[str, Any], answer: ApiResponse, context: dict[str, Any],
              stage_variables: dict[str, str]) -> ApiResponse:
    if not answer.kind or not responses:
        return answer
    default = "DEFAULT_5XX" if answer.status >= 500 else "DEFAULT_4XX"
    custom = responses.get(answer.kind) or responses.get(default)
    if not isinstance(custom, dict):
        return answer
    message = _message(answer.body)
    error = {"message": message, "messageString": json.dumps(message), "responseType": answer.kind}
    status = int(custom.get("statusCode", answer.status))
    headers = [(k, v) for k, v in answer.headers if k.lower() != "content-type"]
    for name, source in (custom.get("responseParameters") or {}).items():
        text = str(source)
        if str(name).startswith("gatewayresponse.header.") and text.startswith("'") and text.endswith("'"):
            headers.append((str(name).removeprefix("gatewayresponse.header."), text[1:-1]))
    templates = custom.get("responseTemplates") or {}
    template = templates.get("application/json") or next(iter(templates.values()), None)
    body = answer.body
    if isinstance(template, str):
        try:
            body = vtl.render(template, "", {}, {**context, "error": error}, stage_variables).encode()
        except vtl.TemplateError:
            pass  # a broken template leaves API Gateway's own body
    return ApiResponse(status, [("Content-Type", "application/json"), *headers], body, answer.kind)


def _message(body: bytes) -> Any:
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if isinstance(answer, dict):
        return answer.get("message", answer.get("Message"))
    return None
