"""DynamoDB's expression language: lexer → parser → binding → evaluation / update.

`RequestExpressions` is what operations use: it parses (cached by text), binds the request's
`ExpressionAttributeNames`/`Values`, prefixes errors with the parameter they came in
("Invalid UpdateExpression: …") and, at the end, rejects names and values nobody used.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ...common import AwsError
from .. import values as wire
from .ast import Condition, ExpressionError, Path, Update
from .binding import Binder
from .evaluate import matches, project, resolve
from .parser import parse_condition, parse_projection, parse_update
from .update import apply, check_paths

__all__ = ["RequestExpressions", "matches", "project", "resolve", "apply", "Condition", "Update", "Path"]

_NAME_KEY = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_KEY = re.compile(r":[A-Za-z0-9_]+")

_cached_condition = lru_cache(maxsize=2048)(parse_condition)
_cached_update = lru_cache(maxsize=2048)(parse_update)
_cached_projection = lru_cache(maxsize=2048)(parse_projection)


def _invalid(message: str) -> AwsError:
    return AwsError("ValidationException", message)


class RequestExpressions:
    """The expressions of one request, sharing its attribute names and values."""

    def __init__(self, request: dict[str, Any], *, uses_expressions: bool) -> None:
        names = request.get("ExpressionAttributeNames")
        values = request.get("ExpressionAttributeValues")
        if not uses_expressions:
            # AWS: "ExpressionAttributeValues can only be specified when using expressions"
            # (nubo-db/dynamodb-conformance tests/tier3/error-messages/putItem.test.ts).
            if values is not None:
                raise _invalid("ExpressionAttributeValues can only be specified when using expressions")
            if names is not None:
                raise _invalid("ExpressionAttributeNames can only be specified when using expressions")
        self._binder = Binder(self._names(names), self._values(values))

    @staticmethod
    def _names(names: object) -> dict[str, str]:
        if names is None:
            return {}
        if not isinstance(names, dict) or not names:
            raise _invalid("ExpressionAttributeNames must not be empty")
        for key in names:
            if not _NAME_KEY.fullmatch(key):
                raise _invalid(f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"')
        return names

    @staticmethod
    def _values(values: object) -> dict[str, wire.AttributeValue]:
        if values is None:
            return {}
        if not isinstance(values, dict) or not values:
            raise _invalid("ExpressionAttributeValues must not be empty")
        normalized = {}
        for key, value in values.items():
            if not _VALUE_KEY.fullmatch(key):
                raise _invalid(f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"')
            try:
                normalized[key] = wire.normalize_value(value)
            except AwsError as error:
                raise _invalid(f"ExpressionAttributeValues contains invalid value: {error.message} "
                               f"for key {key}") from None
        return normalized

    def _text(self, field: str, text: object) -> str:
        if not isinstance(text, str):
            raise _invalid(f"Invalid {field}: The expression can not be empty;")
        if not text.strip():
            raise _invalid(f"Invalid {field}: The expression can not be empty;")
        return text

    def condition(self, field: str, text: object) -> Condition:
        """A ConditionExpression, FilterExpression or KeyConditionExpression, bound."""
        source = self._text(field, text)
        try:
            return self._binder.condition(_cached_condition(source))
        except ExpressionError as error:
            raise _invalid(f"Invalid {field}: {error.message}") from None

    def update(self, text: object) -> Update:
        source = self._text("UpdateExpression", text)
        try:
            update = self._binder.update(_cached_update(source))
            check_paths([action.path for action in update.actions])
        except ExpressionError as error:
            raise _invalid(f"Invalid UpdateExpression: {error.message}") from None
        return update

    def projection(self, text: object) -> tuple[Path, ...]:
        source = self._text("ProjectionExpression", text)
        try:
            paths = self._binder.projection(_cached_projection(source))
            check_paths(list(paths))
        except ExpressionError as error:
            raise _invalid(f"Invalid ProjectionExpression: {error.message}") from None
        return paths

    def finish(self) -> None:
        """AWS's check for names and values the expressions did not use (nubo-db/dynamodb-
        conformance tests/tier3/error-messages/updateItem.test.ts: "Value provided in
        ExpressionAttributeNames unused in expressions: keys: {#unused}")."""
        binder = self._binder
        unused_names = sorted(set(binder.names) - binder.used_names)
        if unused_names:
            raise _invalid("Value provided in ExpressionAttributeNames unused in expressions: "
                           f"keys: {{{', '.join(unused_names)}}}")
        unused_values = sorted(set(binder.values) - binder.used_values)
        if unused_values:
            raise _invalid("Value provided in ExpressionAttributeValues unused in expressions: "
                           f"keys: {{{', '.join(unused_values)}}}")
