"""Lambda functions for tests: Python source in a string, deployed to the local Lambda service."""

from __future__ import annotations

import io
import textwrap
import zipfile
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/statewright-test"


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def create_function(lambda_client: Any, name: str, source: str, *, runtime: str = "python3.11",
                    environment: dict[str, str] | None = None, timeout: int = 30) -> str:
    """Create function `name` whose `main.py` is `source` (handler `main.handler`); its ARN."""
    made = lambda_client.create_function(
        FunctionName=name, Runtime=runtime, Role=ROLE, Handler="main.handler", Timeout=timeout,
        Code={"ZipFile": zip_of({"main.py": textwrap.dedent(source)})},
        Environment={"Variables": dict(environment or {})})
    return str(made["FunctionArn"])
