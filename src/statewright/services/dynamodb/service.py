"""The local DynamoDB service: operation name → handler."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..common import AwsError, FunctionInvoker, RequestContext
from . import validation
from .batch import BatchOperations
from .catalog import Catalog
from .items import ItemOperations
from .partiql_operations import PartiqlOperations
from .reads import ReadOperations
from .storage import Storage
from .stream_delivery import StreamDelivery
from .streams import DynamoDbStreamsService, StreamOperations
from .tables import TableOperations
from .template import create_table_from_template
from .transactions import TransactionOperations
from .ttl import TtlSweeper


class DynamoDbService:
    """`Service` for botocore's `dynamodb` model (awsJson 1.0, `DynamoDB_20120810.<Operation>`)."""

    name = "dynamodb"

    def __init__(self, data_dir: str | Path, *, clock: Callable[[], float] = time.time,
                 ttl_interval: float = 30.0) -> None:
        self.store = Storage(data_dir)
        self.catalog = Catalog(self.store)
        self.tables = TableOperations(self.store, self.catalog, clock)
        self.items = ItemOperations(self.store, self.catalog)
        self.reads = ReadOperations(self.store, self.catalog)
        self.batch = BatchOperations(self.store, self.catalog, self.items)
        self.transactions = TransactionOperations(self.store, self.catalog, self.items, clock)
        self.sweeper = TtlSweeper(self.store, self.catalog, clock, ttl_interval)
        self.partiql = PartiqlOperations(self.catalog, self.items, self.reads, self.transactions)
        stream_operations = StreamOperations(self.store, self.catalog, clock)
        self.stream_operations = stream_operations
        self.streams = DynamoDbStreamsService(stream_operations)
        self.delivery: StreamDelivery | None = None
        self._handlers: dict[str, Callable[[dict[str, Any], RequestContext], dict[str, Any]]] = {
            "CreateTable": self.tables.create_table,
            "DescribeTable": self.tables.describe_table,
            "ListTables": self.tables.list_tables,
            "DeleteTable": self.tables.delete_table,
            "UpdateTable": self.tables.update_table,
            "TagResource": self.tables.tag_resource,
            "UntagResource": self.tables.untag_resource,
            "ListTagsOfResource": self.tables.list_tags_of_resource,
            "UpdateTimeToLive": self.tables.update_time_to_live,
            "DescribeTimeToLive": self.tables.describe_time_to_live,
            "DescribeEndpoints": self.tables.describe_endpoints,
            "DescribeLimits": self.tables.describe_limits,
            "PutItem": self.items.put_item,
            "GetItem": self.items.get_item,
            "UpdateItem": self.items.update_item,
            "DeleteItem": self.items.delete_item,
            "Query": self.reads.query,
            "Scan": self.reads.scan,
            "BatchGetItem": self.batch.batch_get_item,
            "BatchWriteItem": self.batch.batch_write_item,
            "TransactWriteItems": self.transactions.transact_write_items,
            "TransactGetItems": self.transactions.transact_get_items,
            "ExecuteStatement": self.partiql.execute_statement,
            "BatchExecuteStatement": self.partiql.batch_execute_statement,
            "ExecuteTransaction": self.partiql.execute_transaction,
            # DynamoDB Streams requests are signed for "dynamodb" too, so they may arrive here.
            "ListStreams": stream_operations.list_streams,
            "DescribeStream": stream_operations.describe_stream,
            "GetShardIterator": stream_operations.get_shard_iterator,
            "GetRecords": stream_operations.get_records,
        }

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        handler = self._handlers.get(operation)
        if handler is None:
            raise AwsError("UnknownOperationException", f"Operation {operation} is not supported by the local "
                           "DynamoDB", 400)
        if not isinstance(input, dict):
            raise AwsError("SerializationException", "Start of structure or map found where not expected.")
        try:
            validation.check(operation, input)
            return handler(input, context)
        except (KeyError, TypeError, AttributeError) as error:
            # A malformed member got past the checks: AWS answers such requests with a
            # ValidationException, never a server error.
            raise AwsError("ValidationException", f"Invalid request: malformed member {error}") from None

    def create_table_from_template(self, properties: dict[str, Any], context: RequestContext,
                                   logical_id: str = "") -> dict[str, Any]:
        """An `AWS::DynamoDB::Table` (or expanded `AWS::Serverless::SimpleTable`) of a template:
        created, or reconciled with the table already there; returns its description."""
        return create_table_from_template(self, properties, context, logical_id)

    def deliver_streams(self, invoker: FunctionInvoker, poll_interval: float = 0.25) -> StreamDelivery:
        """The stream-to-Lambda delivery (event source mappings), polling in the background;
        created once, closed with the service."""
        if self.delivery is None:
            self.delivery = StreamDelivery(self.store, self.stream_operations, invoker, poll_interval)
            self.delivery.start()
        return self.delivery

    def is_long(self, operation: str) -> bool:
        return False

    def close(self) -> None:
        if self.delivery is not None:
            self.delivery.close()
        self.sweeper.close()
        self.store.close()
