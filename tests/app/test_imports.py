"""DESIGN.md: code in app/ imports only boto3 (with botocore) and the standard library, never statewright."""

from __future__ import annotations

import ast
import sys

import pytest

from .conftest import APP

ALLOWED = {"boto3", "botocore", "taskapp"}
SOURCES = sorted(p for p in APP.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(APP)) for p in SOURCES])
def test_only_boto3_and_the_standard_library(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots = [node.module.split(".")[0]]
        else:
            continue
        for root in roots:
            assert root in ALLOWED or root in sys.stdlib_module_names, f"{path.name} imports {root}"
