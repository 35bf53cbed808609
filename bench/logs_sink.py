"""CloudWatch Logs: how fast Lambda's log sink stores lines, whether a busy sink slows the Logs
API (PutLogEvents and GetLogEvents p50/p99, idle vs. under load), and FilterLogEvents' scan rate.

    .venv/bin/python bench/logs_sink.py [--seconds 3] [--writers 4]

Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from statewright.services.common import RequestContext
from statewright.services.logs import LogsService

CONTEXT = RequestContext()
LINES = ["START RequestId: 0f3c Version: $LATEST", "hello from the handler", "END RequestId: 0f3c",
         "REPORT RequestId: 0f3c\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t"]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def api_latencies(service: LogsService, seconds: float) -> tuple[list[float], list[float]]:
    puts: list[float] = []
    gets: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        service.handle("PutLogEvents", {"logGroupName": "/bench/api", "logStreamName": "s", "logEvents": [
            {"timestamp": int(time.time() * 1000), "message": "an API event"}]}, CONTEXT)
        puts.append(time.perf_counter() - started)
        started = time.perf_counter()
        service.handle("GetLogEvents", {"logGroupName": "/bench/api", "logStreamName": "s", "limit": 10}, CONTEXT)
        gets.append(time.perf_counter() - started)
    return puts, gets


def show(label: str, samples: list[float]) -> None:
    print(f"{label:<40} p50 {percentile(samples, 0.5) * 1000:7.3f} ms   p99 {percentile(samples, 0.99) * 1000:7.3f} ms"
          f"   ({len(samples)} calls)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--writers", type=int, default=4, help="threads invoking the sink as busy functions would")
    parser.add_argument("--rate", type=float, default=1000.0,
                        help="invocations/s per writer (0: as fast as Python can call the sink)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        service = LogsService(Path(directory))
        try:
            service.handle("CreateLogGroup", {"logGroupName": "/bench/api"}, CONTEXT)
            service.handle("CreateLogStream", {"logGroupName": "/bench/api", "logStreamName": "s"}, CONTEXT)
            puts, gets = api_latencies(service, args.seconds)
            show("PutLogEvents, idle", puts)
            show("GetLogEvents, idle", gets)

            stop = threading.Event()
            sink_calls = [0] * args.writers
            sink_time: list[float] = []

            def busy(index: int) -> None:
                pause = 1.0 / args.rate if args.rate > 0 else 0.0
                while not stop.is_set():
                    if pause:
                        time.sleep(pause)
                    started = time.perf_counter()
                    service.lambda_sink(f"busy{index}", "2026/11/30/[$LATEST]" + "0" * 32, LINES)
                    if index == 0:
                        sink_time.append(time.perf_counter() - started)
                    sink_calls[index] += 1

            threads = [threading.Thread(target=busy, args=(i,)) for i in range(args.writers)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            puts, gets = api_latencies(service, args.seconds)
            stop.set()
            for thread in threads:
                thread.join()
            service.write_events("/bench/api", "s", []).result()  # everything queued is stored
            elapsed = time.monotonic() - started
            stored = service.db.query("SELECT count(*) FROM logs_events WHERE group_id != 1")[0][0]
            label = f"{args.writers} functions x {args.rate:g}/s" if args.rate > 0 else f"{args.writers} flat-out loops"
            show(f"PutLogEvents, {label}", puts)
            show(f"GetLogEvents, {label}", gets)
            show("lambda_sink call (queue only)", sink_time)
            print(f"{'sink lines stored':<40} {stored / elapsed:10.0f} lines/s   ({stored} lines, "
                  f"{sum(sink_calls)} invocations' logs)")

            service.handle("CreateLogStream", {"logGroupName": "/bench/api", "logStreamName": "scan"}, CONTEXT)
            now = int(time.time() * 1000)
            for batch in range(10):
                service.handle("PutLogEvents", {"logGroupName": "/bench/api", "logStreamName": "scan", "logEvents": [
                    {"timestamp": now - 10_000 + batch, "message": f'{{"level": "{"ERROR" if i % 100 == 0 else "INFO"}", '
                                                                   f'"n": {i}}}'} for i in range(10_000)]}, CONTEXT)
            for pattern in ("ERROR", '{ $.level = "ERROR" }'):
                started = time.perf_counter()
                found = service.handle("FilterLogEvents", {"logGroupName": "/bench/api", "logStreamNames": ["scan"],
                                                           "filterPattern": pattern}, CONTEXT)
                took = time.perf_counter() - started
                print(f"{'FilterLogEvents ' + pattern:<40} {100_000 / took:10.0f} events scanned/s "
                      f"({len(found['events'])} matched)")
        finally:
            service.close()


if __name__ == "__main__":
    main()
