"""Query and Scan through boto3: ordering, key conditions, pages, filters, indexes, segments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError


def fill(ddb, table: str, count: int = 10, partition: str = "p") -> None:
    for number in range(count):
        ddb.put_item(TableName=table, Item={"pk": {"S": partition}, "sk": {"N": str(number * 10 - 30)},
                                            "g": {"S": "odd" if number % 2 else "even"}, "l": {"S": f"l{9 - number}"},
                                            "v": {"N": str(number)}})


def error_of(call, **kwargs) -> dict:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]


def sort_keys(answer) -> list[int]:
    return [int(item["sk"]["N"]) for item in answer["Items"]]


def test_query_orders_by_sort_key_numerically_both_ways(ddb, composite_table):
    fill(ddb, composite_table)
    forward = ddb.query(TableName=composite_table, KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": "p"}})
    assert sort_keys(forward) == [-30, -20, -10, 0, 10, 20, 30, 40, 50, 60]
    backward = ddb.query(TableName=composite_table, KeyConditionExpression="pk = :p", ScanIndexForward=False,
                         ExpressionAttributeValues={":p": {"S": "p"}})
    assert sort_keys(backward) == list(reversed(sort_keys(forward)))


@pytest.mark.parametrize(("condition", "expected"), [
    (Key("sk").eq(10), [10]), (Key("sk").lt(-10), [-30, -20]), (Key("sk").lte(-10), [-30, -20, -10]),
    (Key("sk").gt(40), [50, 60]), (Key("sk").gte(40), [40, 50, 60]), (Key("sk").between(-5, 25), [0, 10, 20]),
])
def test_sort_key_operators(resource, composite_table, condition, expected):
    table = resource.Table(composite_table)
    for number in range(10):
        table.put_item(Item={"pk": "q", "sk": number * 10 - 30})
    answer = table.query(KeyConditionExpression=Key("pk").eq("q") & condition)
    assert [int(item["sk"]) for item in answer["Items"]] == expected


def test_begins_with_on_string_sort_keys(ddb):
    name = "strings-table"
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    for sort_key in ["a", "ab", "abc", "abd", "ac", "b", "é", "z"]:
        ddb.put_item(TableName=name, Item={"pk": {"S": "x"}, "sk": {"S": sort_key}})
    answer = ddb.query(TableName=name, KeyConditionExpression="pk = :p AND begins_with(sk, :b)",
                       ExpressionAttributeValues={":p": {"S": "x"}, ":b": {"S": "ab"}})
    assert [item["sk"]["S"] for item in answer["Items"]] == ["ab", "abc", "abd"]
    everything = ddb.query(TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "x"}})
    # UTF-8 byte order: "é" (0xC3 0xA9) after "z" (0x7A).
    assert [item["sk"]["S"] for item in everything["Items"]] == ["a", "ab", "abc", "abd", "ac", "b", "z", "é"]


def test_pages_follow_limit_and_filters_apply_after_it(ddb, composite_table):
    fill(ddb, composite_table, partition="pages")
    seen = []
    start = None
    pages = 0
    while True:
        kwargs = {"ExclusiveStartKey": start} if start else {}
        answer = ddb.query(TableName=composite_table, KeyConditionExpression="pk = :p", Limit=3,
                           FilterExpression="v > :four", **kwargs,
                           ExpressionAttributeValues={":p": {"S": "pages"}, ":four": {"N": "4"}})
        pages += 1
        # "Limit" counts items read, before the filter (AWS developer guide, "Filter expressions").
        assert answer["ScannedCount"] <= 3
        assert answer["Count"] == len(answer["Items"])
        seen += [int(item["v"]["N"]) for item in answer["Items"]]
        start = answer.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == [5, 6, 7, 8, 9]
    assert pages == 4  # 3 + 3 + 3 + 1: the first page is empty but carries LastEvaluatedKey


def test_select_count(ddb, composite_table):
    fill(ddb, composite_table, partition="count")
    answer = ddb.query(TableName=composite_table, KeyConditionExpression="pk = :p", Select="COUNT",
                       FilterExpression="g = :odd", ExpressionAttributeValues={":p": {"S": "count"}, ":odd": {"S": "odd"}})
    assert "Items" not in answer
    assert (answer["Count"], answer["ScannedCount"]) == (5, 10)


def test_query_on_indexes(ddb, composite_table):
    fill(ddb, composite_table, partition="idx")
    global_ = ddb.query(TableName=composite_table, IndexName="by-g", KeyConditionExpression="g = :g AND sk > :z",
                        ExpressionAttributeValues={":g": {"S": "even"}, ":z": {"N": "0"}})
    # KEYS_ONLY: the table and index keys only.
    assert global_["Items"] == [{"pk": {"S": "idx"}, "sk": {"N": "10"}, "g": {"S": "even"}},
                                {"pk": {"S": "idx"}, "sk": {"N": "30"}, "g": {"S": "even"}},
                                {"pk": {"S": "idx"}, "sk": {"N": "50"}, "g": {"S": "even"}}]
    local = ddb.query(TableName=composite_table, IndexName="by-l", KeyConditionExpression="pk = :p",
                      ExpressionAttributeValues={":p": {"S": "idx"}}, Limit=2)
    assert [item["l"]["S"] for item in local["Items"]] == ["l0", "l1"]
    assert set(local["LastEvaluatedKey"]) == {"pk", "sk", "l"}
    rest = ddb.query(TableName=composite_table, IndexName="by-l", KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "idx"}}, ExclusiveStartKey=local["LastEvaluatedKey"])
    assert [item["l"]["S"] for item in rest["Items"]] == [f"l{n}" for n in range(2, 10)]
    # Recorded: nubo-db/dynamodb-conformance query.test.ts.
    assert error_of(ddb.query, TableName=composite_table, IndexName="by-g", KeyConditionExpression="g = :g",
                    ConsistentRead=True, ExpressionAttributeValues={":g": {"S": "x"}})["Message"] == (
        "Consistent reads are not supported on global secondary indexes")


def test_index_follows_updates_and_deletes(ddb, composite_table):
    key = {"pk": {"S": "moving"}, "sk": {"N": "1"}}
    ddb.put_item(TableName=composite_table, Item={**key, "g": {"S": "first"}})
    ddb.update_item(TableName=composite_table, Key=key, UpdateExpression="SET g = :g",
                    ExpressionAttributeValues={":g": {"S": "second"}})

    def in_index(value: str) -> int:
        return ddb.query(TableName=composite_table, IndexName="by-g", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": {"S": value}})["Count"]

    assert (in_index("first"), in_index("second")) == (0, 1)
    ddb.update_item(TableName=composite_table, Key=key, UpdateExpression="REMOVE g")
    assert in_index("second") == 0  # sparse: no g, not in the index
    ddb.put_item(TableName=composite_table, Item={**key, "g": {"S": "third"}})
    ddb.delete_item(TableName=composite_table, Key=key)
    assert in_index("third") == 0


def test_key_condition_errors(ddb, raw_ddb, composite_table):
    # Recorded: nubo-db/dynamodb-conformance query.test.ts.
    assert error_of(ddb.query, TableName=composite_table, KeyConditionExpression="sk = :v",
                    ExpressionAttributeValues={":v": {"N": "1"}})["Message"] == "Query condition missed key schema element: pk"
    assert error_of(raw_ddb.query, TableName=composite_table, KeyConditionExpression="pk = :v", Limit=0,
                    ExpressionAttributeValues={":v": {"S": "x"}})["Message"] == (
        "1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have value greater "
        "than or equal to 1")
    assert error_of(raw_ddb.query, TableName=composite_table, KeyConditionExpression="pk = :v", Select="INVALID_VALUE",
                    ExpressionAttributeValues={":v": {"S": "x"}})["Message"] == (
        "1 validation error detected: Value 'INVALID_VALUE' at 'select' failed to satisfy constraint: Member must "
        "satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]")
    assert "Condition parameter type does not match schema type" in error_of(
        ddb.query, TableName=composite_table, KeyConditionExpression="pk = :v",
        ExpressionAttributeValues={":v": {"N": "1"}})["Message"]
    assert error_of(ddb.query, TableName=composite_table, KeyConditionExpression="pk = :v", FilterExpression="sk > :v2",
                    ExpressionAttributeValues={":v": {"S": "x"}, ":v2": {"N": "1"}})["Message"] == (
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk")


def test_scan_segments_partition_the_table(resource, hash_table):
    table = resource.Table(hash_table)
    with table.batch_writer() as batch:
        for number in range(200):
            batch.put_item(Item={"pk": f"item-{number}", "n": number})
    everything = table.scan()["Items"]
    assert len(everything) == 200
    parts = [table.scan(Segment=segment, TotalSegments=4)["Items"] for segment in range(4)]
    keys = [item["pk"] for part in parts for item in part]
    assert sorted(keys) == sorted(item["pk"] for item in everything)  # every item exactly once
    assert all(parts)  # and the work is actually shared
    assert sum(1 for item in everything if item["n"] >= 100) == table.scan(
        FilterExpression=Attr("n").gte(Decimal(100)))["Count"]


def test_scan_pagination_visits_every_item_once(ddb, hash_table):
    for number in range(25):
        ddb.put_item(TableName=hash_table, Item={"pk": {"S": f"s{number}"}})
    seen = []
    paginator = ddb.get_paginator("scan")
    for page in paginator.paginate(TableName=hash_table, PaginationConfig={"PageSize": 7}):
        seen += [item["pk"]["S"] for item in page["Items"]]
    assert sorted(seen) == sorted(f"s{number}" for number in range(25))


def test_scan_segment_errors(ddb, hash_table):
    assert error_of(ddb.scan, TableName=hash_table, Segment=3, TotalSegments=3)["Message"] == (
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less "
        "than TotalSegments: 3")


def test_one_megabyte_pages(ddb, hash_table):
    for number in range(6):
        ddb.put_item(TableName=hash_table, Item={"pk": {"S": f"big{number}"}, "p": {"S": "x" * 300_000}})
    first = ddb.scan(TableName=hash_table)
    # "A single Scan only retrieves a maximum of 1 MB of data" (AWS API reference, Scan).
    assert first["ScannedCount"] == 4 and "LastEvaluatedKey" in first
    second = ddb.scan(TableName=hash_table, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert second["ScannedCount"] == 2 and "LastEvaluatedKey" not in second


def test_legacy_key_conditions_and_query_filter(ddb, composite_table):
    fill(ddb, composite_table, partition="old")
    answer = ddb.query(TableName=composite_table, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "old"}]},
        "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "0"}, {"N": "40"}]}},
        QueryFilter={"g": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "odd"}]}})
    assert sort_keys(answer) == [0, 20, 40]  # sk 0, 20, 40 hold odd v (3, 5, 7)
    scanned = ddb.scan(TableName=composite_table, ScanFilter={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "old"}]},
        "v": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "8"}]}})
    assert sorted(int(item["v"]["N"]) for item in scanned["Items"]) == [8, 9]


def test_a_gsi_only_returns_what_it_projects(ddb, composite_table):
    ddb.put_item(TableName=composite_table, Item={"pk": {"S": "proj"}, "sk": {"N": "1"}, "g": {"S": "gp"},
                                                  "secret": {"S": "not projected"}})
    answer = ddb.query(TableName=composite_table, IndexName="by-g", KeyConditionExpression="g = :g",
                       ProjectionExpression="pk, secret", ExpressionAttributeValues={":g": {"S": "gp"}})
    assert answer["Items"] == [{"pk": {"S": "proj"}}]


def test_last_evaluated_key_at_exactly_limit(ddb, hash_table, composite_table):
    for number in range(3):
        ddb.put_item(TableName=composite_table, Item={"pk": {"S": "exact"}, "sk": {"N": str(number)}})
    # A page that stops at Limit carries LastEvaluatedKey even when nothing follows (observed:
    # aws/aws-sdk-js#2806); the next page is empty and ends the walk.
    page = ddb.query(TableName=composite_table, KeyConditionExpression="pk = :p", Limit=3,
                     ExpressionAttributeValues={":p": {"S": "exact"}})
    assert page["Count"] == 3 and "LastEvaluatedKey" in page
    after = ddb.query(TableName=composite_table, KeyConditionExpression="pk = :p", Limit=3,
                      ExclusiveStartKey=page["LastEvaluatedKey"], ExpressionAttributeValues={":p": {"S": "exact"}})
    assert after["Count"] == 0 and "LastEvaluatedKey" not in after
    # Without a sort key the partition holds one item: no key (observed: aws/aws-sdk-js#3290).
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "single"}})
    single = ddb.query(TableName=hash_table, KeyConditionExpression="pk = :p", Limit=1,
                       ExpressionAttributeValues={":p": {"S": "single"}})
    assert single["Count"] == 1 and "LastEvaluatedKey" not in single
