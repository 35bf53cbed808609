"""The payment gateway's simulator and the payments function's operations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from taskapp import payments


def test_charges_are_stable_per_reference():
    gateway = payments.SimulatedGateway()
    first = gateway.charge("task-1", Decimal("10.00"), "USD")
    assert first == gateway.charge("task-1", Decimal("10.00"), "USD") != gateway.charge("task-2", Decimal("10.00"), "USD")
    assert first.startswith("pay_")


def test_configured_amounts_are_declined():
    gateway = payments.SimulatedGateway(decline_amounts=frozenset({Decimal("13.13")}))
    with pytest.raises(payments.PaymentDeclined, match="declined"):
        gateway.charge("t", Decimal("13.13"), "USD")
    with pytest.raises(payments.PaymentDeclined):
        gateway.refund("pay_1", "t", Decimal("13.13"), "USD")
    assert gateway.charge("t", Decimal("13.14"), "USD")


def test_transient_failures_follow_the_rate():
    draws = iter([0.1, 0.3, 0.2])
    gateway = payments.SimulatedGateway(transient_failure_rate=0.25, random_fraction=lambda: next(draws))
    with pytest.raises(payments.PaymentTransientError):
        gateway.charge("t", Decimal("1.00"), "USD")
    assert gateway.charge("t", Decimal("1.00"), "USD")
    with pytest.raises(payments.PaymentTransientError):
        gateway.void("pay_1", "t")


def test_from_environment():
    gateway = payments.from_environment({"PAYMENT_DECLINE_AMOUNTS": "13.13, 7", "PAYMENT_TRANSIENT_FAILURE_RATE": "0.5"})
    assert gateway.decline_amounts == frozenset({Decimal("13.13"), Decimal("7.00")})
    assert gateway.transient_failure_rate == 0.5
    with pytest.raises(ValueError, match="between 0 and 1"):
        payments.from_environment({"PAYMENT_TRANSIENT_FAILURE_RATE": "2"})
    with pytest.raises(ValueError, match="stripe"):
        payments.from_environment({"PAYMENT_PROVIDER": "stripe"})


def test_operations():
    gateway = payments.SimulatedGateway()
    charge = payments.run_operation(gateway, {"operation": "charge", "taskId": "t", "amount": "5.00", "currency": "EUR"})
    refund = payments.run_operation(gateway, {"operation": "refund", "taskId": "r", "amount": "5.00", "currency": "EUR",
                                              "paymentId": charge["paymentId"]})
    assert refund["refundPaymentId"].startswith("re_")
    assert payments.run_operation(gateway, {"operation": "void", "taskId": "t", "paymentId": charge["paymentId"]})["voidId"]
    with pytest.raises(payments.PaymentDeclined, match="no payment"):
        payments.run_operation(gateway, {"operation": "refund", "taskId": "r", "amount": "1", "currency": "EUR",
                                         "paymentId": None})
    with pytest.raises(ValueError):
        payments.run_operation(gateway, {"operation": "steal", "taskId": "t"})
