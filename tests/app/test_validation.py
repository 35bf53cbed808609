"""Field rules of the request bodies (the API tests check the same through HTTP-shaped events)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from taskapp import validation
from taskapp.errors import ApiError


@pytest.mark.parametrize("value,expected", [("1", "1.00"), ("1.5", "1.50"), ("0.01", "0.01"), (7, "7.00"),
                                            ("1000000", "1000000.00"), (2.25, "2.25")])
def test_amounts(value, expected):
    assert validation.parse_amount(value) == Decimal(expected)


@pytest.mark.parametrize("value,status", [("0", 422), ("0.00", 422), ("-1", 422), ("1.001", 422), ("1e3", 422),
                                          (" 1", 422), ("1000000.01", 422), (None, 400), (False, 400),
                                          ([], 400), ("NaN", 422), ("Infinity", 422)])
def test_bad_amounts(value, status):
    with pytest.raises(ApiError) as refused:
        validation.parse_amount(value)
    assert (refused.value.status, refused.value.field) == (status, "amount")


@pytest.mark.parametrize("code", ["USD", "EUR", "JPY", "CHF", "XAU"])
def test_iso_4217_codes(code):
    assert validation.parse_currency(code) == code


@pytest.mark.parametrize("code", ["usd", "US", "USDX", "XYZ", "", 840])
def test_not_currencies(code):
    with pytest.raises(ApiError) as refused:
        validation.parse_currency(code)
    assert refused.value.field == "currency"


def test_refund_requires_a_purchase_id():
    with pytest.raises(ApiError) as refused:
        validation.parse_create({"type": "REFUND", "amount": "1", "currency": "USD"})
    assert (refused.value.status, refused.value.field) == (400, "purchaseId")


def test_description_is_optional_and_bounded():
    assert validation.parse_create({"type": "PURCHASE", "amount": "1", "currency": "USD"})["description"] == ""
    with pytest.raises(ApiError):
        validation.parse_description(5)


@pytest.mark.parametrize("content_type", sorted(validation.CONTENT_TYPES))
def test_allowed_content_types(content_type):
    assert validation.parse_attachment({"fileName": "a", "contentType": content_type, "size": 1})["size"] == 1


@pytest.mark.parametrize("body,field", [({}, "fileName"), ({"fileName": "a", "contentType": "text/plain"}, "size"),
                                        ({"fileName": "a", "contentType": "text/html", "size": 1}, "contentType"),
                                        ({"fileName": "a", "contentType": "text/plain", "size": 1.5}, "size"),
                                        ({"fileName": "", "contentType": "text/plain", "size": 1}, "fileName")])
def test_bad_attachments(body, field):
    with pytest.raises(ApiError) as refused:
        validation.parse_attachment(body)
    assert refused.value.field == field
