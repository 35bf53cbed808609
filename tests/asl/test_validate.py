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


# Corpus files we believe AWS itself rejects, and why (reported rather than accepted).
AWS_REJECTS = {
    # "QueryLanguage": "JSONata" sits inside States, where it is a state that is not an object;
    # the machine is therefore JSONPath and its Arguments/Output fields are not supported.
    "shared-fallback-state-jsonata__statemachine.asl.json":
        "QueryLanguage is misplaced inside States, so the JSONata fields are rejected",
}


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
    assert validate(definition) == []


@pytest.mark.skipif(not EXECUTION_CASES, reason="../shared/conformance/cases.jsonl is not present")
@pytest.mark.parametrize("definition", EXECUTION_CASES)
def test_conformance_definitions_are_accepted(definition: Any) -> None:
    assert validate(definition) == []
