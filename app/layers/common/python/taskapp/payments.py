"""The payment gateway: one interface, a local simulator behind it.

A real provider would be another class with the same three methods. The Lambda functions raise the
gateway's errors by class name, so the workflow retries `PaymentTransientError` and catches
`PaymentDeclined`.
"""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


class PaymentDeclined(Exception):
    """The provider refused the payment for good (card declined, refund refused)."""


class PaymentTransientError(Exception):
    """The provider could not answer now; the same request may succeed later."""


class PaymentGateway(Protocol):
    def charge(self, reference: str, amount: Decimal, currency: str) -> str: ...
    def refund(self, payment_id: str, reference: str, amount: Decimal, currency: str) -> str: ...
    def void(self, payment_id: str, reference: str) -> str: ...


@dataclass
class SimulatedGateway:
    """Answers like a provider: declines listed amounts, fails transiently at a configured rate.

    Ids derive from the caller's reference, so a retried request gets the same payment id, as an
    idempotency key gives with real providers.
    """

    decline_amounts: frozenset[Decimal] = frozenset()
    transient_failure_rate: float = 0.0
    random_fraction: Callable[[], float] = field(default=random.random)

    def charge(self, reference: str, amount: Decimal, currency: str) -> str:
        self._maybe_fail()
        if amount in self.decline_amounts:
            raise PaymentDeclined(f"the card was declined for {amount} {currency}")
        return "pay_" + _digest("charge", reference)

    def refund(self, payment_id: str, reference: str, amount: Decimal, currency: str) -> str:
        self._maybe_fail()
        if amount in self.decline_amounts:
            raise PaymentDeclined(f"the refund of {amount} {currency} on {payment_id} was refused")
        return "re_" + _digest("refund", payment_id, reference)

    def void(self, payment_id: str, reference: str) -> str:
        self._maybe_fail()
        return "vo_" + _digest("void", payment_id, reference)

    def _maybe_fail(self) -> None:
        if self.transient_failure_rate > 0 and self.random_fraction() < self.transient_failure_rate:
            raise PaymentTransientError("the payment provider timed out; try again")


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def from_environment(environ: Mapping[str, str] = os.environ) -> PaymentGateway:
    """The gateway the template configures: `PAYMENT_PROVIDER` (only `simulator` here),
    `PAYMENT_DECLINE_AMOUNTS` (comma-separated amounts) and `PAYMENT_TRANSIENT_FAILURE_RATE` (0-1)."""
    provider = environ.get("PAYMENT_PROVIDER", "simulator")
    if provider != "simulator":
        raise ValueError(f"PAYMENT_PROVIDER {provider!r} is not available; use 'simulator'")
    declines = frozenset(Decimal(a.strip()).quantize(Decimal("0.01"))
                         for a in environ.get("PAYMENT_DECLINE_AMOUNTS", "").split(",") if a.strip())
    rate = float(environ.get("PAYMENT_TRANSIENT_FAILURE_RATE", "0") or 0)
    if not 0 <= rate <= 1:
        raise ValueError("PAYMENT_TRANSIENT_FAILURE_RATE must be between 0 and 1")
    return SimulatedGateway(decline_amounts=declines, transient_failure_rate=rate)


def run_operation(gateway: PaymentGateway, event: Mapping[str, object]) -> dict:
    """The payments function's core: `{"operation": "charge"|"refund"|"void", "taskId", ...}`.

    The task id is the provider reference, so a retried state asks the provider the same question.
    """
    operation, task_id = event.get("operation"), str(event["taskId"])
    if operation == "charge":
        amount = Decimal(str(event["amount"]))
        return {"paymentId": gateway.charge(task_id, amount, str(event["currency"]))}
    if operation == "refund":
        if not event.get("paymentId"):
            raise PaymentDeclined("the purchase has no payment to refund")
        amount = Decimal(str(event["amount"]))
        return {"refundPaymentId": gateway.refund(str(event["paymentId"]), task_id, amount, str(event["currency"]))}
    if operation == "void":
        return {"voidId": gateway.void(str(event["paymentId"]), task_id)}
    raise ValueError(f"unknown payment operation {operation!r}")
