"""A state machine's `loggingConfiguration`: the rule CreateStateMachine and UpdateStateMachine
(and a template's machine) apply before storing it, with AWS's InvalidLoggingConfiguration texts.

The request layer has already checked what the service model says (the level's enum, the
boolean, the ARN's length 1–256) for API calls; a template's configuration skips that layer, so
the level and the flag are checked here too, with the same texts.
"""

from __future__ import annotations

from typing import Any

from statewright.services.common import AwsError, validation_error

LOG_LEVELS = ("ALL", "ERROR", "FATAL", "OFF")
ONE_DESTINATION = "Invalid Logging Configuration: Must specify exactly one Log Destination."
NOT_A_LOG_GROUP = "Invalid Logging Configuration: Provided ARN is not CloudWatch Logs Log Group ARN."
NO_QUALIFIER = "Invalid Logging Configuration: Log Group ARN must be provided with '*' qualifier."
_NAME_CHARACTERS = frozenset("._-/#abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def checked_logging(value: Any) -> dict[str, Any]:
    """The configuration to store: `{"level", "includeExecutionData"[, "destinations"]}`.

    AWS's rules: a level other than OFF needs a destination; there is at most one (at any
    level); a destination is a CloudWatch Logs log group ARN
    (`arn:<partition>:logs:<region>:<account>:log-group:<name>:*`) ending in the `:*` qualifier."""
    if not isinstance(value, dict):
        raise _wrong_type("an object", "loggingConfiguration")
    level = value.get("level")
    level = "OFF" if level is None else level
    if level not in LOG_LEVELS:
        raise validation_error("loggingConfiguration.level", level,
                               f"Member must satisfy enum value set: [{', '.join(LOG_LEVELS)}]")
    include = value.get("includeExecutionData")
    if include is not None and not isinstance(include, bool):
        raise _wrong_type("a boolean", "loggingConfiguration.includeExecutionData")
    destinations = value.get("destinations") or []
    if not isinstance(destinations, list):
        raise _wrong_type("a list", "loggingConfiguration.destinations")
    if len(destinations) > 1 or (level != "OFF" and not destinations):
        raise AwsError("InvalidLoggingConfiguration", ONE_DESTINATION)
    for destination in destinations:
        check_log_group_arn(_arn_of(destination))
    logging: dict[str, Any] = {"level": level, "includeExecutionData": bool(include)}
    if destinations:
        logging["destinations"] = destinations
    return logging


def _wrong_type(what: str, path: str) -> AwsError:
    # The request layer's answer to a value of the wrong JSON type (services/common/shapes.py).
    return AwsError("SerializationException", f"Expected {what} for '{path}'")


def _arn_of(destination: Any) -> Any:
    group = destination.get("cloudWatchLogsLogGroup") if isinstance(destination, dict) else None
    return group.get("logGroupArn") if isinstance(group, dict) else None


def check_log_group_arn(arn: Any) -> None:
    """Refuse what is not a log group ARN with the `:*` qualifier (InvalidLoggingConfiguration)."""
    parts = arn.split(":") if isinstance(arn, str) else []
    if (len(parts) < 7 or parts[0] != "arn" or not parts[1] or parts[2] != "logs" or not parts[3]
            or not parts[4] or parts[5] != "log-group" or not parts[6] or not set(parts[6]) <= _NAME_CHARACTERS):
        raise AwsError("InvalidLoggingConfiguration", NOT_A_LOG_GROUP)
    if len(parts) != 8 or parts[7] != "*":
        raise AwsError("InvalidLoggingConfiguration", NO_QUALIFIER)
