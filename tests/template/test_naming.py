"""naming: generated names are CloudFormation-shaped, within limits, and stable across restarts."""

from __future__ import annotations

import re

import pytest

from statewright.template.naming import Naming, stable_token

NAMING = Naming(stack_name="shop", region="us-east-1", account="123456789012")


def test_generated_names_have_stack_logical_id_and_a_stable_suffix():
    name = NAMING.name("OrdersFunction")
    assert re.fullmatch(r"shop-OrdersFunction-[A-Z0-9]{12}", name)
    assert name == Naming("shop", "us-east-1", "123456789012").name("OrdersFunction")
    assert name != NAMING.name("OtherFunction")
    assert name != Naming("shop2", "us-east-1", "123456789012").name("OrdersFunction")


@pytest.mark.parametrize("stack,logical_id,limit", [
    ("s" * 100, "L" * 100, 64), ("short", "L" * 100, 64), ("s" * 100, "Short", 64), ("x" * 40, "Y" * 40, 63),
])
def test_long_names_are_trimmed_to_the_limit(stack, logical_id, limit):
    name = Naming(stack, "us-east-1", "1").name(logical_id, max_length=limit)
    assert len(name) <= limit
    assert name.split("-")[1].startswith(logical_id[:5])


def test_lowercase_names_and_endings():
    assert re.fullmatch(r"shop-bucket-[a-z0-9]{12}", NAMING.name("Bucket", lowercase=True))
    assert NAMING.name("Queue", end=".fifo").endswith(".fifo")


def test_tokens_are_deterministic_and_use_the_alphabet():
    token = stable_token("seed", 10, "abc")
    assert token == stable_token("seed", 10, "abc") and set(token) <= set("abc") and len(token) == 10


def test_arns_follow_the_partition():
    assert Naming("s", "cn-north-1", "1").arn("lambda", "function:f") == "arn:aws-cn:lambda:cn-north-1:1:function:f"
    assert NAMING.arn("s3", "b", region=False, account=False) == "arn:aws:s3:::b"
