"""A SAM function with an `S3` event source, run by the real server: uploads and deletes under
the filtered prefix invoke it with the documented event records; other keys do not."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from statewright.runtime import RuntimeConfig
from statewright.services.common.platform import Settings

from .server import ThreadServer, client, free_port

APP = Path(__file__).parent / "s3_events_app"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    out = tmp_path_factory.mktemp("s3-events") / "records.jsonl"
    settings = Settings(data_dir=tmp_path_factory.mktemp("s3-events-data"), port=free_port(), time_scale=0.001)
    config = RuntimeConfig(settings, template=APP / "template.yaml", parameter_overrides={"OutFile": str(out)})
    with ThreadServer(config) as running:
        yield running, out


def records(out: Path, count: int, timeout: float = 30.0) -> list[dict]:
    """The records the function wrote, once there are `count` (S3 invokes asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = out.read_text().splitlines() if out.exists() else []
        if len(lines) >= count:
            return [json.loads(line) for line in lines]
        time.sleep(0.1)
    raise AssertionError(f"{count} records expected, got {out.read_text() if out.exists() else 'none'}")


def test_template_s3_events_invoke_the_function(app):
    server, out = app
    s3 = client(server.endpoint, "s3")
    put = s3.put_object(Bucket="e2e-uploads", Key="receipts/march 1.pdf", Body=b"%PDF-1.7")
    s3.put_object(Bucket="e2e-uploads", Key="other/ignored.pdf", Body=b"x")
    s3.delete_object(Bucket="e2e-uploads", Key="receipts/march 1.pdf")
    # S3 invokes asynchronously, so the records may arrive in either order; the `sequencer`
    # orders events for one key ("the event with the greater sequencer value occurred later").
    by_name = {record["eventName"]: record for record in records(out, 2)}
    created, removed = by_name["ObjectCreated:Put"], by_name["ObjectRemoved:Delete"]
    assert int(created["s3"]["object"]["sequencer"], 16) < int(removed["s3"]["object"]["sequencer"], 16)
    # AWS, "Event message structure": eventVersion 2.1, eventSource aws:s3, the event name without
    # its `s3:` prefix, and "The s3 key provided in the event notification is URL encoded".
    assert (created["eventVersion"], created["eventSource"], created["eventName"]) == \
        ("2.1", "aws:s3", "ObjectCreated:Put")
    assert created["s3"]["bucket"]["name"] == "e2e-uploads"
    assert created["s3"]["object"]["key"] == "receipts/march+1.pdf"
    assert (created["s3"]["object"]["size"], created["s3"]["object"]["eTag"]) == (8, put["ETag"].strip('"'))
    assert removed["eventName"] == "ObjectRemoved:Delete"
    assert "size" not in removed["s3"]["object"]
    time.sleep(0.5)  # nothing else arrives: the other prefix matched no rule
    assert len(out.read_text().splitlines()) == 2
    s3.close()
