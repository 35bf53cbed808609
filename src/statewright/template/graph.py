"""The order in which resources are created: DependsOn plus references, as CloudFormation orders them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from statewright.template.errors import TemplateError

_SUB_NAME = re.compile(r"\$\{([^}!][^}]*)\}")


def references(value: Any) -> set[str]:
    """Every name `value` refers to through Ref, Fn::GetAtt or Fn::Sub (parameters included)."""
    found: set[str] = set()
    _collect(value, found)
    return found


def _collect(value: Any, found: set[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, found)
        return
    if not isinstance(value, dict):
        return
    if len(value) == 1:
        name, argument = next(iter(value.items()))
        if name == "Ref" and isinstance(argument, str):
            found.add(argument)
            return
        if name == "Fn::GetAtt":
            target = argument.split(".", 1)[0] if isinstance(argument, str) else (argument or [None])[0]
            if isinstance(target, str):
                found.add(target)
            if isinstance(argument, list):
                _collect(argument[1:], found)
            return
        if name == "Fn::Sub":
            _collect_sub(argument, found)
            return
    for item in value.values():
        _collect(item, found)


def _collect_sub(argument: Any, found: set[str]) -> None:
    text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
    if isinstance(variables, dict):
        _collect(list(variables.values()), found)
    if isinstance(text, str):
        for name in _SUB_NAME.findall(text):
            if name.strip() not in variables:
                found.add(name.strip().split(".", 1)[0])
    else:
        _collect(text, found)


def dependencies(resources: Mapping[str, Any]) -> dict[str, list[str]]:
    """For each resource, the other resources it needs first (DependsOn, then references)."""
    graph: dict[str, list[str]] = {}
    for logical_id, resource in resources.items():
        depends_on = resource.get("DependsOn", [])
        if isinstance(depends_on, str):
            depends_on = [depends_on]
        if not isinstance(depends_on, list) or not all(isinstance(item, str) for item in depends_on):
            raise TemplateError("DependsOn must be a logical id or a list of them", logical_id, "DependsOn")
        for target in depends_on:
            if target not in resources:
                raise TemplateError(f"DependsOn names {target!r}, which is not a resource of this template",
                                    logical_id, "DependsOn")
        needed = list(dict.fromkeys(depends_on))
        for target in sorted(references({key: item for key, item in resource.items() if key != "DependsOn"})):
            if target in resources and target not in needed and target != logical_id:
                needed.append(target)
        if logical_id in references(resource.get("Properties", {})):
            raise TemplateError(f"{logical_id} refers to itself", logical_id, "Properties")
        graph[logical_id] = needed
    return graph


def creation_order(resources: Mapping[str, Any]) -> list[str]:
    """The resources in an order where each comes after all it depends on (template order otherwise)."""
    graph = dependencies(resources)
    placed: list[str] = []
    done: set[str] = set()
    remaining = list(graph)
    while remaining:
        ready = [name for name in remaining if all(need in done for need in graph[name])]
        if not ready:
            cycle = _find_cycle(graph, remaining)
            raise TemplateError("circular dependency between resources: " + " -> ".join(cycle), cycle[0],
                                "DependsOn")
        for name in ready:
            placed.append(name)
            done.add(name)
        remaining = [name for name in remaining if name not in done]
    return placed


def _find_cycle(graph: Mapping[str, list[str]], remaining: list[str]) -> list[str]:
    # Every remaining node waits on another remaining node, so walking "first unmet need" must revisit one.
    pending = set(remaining)
    walk: list[str] = []
    node = remaining[0]
    while node not in walk:
        walk.append(node)
        node = next(need for need in graph[node] if need in pending)
    return [*walk[walk.index(node):], node]
