"""Delivers DynamoDB stream records to Lambda functions: what an event source mapping
(`AWS::Lambda::EventSourceMapping`, or `Type: DynamoDB` events of a SAM function) does.

Per mapping: batches of up to `BatchSize` records in stream order, starting at `TRIM_HORIZON` or
`LATEST`, as the event `{"Records": [...]}` with each record's `eventSourceARN` (AWS developer
guide, "Using AWS Lambda with Amazon DynamoDB": example event). A failed batch is retried
whole until `MaximumRetryAttempts` (-1: until the records expire), then skipped; with
`ReportBatchItemFailures` the function's `batchItemFailures` move the checkpoint to just before
the first failed record. The position after the last delivered record is kept in the database,
so a restart continues where delivery stopped (at-least-once, as on AWS).

The Lambda side is the `FunctionInvoker` contract (services/common); the runtime wires a
mapping with `add_mapping` and starts polling with `start`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from ..common import AwsError, FunctionInvoker, RequestContext
from . import stream_records
from .storage import Storage
from .streams import StreamOperations

MAX_BATCH_SIZE = 10000  # AWS API reference, CreateEventSourceMapping: BatchSize for DynamoDB streams


@dataclass
class Mapping:
    uuid: str
    stream_arn: str
    function: str
    batch_size: int = 100
    maximum_retry_attempts: int = -1
    report_batch_item_failures: bool = False
    context: RequestContext = RequestContext()
    failures: int = 0  # failed attempts of the current batch


class StreamDelivery:
    def __init__(self, store: Storage, streams: StreamOperations, invoker: FunctionInvoker,
                 poll_interval: float = 0.25) -> None:
        self._store = store
        self._streams = streams
        self._invoker = invoker
        self._interval = poll_interval
        self._mappings: dict[str, Mapping] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- mappings ---------------------------------------------------------------------------

    def add_mapping(self, uuid: str, stream_arn: str, function: str, context: RequestContext, *,
                    starting_position: str = "LATEST", batch_size: int = 100, maximum_retry_attempts: int = -1,
                    report_batch_item_failures: bool = False) -> None:
        """Adds (or, after a restart, resumes) a mapping; its position is kept across restarts."""
        if starting_position not in ("TRIM_HORIZON", "LATEST"):
            raise AwsError("InvalidParameterValueException",
                           f"Unsupported starting position for DynamoDB streams: {starting_position}")
        if not 1 <= batch_size <= MAX_BATCH_SIZE:
            raise AwsError("InvalidParameterValueException", "BatchSize must be between 1 and 10000")
        self._streams.describe_stream({"StreamArn": stream_arn}, context)  # the stream must exist
        if self._position(uuid) is None:
            start = 0 if starting_position == "TRIM_HORIZON" else self._latest(stream_arn, context)
            self._store.write(lambda db: db.execute("INSERT OR REPLACE INTO stream_positions VALUES (?, ?)",
                                                    (uuid, start)))
        with self._lock:
            self._mappings[uuid] = Mapping(uuid, stream_arn, function, batch_size, maximum_retry_attempts,
                                           report_batch_item_failures, context)

    def remove_mapping(self, uuid: str) -> None:
        with self._lock:
            self._mappings.pop(uuid, None)
        self._store.write(lambda db: db.execute("DELETE FROM stream_positions WHERE mapping = ?", (uuid,)))

    def _position(self, uuid: str) -> int | None:
        with self._store.reader() as db:
            row = db.execute("SELECT after FROM stream_positions WHERE mapping = ?", (uuid,)).fetchone()
        return None if row is None else int(row[0])

    def _latest(self, stream_arn: str, context: RequestContext) -> int:
        iterator = self._streams.get_shard_iterator({"StreamArn": stream_arn, "ShardId": _shard(self._streams,
                                                                                                stream_arn, context),
                                                     "ShardIteratorType": "LATEST"}, context)["ShardIterator"]
        return int(json.loads(_decode(iterator))["after"])

    # --- delivery ---------------------------------------------------------------------------

    def poll_once(self) -> int:
        """Delivers one batch per mapping where records wait; returns how many records the
        mappings moved past (delivered, or skipped after their last retry)."""
        with self._lock:
            mappings = list(self._mappings.values())
        return sum(self._deliver(mapping) for mapping in mappings)

    def _deliver(self, mapping: Mapping) -> int:
        after = self._position(mapping.uuid)
        if after is None:
            return 0
        table = self._streams.table_of(mapping.stream_arn, mapping.context)
        with self._store.reader() as db:
            found = stream_records.read(db, table.id, stream_records.stream_label(table), after, mapping.batch_size)
        if not found:
            return 0
        records = [self._event_record(sequence, created, record, mapping.stream_arn)
                   for sequence, created, record in found]
        result = self._invoker.invoke(mapping.function, json.dumps({"Records": records}).encode(), mapping.context)
        checkpoint = found[-1][0]
        if result.function_error:
            mapping.failures += 1
            if mapping.maximum_retry_attempts < 0 or mapping.failures <= mapping.maximum_retry_attempts:
                return 0  # the same batch again at the next poll
        elif mapping.report_batch_item_failures:
            failed = _first_failure(result.payload)
            if failed is not None:
                mapping.failures += 1
                retry = mapping.maximum_retry_attempts < 0 or mapping.failures <= mapping.maximum_retry_attempts
                earlier = [sequence for sequence, _, _ in found if sequence < failed]
                if retry:
                    checkpoint = earlier[-1] if earlier else after
                    self._save(mapping.uuid, checkpoint)
                    return len(earlier)
        mapping.failures = 0
        self._save(mapping.uuid, checkpoint)
        return len(found)

    def _event_record(self, sequence: int, created: float, record: dict[str, Any], arn: str) -> dict[str, Any]:
        event = dict(record)
        event["dynamodb"] = {**record["dynamodb"], "SequenceNumber": str(stream_records.SEQUENCE_BASE + sequence),
                             "ApproximateCreationDateTime": float(int(created))}
        event["eventSourceARN"] = arn
        return event

    def _save(self, uuid: str, after: int) -> None:
        self._store.write(lambda db: db.execute("UPDATE stream_positions SET after = ? WHERE mapping = ?",
                                                (after, uuid)))

    # --- the polling thread -----------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="statewright-dynamodb-streams", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.poll_once()
            except Exception:  # noqa: BLE001 - a failed poll (a table gone, an invoker error) is retried
                continue

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def _decode(iterator: str) -> str:
    import base64

    return base64.urlsafe_b64decode(iterator).decode()


def _shard(streams: StreamOperations, arn: str, context: RequestContext) -> str:
    shards = streams.describe_stream({"StreamArn": arn}, context)["StreamDescription"]["Shards"]
    return str(shards[0]["ShardId"])


def _first_failure(payload: bytes) -> int | None:
    """The sequence (without the base) of the first record the function reported as failed."""
    try:
        answer = json.loads(payload or b"null")
    except ValueError:
        return None
    failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
    if not failures:
        return None
    sequences = [int(entry["itemIdentifier"]) - stream_records.SEQUENCE_BASE for entry in failures
                 if isinstance(entry, dict) and str(entry.get("itemIdentifier", "")).isdigit()]
    return min(sequences) if sequences else None
