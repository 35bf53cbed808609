"""Validation of one state: its field set in its query language, and each type's own rules.

Sub-machines (Parallel branches, Map processors) are handed back to `validate.py` through the
`SubMachine` callback, which keeps the import graph one-way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from .validate_common import (
    INVALID_RESOURCE,
    JSONATA,
    Collector,
    assign,
    child,
    exclusive,
    expect_bool,
    expect_enum,
    expect_int,
    expect_object,
    expect_string,
    is_number,
    jsonata_or_type,
    jsonata_value,
    path_field,
    required_fields,
    template,
    unknown_fields,
)
from .validate_distributed import item_reader, result_writer
from .validate_rules import catchers, choice_rule, retriers

# (raw sub-machine, its location, its kind: "branch" | "iterator" | "processor", query language)
SubMachine = Callable[[Any, str, str, str], None]

STATE_TYPES: Final = ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")

_COMMON: Final = frozenset({"Type", "Comment", "QueryLanguage"})
_FLOW: Final = frozenset({"Next", "End", "Assign"})
_ERRORS: Final = frozenset({"Retry", "Catch"})
_IO_PATHS: Final = frozenset({"InputPath", "OutputPath"})
_RESULT: Final = frozenset({"Parameters", "ResultPath", "ResultSelector"})

# Fields a state of each type has in either query language.
_SHARED: Final[dict[str, frozenset[str]]] = {
    "Pass": _FLOW,
    "Task": _FLOW | _ERRORS | {"Resource", "TimeoutSeconds", "HeartbeatSeconds", "Credentials"},
    "Choice": frozenset({"Choices", "Default", "Assign"}),
    "Wait": _FLOW | {"Seconds", "Timestamp"},
    "Succeed": frozenset(),
    "Fail": frozenset({"Error", "Cause"}),
    "Parallel": _FLOW | _ERRORS | {"Branches"},
    "Map": _FLOW | _ERRORS | {"Iterator", "ItemProcessor", "ItemReader", "ItemBatcher",
                              "ResultWriter", "Label", "MaxConcurrency", "ItemSelector",
                              "ToleratedFailurePercentage", "ToleratedFailureCount"},
}
# Fields only JSONPath states have: the five I/O fields and the `…Path` twins.
_JSONPATH_ONLY: Final[dict[str, frozenset[str]]] = {
    "Pass": _IO_PATHS | {"Parameters", "ResultPath", "Result"},
    "Task": _IO_PATHS | _RESULT | {"TimeoutSecondsPath", "HeartbeatSecondsPath"},
    "Choice": _IO_PATHS,
    "Wait": _IO_PATHS | {"SecondsPath", "TimestampPath"},
    "Succeed": _IO_PATHS,
    "Fail": frozenset({"ErrorPath", "CausePath"}),
    "Parallel": _IO_PATHS | _RESULT,
    "Map": _IO_PATHS | _RESULT | {"ItemsPath", "MaxConcurrencyPath",
                                  "ToleratedFailurePercentagePath", "ToleratedFailureCountPath"},
}
# Fields only JSONata states have.
_JSONATA_ONLY: Final[dict[str, frozenset[str]]] = {
    "Pass": frozenset({"Output"}),
    "Task": frozenset({"Output", "Arguments"}),
    "Choice": frozenset({"Output"}),
    "Wait": frozenset({"Output"}),
    "Succeed": frozenset({"Output"}),
    "Fail": frozenset(),
    "Parallel": frozenset({"Output", "Arguments"}),
    "Map": frozenset({"Output", "Items"}),
}
_TRANSITIONING: Final = frozenset({"Pass", "Task", "Wait", "Parallel", "Map"})
# Fields that only make sense when a Map hands items to child executions.
_DISTRIBUTED_ONLY: Final = ("ItemReader", "ResultWriter", "ItemBatcher", "Label")
_RESOURCE_PREFIX: Final = "arn:"


def allowed_fields(kind: str, language: str) -> frozenset[str]:
    """Every field a state of `kind` may have in `language`."""
    extra = _JSONATA_ONLY[kind] if language == JSONATA else _JSONPATH_ONLY[kind]
    return _COMMON | _SHARED[kind] | extra


def check_state(c: Collector, raw: dict[str, Any], location: str, language: str,
                sub_machine: SubMachine) -> None:
    """Validate one state whose `Type` is known; `language` is its effective query language."""
    kind = raw["Type"]
    unknown_fields(c, raw, allowed_fields(kind, language), location)
    expect_string(c, raw, "Comment", location)
    if kind in _TRANSITIONING:
        _transition(c, raw, location)
    if "Assign" in raw:
        assign(c, raw["Assign"], child(location, "Assign"), language)
    if language == JSONATA:
        _jsonata_io(c, raw, location)
    else:
        _jsonpath_io(c, raw, location)
    if "Retry" in raw and "Retry" in _SHARED[kind]:
        retriers(c, raw["Retry"], child(location, "Retry"))
    if "Catch" in raw and "Catch" in _SHARED[kind]:
        catchers(c, raw["Catch"], child(location, "Catch"), language)
    _BY_TYPE[kind](c, raw, location, language, sub_machine)


def _transition(c: Collector, raw: dict[str, Any], location: str) -> None:
    """Exactly one of Next and `End: true`."""
    expect_bool(c, raw, "End", location)
    ends = raw.get("End") is True
    if "Next" in raw and ends:
        c.schema("Only one of these fields is allowed: [Next, End]", location)
    elif "Next" not in raw and not ends:
        c.schema("These fields are required: [Next]", location)
    expect_string(c, raw, "Next", location)


def _jsonpath_io(c: Collector, raw: dict[str, Any], location: str) -> None:
    path_field(c, raw, "InputPath", location, nullable=True)
    path_field(c, raw, "OutputPath", location, nullable=True)
    path_field(c, raw, "ResultPath", location, reference=True, nullable=True)
    for name in ("Parameters", "ResultSelector"):
        if name in raw:
            template(c, raw[name], child(location, name))


def _jsonata_io(c: Collector, raw: dict[str, Any], location: str) -> None:
    for name in ("Arguments", "Output"):
        if name in raw:
            jsonata_value(c, raw[name], child(location, name))
    if "Arguments" in raw and not (isinstance(raw["Arguments"], dict)
                                   or _is_expression(raw["Arguments"])):
        c.schema("Field 'Arguments' must be an object or a JSONata expression",
                 child(location, "Arguments"))


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{%")


# --- Per type ----------------------------------------------------------------------------------


def _pass(c: Collector, raw: dict[str, Any], location: str, language: str,
          sub_machine: SubMachine) -> None:
    pass  # Result is any JSON value; the shared checks cover the rest


def _succeed(c: Collector, raw: dict[str, Any], location: str, language: str,
             sub_machine: SubMachine) -> None:
    pass


def _task(c: Collector, raw: dict[str, Any], location: str, language: str,
          sub_machine: SubMachine) -> None:
    if required_fields(c, raw, ("Resource",), location):
        resource = raw["Resource"]
        if not isinstance(resource, str) or not resource.startswith(_RESOURCE_PREFIX):
            c.error(INVALID_RESOURCE, f"Resource is not a valid ARN: {resource}",
                    child(location, "Resource"))
    jsonata = language == JSONATA
    timeouts = [_seconds(c, raw, name, location, jsonata) for name in ("TimeoutSeconds",
                                                                       "HeartbeatSeconds")]
    timeout, heartbeat = timeouts
    if is_number(timeout) and is_number(heartbeat) and heartbeat >= timeout:
        c.schema("Field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'",
                 child(location, "HeartbeatSeconds"))
    if expect_object(c, raw, "Credentials", location):
        credentials = raw["Credentials"]
        where = child(location, "Credentials")
        if jsonata:
            jsonata_value(c, credentials, where)
        else:
            template(c, credentials, where)


def _seconds(c: Collector, raw: dict[str, Any], name: str, location: str, jsonata: bool) -> Any:
    """A positive-integer timeout and its `…Path` twin (exclusive); the literal when valid."""
    exclusive(c, raw, (name, name + "Path"), location)
    path_field(c, raw, name + "Path", location, reference=True)
    if expect_int(c, raw, name, location, 1, jsonata=jsonata):
        return raw[name]
    return None


def _choice(c: Collector, raw: dict[str, Any], location: str, language: str,
            sub_machine: SubMachine) -> None:
    expect_string(c, raw, "Default", location)
    if not required_fields(c, raw, ("Choices",), location):
        return
    rules = raw["Choices"]
    where = child(location, "Choices")
    if not isinstance(rules, list) or not rules:
        c.schema("Field 'Choices' must be a non-empty array", where)
        return
    for i, rule in enumerate(rules):
        choice_rule(c, rule, child(where, i), language, top=True)


def _wait(c: Collector, raw: dict[str, Any], location: str, language: str,
          sub_machine: SubMachine) -> None:
    names = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")
    if exclusive(c, raw, names, location) == 0:
        c.schema("Exactly one of these fields is required: [Seconds, SecondsPath, Timestamp, "
                 "TimestampPath]", location)
    jsonata = language == JSONATA
    expect_int(c, raw, "Seconds", location, 0, jsonata=jsonata)
    jsonata_or_type(c, raw, "Timestamp", location,
                    lambda: expect_string(c, raw, "Timestamp", location))
    path_field(c, raw, "SecondsPath", location, reference=True)
    path_field(c, raw, "TimestampPath", location, reference=True)


def _fail(c: Collector, raw: dict[str, Any], location: str, language: str,
          sub_machine: SubMachine) -> None:
    for name in ("Error", "Cause"):
        exclusive(c, raw, (name, name + "Path"), location)
        if language == JSONATA and isinstance(raw.get(name), str):
            jsonata_value(c, raw[name], child(location, name))
        else:
            expect_string(c, raw, name, location)
        # AWS evaluates ErrorPath/CausePath as a path or an intrinsic such as States.Format.
        path_field(c, raw, name + "Path", location, reference=True, intrinsic=True)


def _parallel(c: Collector, raw: dict[str, Any], location: str, language: str,
              sub_machine: SubMachine) -> None:
    if not required_fields(c, raw, ("Branches",), location):
        return
    branches = raw["Branches"]
    where = child(location, "Branches")
    if not isinstance(branches, list) or not branches:
        c.schema("Field 'Branches' must be a non-empty array", where)
        return
    for i, branch in enumerate(branches):
        sub_machine(branch, child(where, i), "branch", language)


def _map(c: Collector, raw: dict[str, Any], location: str, language: str,
         sub_machine: SubMachine) -> None:
    present = exclusive(c, raw, ("ItemProcessor", "Iterator"), location)
    if present == 0:
        c.schema("These fields are required: [ItemProcessor]", location)
    for name, kind in (("ItemProcessor", "processor"), ("Iterator", "iterator")):
        if name in raw:
            sub_machine(raw[name], child(location, name), kind, language)
    exclusive(c, raw, ("ItemSelector", "Parameters"), location)
    _map_items(c, raw, location, language)
    _map_limits(c, raw, location, language == JSONATA)
    if _map_mode(raw) != "DISTRIBUTED":
        for name in _DISTRIBUTED_ONLY:
            if name in raw:
                c.schema(f"Field '{name}' is only supported in DISTRIBUTED mode",
                         child(location, name))
    else:
        item_reader(c, raw, location, language == JSONATA)
        result_writer(c, raw, location)
    expect_string(c, raw, "Label", location)


def _map_mode(raw: dict[str, Any]) -> Any:
    processor = raw.get("ItemProcessor")
    config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
    return config.get("Mode", "INLINE") if isinstance(config, dict) else "INLINE"


def _map_items(c: Collector, raw: dict[str, Any], location: str, language: str) -> None:
    if language == JSONATA:
        for name in ("Items", "ItemSelector", "ItemReader", "ItemBatcher", "ResultWriter"):
            if name in raw:
                jsonata_value(c, raw[name], child(location, name))
        return
    path_field(c, raw, "ItemsPath", location, reference=True)
    for name in ("ItemSelector", "ItemReader", "ItemBatcher", "ResultWriter"):
        if name in raw:
            template(c, raw[name], child(location, name))


def _map_limits(c: Collector, raw: dict[str, Any], location: str, jsonata: bool) -> None:
    limits: tuple[tuple[str, int, int], ...] = (
        ("MaxConcurrency", 0, 2**31 - 1),
        ("ToleratedFailureCount", 0, 2**31 - 1),
    )
    for name, low, high in limits:
        exclusive(c, raw, (name, name + "Path"), location)
        expect_int(c, raw, name, location, low, high, jsonata=jsonata)
        path_field(c, raw, name + "Path", location, reference=True)
    name = "ToleratedFailurePercentage"
    exclusive(c, raw, (name, name + "Path"), location)
    path_field(c, raw, name + "Path", location, reference=True)
    jsonata_or_type(c, raw, name, location, lambda: _percentage(c, raw, name, location))


def _percentage(c: Collector, raw: dict[str, Any], name: str, location: str) -> None:
    value = raw[name]
    if not is_number(value) or not 0 <= value <= 100:
        c.schema(f"Field '{name}' must be a number between 0 and 100", child(location, name))


def processor_config(c: Collector, raw: dict[str, Any], location: str) -> None:
    """`ItemProcessor.ProcessorConfig`: the Map's mode and, when distributed, execution type."""
    if not expect_object(c, raw, "ProcessorConfig", location):
        return
    config = raw["ProcessorConfig"]
    where = child(location, "ProcessorConfig")
    unknown_fields(c, config, frozenset({"Mode", "ExecutionType"}), where)
    expect_enum(c, config, "Mode", ("INLINE", "DISTRIBUTED"), where)
    expect_enum(c, config, "ExecutionType", ("STANDARD", "EXPRESS"), where)


_BY_TYPE: Final[dict[str, Callable[[Collector, dict[str, Any], str, str, SubMachine], None]]] = {
    "Pass": _pass, "Task": _task, "Choice": _choice, "Wait": _wait, "Succeed": _succeed,
    "Fail": _fail, "Parallel": _parallel, "Map": _map,
}
