"""The DynamoDB Streams API (`DynamoDBStreams_20120810`): ListStreams, DescribeStream,
GetShardIterator, GetRecords. Each stream has one shard, holding the table's changes in commit
order; shard iterators are opaque tokens that expire after 15 minutes, as on AWS."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

from ..common import AwsError, RequestContext
from . import stream_records
from .catalog import Catalog
from .schema import Table, constraint, invalid
from .storage import Storage

SHARD_ID = "shardId-00000001000000000000-00000001"
ITERATOR_SECONDS = 15 * 60  # "A shard iterator expires 15 minutes after it is returned" (API reference)
ITERATOR_TYPES = ("TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")


def _not_found(arn: object) -> AwsError:
    return AwsError("ResourceNotFoundException", f"Requested resource not found: Stream: {arn} not found")


def _sequence(number: int) -> str:
    return str(stream_records.SEQUENCE_BASE + number)


def _position(text: object) -> int:
    if not isinstance(text, str) or not text.isdigit():
        raise invalid(f"Invalid SequenceNumber: {text}")
    return int(text) - stream_records.SEQUENCE_BASE


class StreamOperations:
    def __init__(self, store: Storage, catalog: Catalog, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._catalog = catalog
        self._clock = clock

    def table_of(self, arn: object, context: RequestContext) -> Table:
        """The table whose stream `arn` names (ResourceNotFoundException if none)."""
        return self._table(arn, context)

    def _table(self, arn: object, context: RequestContext) -> Table:
        if not isinstance(arn, str) or "/stream/" not in arn:
            raise _not_found(arn)
        table_arn, _, label = arn.partition("/stream/")
        table = self._catalog.find(context, table_arn)
        if table is None or stream_records.stream_label(table) != label:
            raise _not_found(arn)
        return table

    def list_streams(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        limit = request.get("Limit", 100)
        if not isinstance(limit, int) or not 1 <= limit <= 100:
            raise constraint(limit, "limit", "Member must have value less than or equal to 100")
        streams = [{"StreamArn": stream_records.stream_arn(table), "TableName": table.name,
                    "StreamLabel": stream_records.stream_label(table)}
                   for table in self._catalog.tables(context.region, context.account)
                   if stream_records.stream_label(table)
                   and request.get("TableName") in (None, table.name, table.arn)]
        start = request.get("ExclusiveStartStreamArn")
        if start is not None:
            arns = [stream["StreamArn"] for stream in streams]
            streams = streams[arns.index(start) + 1:] if start in arns else []
        result: dict[str, Any] = {"Streams": streams[:limit]}
        if len(streams) > limit:
            result["LastEvaluatedStreamArn"] = streams[limit - 1]["StreamArn"]
        return result

    def describe_stream(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        table = self._table(request.get("StreamArn"), context)
        view = stream_records.stream_view(table)
        label = stream_records.stream_label(table)
        with self._store.reader() as db:
            first, last = db.execute("SELECT MIN(seq), MAX(seq) FROM stream_records WHERE tid = ? AND label = ?",
                                     (table.id, label)).fetchone()
        sequence_range: dict[str, str] = {"StartingSequenceNumber": _sequence(first or 1)}
        if view is None:  # a disabled stream's shard is closed
            sequence_range["EndingSequenceNumber"] = _sequence(last or 0)
        shard = {"ShardId": SHARD_ID, "SequenceNumberRange": sequence_range}
        specification = table.settings.get("stream") or {}
        return {"StreamDescription": {
            "StreamArn": stream_records.stream_arn(table), "StreamLabel": label,
            "StreamStatus": "ENABLED" if view else "DISABLED",
            "StreamViewType": specification.get("StreamViewType", "NEW_AND_OLD_IMAGES"),
            "CreationRequestDateTime": table.settings["created"], "TableName": table.name,
            "KeySchema": [{"AttributeName": name, "KeyType": kind}
                          for name, kind in zip(table.key_names(), ("HASH", "RANGE"), strict=False)],
            "Shards": [] if request.get("ExclusiveStartShardId") == SHARD_ID else [shard]}}

    def get_shard_iterator(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        arn = request.get("StreamArn")
        table = self._table(arn, context)
        if request.get("ShardId") != SHARD_ID:
            raise AwsError("ResourceNotFoundException",
                           f"Requested resource not found: Shard: {request.get('ShardId')} in Stream: {arn} not found")
        kind = request.get("ShardIteratorType")
        if kind not in ITERATOR_TYPES:
            raise constraint(kind, "shardIteratorType", "Member must satisfy enum value set: "
                             "[TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER]")
        if kind == "TRIM_HORIZON":
            position = 0
        elif kind == "LATEST":
            with self._store.reader() as db:
                position = db.execute("SELECT COALESCE(MAX(seq), 0) FROM stream_records WHERE tid = ? AND label = ?",
                                      (table.id, stream_records.stream_label(table))).fetchone()[0]
        elif kind == "AT_SEQUENCE_NUMBER":
            position = _position(request.get("SequenceNumber")) - 1
        else:
            position = _position(request.get("SequenceNumber"))
        return {"ShardIterator": self._iterator(str(arn), position)}

    def _iterator(self, arn: str, position: int) -> str:
        token = json.dumps({"arn": arn, "after": position, "issued": self._clock()})
        return base64.urlsafe_b64encode(token.encode()).decode()

    def get_records(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        try:
            token = json.loads(base64.urlsafe_b64decode(str(request.get("ShardIterator"))))
            arn, after, issued = token["arn"], int(token["after"]), float(token["issued"])
        except (ValueError, KeyError, TypeError):
            raise invalid("Invalid ShardIterator") from None
        if self._clock() - issued > ITERATOR_SECONDS:
            raise AwsError("ExpiredIteratorException", "Iterator expired. The iterator was created more than "
                           "15 minutes ago")
        limit = request.get("Limit", 1000)
        if not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise constraint(limit, "limit", "Member must have value less than or equal to 1000")
        table = self._table(arn, context)
        with self._store.reader() as db:
            found = stream_records.read(db, table.id, stream_records.stream_label(table), after, limit)
        records = []
        for sequence, created, record in found:
            record["dynamodb"]["SequenceNumber"] = _sequence(sequence)
            record["dynamodb"]["ApproximateCreationDateTime"] = float(int(created))
            records.append(record)
            after = sequence
        result: dict[str, Any] = {"Records": records}
        if stream_records.stream_view(table) is not None or records:
            result["NextShardIterator"] = self._iterator(arn, after)
        return result


class DynamoDbStreamsService:
    """`Service` for botocore's `dynamodbstreams` model, sharing the DynamoDB service's data.
    (Its requests are signed for `dynamodb`, so the DynamoDB service answers them too.)"""

    name = "dynamodbstreams"

    def __init__(self, operations: StreamOperations) -> None:
        self._handlers = {"ListStreams": operations.list_streams, "DescribeStream": operations.describe_stream,
                          "GetShardIterator": operations.get_shard_iterator, "GetRecords": operations.get_records}

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        handler = self._handlers.get(operation)
        if handler is None:
            raise AwsError("UnknownOperationException", f"Operation {operation} is not supported")
        try:
            return handler(input, context)
        except (KeyError, TypeError, AttributeError) as error:
            raise AwsError("ValidationException", f"Invalid request: malformed member {error}") from None

    def is_long(self, operation: str) -> bool:
        return False

    def close(self) -> None:
        """The DynamoDB service owns the data and closes it."""
