"""PartiQL through boto3 (AWS developer guide, "PartiQL - a SQL-compatible query language for
Amazon DynamoDB": SELECT, INSERT, UPDATE, DELETE; ExecuteStatement, BatchExecuteStatement,
ExecuteTransaction)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def run(ddb, statement: str, *parameters, **extra) -> dict:
    kwargs = {"Parameters": list(parameters)} if parameters else {}
    return ddb.execute_statement(Statement=statement, **kwargs, **extra)


def test_insert_select_update_delete(ddb, composite_table):
    table = f'"{composite_table}"'
    run(ddb, f"INSERT INTO {table} VALUE {{'pk': 'p', 'sk': 1, 'name': 'one', 'tags': <<'a', 'b'>>, 'doc': {{'x': [1, 2]}}}}")
    run(ddb, f"INSERT INTO {table} VALUE {{'pk': ?, 'sk': ?, 'name': ?}}", {"S": "p"}, {"N": "2"}, {"S": "two"})
    with pytest.raises(ClientError) as raised:
        run(ddb, f"INSERT INTO {table} VALUE {{'pk': 'p', 'sk': 1}}")
    assert raised.value.response["Error"] == {"Code": "DuplicateItemException",
                                              "Message": "Duplicate primary key exists in table"}
    everything = run(ddb, f"SELECT * FROM {table} WHERE pk = 'p'")["Items"]
    assert [item["sk"]["N"] for item in everything] == ["1", "2"]
    assert everything[0]["tags"] == {"SS": ["a", "b"]}
    assert everything[0]["doc"] == {"M": {"x": {"L": [{"N": "1"}, {"N": "2"}]}}}
    picked = run(ddb, f"SELECT name, doc.x[1] FROM {table} WHERE pk = ? AND sk > 1", {"S": "p"})["Items"]
    assert picked == [{"name": {"S": "two"}}]
    updated = run(ddb, f"UPDATE {table} SET name = 'uno' SET counter = 5 REMOVE tags WHERE pk = 'p' AND sk = 1 "
                  "RETURNING ALL NEW *")["Items"][0]
    assert updated["name"] == {"S": "uno"} and updated["counter"] == {"N": "5"} and "tags" not in updated
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        run(ddb, f"UPDATE {table} SET name = 'x' WHERE pk = 'p' AND sk = 99")  # UPDATE needs the item
    run(ddb, f"DELETE FROM {table} WHERE pk = 'p' AND sk = 2")
    run(ddb, f"DELETE FROM {table} WHERE pk = 'p' AND sk = 2")  # already gone: nothing to do
    assert [item["sk"]["N"] for item in run(ddb, f"SELECT sk FROM {table} WHERE pk = 'p'")["Items"]] == ["1"]


def test_select_scans_filters_and_pages(ddb, hash_table):
    for number in range(6):
        run(ddb, f"INSERT INTO \"{hash_table}\" VALUE {{'pk': 'k{number}', 'n': {number}}}")
    found = run(ddb, f'SELECT * FROM "{hash_table}" WHERE n BETWEEN 2 AND 4 OR n IN [0]')["Items"]
    assert sorted(int(item["n"]["N"]) for item in found) == [0, 2, 3, 4]
    assert len(run(ddb, f'SELECT * FROM "{hash_table}" WHERE nope IS MISSING')["Items"]) == 6
    seen = []
    token = None
    while True:
        answer = run(ddb, f'SELECT pk FROM "{hash_table}"', Limit=4, **({"NextToken": token} if token else {}))
        seen += [item["pk"]["S"] for item in answer["Items"]]
        token = answer.get("NextToken")
        if not token:
            break
    assert sorted(seen) == [f"k{number}" for number in range(6)]


def test_batch_and_transaction(ddb, hash_table):
    table = f'"{hash_table}"'
    answer = ddb.batch_execute_statement(Statements=[
        {"Statement": f"INSERT INTO {table} VALUE {{'pk': 'b1'}}"},
        {"Statement": f"INSERT INTO {table} VALUE {{'pk': 'b1'}}"},
        {"Statement": f"SELECT * FROM {table} WHERE pk = 'b1'"}])
    assert answer["Responses"][0] == {"TableName": hash_table}
    assert answer["Responses"][1]["Error"]["Code"] == "DuplicateItem"
    assert answer["Responses"][2]["Item"] == {"pk": {"S": "b1"}}
    ddb.execute_transaction(TransactStatements=[
        {"Statement": f"INSERT INTO {table} VALUE {{'pk': 't1'}}"},
        {"Statement": f"UPDATE {table} SET v = 1 WHERE pk = 'b1'"}])
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as raised:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"INSERT INTO {table} VALUE {{'pk': 't2'}}"},
            {"Statement": f"INSERT INTO {table} VALUE {{'pk': 't1'}}"}])
    assert [reason["Code"] for reason in raised.value.response["CancellationReasons"]] == ["None", "DuplicateItem"]
    reads = ddb.execute_transaction(TransactStatements=[
        {"Statement": f"SELECT * FROM {table} WHERE pk = 't1'"}, {"Statement": f"SELECT * FROM {table} WHERE pk = 't2'"}])
    assert reads["Responses"] == [{"Item": {"pk": {"S": "t1"}}}, {}]


def test_statement_errors(ddb, hash_table):
    with pytest.raises(ClientError) as raised:
        run(ddb, f'SELEC * FROM "{hash_table}"')
    assert raised.value.response["Error"]["Message"].startswith("Statement wasn't well formed, can't be processed")
    with pytest.raises(ClientError) as raised:
        run(ddb, f'SELECT * FROM "{hash_table}" WHERE pk = ?')
    assert raised.value.response["Error"]["Message"] == "Number of parameters in request and statement don't match."
    with pytest.raises(ClientError) as raised:
        run(ddb, f"UPDATE \"{hash_table}\" SET a = 1 WHERE a = 2")
    assert raised.value.response["Error"]["Message"] == (
        "Where clause does not contain a mandatory equality on all key attributes")


def message_of(call, **kwargs) -> str:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    return str(raised.value.response["Error"]["Message"])


def test_recorded_partiql_texts(ddb, hash_table, composite_table):
    # All recorded against AWS: nubo-db/dynamodb-conformance tests/tier3/error-messages/partiql.test.ts.
    table, comp = f'"{hash_table}"', f'"{composite_table}"'
    assert message_of(ddb.execute_statement, Statement=f"DELETE FROM {table} WHERE pk = 'x' RETURNING ALL NEW *") == (
        "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.")
    assert message_of(ddb.execute_transaction, TransactStatements=[
        {"Statement": f"UPDATE {table} SET v = 'x' WHERE pk = 'x' RETURNING ALL NEW *"}]) == (
        "Validation failed in TransactStatements[0]: RETURNING clause is not supported in ExecuteTransaction.")
    assert message_of(ddb.execute_transaction, TransactStatements=[
        {"Statement": f"SELECT * FROM {comp}.\"by-g\" WHERE g = 'x'"}]) == (
        "Validation failed in TransactStatements[0]: Reads on indices are not supported within transactions.")
    assert message_of(ddb.execute_statement, Statement=f"SELECT * FROM {comp}.\"no-such-index\" WHERE pk = 'p'") == (
        "The table does not have the specified index")
    assert message_of(ddb.execute_statement, Statement=f"SELECT * FROM {comp}.\"by-g\".\"extra\" WHERE pk = 'p'") == (
        "A path may contain at most 2 components in the FROM clause")
    assert message_of(ddb.execute_statement, Statement='SELECT * FROM "" WHERE pk = \'p\'') == (
        "Path component cannot be an empty string")
    assert message_of(ddb.execute_statement, Statement=f"SELECT * FROM {comp}.\"by-g\" WHERE g = 'x'",
                      ConsistentRead=True) == "Strongly consistent read is not supported on Global Secondary Indexes"
    assert message_of(ddb.execute_statement, Statement=f"SELECT pk FROM {table} WHERE pk = 'x' AND val < ?",
                      Parameters=[{"BOOL": True}]) == (
        "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL")
    assert message_of(ddb.execute_statement, Statement=f"SELECT pk FROM {comp}.\"by-g\" WHERE g = 'y' AND other = 1"
                      ) == ("One or more parameter values were invalid: Secondary index by-g does not project one or "
                            "more filter attributes: [other]")
    assert message_of(ddb.execute_statement, Statement=f"SELECT other FROM {comp}.\"by-g\" WHERE g = 'y'") == (
        "One or more parameter values were invalid: Global secondary index by-g does not project [other]")
