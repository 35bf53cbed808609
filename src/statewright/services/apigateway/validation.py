"""REST API request validators (`x-amazon-apigateway-request-validators`): required query
strings and headers, and the body against the method's OpenAPI schema for its content type."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from .events import multi_query
from .proxy import gateway_error
from .types import ApiRequest, ApiResponse, Route


def _schema_for(route: Route, content_type: str) -> Any:
    kind = content_type.split(";")[0].strip().lower() or "application/json"
    schemas = {k.lower(): v for k, v in route.body_schemas.items()}
    return schemas.get(kind, schemas.get("application/json"))


def check(route: Route, request: ApiRequest) -> ApiResponse | None:
    """None when the request passes the route's validator, else API Gateway's 400."""
    if route.validate_params and route.required_params:
        query = multi_query(request.query)
        missing = [f"{'querystring' if where == 'query' else 'header'} {name}"
                   for where, name in route.required_params
                   if (where == "query" and name not in query) or (where == "header" and request.header(name) is None)]
        if missing:
            return gateway_error(400, f"Missing required request parameters: [{', '.join(n.split()[1] for n in missing)}]",
                                 headers=[("x-amzn-ErrorType", "BadRequestException")], kind="BAD_REQUEST_PARAMETERS")
    if route.validate_body:
        schema = _schema_for(route, request.header("content-type") or "application/json")
        if schema is not None:
            try:
                document = json.loads(request.body or b"null")
                jsonschema.validate(document, schema)
            except (ValueError, jsonschema.ValidationError, jsonschema.SchemaError):
                return gateway_error(400, "Invalid request body", headers=[("x-amzn-ErrorType", "BadRequestException")],
                                     kind="BAD_REQUEST_BODY")
    return None
