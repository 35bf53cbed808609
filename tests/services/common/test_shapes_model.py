"""The model check never refuses what the model allows: inputs drawn from botocore's shapes for
every Step Functions operation, put on the wire by botocore's own serializer, pass; and what
botocore's client-side validator refuses (missing members, wrong types, below a minimum), the
check refuses too (except unknown members, which AWS's JSON services ignore)."""

from __future__ import annotations

import json
import random

import pytest
from botocore.serialize import create_serializer
from botocore.validate import ParamValidator
from tests.fuzz.values import Pools, valid

from statewright.services.common import AwsError
from statewright.services.common.shapes import ShapeChecker

CHECKER = ShapeChecker("stepfunctions")
MODEL = CHECKER.model
SERIALIZER = create_serializer("json", include_validation=False)


def on_the_wire(operation, params: dict) -> dict:
    """The input as the service receives it: botocore's JSON body, read back."""
    body = SERIALIZER.serialize_to_request(params, operation)["body"]
    return json.loads(body or b"{}")


@pytest.mark.parametrize("name", MODEL.operation_names)
def test_inputs_the_model_allows_pass(name):
    operation = MODEL.operation_model(name)
    rng = random.Random(name)
    for _ in range(30):
        params = valid(operation.input_shape, rng, Pools())
        assert not ParamValidator().validate(params, operation.input_shape).has_errors()
        CHECKER.check(name, on_the_wire(operation, params))


@pytest.mark.parametrize("name", MODEL.operation_names)
def test_what_botocore_refuses_the_check_refuses(name):
    operation = MODEL.operation_model(name)
    shape = operation.input_shape
    rng = random.Random(f"{name}-bad")
    for _ in range(30):
        params = valid(shape, rng, Pools())
        member = rng.choice(list(shape.members))
        params[member] = rng.choice([None, 7, "text", [1], {"a": 1}, True, ""])
        report = ParamValidator().validate(params, shape)
        # Unknown members are botocore's own rule: AWS's JSON services ignore them.
        if not [error for error in report._errors if error[0] != "unknown field"]:
            continue
        if params[member] is None and member not in shape.required_members:
            continue  # botocore complains of a None it would drop; on the wire it is absent
        with pytest.raises(AwsError) as raised:
            CHECKER.check(name, json.loads(json.dumps(params, default=str)))
        assert raised.value.code in ("ValidationException", "SerializationException")
