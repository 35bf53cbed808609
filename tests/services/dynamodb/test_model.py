"""A model-based property test: random writes against the service and against a plain dict, then
every Query (both directions, any page size, with a range condition) and a segmented Scan must
agree with the dict, sorted as DynamoDB sorts."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statewright.services.common import RequestContext
from statewright.services.dynamodb import DynamoDbService

CONTEXT = RequestContext()
sort_keys = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
operations = st.lists(st.tuples(st.sampled_from(["put", "delete", "add"]), st.sampled_from(["a", "b", "ü"]), sort_keys),
                      max_size=40)


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if Decimal(text) == 0 else text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations, st.integers(min_value=1, max_value=7), st.booleans(), sort_keys)
def test_reads_agree_with_a_dict(tmp_path_factory, steps, page, forward, bound):
    service = DynamoDbService(tmp_path_factory.mktemp("model"), ttl_interval=0)
    try:
        service.handle("CreateTable", {"TableName": "model", "BillingMode": "PAY_PER_REQUEST",
                                       "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                                                {"AttributeName": "sk", "AttributeType": "N"}],
                                       "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                     {"AttributeName": "sk", "KeyType": "RANGE"}]}, CONTEXT)
        model: dict[tuple[str, Decimal], int] = {}
        for action, partition, sort_key in steps:
            key = {"pk": {"S": partition}, "sk": {"N": _number(sort_key)}}
            if action == "put":
                service.handle("PutItem", {"TableName": "model", "Item": {**key, "n": {"N": "1"}}}, CONTEXT)
                model[(partition, sort_key)] = 1
            elif action == "delete":
                service.handle("DeleteItem", {"TableName": "model", "Key": key}, CONTEXT)
                model.pop((partition, sort_key), None)
            else:
                service.handle("UpdateItem", {"TableName": "model", "Key": key, "UpdateExpression": "ADD n :one",
                                              "ExpressionAttributeValues": {":one": {"N": "1"}}}, CONTEXT)
                model[(partition, sort_key)] = model.get((partition, sort_key), 0) + 1
        for partition in ("a", "b", "ü"):
            expected = sorted(((sort_key, count) for (p, sort_key), count in model.items()
                               if p == partition and sort_key >= bound), reverse=not forward)
            found = []
            start = None
            while True:
                request = {"TableName": "model", "KeyConditionExpression": "pk = :p AND sk >= :b", "Limit": page,
                           "ScanIndexForward": forward,
                           "ExpressionAttributeValues": {":p": {"S": partition}, ":b": {"N": _number(bound)}}}
                if start:
                    request["ExclusiveStartKey"] = start
                answer = service.handle("Query", request, CONTEXT)
                found += [(Decimal(item["sk"]["N"]), int(item["n"]["N"])) for item in answer["Items"]]
                start = answer.get("LastEvaluatedKey")
                if not start:
                    break
            assert found == expected
        scanned = []
        for segment in range(3):
            answer = service.handle("Scan", {"TableName": "model", "Segment": segment, "TotalSegments": 3}, CONTEXT)
            scanned += [(item["pk"]["S"], Decimal(item["sk"]["N"])) for item in answer["Items"]]
        assert sorted(scanned) == sorted(model)
    finally:
        service.close()
