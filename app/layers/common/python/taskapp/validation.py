"""Checks on what a client sends: each failure names the camelCase field and why."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .currencies import ISO_4217
from .errors import bad_request, invalid, too_large
from .ids import is_id

TASK_TYPES = ("PURCHASE", "REFUND")
MAX_AMOUNT = Decimal("1000000.00")
MAX_DESCRIPTION = 1000
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/webp", "text/plain",
                           "text/csv"})
_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{1,128}$")
_FILE_NAME = re.compile(r"^[^/\\\x00-\x1f]{1,255}$")
_CREATE_FIELDS = {"type", "amount", "currency", "description", "purchaseId"}


def parse_amount(value: object, field: str = "amount") -> Decimal:
    """A decimal amount with at most two places, > 0 and ≤ 1,000,000, given as a string or number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise bad_request("must be a decimal string such as \"12.50\"", field)
    text = value if isinstance(value, str) else repr(value)
    if not _AMOUNT.match(text):
        raise invalid("must be a decimal number with at most two decimal places", field)
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise invalid("is not a decimal number", field) from error
    if amount <= 0:
        raise invalid("must be greater than 0", field)
    if amount > MAX_AMOUNT:
        raise invalid("must be at most 1000000.00", field)
    return amount


def parse_currency(value: object) -> str:
    if not isinstance(value, str):
        raise bad_request("must be a string", "currency")
    if value not in ISO_4217:
        raise invalid("must be an ISO 4217 currency code such as USD", "currency")
    return value


def parse_description(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise bad_request("must be a string", "description")
    if len(value) > MAX_DESCRIPTION:
        raise invalid(f"must be at most {MAX_DESCRIPTION} characters", "description")
    return value


def parse_create(body: object) -> dict:
    """The validated fields of `POST /tasks`: type, amount (Decimal), currency, description, purchaseId."""
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object", None)
    unknown = sorted(set(body) - _CREATE_FIELDS)
    if unknown:
        raise bad_request("is not a field of a task", unknown[0])
    for field in ("type", "amount", "currency"):
        if field not in body:
            raise bad_request("is required", field)
    kind = body["type"]
    if kind not in TASK_TYPES:
        raise invalid("must be PURCHASE or REFUND", "type")
    fields = {"type": kind, "amount": parse_amount(body["amount"]), "currency": parse_currency(body["currency"]),
              "description": parse_description(body.get("description"))}
    purchase_id = body.get("purchaseId")
    if kind == "REFUND":
        if purchase_id is None:
            raise bad_request("is required for a refund", "purchaseId")
        if not is_id(purchase_id):
            raise invalid("is not a task id", "purchaseId")
        fields["purchaseId"] = purchase_id
    elif purchase_id is not None:
        raise invalid("is only for refunds", "purchaseId")
    return fields


def parse_idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not _IDEMPOTENCY_KEY.match(value):
        raise bad_request("must be 1-128 characters of letters, digits and _-:.", "Idempotency-Key")
    return value


def parse_attachment(body: object) -> dict:
    """`POST /tasks/{id}/attachments`: fileName, contentType (allow-listed), size (≤ 10 MB)."""
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object", None)
    for field in ("fileName", "contentType", "size"):
        if field not in body:
            raise bad_request("is required", field)
    name, content_type, size = body["fileName"], body["contentType"], body["size"]
    if not isinstance(name, str) or not _FILE_NAME.match(name):
        raise invalid("must be 1-255 characters without slashes or control characters", "fileName")
    if content_type not in CONTENT_TYPES:
        raise invalid("must be one of " + ", ".join(sorted(CONTENT_TYPES)), "contentType")
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise invalid("must be a positive whole number of bytes", "size")
    if size > MAX_ATTACHMENT_BYTES:
        raise too_large(f"must be at most {MAX_ATTACHMENT_BYTES} bytes (10 MB)", "size")
    return {"fileName": name, "contentType": content_type, "size": size}
