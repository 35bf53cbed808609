"""Task integrations for the crash test, loaded by the server process via STATEWRIGHT_INTEGRATIONS."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _block_until_released(params, context):
    """Note each dispatch, then wait for the release file (the first server is killed meanwhile)."""
    folder = Path(params["dir"])
    with open(folder / f"started-{params['id']}", "a") as started:
        started.write(context.task_id + "\n")
    while not (folder / "release").exists():
        time.sleep(0.02)
    return {"done": params["id"]}


def _hand_out_token(params, context):
    # Written aside and renamed, so the test never reads a file that exists but is still empty.
    target = Path(params["dir"], f"token-{params['id']}")
    partial = target.with_suffix(".partial")
    partial.write_text(context.token or "")
    os.replace(partial, target)


def register(registry) -> None:
    registry.register("arn:test:block", _block_until_released)
    registry.register("arn:test:callback", _hand_out_token)
