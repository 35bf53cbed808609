"""API Gateway: requests/s and p50/p99 through a Lambda proxy integration to a warm Python
function, and the latency API Gateway adds over invoking the function directly.

    .venv/bin/python bench/apigateway_proxy.py [--count 2000] [--clients 8]

Measures, on one server started here (uvicorn in a thread, as `statewright serve` runs it):
  1. the function invoked directly (LambdaService.invoke, in-process: the floor)
  2. the same function through ApiGatewayService.serve (event building, routing, response
     handling; no HTTP)
  3. through HTTP on loopback (keep-alive connection), REST API (payload 1.0) and HTTP API (2.0)
  4. requests/s with several concurrent keep-alive clients.
Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import tempfile
import threading
import time
from pathlib import Path

from ports import free_port

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python{major}.{minor}
      Handler: app.handler
      CodeUri: src/
      Events:
        Rest:
          Type: Api
          Properties: {{Path: "/hello/{{name}}", Method: get}}
        Http:
          Type: HttpApi
          Properties: {{Path: "/hello/{{name}}", Method: GET}}
"""
HANDLER = """\
import json

def handler(event, context):
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"hello": (event.get("pathParameters") or {}).get("name")})}
"""


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def report(label: str, samples: list[float]) -> float:
    p50 = percentile(samples, 0.5) * 1000
    print(f"{label:<52} p50 {p50:8.3f} ms   p99 {percentile(samples, 0.99) * 1000:8.3f} ms"
          f"   ({len(samples)} samples)")
    return p50


def timed(count: int, call) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def http_get(connection: http.client.HTTPConnection, path: str) -> None:
    connection.request("GET", path)
    answer = connection.getresponse()
    answer.read()
    if answer.status != 200:
        raise RuntimeError(f"{path}: {answer.status}")


def throughput(port: int, path: str, clients: int, seconds: float) -> float:
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        while time.perf_counter() < stop:
            http_get(connection, path)
            done[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    import uvicorn

    from statewright.edge import create_app
    from statewright.runtime import Runtime, RuntimeConfig
    from statewright.services.apigateway import ApiRequest
    from statewright.services.awslambda import FunctionConfig
    from statewright.services.common import RequestContext
    from statewright.services.common.platform import Settings
    from statewright.template import load_stack

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "src").mkdir()
        (root / "src" / "app.py").write_text(HANDLER)
        (root / "template.yaml").write_text(TEMPLATE.format(major=sys.version_info[0], minor=sys.version_info[1]))
        stack = load_stack(root / "template.yaml", run_lint=False)
        port = free_port()
        runtime = Runtime(RuntimeConfig(Settings(data_dir=root / "data", port=port)))
        server = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            # What `serve --template` does for functions; done by hand here.
            function = stack.resource("Echo")
            runtime.services["lambda"].put_function(FunctionConfig(
                function.physical_id, "app.handler", function.properties["Runtime"], function.properties["Code"]))
            gateway = runtime.services["apigateway"]
            gateway.apply_stack(stack)
            rest_id = stack.resource("ServerlessRestApi").physical_id
            http_id = stack.resource("ServerlessHttpApi").physical_id
            invoker, context = runtime.services["lambda"], RequestContext()
            payload = b'{"pathParameters": {"name": "x"}}'
            for _ in range(50):  # warm the worker
                invoker.invoke(function.physical_id, payload, context)

            direct = report("Lambda invoke (in-process, the floor)",
                            timed(args.count, lambda: invoker.invoke(function.physical_id, payload, context)))
            request = ApiRequest("GET", "/hello/x", "", (("host", "localhost"),), b"")
            served = report("ApiGatewayService.serve, REST (no HTTP)",
                            timed(args.count, lambda: gateway.serve(rest_id, "Prod", request)))
            connection = http.client.HTTPConnection("127.0.0.1", port)
            rest_path = f"/restapis/{rest_id}/Prod/_user_request_/hello/x"
            http_path = f"/restapis/{http_id}/$default/_user_request_/hello/x"
            http_get(connection, rest_path)
            over_rest = report("HTTP keep-alive, REST API (payload 1.0)",
                               timed(args.count, lambda: http_get(connection, rest_path)))
            over_http = report("HTTP keep-alive, HTTP API (payload 2.0)",
                               timed(args.count, lambda: http_get(connection, http_path)))
            connection.close()
            print(f"added by API Gateway over invoking: {served - direct:.3f} ms in-process, "
                  f"{over_rest - direct:.3f} ms over HTTP (REST), {over_http - direct:.3f} ms (HTTP API)")
            for clients in (1, args.clients):
                rate = throughput(port, rest_path, clients, args.seconds)
                print(f"REST API through proxy integration, {clients:>2} keep-alive clients: {rate:8.0f} requests/s")
        finally:
            server.should_exit = True
            thread.join(30)


if __name__ == "__main__":
    main()
