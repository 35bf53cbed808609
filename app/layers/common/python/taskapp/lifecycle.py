"""The status lifecycle: which transitions exist, for which task type. No other is possible."""

from __future__ import annotations

from .errors import conflict

SUBMITTED, PROCESSING, AWAITING_APPROVAL = "SUBMITTED", "PROCESSING", "AWAITING_APPROVAL"
COMPLETED, REJECTED, FAILED, CANCELLED = "COMPLETED", "REJECTED", "FAILED", "CANCELLED"
PARTIALLY_REFUNDED, REFUNDED = "PARTIALLY_REFUNDED", "REFUNDED"
STATUSES = (SUBMITTED, PROCESSING, AWAITING_APPROVAL, COMPLETED, REJECTED, FAILED, CANCELLED,
            PARTIALLY_REFUNDED, REFUNDED)

_COMMON = {
    SUBMITTED: {PROCESSING, CANCELLED, FAILED},
    PROCESSING: {AWAITING_APPROVAL, COMPLETED, REJECTED, FAILED},
    AWAITING_APPROVAL: {COMPLETED, REJECTED, FAILED, CANCELLED},
}
# A purchase keeps living after it completes: refunds move it on, each partial refund records itself
# as PARTIALLY_REFUNDED -> PARTIALLY_REFUNDED.
_PURCHASE_ONLY = {
    COMPLETED: {PARTIALLY_REFUNDED, REFUNDED},
    PARTIALLY_REFUNDED: {PARTIALLY_REFUNDED, REFUNDED},
}
CANCELLABLE = (SUBMITTED, AWAITING_APPROVAL)
REFUNDABLE = (COMPLETED, PARTIALLY_REFUNDED)
FINAL = (REJECTED, FAILED, CANCELLED, REFUNDED)


def allowed(task_type: str, source: str, target: str) -> bool:
    targets = set(_COMMON.get(source, ()))
    if task_type == "PURCHASE":
        targets |= _PURCHASE_ONLY.get(source, set())
    return target in targets


def check(task_type: str, source: str, target: str) -> None:
    """Raises a 409 naming the status when `source -> target` is not a transition of `task_type`."""
    if not allowed(task_type, source, target):
        raise conflict(f"a {task_type.lower()} cannot go from {source} to {target}", "status",
                       code="InvalidTransition")


def sources_of(task_type: str, target: str) -> tuple[str, ...]:
    """Every status from which `target` can be reached: the condition of a conditional write."""
    return tuple(s for s in STATUSES if allowed(task_type, s, target))
