"""Reading a Task `Resource`: which kind of thing it names, and how the state waits for it."""

from __future__ import annotations

import re

from .types import ACTIVITY, FUNCTION, OTHER, PATTERN_SUFFIXES, REQUEST_RESPONSE, SDK, SERVICE, TaskResource

_PARTITION = r"aws(?:-[a-z]+)*"
_ACTIVITY = re.compile(rf"arn:(?P<p>{_PARTITION}):states:(?P<r>[a-z0-9-]+):(?P<a>\d{{12}}):activity:(?P<n>[^:]+)")
# A function ARN may carry a version (digits), `$LATEST` or an alias as its qualifier.
_FUNCTION = re.compile(rf"arn:(?P<p>{_PARTITION}):lambda:(?P<r>[a-z0-9-]+):(?P<a>\d{{12}}):function:"
                       r"(?P<n>[a-zA-Z0-9_-]{1,140})(?::(?P<q>\$LATEST|[a-zA-Z0-9_-]{1,128}))?")
_SERVICE = re.compile(rf"arn:(?P<p>{_PARTITION}):states:::(?!aws-sdk:)(?P<s>[a-z0-9-]+):(?P<x>[a-zA-Z0-9]+)")
_SDK = re.compile(rf"arn:(?P<p>{_PARTITION}):states:::aws-sdk:(?P<s>[a-z0-9-]+):(?P<x>[a-zA-Z0-9]+)")


class ResourceError(ValueError):
    """The text is not a Task resource ARN; the message names it."""


def split_pattern(text: str) -> tuple[str, str]:
    """(resource without its suffix, integration pattern)."""
    for suffix, pattern in PATTERN_SUFFIXES.items():
        if text.endswith(suffix):
            return text[: -len(suffix)], pattern
    return text, REQUEST_RESPONSE


def parse_resource(text: str) -> TaskResource:
    """Read a Task resource ARN; raises ResourceError when it is none of the kinds AWS knows."""
    base, pattern = split_pattern(text)
    if found := _SDK.fullmatch(base):
        return TaskResource(text, SDK, base, pattern, found["p"], found["s"], found["x"])
    if found := _SERVICE.fullmatch(base):
        return TaskResource(text, SERVICE, base, pattern, found["p"], found["s"], found["x"])
    if pattern == REQUEST_RESPONSE:
        if found := _FUNCTION.fullmatch(text):
            return TaskResource(text, FUNCTION, text, pattern, found["p"], "lambda", "invoke", found["r"],
                                found["a"], found["n"], found["q"])
        if found := _ACTIVITY.fullmatch(text):
            return TaskResource(text, ACTIVITY, text, pattern, found["p"], "states", "", found["r"], found["a"],
                                found["n"])
    raise ResourceError(f"'{text}' is not a Task resource: expected an activity ARN, a Lambda function "
                        "ARN, or arn:<partition>:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]")


def read_resource(text: str) -> TaskResource:
    """Like parse_resource, but a text that is no ARN AWS knows is kept as kind OTHER (tests and
    plugins register integrations under such names)."""
    try:
        return parse_resource(text)
    except ResourceError:
        base, pattern = split_pattern(text)
        return TaskResource(text, OTHER, base, pattern)
