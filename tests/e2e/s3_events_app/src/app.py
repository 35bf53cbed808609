"""Appends every S3 event record it receives to the file OUT_FILE names (one JSON line each)."""

import json
import os


def record(event, context):
    with open(os.environ["OUT_FILE"], "a", encoding="utf-8") as out:
        for item in event["Records"]:
            out.write(json.dumps(item) + "\n")
    return {"records": len(event["Records"])}
