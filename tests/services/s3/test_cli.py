"""The AWS CLI against the S3 front: `aws s3 mb|cp|ls|sync|presign|rm|rb` and `aws s3api`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from .conftest import unique

AWS = Path(sys.executable).with_name("aws")


def aws(endpoint: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
           "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    return subprocess.run([str(AWS), "--endpoint-url", endpoint, *args], env=env, capture_output=True,
                          text=True, timeout=120, check=check)


def test_high_level_commands(s3_server, tmp_path):
    endpoint, bucket = s3_server.endpoint, unique()
    aws(endpoint, "s3", "mb", f"s3://{bucket}")
    source = tmp_path / "src"
    (source / "nested").mkdir(parents=True)
    (source / "a.txt").write_text("alpha")
    (source / "nested" / "b.bin").write_bytes(os.urandom(9 * 1024 * 1024))  # multipart in the CLI
    aws(endpoint, "s3", "cp", str(source / "a.txt"), f"s3://{bucket}/single/a.txt")
    aws(endpoint, "s3", "sync", str(source), f"s3://{bucket}/synced")
    listing = aws(endpoint, "s3", "ls", f"s3://{bucket}/synced/", "--recursive").stdout
    assert "synced/a.txt" in listing and "synced/nested/b.bin" in listing
    back = tmp_path / "back"
    aws(endpoint, "s3", "sync", f"s3://{bucket}/synced", str(back))
    assert (back / "nested" / "b.bin").read_bytes() == (source / "nested" / "b.bin").read_bytes()
    url = aws(endpoint, "s3", "presign", f"s3://{bucket}/single/a.txt", "--expires-in", "60").stdout.strip()
    with urllib.request.urlopen(url, timeout=30) as answer:
        assert answer.read() == b"alpha"
    aws(endpoint, "s3", "rm", f"s3://{bucket}", "--recursive")
    assert aws(endpoint, "s3", "ls", f"s3://{bucket}").stdout.strip() == ""
    aws(endpoint, "s3", "rb", f"s3://{bucket}")
    assert bucket not in aws(endpoint, "s3", "ls").stdout


def test_s3api_commands(s3_server, tmp_path):
    endpoint, bucket = s3_server.endpoint, unique()
    aws(endpoint, "s3api", "create-bucket", "--bucket", bucket)
    body = tmp_path / "body.json"
    body.write_text('{"ok": true}')
    put = json.loads(aws(endpoint, "s3api", "put-object", "--bucket", bucket, "--key", "doc.json", "--body",
                         str(body), "--content-type", "application/json").stdout)
    head = json.loads(aws(endpoint, "s3api", "head-object", "--bucket", bucket, "--key", "doc.json").stdout)
    assert head["ETag"] == put["ETag"] and head["ContentType"] == "application/json"
    missing = aws(endpoint, "s3api", "get-object", "--bucket", bucket, "--key", "none", str(tmp_path / "x"),
                  check=False)
    assert missing.returncode != 0 and "NoSuchKey" in missing.stderr
