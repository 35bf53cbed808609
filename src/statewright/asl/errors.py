"""The errors of Amazon States Language, as names and as the exception that carries them."""

from __future__ import annotations

ALL = "States.ALL"
TASK_FAILED = "States.TaskFailed"
TIMEOUT = "States.Timeout"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
RUNTIME = "States.Runtime"
BRANCH_FAILED = "States.BranchFailed"
NO_CHOICE_MATCHED = "States.NoChoiceMatched"
INTRINSIC_FAILURE = "States.IntrinsicFailure"
EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold"
ITEM_READER_FAILED = "States.ItemReaderFailed"
RESULT_WRITER_FAILED = "States.ResultWriterFailed"
RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure"
PARAMETER_PATH_FAILURE = "States.ParameterPathFailure"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
PERMISSIONS = "States.Permissions"

# A Retrier's or Catcher's States.ALL does not match this one: AWS never retries or catches it.
UNCATCHABLE = frozenset({RUNTIME, DATA_LIMIT_EXCEEDED})


class StatesError(Exception):
    """An error inside an execution: it fails the state, and Retry/Catch may handle it.

    `error` is the error name (`States.Runtime`, or a user's name such as `CustomError`);
    `cause` is the human-readable text AWS shows next to it (None: no cause at all, as a Fail
    state without `Cause` gives; `error` None likewise for a Fail state without `Error`).
    `location` is the field a JSONata error came from (`Output/result`), for the EvaluationFailed
    event; `prefixed` says AWS's "An error occurred while executing the state…" prefix is on the
    cause already; `from_fail_state` marks the error a Fail state raised.
    """

    def __init__(self, error: str | None, cause: str | None = "", *, location: str | None = None,
                 prefixed: bool = False, from_fail_state: bool = False) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause
        self.location = location
        self.prefixed = prefixed
        self.from_fail_state = from_fail_state


def state_failure_cause(state_name: str, entered_event_id: int, detail: str) -> str:
    """The prefix AWS puts on runtime errors raised while a state runs."""
    return (
        f"An error occurred while executing the state '{state_name}' "
        f"(entered at the event id #{entered_event_id}). {detail}"
    )
