"""API Gateway's Velocity mapping templates, run by `airspeed` (Velocity for Python) with
API Gateway's variables: `$input` (`json`, `path`, `params`, `body`), `$util` (`escapeJavaScript`,
`parseJson`, `base64Encode`/`Decode`, `urlEncode`/`Decode`), `$context` and `$stageVariables`.

Parsed JSON renders as Velocity (Java) renders it: `true`/`false`, `{a=1}` maps, `[1, 2]` lists.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote_plus

import airspeed
import jsonpath


class TemplateError(Exception):
    """A template that airspeed cannot parse or run."""


class JavaBool:
    """A JSON boolean inside a template: prints `true`/`false`, tests as a boolean."""

    def __init__(self, value: bool) -> None:
        self.value = value

    def __bool__(self) -> bool:
        return self.value

    def __str__(self) -> str:
        return "true" if self.value else "false"

    def __eq__(self, other: object) -> bool:
        return self.value == (other.value if isinstance(other, JavaBool) else other)

    def __hash__(self) -> int:
        return hash(self.value)


class JavaMap(dict[str, Any]):
    def __str__(self) -> str:
        return "{" + ", ".join(f"{k}={v}" for k, v in self.items()) + "}"

    def keySet(self) -> list[str]:  # noqa: N802 - Java's name, as templates call it
        return list(self.keys())

    def containsKey(self, key: str) -> bool:  # noqa: N802
        return key in self

    def isEmpty(self) -> bool:  # noqa: N802
        return not self

    def size(self) -> int:
        return len(self)


class LenientMap(JavaMap):
    """`$context` and `$stageVariables`: a name that is not set renders as an empty string, as
    API Gateway renders it (plain Velocity would print the reference itself)."""

    def __missing__(self, key: str) -> str:
        return ""


class JavaList(list[Any]):
    def __str__(self) -> str:
        return "[" + ", ".join(str(v) for v in self) + "]"

    def isEmpty(self) -> bool:  # noqa: N802
        return not self

    def size(self) -> int:
        return len(self)


def java(value: Any) -> Any:
    """JSON data as templates see it."""
    if isinstance(value, bool):
        return JavaBool(value)
    if isinstance(value, dict):
        return JavaMap({k: java(v) for k, v in value.items()})
    if isinstance(value, list):
        return JavaList(java(v) for v in value)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, JavaBool):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class Input:
    """`$input`: the payload (request body, or the integration's response) and the request's parameters."""

    def __init__(self, body: str, params: dict[str, dict[str, str]]) -> None:
        self.body = body
        self._params = params
        self._parsed: Any = None
        self._parsed_done = False

    def _data(self) -> Any:
        if not self._parsed_done:
            try:
                self._parsed = json.loads(self.body) if self.body.strip() else {}
            except ValueError:
                self._parsed = None
            self._parsed_done = True
        return self._parsed

    def _select(self, path: str) -> Any:
        data = self._data()
        if path.strip() == "$":
            return data
        found = jsonpath.findall(path, data) if data is not None else []
        if not found:
            return None
        return found[0] if len(found) == 1 and not any(c in path for c in "*?") else found

    def json(self, path: str) -> str:
        return json.dumps(self._select(path))

    def path(self, path: str) -> Any:
        return java(self._select(path))

    def params(self, name: str | None = None) -> Any:
        if name is None:
            return JavaMap({k: JavaMap(v) for k, v in self._params.items()})
        for where in ("path", "querystring", "header"):
            if name in self._params.get(where, {}):
                return self._params[where][name]
        return ""


class Util:
    def escapeJavaScript(self, text: Any) -> str:  # noqa: N802
        encoded = json.dumps(str(text) if not isinstance(text, str) else text)[1:-1]
        # Velocity's escapeJavaScript escapes single quotes too; API Gateway's output keeps them escaped.
        return encoded.replace("'", "\\'")

    def parseJson(self, text: Any) -> Any:  # noqa: N802
        return java(json.loads(str(text)))

    def base64Encode(self, text: Any) -> str:  # noqa: N802
        return base64.b64encode(str(text).encode()).decode()

    def base64Decode(self, text: Any) -> str:  # noqa: N802
        return base64.b64decode(str(text)).decode("utf-8", "replace")

    def urlEncode(self, text: Any) -> str:  # noqa: N802
        return quote(str(text), safe="")

    def urlDecode(self, text: Any) -> str:  # noqa: N802
        return unquote_plus(str(text))


@lru_cache(maxsize=512)
def _compiled(text: str) -> airspeed.Template:
    template = airspeed.Template(text)
    # Parse now: airspeed parses on first merge, and cached templates are merged from many threads.
    template.ensure_compiled()
    return template


def render(template: str, body: str, params: dict[str, dict[str, str]], context: dict[str, Any],
           stage_variables: dict[str, str]) -> str:
    """The template's output for this payload, request parameters, `$context` and `$stageVariables`."""
    namespace = {"input": Input(body, params), "util": Util(), "context": LenientMap(java(context)),
                 "stageVariables": LenientMap(stage_variables)}
    try:
        return str(_compiled(template).merge(namespace))
    except Exception as error:  # airspeed raises its own and Python errors for bad templates
        raise TemplateError(f"{type(error).__name__}: {error}") from error


__all__ = ["Input", "TemplateError", "Util", "java", "render"]
