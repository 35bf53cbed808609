"""One request through a deployed API, in API Gateway's order: the stage, CORS preflight (HTTP
APIs), the route, the API key, the authorizer, the request validator, the integration, and the
CORS headers on the way out. API Gateway's own refusals keep their exact statuses and bodies."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace

from . import cors, integrations, validation
from .authorizers import Authorizers
from .error_types import with_error_type
from .events import Call
from .gateway_responses import customize
from .proxy import gateway_error
from .routes import match
from .types import HTTP, Api, ApiRequest, ApiResponse, Route

log = logging.getLogger(__name__)


def missing_token() -> ApiResponse:
    return gateway_error(403, "Missing Authentication Token",
                         headers=[("x-amzn-ErrorType", "MissingAuthenticationTokenException")],
                         kind="MISSING_AUTHENTICATION_TOKEN")


def not_found() -> ApiResponse:
    return gateway_error(404, "Not Found", kind="RESOURCE_NOT_FOUND")


class Gateway:
    """Serves requests to the APIs it is given (`apis` is read on every request, so a template
    reload shows at once)."""

    def __init__(self, apis: Callable[[str], Api | None], backends: integrations.Backends,
                 authorizers: Authorizers, account: str, region: str,
                 api_keys: Callable[[str, str, str], ApiResponse | None]) -> None:
        self._apis = apis
        self.backends = backends
        self.authorizers = authorizers
        self.account = account
        self.region = region
        self._api_keys = api_keys

    def serve(self, api_id: str, stage_name: str, request: ApiRequest) -> ApiResponse:
        request_id = str(uuid.uuid4())
        api = self._apis(api_id)
        try:
            response = self._serve(api, stage_name, request, request_id)
        except Exception:  # a bug answers API Gateway's 500, never takes the request down with it
            log.exception("serving %s %s on %s/%s failed", request.method, request.path, api_id, stage_name)
            response = gateway_error(500, "Internal server error", kind="DEFAULT_5XX")
        if api is not None and api.protocol != HTTP:
            response = with_error_type(response)
        if api is not None and api.protocol != HTTP and api.gateway_responses and response.kind:
            stage = api.stages.get(stage_name)
            variables = dict(stage.variables) if stage else {}
            context = {"requestId": request_id, "stage": stage_name, "apiId": api_id,
                       "httpMethod": request.method, "path": f"/{stage_name}{request.path}"}
            response = customize(api.gateway_responses, response, context, variables)
        if api is not None and api.protocol == HTTP:
            response.headers.append(("apigw-requestid", request_id))
        else:
            response.headers.append(("x-amzn-RequestId", request_id))
        return response

    def _serve(self, api: Api | None, stage_name: str, request: ApiRequest, request_id: str) -> ApiResponse:
        if api is None:
            return not_found()
        http_api = api.protocol == HTTP
        stage = api.stages.get(stage_name)
        if stage is None:
            return not_found() if http_api else missing_token()
        if http_api and api.cors and cors.is_preflight(request):
            return cors.preflight(api.cors, request)
        found = match(api.routes, request.method, request.path.split("?")[0], fallback_default=http_api)
        if found is None:
            return not_found() if http_api else missing_token()
        route = found.route
        call = Call(request=request, api_id=api.id, stage=stage.name, resource_path=route.path,
                    resource_id=route.resource_id, route_key=route.route_key, path_parameters=found.path_parameters,
                    stage_variables=dict(stage.variables), request_id=request_id, account=self.account,
                    region=self.region, epoch_ms=int(time.time() * 1000), binary_media_types=api.binary_media_types)
        response = self._authorized(api, route, call)
        if http_api and api.cors:
            cors.add_headers(api.cors, request, response)
        return response

    def _authorized(self, api: Api, route: Route, call: Call) -> ApiResponse:
        if route.api_key_required:
            refusal = self._api_keys(api.id, call.stage, call.request.header("x-api-key") or "")
            if refusal is not None:  # unknown or disabled key (403), throttled or over quota (429)
                return refusal
        if route.authorizer:
            authorizer = api.authorizers.get(route.authorizer)
            if authorizer is None:
                return gateway_error(500, None)
            outcome = self.authorizers.authorize(api, authorizer, call, route.scopes)
            if outcome.refusal is not None:
                return outcome.refusal
            call = replace(call, authorizer=outcome.context)
        refused = validation.check(route, call.request)
        if refused is not None:
            return refused
        if route.integration is None:
            return gateway_error(500, "Internal server error")
        return integrations.execute(api, route.integration, call, self.backends)

