"""A template's DynamoDB stream event source (`Events: Type: DynamoDB`) delivers the table's
changes to the function, which here records them in a second table through the local endpoint."""

from __future__ import annotations

import time
from pathlib import Path

import boto3

from statewright.runtime import RuntimeConfig
from statewright.services.common.platform import Settings

from .server import ThreadServer, free_port

TEMPLATE = Path(__file__).parent / "streams_app" / "template.yaml"


def test_stream_records_reach_the_function(tmp_path):
    config = RuntimeConfig(Settings(data_dir=tmp_path, port=free_port(), time_scale=0.01), template=TEMPLATE)
    with ThreadServer(config) as server:
        statuses = {entry.type: entry.status for entry in server.runtime.stack_report.resources}
        assert statuses["AWS::Lambda::EventSourceMapping"] == "running"
        outputs = {output.key: output.value for output in server.runtime.stack.outputs}
        ddb = boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test")
        ddb.put_item(TableName=outputs["OrdersTable"], Item={"id": {"S": "o-1"}})
        ddb.put_item(TableName=outputs["OrdersTable"], Item={"id": {"S": "o-2"}})
        deadline = time.monotonic() + 60
        seen: dict = {}
        while time.monotonic() < deadline and len(seen) < 2:
            items = ddb.scan(TableName=outputs["SeenTable"])["Items"]
            seen = {item["id"]["S"]: item["event"]["S"] for item in items}
            time.sleep(0.2)
        assert seen == {"o-1": "INSERT", "o-2": "INSERT"}
