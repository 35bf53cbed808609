"""ReturnConsumedCapacity on tables with secondary indexes: index writes are charged and
reported as AWS does.

Every number below was measured against DynamoDB in eu-west-2 (nubo-db/dynamodb-conformance
tests/tier1/putItem/indexConsumedCapacity.test.ts, items under 1 KB so each index write is one
unit), following the AWS developer guide's rules for index write capacity: one write to put an
item into an index or take it out, two when the index key changes, one when only projected
attributes change, none when the index's view of the item does not change.
"""

from __future__ import annotations

import itertools

import pytest

from .conftest import unique

_fresh = itertools.count()


@pytest.fixture(scope="module")
def indexed(ddb):
    """pk/sk (S); GSI `gsi-inc` on gsiPk projecting INCLUDE [proj]; LSI `lsi1` on lsiSk, ALL."""
    name = unique("idx-wcu")
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gsiPk", "lsiSk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "gsi-inc", "KeySchema": [{"AttributeName": "gsiPk", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["proj"]}}],
        LocalSecondaryIndexes=[{"IndexName": "lsi1", "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "lsiSk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}])
    return name


def fresh() -> str:
    return f"item-{next(_fresh)}"


def item(pk: str, **attributes: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": "1"}, **{name: {"S": value} for name, value in attributes.items()}}


def arms(consumed: dict, total: float, table: float, gsi: float | None = None, lsi: float | None = None) -> None:
    assert consumed["CapacityUnits"] == total
    assert consumed["Table"] == {"CapacityUnits": table}
    if gsi is None:
        assert "GlobalSecondaryIndexes" not in consumed  # no arm at all, never a zero entry
    else:
        assert consumed["GlobalSecondaryIndexes"] == {"gsi-inc": {"CapacityUnits": gsi}}
    if lsi is None:
        assert "LocalSecondaryIndexes" not in consumed
    else:
        assert consumed["LocalSecondaryIndexes"] == {"lsi1": {"CapacityUnits": lsi}}


def put(ddb, table: str, entry: dict, mode: str = "INDEXES") -> dict:
    return ddb.put_item(TableName=table, Item=entry, ReturnConsumedCapacity=mode)["ConsumedCapacity"]


def test_put_item_charges_the_indexes_it_writes(ddb, indexed):
    arms(put(ddb, indexed, item(fresh(), gsiPk="g1", proj="p")), total=2, table=1, gsi=1)
    arms(put(ddb, indexed, item(fresh(), other="o")), total=1, table=1)  # a sparse item: no index
    arms(put(ddb, indexed, item(fresh(), lsiSk="L1")), total=2, table=1, lsi=1)
    full = item(fresh(), gsiPk="g3", lsiSk="L1", proj="p")
    arms(put(ddb, indexed, full), total=3, table=1, gsi=1, lsi=1)
    arms(put(ddb, indexed, full), total=1, table=1)  # an identical overwrite changes no index
    # TOTAL folds the index units in, with no breakdown.
    assert put(ddb, indexed, item(fresh(), gsiPk="g2", proj="p"), "TOTAL") == {"TableName": indexed,
                                                                             "CapacityUnits": 2.0}


@pytest.mark.parametrize(("expression", "values", "expected"), [
    ("SET #o = :v", {":v": {"S": "o2"}}, {"total": 2, "table": 1, "lsi": 1}),  # not projected into the GSI
    ("SET proj = :v", {":v": {"S": "p2"}}, {"total": 3, "table": 1, "gsi": 1, "lsi": 1}),
    ("SET gsiPk = :v", {":v": {"S": "g-moved"}}, {"total": 4, "table": 1, "gsi": 2, "lsi": 1}),  # delete + insert
    ("REMOVE gsiPk", None, {"total": 3, "table": 1, "gsi": 1, "lsi": 1}),  # delete only
    ("SET lsiSk = :v", {":v": {"S": "L2"}}, {"total": 3, "table": 1, "lsi": 2}),
])
def test_update_item_ladder(ddb, indexed, expression, values, expected):
    key = fresh()
    ddb.put_item(TableName=indexed, Item=item(key, gsiPk="g-ladder", lsiSk="L1", proj="p", other="o"))
    request = dict(TableName=indexed, Key={"pk": {"S": key}, "sk": {"S": "1"}}, UpdateExpression=expression,
                   ReturnConsumedCapacity="INDEXES")
    if values:
        request["ExpressionAttributeValues"] = values
    if "#o" in expression:  # OTHER is a reserved word
        request["ExpressionAttributeNames"] = {"#o": "other"}
    arms(ddb.update_item(**request)["ConsumedCapacity"], **expected)


def test_delete_item_charges_each_index_the_item_was_in(ddb, indexed):
    full, sparse = fresh(), fresh()
    ddb.put_item(TableName=indexed, Item=item(full, gsiPk="g-del", lsiSk="L1", proj="p"))
    ddb.put_item(TableName=indexed, Item=item(sparse, other="o"))
    for key, expected in ((full, {"total": 3, "table": 1, "gsi": 1, "lsi": 1}), (sparse, {"total": 1, "table": 1})):
        answer = ddb.delete_item(TableName=indexed, Key={"pk": {"S": key}, "sk": {"S": "1"}},
                                 ReturnConsumedCapacity="INDEXES")
        arms(answer["ConsumedCapacity"], **expected)


def test_batch_write_reports_one_entry_per_table(ddb, indexed):
    answer = ddb.batch_write_item(RequestItems={indexed: [
        {"PutRequest": {"Item": item(fresh(), gsiPk="g-batch", proj="p")}},
        {"PutRequest": {"Item": item(fresh(), other="o")}}]}, ReturnConsumedCapacity="INDEXES")
    assert answer["UnprocessedItems"] == {}
    [consumed] = answer["ConsumedCapacity"]
    arms(consumed, total=3, table=2, gsi=1)


def test_a_query_on_an_index_is_charged_to_the_index(ddb, indexed):
    """Recorded (Ketlark/dynamodb-conformance tests/tier1/query/indexConsumedCapacity.test.ts):
    the GSI arm carries the read, a Table entry is there, the total is their sum."""
    ddb.put_item(TableName=indexed, Item=item(fresh(), gsiPk="g-read", proj="p"))
    answer = ddb.query(TableName=indexed, IndexName="gsi-inc", KeyConditionExpression="gsiPk = :g",
                       ExpressionAttributeValues={":g": {"S": "g-read"}}, ReturnConsumedCapacity="INDEXES")
    consumed = answer["ConsumedCapacity"]
    read = consumed["GlobalSecondaryIndexes"]["gsi-inc"]["CapacityUnits"]
    assert answer["Count"] == 1 and read > 0
    assert consumed["CapacityUnits"] == consumed["Table"]["CapacityUnits"] + read


# Transactions: AWS reports the read/write split only for transactional operations (measured:
# nubo-db/dynamodb-conformance tests/tier2/transactions/transactWrite.test.ts, transactGet.test.ts,
# tests/tier2/partiql/executeTransaction.test.ts; single-item operations report CapacityUnits alone:
# tests/tier1/getItem/consumedCapacity.test.ts).

def test_single_item_operations_report_no_split(ddb, hash_table):
    put = ddb.put_item(TableName=hash_table, Item={"pk": {"S": "no-split"}}, ReturnConsumedCapacity="INDEXES")
    assert put["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": 1.0, "Table": {"CapacityUnits": 1.0}}
    got = ddb.get_item(TableName=hash_table, Key={"pk": {"S": "no-split"}}, ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": 0.5}


def test_transactional_writes_report_write_units(ddb, hash_table, composite_table):
    ddb.put_item(TableName=composite_table, Item={"pk": {"S": "present"}, "sk": {"N": "1"}})
    answer = ddb.transact_write_items(ReturnConsumedCapacity="INDEXES", TransactItems=[
        {"Put": {"TableName": hash_table, "Item": {"pk": {"S": "tx-cap"}}, "ConditionExpression": "attribute_not_exists(pk)"}},
        {"ConditionCheck": {"TableName": composite_table, "Key": {"pk": {"S": "present"}, "sk": {"N": "1"}},
                            "ConditionExpression": "attribute_exists(pk)"}}])
    by_table = {entry["TableName"]: entry for entry in answer["ConsumedCapacity"]}
    # A passing conditional write costs 2 units per KB; a ConditionCheck 2 write units too.
    assert by_table[hash_table]["CapacityUnits"] == by_table[hash_table]["WriteCapacityUnits"] == 2
    assert by_table[composite_table]["CapacityUnits"] == by_table[composite_table]["WriteCapacityUnits"] == 2
    assert "ReadCapacityUnits" not in by_table[hash_table]


def test_a_replay_reports_a_transactional_read_of_the_items(ddb, hash_table):
    """A ~1.5 KB item: written for 2 x 2 write units, re-read on replay for 2 x 1 read units."""
    request = dict(ClientRequestToken="cap-replay", ReturnConsumedCapacity="INDEXES", TransactItems=[
        {"Put": {"TableName": hash_table, "Item": {"pk": {"S": "tx-replay"}, "big": {"S": "x" * 1536}}}}])
    [first] = ddb.transact_write_items(**request)["ConsumedCapacity"]
    [replay] = ddb.transact_write_items(**request)["ConsumedCapacity"]
    assert (first["WriteCapacityUnits"], "ReadCapacityUnits" in first) == (4, False)
    assert (replay["ReadCapacityUnits"], "WriteCapacityUnits" in replay) == (2, False)


def test_transactional_reads_report_read_units(ddb, hash_table):
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "tg-present"}})
    answer = ddb.transact_get_items(ReturnConsumedCapacity="TOTAL", TransactItems=[
        {"Get": {"TableName": hash_table, "Key": {"pk": {"S": name}}}} for name in ("tg-present", "tg-missing")])
    assert sum(entry["CapacityUnits"] for entry in answer["ConsumedCapacity"]) == 4  # a missing item is charged too
    answer = ddb.transact_get_items(ReturnConsumedCapacity="INDEXES", TransactItems=[
        {"Get": {"TableName": hash_table, "Key": {"pk": {"S": "tg-present"}}}}])
    assert answer["ConsumedCapacity"][0]["Table"]["ReadCapacityUnits"] > 0


def test_execute_transaction_reports_capacity(ddb, hash_table):
    statements = [{"Statement": f"UPDATE \"{hash_table}\" SET n = 1 WHERE pk = 'et-cap'"}]
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "et-cap"}})
    first = ddb.execute_transaction(ClientRequestToken="et-cap", ReturnConsumedCapacity="INDEXES",
                                    TransactStatements=statements)
    replay = ddb.execute_transaction(ClientRequestToken="et-cap", ReturnConsumedCapacity="INDEXES",
                                     TransactStatements=statements)
    assert (first["ConsumedCapacity"][0]["WriteCapacityUnits"], "ReadCapacityUnits" in first["ConsumedCapacity"][0]) \
        == (2, False)
    assert (replay["ConsumedCapacity"][0]["ReadCapacityUnits"], "WriteCapacityUnits" in replay["ConsumedCapacity"][0]) \
        == (2, False)
