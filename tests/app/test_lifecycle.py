"""The status lifecycle: every allowed transition, and that nothing else is possible."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from taskapp import lifecycle, money
from taskapp.errors import ApiError

ALLOWED = {
    ("SUBMITTED", "PROCESSING"), ("SUBMITTED", "CANCELLED"), ("SUBMITTED", "FAILED"),
    ("PROCESSING", "AWAITING_APPROVAL"), ("PROCESSING", "COMPLETED"), ("PROCESSING", "REJECTED"),
    ("PROCESSING", "FAILED"),
    ("AWAITING_APPROVAL", "COMPLETED"), ("AWAITING_APPROVAL", "REJECTED"), ("AWAITING_APPROVAL", "FAILED"),
    ("AWAITING_APPROVAL", "CANCELLED"),
}
PURCHASE_ONLY = {("COMPLETED", "PARTIALLY_REFUNDED"), ("COMPLETED", "REFUNDED"),
                 ("PARTIALLY_REFUNDED", "PARTIALLY_REFUNDED"), ("PARTIALLY_REFUNDED", "REFUNDED")}


@pytest.mark.parametrize("task_type,extra", [("PURCHASE", PURCHASE_ONLY), ("REFUND", set())])
def test_exactly_these_transitions_exist(task_type, extra):
    possible = {(a, b) for a, b in itertools.product(lifecycle.STATUSES, repeat=2) if lifecycle.allowed(task_type, a, b)}
    assert possible == ALLOWED | extra


def test_final_statuses_lead_nowhere():
    for status, target in itertools.product(lifecycle.FINAL, lifecycle.STATUSES):
        assert not lifecycle.allowed("PURCHASE", status, target)


def test_check_raises_409_naming_the_transition():
    with pytest.raises(ApiError) as refused:
        lifecycle.check("REFUND", "COMPLETED", "REFUNDED")
    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "InvalidTransition", "status")
    assert "COMPLETED to REFUNDED" in refused.value.message


def test_sources_of():
    assert lifecycle.sources_of("REFUND", "CANCELLED") == ("SUBMITTED", "AWAITING_APPROVAL")


@pytest.mark.parametrize("amount,before,refund,after,status", [
    ("100.00", "0", "30.00", "30.00", "PARTIALLY_REFUNDED"),
    ("100.00", "30.00", "70.00", "100.00", "REFUNDED"),
    ("0.03", "0.01", "0.01", "0.02", "PARTIALLY_REFUNDED"),
    ("1000000.00", "999999.99", "0.01", "1000000.00", "REFUNDED"),
])
def test_refund_arithmetic(amount, before, refund, after, status):
    assert money.status_after_refund(Decimal(amount), Decimal(before), Decimal(refund)) == (Decimal(after), status)


def test_refund_arithmetic_refuses_over_refunding():
    with pytest.raises(ValueError, match="exceed"):
        money.status_after_refund(Decimal("10.00"), Decimal("9.99"), Decimal("0.02"))
