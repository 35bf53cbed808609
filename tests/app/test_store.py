"""taskapp/store.py: TaskStore.write retries a write that met another transaction.

DynamoDB answers TransactionConflictException to a single-item write on an item an ongoing
transaction holds, and cancels a transaction with the reason TransactionConflict; AWS's advice
("Transaction conflict handling in DynamoDB") is to retry. The client below is the moto-backed
boto3 client of `context` that first answers a number of conflicts, the way a busy table would.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from taskapp.store import ConditionFailed

from .helpers import create


class ConflictingClient:
    """Delegates to a real client, answering `conflicts` TransactionConflict errors first."""

    def __init__(self, client, conflicts: int, transactional: bool) -> None:
        self.client, self.conflicts, self.transactional, self.calls = client, conflicts, transactional, 0

    def __getattr__(self, name):
        return getattr(self.client, name)

    def _conflict(self, operation: str):
        self.calls += 1
        if self.calls > self.conflicts:
            return None
        if self.transactional:
            return ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
                                "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}]},
                               operation)
        return ClientError({"Error": {"Code": "TransactionConflictException",
                                      "Message": "Transaction is ongoing for the item"}}, operation)

    def update_item(self, **request):
        error = self._conflict("UpdateItem")
        if error:
            raise error
        return self.client.update_item(**request)

    def transact_write_items(self, **request):
        error = self._conflict("TransactWriteItems")
        if error:
            raise error
        return self.client.transact_write_items(**request)


@pytest.mark.parametrize("transactional", [False, True])
def test_a_write_meeting_a_transaction_is_retried_until_it_lands(context, transactional):
    status, task = create(context)
    assert status == 201
    other = create(context)[1]
    store = context.store
    store.client = ConflictingClient(store.client, conflicts=2, transactional=transactional)
    stored = store.get(task["taskId"])
    specs = [store.annotate(stored, "alice", "noted", {"note": "x"})]
    if transactional:  # two items, so TaskStore.write uses TransactWriteItems
        specs.append({"ConditionCheck": {"Key": {"pk": {"S": f"TASK#{other['taskId']}"}},
                                         "ConditionExpression": "attribute_exists(pk)"}})
    store.write(specs)
    assert store.client.calls == 3
    assert store.get(task["taskId"])["note"] == "x"


def test_a_write_that_keeps_conflicting_fails_with_the_reason(context):
    status, task = create(context)
    store = context.store
    store.client = ConflictingClient(store.client, conflicts=99, transactional=False)
    stored = store.get(task["taskId"])
    with pytest.raises(ConditionFailed) as failure:
        store.write([store.annotate(stored, "alice", "noted", {"note": "x"})], attempts=3)
    assert failure.value.reasons == ["TransactionConflict"]
    assert store.client.calls == 3
    assert "note" not in store.get(task["taskId"])


def test_a_failed_condition_is_not_retried(context):
    status, task = create(context)
    store = context.store
    stored = store.get(task["taskId"])
    store.write([store.annotate(stored, "alice", "noted")])
    store.client = ConflictingClient(store.client, conflicts=0, transactional=False)
    with pytest.raises(ConditionFailed) as failure:  # `stored` is one version behind now
        store.write([store.annotate(stored, "alice", "noted again")])
    assert failure.value.reasons == ["ConditionalCheckFailed"]
    assert store.client.calls == 1
