"""Refund arithmetic on Decimal amounts with two places."""

from __future__ import annotations

from decimal import Decimal

from .lifecycle import PARTIALLY_REFUNDED, REFUNDED

CENT = Decimal("0.01")


def as_amount(value: object) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def text(value: object) -> str:
    """The API's form of an amount: a string with two places."""
    return str(as_amount(value))


def status_after_refund(amount: Decimal, refunded_before: Decimal, refund: Decimal) -> tuple[Decimal, str]:
    """The purchase's refunded amount and status once `refund` completes; refuses over-refunding."""
    refunded = as_amount(refunded_before) + as_amount(refund)
    if refunded > as_amount(amount):
        raise ValueError(f"refunding {refund} would exceed the purchase amount {amount}")
    return refunded, (REFUNDED if refunded == as_amount(amount) else PARTIALLY_REFUNDED)
