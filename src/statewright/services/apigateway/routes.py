"""Which route answers a request: path templates (`/items/{id}`, `/files/{proxy+}`) matched
most-specific first — a literal segment beats a `{param}`, which beats a greedy `{proxy+}` — then
the exact method before `ANY`; an HTTP API falls back to its `$default` route."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from .types import Route

LITERAL, PARAM, GREEDY = 3, 2, 1


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


@lru_cache(maxsize=4096)
def _compile(path: str) -> tuple[re.Pattern[str], tuple[int, ...], tuple[str, ...]]:
    """The regex of a path template, its specificity per segment, and its parameter names."""
    pattern, ranks, names = "", [], []
    for segment in path.strip("/").split("/") if path.strip("/") else []:
        greedy = re.fullmatch(r"\{([^{}]+)\+\}", segment)
        param = re.fullmatch(r"\{([^{}]+)\}", segment)
        if greedy:
            pattern += "/(.+)"
            ranks.append(GREEDY)
            names.append(greedy.group(1))
        elif param:
            pattern += "/([^/]+)"
            ranks.append(PARAM)
            names.append(param.group(1))
        else:
            pattern += "/" + re.escape(segment)
            ranks.append(LITERAL)
    return re.compile((pattern or "/") + "/?" if pattern else "/?"), tuple(ranks), tuple(names)


def _path_match(template: str, path: str) -> tuple[tuple[int, ...], dict[str, str]] | None:
    regex, ranks, names = _compile(template)
    found = regex.fullmatch(path or "/")
    if found is None:
        return None
    values = {name: unquote(value) for name, value in zip(names, found.groups(), strict=True)}
    return ranks, values


def resource_matches(routes: list[Route], path: str) -> list[tuple[tuple[int, ...], str, dict[str, str]]]:
    """The resource paths that match `path`, best first (with their path parameters)."""
    seen: dict[str, tuple[tuple[int, ...], dict[str, str]]] = {}
    for route in routes:
        if route.path == "$default" or route.path in seen:
            continue
        found = _path_match(route.path, path)
        if found is not None:
            seen[route.path] = found
    ordered = sorted(seen.items(), key=lambda item: (item[1][0], -len(item[0])), reverse=True)
    return [(ranks, template, values) for template, (ranks, values) in ordered]


def match(routes: list[Route], method: str, path: str, fallback_default: bool) -> Match | None:
    """The route for `method path`, or None. REST APIs choose the most specific resource first and
    then its method (a resource without the method is no match at all, as on AWS); HTTP APIs try
    each matching path in order, then `$default` (`fallback_default`)."""
    method = method.upper()
    for _, template, values in resource_matches(routes, path):
        on_path = [r for r in routes if r.path == template]
        chosen = next((r for r in on_path if r.method == method), None) or next(
            (r for r in on_path if r.method == "ANY"), None)
        if chosen is not None:
            return Match(chosen, values)
        if not fallback_default:
            return None
    if fallback_default:
        default = next((r for r in routes if r.path == "$default"), None)
        if default is not None:
            return Match(default, {})
    return None


def methods_on(routes: list[Route], path: str) -> list[Route]:
    """The routes of the best-matching resource path (for CORS preflight answers)."""
    found = resource_matches(routes, path)
    if not found:
        return []
    return [r for r in routes if r.path == found[0][1]]
