"""DynamoDB benchmark: PutItem, GetItem, Query (100 items), TransactWriteItems through boto3,
against Statewright's DynamoDB and, when installed, moto's server, in the same run.

usage: .venv/bin/python bench/dynamodb.py [--ops N] [--threads T]

Each server runs in its own process (so its interpreter does not share a GIL with this client)
on a free loopback port. Prints ops/s, p50 and p99 per operation, and the cold start (process
start to the first answered request). Statewright's server is `statewright serve` (the whole
runtime: every service on one port), so its cold start is the product's.

The TransactWriteItems workload touches different items in every transaction: transactions on
the same item at the same time are refused (TransactionConflict), as on AWS.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import boto3
from botocore.config import Config
from ports import free_port

REPO = Path(__file__).resolve().parents[1]


def client(endpoint: str):
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                        aws_secret_access_key="bench",
                        config=Config(retries={"max_attempts": 0}, max_pool_connections=64))


def start(command: list[str], endpoint: str) -> tuple[subprocess.Popen[bytes], float]:
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    probe = client(endpoint)
    while True:
        try:
            probe.list_tables()
            return process, time.perf_counter() - began
        except Exception:  # noqa: BLE001 - not up yet
            if process.poll() is not None or time.perf_counter() - began > 60:
                raise RuntimeError(f"{command[0]} did not start") from None
            time.sleep(0.02)


def measure(name: str, operation: Callable[[int], object], count: int, threads: int) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(count))

    def worker() -> None:
        local = []
        while True:
            with lock:
                number = next(counter, None)
            if number is None:
                break
            began = time.perf_counter()
            try:
                operation(number)
            except Exception as error:  # noqa: BLE001 - counted and reported, not fatal
                with lock:
                    errors.append(type(error).__name__)
                continue
            local.append(time.perf_counter() - began)
        with lock:
            latencies.extend(local)

    began = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    if not latencies:
        return {"ops_s": 0.0, "p50_ms": 0.0, "p99_ms": 0.0, "errors": len(errors)}
    return {"ops_s": len(latencies) / elapsed, "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000, "errors": len(errors)}


def workload(endpoint: str, ops: int, threads: int) -> dict[str, dict[str, float]]:
    ddb = client(endpoint)
    table = f"bench{int(time.time() * 1000)}"
    ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "N"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    payload = {"name": {"S": "x" * 200}, "count": {"N": "42"}, "tags": {"SS": ["a", "b"]}}
    for number in range(100):
        ddb.put_item(TableName=table, Item={"pk": {"S": "query"}, "sk": {"N": str(number)}, **payload})
    results = {}
    results["PutItem"] = measure("PutItem", lambda n: ddb.put_item(
        TableName=table, Item={"pk": {"S": f"item{n}"}, "sk": {"N": "0"}, **payload}), ops, threads)
    results["GetItem"] = measure("GetItem", lambda n: ddb.get_item(
        TableName=table, Key={"pk": {"S": f"item{n % ops}"}, "sk": {"N": "0"}}), ops, threads)
    results["Query100"] = measure("Query", lambda n: ddb.query(
        TableName=table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "query"}}),
        max(ops // 10, 20), threads)
    results["TransactWrite2"] = measure("TransactWriteItems", lambda n: ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": {"pk": {"S": f"tx{n}"}, "sk": {"N": "1"}, **payload},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Update": {"TableName": table, "Key": {"pk": {"S": f"counter{n}"}, "sk": {"N": "0"}},
                    "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}}]),
        max(ops // 2, 20), threads)
    return results


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def load(endpoint: str, count: int, threads: int = 4) -> float:
    """Writes `count` items (about 250 bytes each) with BatchWriteItem; returns seconds taken."""
    ddb = client(endpoint)
    table = "bulk"
    ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    payload = {"name": {"S": "x" * 200}, "count": {"N": "42"}}
    batches = iter(range(0, count, 25))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                start = next(batches, None)
            if start is None:
                return
            requests = [{"PutRequest": {"Item": {"pk": {"S": f"item{n}"}, **payload}}}
                        for n in range(start, min(start + 25, count))]
            ddb.batch_write_item(RequestItems={table: requests})

    began = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return time.perf_counter() - began


def moto_command(port: int) -> list[str] | None:
    # bench/.peers first: `make bench` installs moto's server there with its Flask; the project's
    # .venv may hold moto without the server's dependencies (the tests use moto in-process).
    for candidate in (REPO / "bench/.peers/venv/bin/moto_server", Path(sys.executable).with_name("moto_server")):
        if candidate.exists():
            return [str(candidate), "-H", "127.0.0.1", "-p", str(port)]
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", choices=["statewright", "moto"], help="run one server only")
    parser.add_argument("--items", type=int, default=0,
                        help="instead of the operations: load this many items and report memory")
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="bench-dynamodb-")
    servers: dict[str, list[str]] = {}
    port = free_port()
    servers["statewright"] = [sys.executable, "-c", "from statewright.cli import main; main()", "serve",
                              "--port", str(port), "--data-dir", data]
    ports = {"statewright": port}
    moto_port = free_port()
    command = moto_command(moto_port)
    if command:
        servers["moto"] = command
        ports["moto"] = moto_port
    else:
        print("moto_server not installed: `pip install 'moto[server]'` to compare", file=sys.stderr)
    if args.only:
        servers = {name: command for name, command in servers.items() if name == args.only}
    try:
        for name, command in servers.items():
            endpoint = f"http://127.0.0.1:{ports[name]}"
            process, cold = start(command, endpoint)
            try:
                if args.items:
                    before = rss_mb(process.pid)
                    seconds = load(endpoint, args.items)
                    print(f"{name}: {args.items} items in {seconds:.1f} s ({args.items / seconds:.0f} items/s); "
                          f"server memory {before:.0f} MB -> {rss_mb(process.pid):.0f} MB")
                    continue
                results = workload(endpoint, args.ops, args.threads)
            finally:
                process.terminate()
                process.wait()
            print(f"{name}: cold start {cold * 1000:.0f} ms ({args.threads} client thread(s))")
            for operation, numbers in results.items():
                print(f"  {operation:15s} {numbers['ops_s']:8.0f} ops/s   p50 {numbers['p50_ms']:6.2f} ms   "
                      f"p99 {numbers['p99_ms']:6.2f} ms" + (f"   {numbers['errors']:.0f} errors" if numbers["errors"] else ""))
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
