"""A served SAM template: warm Lambda Invoke through boto3 over HTTP, and the same function called
from a Task state (StartSyncExecution of an Express machine), against a Pass-only machine.

    .venv/bin/python bench/sam_invoke.py [--count 500]

Starts `statewright serve --template` on a generated template in a child process (so the client
and the server do not share a GIL), prints p50/p99 and calls/s; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Echo:
    Type: AWS::Serverless::Function
    Properties: {{Runtime: python{major}.{minor}, CodeUri: src/, Handler: app.handler}}
  TaskMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Call
        States:
          Call: {{Type: Task, Resource: !GetAtt Echo.Arn, End: true}}
      Policies: [{{LambdaInvokePolicy: {{FunctionName: !Ref Echo}}}}]
  InvokeMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Call
        States:
          Call:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            Parameters: {{FunctionName: !GetAtt Echo.Arn, Payload.$: $}}
            OutputPath: $.Payload
            End: true
      Policies: [{{LambdaInvokePolicy: {{FunctionName: !Ref Echo}}}}]
  PassMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition: {{StartAt: P, States: {{P: {{Type: Pass, End: true}}}}}}
      Policies: []
Outputs:
  Echo: {{Value: !Ref Echo}}
  TaskMachine: {{Value: !Ref TaskMachine}}
  InvokeMachine: {{Value: !Ref InvokeMachine}}
  PassMachine: {{Value: !Ref PassMachine}}
"""


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def measure(label: str, call, count: int) -> None:
    for _ in range(20):  # warm workers and connections
        call()
    samples = []
    started = time.perf_counter()
    for _ in range(count):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    elapsed = time.perf_counter() - started
    print(f"{label:<52} p50 {percentile(samples, 0.5) * 1000:7.2f} ms   p99 "
          f"{percentile(samples, 0.99) * 1000:7.2f} ms   {count / elapsed:7.0f}/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "app" / "src").mkdir(parents=True)
        (root / "app" / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
        (root / "app" / "template.yaml").write_text(
            TEMPLATE.format(major=sys.version_info[0], minor=sys.version_info[1]))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        endpoint = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-c", "from statewright.cli import main; main()", "serve",
                                   "--template", str(root / "app" / "template.yaml"), "--port", str(port),
                                   "--data-dir", str(root / "data"), "--no-lint"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{endpoint}/health", timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            run(endpoint, args.count)
        finally:
            server.terminate()
            server.wait(30)


def run(endpoint: str, count: int) -> None:
    def client(name: str):
        return boto3.client(name, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="t",
                            aws_secret_access_key="t", config=Config(inject_host_prefix=False,
                                                                     retries={"max_attempts": 0}))

    cfn, lam, sfn = client("cloudformation"), client("lambda"), client("stepfunctions")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks()["Stacks"][0]["Outputs"]}
    payload = json.dumps({"n": 1}).encode()
    print(f"served template, {count} sequential calls each (boto3 over HTTP on loopback)")
    measure("Lambda Invoke (warm)", lambda: lam.invoke(FunctionName=outputs["Echo"], Payload=payload)["Payload"].read(),
            count)
    for label, key in (("StartSyncExecution, Pass only (no function)", "PassMachine"),
                       ("StartSyncExecution, Task with the function ARN", "TaskMachine"),
                       ("StartSyncExecution, Task with lambda:invoke", "InvokeMachine")):
        def call(machine: str = outputs[key]) -> None:
            answer = sfn.start_sync_execution(stateMachineArn=machine, input='{"n": 1}')
            if answer["status"] != "SUCCEEDED":
                raise RuntimeError(answer)
        measure(label, call, count)


if __name__ == "__main__":
    main()
