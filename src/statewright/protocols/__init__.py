"""AWS wire protocols: HTTP ↔ (operation, input) and results/errors ↔ HTTP, driven by botocore's
service models. One module per protocol; no business logic, no Starlette (plain request and
response records, so the edge and the tests can feed them). See docs/protocols.md."""

from .errors import ProtocolError
from .models import ServiceModels
from .routing import Route, RouteCache, error_in_marked_shape, identify, unroutable
from .types import ErrorLike, HttpRequest, HttpResponse, ParsedRequest, WireProtocol

__all__ = ["ErrorLike", "HttpRequest", "HttpResponse", "ParsedRequest", "ProtocolError", "Route",
           "RouteCache",
           "ServiceModels", "WireProtocol", "error_in_marked_shape", "identify", "unroutable"]
