"""The items and client request tokens of the write transactions under way.

A TransactWriteItems claims its items here before it goes to the writer and gives them back
once its commit is durable (or it failed). While an item is claimed, AWS's conflict rules
apply ("Transaction conflict handling in DynamoDB", AWS developer guide):

- a PutItem, UpdateItem or DeleteItem of the item fails with TransactionConflictException;
- another TransactWriteItems that includes the item is cancelled (`TransactionConflict`);
- a TransactGetItems that includes the item is cancelled (`TransactionConflict`).

The claims are only a gate: the transaction's conditions are still checked and its writes made
in one savepoint on the writer, so atomicity and durability do not depend on them, and a claim
dies with the process (there is nothing to recover: an unfinished transaction left no rows).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from ..common import AwsError

# (table id, hash key bytes, range key bytes): one item, across every table of the store.
ItemId = tuple[int, bytes, bytes]

# AWS API reference, CancellationReason / TransactionCanceledException: "Transaction Conflict:
# Code: TransactionConflict, Message: Transaction is ongoing for the item."
CONFLICT_MESSAGE = "Transaction is ongoing for the item"


def conflict_reason() -> dict[str, str]:
    """The cancellation reason of an item another transaction holds."""
    return {"Code": "TransactionConflict", "Message": CONFLICT_MESSAGE}


def conflict_error() -> AwsError:
    """What a single-item write of a claimed item answers (AWS API reference, PutItem:
    TransactionConflictException, "Operation was rejected because there is an ongoing
    transaction for the item")."""
    return AwsError("TransactionConflictException", CONFLICT_MESSAGE)


class InFlight:
    """Claims on items and request tokens, shared by every thread of one store."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: set[ItemId] = set()
        self._tokens: set[str] = set()

    def claim(self, items: Sequence[ItemId], token: str | None = None) -> list[bool] | None:
        """Claims all of `items` (and `token`), or none: None when claimed, else which of the
        items another transaction holds. A token already under way is TransactionInProgressException."""
        with self._lock:
            if token is not None and token in self._tokens:
                # AWS API reference, TransactWriteItems: TransactionInProgressException, "The
                # transaction with the given request token is already in progress."
                raise AwsError("TransactionInProgressException",
                               "The transaction with the given request token is already in progress.")
            held = [item in self._items for item in items]
            if any(held):
                return held
            self._items.update(items)
            if token is not None:
                self._tokens.add(token)
            return None

    def release(self, items: Iterable[ItemId], token: str | None = None) -> None:
        with self._lock:
            self._items.difference_update(items)
            if token is not None:
                self._tokens.discard(token)

    def held(self, items: Sequence[ItemId]) -> list[bool]:
        """Which of `items` a transaction under way holds."""
        with self._lock:
            return [item in self._items for item in items]

    def check_free(self, item: ItemId) -> None:
        """TransactionConflictException when a transaction under way holds `item`."""
        with self._lock:
            if item in self._items:
                raise conflict_error()
