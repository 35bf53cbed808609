"""Deploys the web app (app/web/) into the stack's WebBucket: every file with its content type,
and `config.json` (the API's URL and the approval settings) from the stack's outputs and parameters.

Works against AWS or a local `statewright serve --template app/template.yaml` (`--endpoint`);
`make run` runs it once the server answers. `--demo-users FILE` (local only) also publishes the
`user role token` lines of `sign_token.py --demo` as `demo-users.json`, for the sign-in page's picker —
never use it against a bucket the public can read. boto3 and the standard library only, like the app.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".json": "application/json",
         ".svg": "image/svg+xml", ".png": "image/png"}


def wait_for(endpoint: str, timeout: float) -> None:
    """Returns once the local server's /health answers (it starts in the background of `make run`)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{endpoint.rstrip('/')}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"deploy_web: no server answered at {endpoint} within {timeout:.0f} s")
        time.sleep(0.25)


def clients(endpoint: str | None, region: str) -> tuple[Any, Any]:
    options: dict[str, Any] = {"region_name": region}
    if endpoint:
        # The local server takes any credentials; path-style addressing works with a plain host:port.
        options.update(endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test")
    s3 = boto3.client("s3", config=Config(s3={"addressing_style": "path"}), **options)
    return boto3.client("cloudformation", **options), s3


def find_stack(cfn: Any, stack_name: str | None) -> dict[str, Any]:
    """The named stack, or the one stack with a WebBucketName output."""
    stacks = cfn.describe_stacks(**({"StackName": stack_name} if stack_name else {}))["Stacks"]
    matches = [s for s in stacks if any(o["OutputKey"] == "WebBucketName" for o in s.get("Outputs") or [])]
    if len(matches) != 1:
        raise SystemExit(f"deploy_web: expected one stack with a WebBucketName output, found {len(matches)}; "
                         "pass --stack-name")
    return matches[0]


def demo_users(path: Path) -> list[dict[str, str]]:
    users = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3:
            users.append({"user": parts[0], "role": parts[1], "token": parts[2]})
    return users


def deploy(cfn: Any, s3: Any, stack_name: str | None, demo: Path | None) -> str:
    """Uploads the files and config.json; returns the WebUrl output."""
    stack = find_stack(cfn, stack_name)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs") or []}
    parameters = {p["ParameterKey"]: p.get("ParameterValue") for p in stack.get("Parameters") or []}
    bucket = outputs["WebBucketName"]
    for path in sorted(WEB_DIR.rglob("*")):
        if path.is_file():
            key = path.relative_to(WEB_DIR).as_posix()
            kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            # no-cache: browsers revalidate, so a redeploy is seen on the next load.
            s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=kind, CacheControl="no-cache")
    config = {"apiUrl": outputs["ApiUrl"],
              "approvalThreshold": parameters.get("ApprovalThreshold"),
              "approvalTimeoutSeconds": parameters.get("ApprovalTimeoutSeconds")}
    s3.put_object(Bucket=bucket, Key="config.json", Body=json.dumps(config).encode(), ContentType="application/json",
                  CacheControl="no-cache")
    if demo is not None:
        s3.put_object(Bucket=bucket, Key="demo-users.json", Body=json.dumps(demo_users(demo)).encode(),
                      ContentType="application/json", CacheControl="no-store")
    else:
        s3.delete_object(Bucket=bucket, Key="demo-users.json")
    return str(outputs.get("WebUrl", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="a local server, e.g. http://127.0.0.1:4590 (default: AWS)")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--stack-name", help="default: the stack with a WebBucketName output")
    parser.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                        help="wait this long for the local server to answer first")
    parser.add_argument("--demo-users", type=Path, metavar="FILE", help="local only: publish these demo tokens")
    args = parser.parse_args(argv)
    if args.wait and args.endpoint:
        wait_for(args.endpoint, args.wait)
    cfn, s3 = clients(args.endpoint, args.region)
    try:
        url = deploy(cfn, s3, args.stack_name, args.demo_users)
    except (BotoCoreError, ClientError) as error:
        raise SystemExit(f"deploy_web: {error}") from None
    print(f"Web app: {url}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
