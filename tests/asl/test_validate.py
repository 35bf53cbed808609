"""Definition validation: real definitions AWS accepted pass, and each rule reports what AWS reports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from statewright.asl.types import Diagnostic
from statewright.asl.validate import format_invalid_definition, validate

# ../shared next to the repository root (tests/asl/test_validate.py -> parents[2] is the repo).
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "workflows-collection"
CASES_FILE = SHARED / "conformance" / "cases.jsonl"

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
# A whole-Resource placeholder becomes an ARN of the service its name suggests (as SAM's
# DefinitionSubstitutions would supply); anything else is plain text.
_RESOURCE_ARNS = (
    ("activity", "arn:aws:states:us-east-1:111111111111:activity:placeholder"),
    ("ddbupdateitem", "arn:aws:states:::dynamodb:updateItem"),
    ("ddbgetitem", "arn:aws:states:::dynamodb:getItem"),
    ("ddbputitem", "arn:aws:states:::dynamodb:putItem"),
    ("ddbtransactwrite", "arn:aws:states:::aws-sdk:dynamodb:transactWriteItems"),
    ("ddb", "arn:aws:states:::dynamodb:putItem"),
    ("sns", "arn:aws:states:::sns:publish"),
    ("sqs", "arn:aws:states:::sqs:sendMessage"),
)
_LAMBDA_ARN = "arn:aws:lambda:us-east-1:111111111111:function:placeholder"


def _resource_arn(name: str) -> str:
    lowered = name.lower()
    for hint, arn in _RESOURCE_ARNS:
        if hint in lowered:
            return arn
    return _LAMBDA_ARN


def substitute(value: Any, key: str = "") -> Any:
    """Apply SAM-style DefinitionSubstitutions to every `${...}` in a definition."""
    if isinstance(value, dict):
        return {k: substitute(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, key) for v in value]
    if not isinstance(value, str):
        return value
    whole = _PLACEHOLDER.fullmatch(value)
    if key == "Resource" and whole:
        return _resource_arn(whole.group(1))
    return _PLACEHOLDER.sub(lambda m: "aws" if "partition" in m.group(1).lower() else "placeholder",
                            value)


# Every corpus file is a definition AWS runs. One of them writes "QueryLanguage" inside States;
# the validator reads it as the machine's language and warns (see test_query_language_inside_states).
AWS_REJECTS: dict[str, str] = {}


def _corpus_files() -> list[Any]:
    if not (CORPUS / "index.json").exists():
        return []
    index = json.loads((CORPUS / "index.json").read_text())
    files = [CORPUS / entry["file"] for entry in index if entry.get("file")]
    return [pytest.param(path, id=path.name, marks=_mark(path.name)) for path in files]


def _mark(name: str) -> Any:
    reason = AWS_REJECTS.get(name)
    return [pytest.mark.xfail(reason=reason, strict=True)] if reason else []


def _execution_cases() -> list[Any]:
    if not CASES_FILE.exists():
        return []
    cases = [json.loads(line) for line in CASES_FILE.read_text().splitlines() if line.strip()]
    return [pytest.param(c["definition"], id=c["id"]) for c in cases if c.get("kind") == "execution"]


CORPUS_FILES = _corpus_files()
EXECUTION_CASES = _execution_cases()


@pytest.mark.skipif(not CORPUS_FILES, reason="../shared/corpus is not present")
@pytest.mark.parametrize("path", CORPUS_FILES)
def test_corpus_is_accepted(path: Path) -> None:
    definition = substitute(json.loads(path.read_text()))
    assert [d for d in validate(definition) if d.severity == "ERROR"] == []


@pytest.mark.skipif(not EXECUTION_CASES, reason="../shared/conformance/cases.jsonl is not present")
@pytest.mark.parametrize("definition", EXECUTION_CASES)
def test_conformance_definitions_are_accepted(definition: Any) -> None:
    assert validate(definition) == []


# --- One rule at a time ----------------------------------------------------------------------------

LAMBDA = "arn:aws:lambda:us-east-1:111111111111:function:f"


def machine(states: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states, **top}


def problems(definition: Any) -> list[tuple[str, str, str]]:
    return [(d.code, d.message, d.location) for d in validate(definition)]


def only(definition: Any) -> tuple[str, str, str]:
    found = problems(definition)
    assert len(found) == 1, found
    return found[0]


SCHEMA = "SCHEMA_VALIDATION_FAILED"
TARGET = "MISSING_TRANSITION_TARGET"
END = {"Type": "Pass", "End": True}


def test_a_valid_definition_has_no_diagnostics() -> None:
    assert validate(json.dumps(machine({"A": {"Type": "Pass", "Next": "B"}, "B": END}))) == []


def test_invalid_json() -> None:
    code, _, location = only("{not json")
    assert (code, location) == ("INVALID_JSON_DESCRIPTION", "")


def test_empty_definition() -> None:
    assert only("  ") == ("MISSING_DESCRIPTION", "Received a null or empty workflow input", "")


def test_top_level_required_fields() -> None:
    assert only({"Comment": "x"}) == (SCHEMA, "These fields are required: [StartAt, States]", "/")


def test_top_level_unknown_field() -> None:
    assert only(machine({"A": END}, Foo=1)) == (SCHEMA, "Field 'Foo' is not supported", "/")


def test_top_level_query_language_enum() -> None:
    assert only(machine({"A": END}, QueryLanguage="XPath")) == (
        SCHEMA, "Field 'QueryLanguage' must be one of [JSONPath, JSONata]", "/QueryLanguage")


def test_top_level_timeout_seconds_positive() -> None:
    assert only(machine({"A": END}, TimeoutSeconds=0)) == (
        SCHEMA, "Field 'TimeoutSeconds' must be greater than or equal to 1", "/TimeoutSeconds")


def test_state_type_required() -> None:
    assert only(machine({"A": {"End": True}})) == (SCHEMA, "These fields are required: [Type]",
                                                    "/States/A")


def test_state_type_known() -> None:
    code, message, location = only(machine({"A": {"Type": "Sleep", "End": True}}))
    assert (code, location) == (SCHEMA, "/States/A/Type")
    assert message.startswith("Field 'Type' must be one of [Pass, Task")


def test_field_not_supported_for_type() -> None:
    assert only(machine({"A": {**END, "Resource": LAMBDA}})) == (
        SCHEMA, "Field 'Resource' is not supported", "/States/A")


def test_timeout_seconds_only_on_task() -> None:
    state = {"Type": "Parallel", "End": True, "TimeoutSeconds": 5,
             "Branches": [machine({"B": END})]}
    assert only(machine({"P": state})) == (SCHEMA, "Field 'TimeoutSeconds' is not supported",
                                           "/States/P")


def test_jsonpath_field_rejected_in_jsonata_state() -> None:
    assert only(machine({"A": {**END, "InputPath": "$"}}, QueryLanguage="JSONata")) == (
        SCHEMA, "Field 'InputPath' is not supported", "/States/A")


def test_jsonata_field_rejected_in_jsonpath_state() -> None:
    assert only(machine({"A": {**END, "Output": "{% 1 %}"}})) == (
        SCHEMA, "Field 'Output' is not supported", "/States/A")


def test_jsonata_state_inside_jsonpath_machine_is_fine() -> None:
    assert validate(machine({"A": {**END, "QueryLanguage": "JSONata", "Output": "{% 1 %}"}})) == []


def test_jsonpath_state_inside_jsonata_machine_is_rejected() -> None:
    definition = machine({"A": {**END, "QueryLanguage": "JSONPath"}}, QueryLanguage="JSONata")
    assert only(definition) == (
        SCHEMA, "A state cannot use JSONPath when the state machine uses JSONata",
        "/States/A/QueryLanguage")


def test_next_or_end_required() -> None:
    found = problems(machine({"A": {"Type": "Pass"}, "B": {"Type": "Succeed"}}))
    assert (SCHEMA, "These fields are required: [Next]", "/States/A") in found


def test_next_and_end_exclusive() -> None:
    found = problems(machine({"A": {**END, "Next": "B"}, "B": END}))
    assert found == [(SCHEMA, "Only one of these fields is allowed: [Next, End]", "/States/A")]


def test_missing_next_target() -> None:
    found = problems(machine({"A": {"Type": "Pass", "Next": "Bar"}, "B": END}))
    assert found[0] == (TARGET, "Missing 'Next' target: Bar", "/States/A/Next")


def test_missing_start_at_target() -> None:
    definition = {"StartAt": "Nope", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": END}}
    # Like AWS, only states nothing names are unreachable; B stays reachable through A.
    assert problems(definition) == [
        (TARGET, "Missing 'Next' target: Nope", "/StartAt"),
        (TARGET, 'State "A" is not reachable.', "/States/A"),
    ]


def test_unreachable_state() -> None:
    assert only(machine({"A": END, "B": END})) == (TARGET, 'State "B" is not reachable.',
                                                    "/States/B")


def test_no_terminal_state_suppresses_reachability() -> None:
    states = {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"},
              "C": {"Type": "Pass", "Next": "A"}}
    assert problems(machine(states)) == [("MISSING_END_STATE", "Workflow has no terminal state", "")]


def _choice(*rules: Any, default: str | None = "Done") -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Choice", "Choices": list(rules)}
    if default:
        state["Default"] = default
    return machine({"C": state, "Done": END})


def test_choice_needs_choices() -> None:
    assert only(_choice()) == (SCHEMA, "Field 'Choices' must be a non-empty array",
                               "/States/C/Choices")


def test_choice_rule_needs_one_operator() -> None:
    assert only(_choice({"Variable": "$.x", "Next": "Done"})) == (
        SCHEMA, "A Choice rule must have exactly one comparison operator", "/States/C/Choices[0]")
    rule = {"Variable": "$.x", "IsNull": True, "IsPresent": True, "Next": "Done"}
    assert only(_choice(rule)) == (
        SCHEMA, "A Choice rule must have exactly one comparison operator (found IsNull, IsPresent)",
        "/States/C/Choices[0]")


def test_choice_rule_needs_variable() -> None:
    assert only(_choice({"StringEquals": "a", "Next": "Done"})) == (
        SCHEMA, "These fields are required: [Variable]", "/States/C/Choices[0]")


def test_choice_rule_value_type() -> None:
    assert only(_choice({"Variable": "$.x", "NumericEquals": "1", "Next": "Done"})) == (
        SCHEMA, "Field 'NumericEquals' must be a number", "/States/C/Choices[0]/NumericEquals")
    assert only(_choice({"Variable": "$.x", "IsNull": "yes", "Next": "Done"})) == (
        SCHEMA, "Field 'IsNull' must be a boolean", "/States/C/Choices[0]/IsNull")


def test_choice_rule_path_twin_is_a_reference_path() -> None:
    rule = {"Variable": "$.x", "StringEqualsPath": "$.a[*]", "Next": "Done"}
    assert only(_choice(rule)) == (
        SCHEMA, "The value for the field 'StringEqualsPath' must be a valid ReferencePath",
        "/States/C/Choices[0]/StringEqualsPath")


def test_choice_nested_rules() -> None:
    rule = {"And": [{"Variable": "$.a", "IsPresent": True},
                    {"Not": {"Variable": "$.b", "BooleanEquals": True, "Next": "Done"}}],
            "Next": "Done"}
    assert only(_choice(rule)) == (SCHEMA, "Field 'Next' is not supported",
                                   "/States/C/Choices[0]/And[1]/Not")
    assert only(_choice({"Or": [], "Next": "Done"})) == (
        SCHEMA, "Field 'Or' must be a non-empty array", "/States/C/Choices[0]/Or")


def test_choice_targets() -> None:
    found = problems(_choice({"Variable": "$.x", "IsNull": True, "Next": "Gone"}, default="Nope"))
    assert (TARGET, "Missing 'Next' target: Gone", "/States/C/Choices[0]/Next") in found
    assert (TARGET, "Missing 'Next' target: Nope", "/States/C/Default") in found


def test_jsonata_choice_needs_condition() -> None:
    definition = _choice({"Variable": "$.x", "Next": "Done"})
    definition["QueryLanguage"] = "JSONata"
    assert problems(definition) == [
        (SCHEMA, "Field 'Variable' is not supported", "/States/C/Choices[0]"),
        (SCHEMA, "These fields are required: [Condition]", "/States/C/Choices[0]"),
    ]


def _task(**fields: Any) -> dict[str, Any]:
    states: dict[str, Any] = {"T": {"Type": "Task", "Resource": LAMBDA, "End": True, **fields}}
    if "Catch" in fields:
        states["Handler"] = END
    return machine(states)


def test_retry_rules() -> None:
    retry = [{"ErrorEquals": []},
             {"ErrorEquals": ["States.ALL", "X"], "MaxAttempts": -1, "BackoffRate": 0.5,
              "IntervalSeconds": 0, "JitterStrategy": "SOME"},
             {"ErrorEquals": ["Y"]}]
    found = problems(_task(Retry=retry, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Handler"}]))
    assert found == [
        (SCHEMA, "Field 'ErrorEquals' must be a non-empty array of strings",
         "/States/T/Retry[0]/ErrorEquals"),
        (SCHEMA, "'States.ALL' must appear alone in 'ErrorEquals'", "/States/T/Retry[1]/ErrorEquals"),
        (SCHEMA, "A Retrier with 'States.ALL' must be the last in its list",
         "/States/T/Retry[1]/ErrorEquals"),
        (SCHEMA, "Field 'IntervalSeconds' must be greater than or equal to 1",
         "/States/T/Retry[1]/IntervalSeconds"),
        (SCHEMA, "Field 'MaxAttempts' must be greater than or equal to 0",
         "/States/T/Retry[1]/MaxAttempts"),
        (SCHEMA, "Field 'BackoffRate' must be greater than or equal to 1.0",
         "/States/T/Retry[1]/BackoffRate"),
        (SCHEMA, "Field 'JitterStrategy' must be one of [FULL, NONE]",
         "/States/T/Retry[1]/JitterStrategy"),
    ]


def test_catch_rules() -> None:
    found = problems(_task(Catch=[{"ErrorEquals": ["X"]}, {"ErrorEquals": ["Y"], "Next": "Nope"}]))
    assert found == [
        (SCHEMA, "These fields are required: [Next]", "/States/T/Catch[0]"),
        (TARGET, "Missing 'Next' target: Nope", "/States/T/Catch[1]/Next"),
        (TARGET, 'State "Handler" is not reachable.', "/States/Handler"),
    ]


def test_retry_not_supported_on_pass() -> None:
    assert only(machine({"A": {**END, "Retry": []}})) == (SCHEMA, "Field 'Retry' is not supported",
                                                          "/States/A")


def test_wait_needs_exactly_one_duration() -> None:
    assert only(machine({"W": {"Type": "Wait", "End": True}})) == (
        SCHEMA, "Exactly one of these fields is required: [Seconds, SecondsPath, Timestamp, "
        "TimestampPath]", "/States/W")
    assert only(machine({"W": {"Type": "Wait", "End": True, "Seconds": 1, "SecondsPath": "$.s"}})) == (
        SCHEMA, "Only one of these fields is allowed: [Seconds, SecondsPath]", "/States/W")


def test_fail_error_and_error_path_exclusive() -> None:
    assert only(machine({"F": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}})) == (
        SCHEMA, "Only one of these fields is allowed: [Error, ErrorPath]", "/States/F")


def test_fail_cause_path_may_be_an_intrinsic() -> None:
    assert validate(machine({"F": {"Type": "Fail", "CausePath": "States.Format('x{}', $.a)"}})) == []


def test_task_needs_resource() -> None:
    assert only(machine({"T": {"Type": "Task", "End": True}})) == (
        SCHEMA, "These fields are required: [Resource]", "/States/T")


def test_task_resource_is_an_arn() -> None:
    assert only(machine({"T": {"Type": "Task", "End": True, "Resource": "myFunction"}})) == (
        "INVALID_RESOURCE", "Resource is not a valid ARN: myFunction", "/States/T/Resource")


def test_task_timeouts() -> None:
    assert only(_task(TimeoutSeconds=5, TimeoutSecondsPath="$.t"))[1] == (
        "Only one of these fields is allowed: [TimeoutSeconds, TimeoutSecondsPath]")
    assert only(_task(TimeoutSeconds=5, HeartbeatSeconds=5)) == (
        SCHEMA, "Field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'",
        "/States/T/HeartbeatSeconds")


def test_parallel_branch_targets_are_scoped() -> None:
    branch = {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "After"}}}
    state = {"Type": "Parallel", "Next": "After", "Branches": [branch]}
    found = problems(machine({"P": state, "After": END}))
    assert found == [
        (TARGET, "Missing 'Next' target: After", "/States/P/Branches[0]/States/B/Next"),
        ("MISSING_END_STATE", "Workflow has no terminal state", "/States/P/Branches[0]"),
    ]


def test_map_needs_a_processor() -> None:
    assert only(machine({"M": {"Type": "Map", "End": True}})) == (
        SCHEMA, "These fields are required: [ItemProcessor]", "/States/M")


def test_map_processor_config() -> None:
    processor = {"ProcessorConfig": {"Mode": "FAST"}, **machine({"I": END})}
    assert only(machine({"M": {"Type": "Map", "End": True, "ItemProcessor": processor}})) == (
        SCHEMA, "Field 'Mode' must be one of [INLINE, DISTRIBUTED]",
        "/States/M/ItemProcessor/ProcessorConfig/Mode")


def test_map_item_reader_needs_distributed_mode() -> None:
    state = {"Type": "Map", "End": True, "ItemProcessor": machine({"I": END}),
             "ItemReader": {"Resource": "arn:aws:states:::s3:getObject"}}
    assert only(machine({"M": state})) == (
        SCHEMA, "Field 'ItemReader' is only supported in DISTRIBUTED mode", "/States/M/ItemReader")


def test_paths_must_be_valid() -> None:
    assert only(machine({"A": {**END, "InputPath": "items"}})) == (
        SCHEMA, "The value for the field 'InputPath' must be a valid JSONPath", "/States/A/InputPath")
    assert only(machine({"A": {**END, "ResultPath": "$.a[*]"}})) == (
        SCHEMA, "The value for the field 'ResultPath' must be a valid ReferencePath",
        "/States/A/ResultPath")
    assert validate(machine({"A": {**END, "ResultPath": None, "OutputPath": "$$.Execution"}})) == []


def test_dollar_keys_hold_paths_or_intrinsics() -> None:
    good = {"a.$": "$.x", "b.$": "$$.Execution.Id", "c.$": "$myVar", "d.$": "States.UUID()",
            "nested": {"e.$": "$"}}
    assert validate(machine({"A": {**END, "Parameters": good}})) == []
    assert only(machine({"A": {**END, "Parameters": {"nested": {"x.$": "hello"}}}})) == (
        SCHEMA, "The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic "
        "function call", "/States/A/Parameters/nested/x.$")


def test_jsonata_expressions_must_parse() -> None:
    definition = machine({"A": {**END, "Output": {"v": "{% 1 + %}", "w": " {% 1 + %} "}}},
                         QueryLanguage="JSONata")
    code, _, location = only(definition)
    assert (code, location) == ("INVALID_JSONATA_EXPRESSION", "/States/A/Output/v")


def test_state_name_length() -> None:
    name = "N" * 81
    assert only(machine({name: END})) == (
        "INVALID_STATE_NAME", f"State name '{name}' is longer than 80 characters", f"/States/{name}")


def test_state_names_unique_across_branches() -> None:
    state = {"Type": "Parallel", "End": True, "Branches": [machine({"X": END}), machine({"X": END})]}
    assert only(machine({"P": state})) == ("DUPLICATE_STATE_NAME", "Duplicate State name: X",
                                           "/States/P/Branches[1]/States/X")


def test_assign_variable_names() -> None:
    found = problems(machine({"A": {**END, "Assign": {"ok.$": "$.a", "1bad": 1, "states": 2}}}))
    assert [f[2] for f in found] == ["/States/A/Assign/1bad", "/States/A/Assign/states"]
    assert found[1][1] == "The variable name 'states' is reserved"


def test_every_problem_is_reported() -> None:
    states = {"A": {"Type": "Pass", "Next": "Nope", "Foo": 1}, "B": {"Type": "Wait", "End": True}}
    assert len(validate(machine(states))) == 4


def test_format_invalid_definition() -> None:
    diagnostics = validate(machine({"A": {"Type": "Pass", "Next": "Bar"}, "B": END}))
    assert format_invalid_definition(diagnostics) == (
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Bar "
        "at /States/A/Next, MISSING_TRANSITION_TARGET: State \"B\" is not reachable. at /States/B'")
    no_end = [Diagnostic("ERROR", "MISSING_END_STATE", "Workflow has no terminal state", "")]
    assert format_invalid_definition(no_end) == (
        "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'")


def test_query_language_inside_states_is_read_with_a_warning():
    definition = {"StartAt": "A", "States": {"QueryLanguage": "JSONata",
                                             "A": {"Type": "Pass", "Output": "{% 1 %}", "End": True}}}
    diagnostics = validate(definition)
    assert [d.severity for d in diagnostics] == ["WARNING"]
    assert diagnostics[0].location == "/States/QueryLanguage"
