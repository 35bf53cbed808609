"""The Step Functions engine's event sink: execution history events into the state machine's
log group, as AWS's vended logs deliver them.

The engine calls the sink on its loop thread with each step's events, so a call only queues
them. One thread (started on the first call) turns them into log records and hands them to
`LogsService.write_events` in batches, one append per stream. When the writer falls far
behind, batches beyond `MAX_QUEUED` are dropped (and counted): AWS delivers these logs on a
best-effort basis too, and an execution must never wait for its logs.
"""

from __future__ import annotations

import functools
import logging
import queue
import secrets
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any

from .states import destination, level_events, log_message, machine_name, stream_name, wanted
from .types import NewEvent

log = logging.getLogger(__name__)

# Batches (one step's events each) waiting for the sink's thread before new ones are dropped.
MAX_QUEUED = 50_000
# Batches turned into records per round of writes.
ROUND = 500

Writer = Callable[[str, str, list[NewEvent]], "Future[bool]"]
_STOP = object()


class StatesLogSink:
    """`sink(execution_arn, logging_configuration, events, redrive_count=0)`: queue one step's
    history events for the log group of the configuration (see states.py for the record)."""

    def __init__(self, write: Writer, suffix: str | None = None) -> None:
        self._write = write
        # The writer's part of the stream names (AWS's streams end in 8 hex digits too).
        self.suffix = suffix or secrets.token_hex(4)
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.dropped = 0
        # Records that found no log group, by group: AWS needs the group to exist and drops what it
        # cannot deliver; we drop them too, but say so (one warning each time a group goes missing).
        self.undelivered: dict[str, int] = {}
        self._missing: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    def __call__(self, execution_arn: str, logging_configuration: Mapping[str, Any],
                 events: list[dict[str, Any]], redrive_count: int = 0) -> None:
        if not events or self._closed:
            return
        if self._queue.qsize() >= MAX_QUEUED:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 10_000 == 0:
                log.warning("Step Functions logs are behind; %d batches of events dropped", self.dropped)
            return
        self._queue.put((execution_arn, logging_configuration, events, redrive_count))
        if self._thread is None:
            self._start()

    def wanted_events(self, logging_configuration: Mapping[str, Any]) -> frozenset[str] | None:
        """The event types written for this configuration (None: all of them), so that the
        engine makes only those for an Express execution (engine.types.SelectiveEventSink)."""
        return level_events(logging_configuration.get("level", "OFF")) if destination(logging_configuration) else frozenset()

    def flush(self) -> Future[None]:
        """Resolves once every batch queued before it is stored (or dropped by the log service)."""
        done: Future[None] = Future()
        thread = self._thread
        if thread is None or not thread.is_alive():  # nothing queued, or closed (and written)
            done.set_result(None)
        else:
            self._queue.put(done)
        return done

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued (waiting up to `timeout`), then stop; later calls are ignored."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(_STOP)
            thread.join(timeout)

    def _start(self) -> None:
        with self._lock:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name="statewright-states-logs", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        stopping = False
        unsettled: list[Future[bool]] = []  # writes a later flush or close must wait for
        while not stopping:
            taken = [self._queue.get()]
            while len(taken) < ROUND:
                try:
                    taken.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stopping = any(item is _STOP for item in taken)
            try:
                unsettled += self._write_all([item for item in taken if isinstance(item, tuple)])
            except Exception:  # noqa: BLE001 - a bad batch must not stop the logs of every execution
                log.exception("could not write Step Functions execution logs")
            waiters = [item for item in taken if isinstance(item, Future)]
            if waiters or stopping:
                for write in unsettled:
                    _settle(write)
                unsettled = []
                for waiter in waiters:
                    waiter.set_result(None)
            else:
                unsettled = [write for write in unsettled if not write.done()]

    def _write_all(self, batches: list[tuple[str, Mapping[str, Any], list[dict[str, Any]], int]]) -> list[Future[bool]]:
        """Turn batches into records and write them, one `write` per (group, stream), in order."""
        streams: dict[tuple[str, str], list[NewEvent]] = {}
        for arn, configuration, events, redrive_count in batches:
            group = destination(configuration)
            if group is None:
                continue
            level = configuration.get("level", "OFF")
            include_data = bool(configuration.get("includeExecutionData"))
            machine = machine_name(arn)
            for event in events:
                if wanted(level, event["type"]):
                    timestamp = float(event["timestamp"])
                    stream = stream_name(machine, timestamp, self.suffix)
                    streams.setdefault((group, stream), []).append(
                        NewEvent(int(round(timestamp * 1000)), log_message(event, arn, include_data, redrive_count)))
        writes = []
        for (group, stream), records in streams.items():
            try:
                write = self._write(group, stream, records)
            except ValueError as error:  # a destination that is not a log group ARN: nothing to write to
                log.warning("Step Functions logs not written to %s: %s", group, error)
                continue
            # Settled once its outcome is noted, so that a flush sees the counts it caused.
            noted: Future[bool] = Future()
            write.add_done_callback(functools.partial(self._delivered, group, len(records), noted))
            writes.append(noted)
        return writes

    def _delivered(self, group: str, count: int, noted: Future[bool], write: Future[bool]) -> None:
        """Note a write's outcome (on the log service's thread): a group that does not exist
        is reported once, until a write to it succeeds again."""
        error = None if write.cancelled() else write.exception()
        if write.cancelled() or error is not None:
            noted.set_exception(error or RuntimeError("the log write was cancelled"))
            return
        stored = write.result()
        with self._lock:
            if stored:
                self._missing.discard(group)
                first = False
            else:
                self.undelivered[group] = self.undelivered.get(group, 0) + count
                first = group not in self._missing
                self._missing.add(group)
        noted.set_result(stored)
        if first:
            log.warning("Step Functions execution logs for %s are dropped: the log group does not exist "
                        "(create it; AWS delivers nothing to a missing group either)", group)


def _settle(write: Future[bool]) -> None:
    try:
        write.result()
    except Exception:  # noqa: BLE001 - the log service closed or failed: the logs are lost, not the caller
        log.debug("a Step Functions log write failed", exc_info=True)
