"""The task-management app served as `make run` serves it: `statewright serve --template app/template.yaml`
in a child process, called over HTTP through the template's `ApiUrl` output.

One server for the whole package (its data directory too: the first cold start of a python3.12
function installs awslambdaric there once). The restart test kills and restarts this same server.
Time runs 100x faster in the engine, so the approval timeout of 2500 s lasts 25 s: long enough to
approve in (also across the restart test), short enough for the expiry test to wait for.
"""

from __future__ import annotations

import secrets

import pytest

from ..server import REPO, ProcessServer, client, free_port
from .client import AppApi

APPROVAL_TIMEOUT_SECONDS = 2500
TIME_SCALE = 0.01
# 13.13 (the default) declines a purchase; 613.13 declines a refund that needs approval first.
DECLINED_PURCHASE, DECLINED_REFUND = "13.13", "613.13"


@pytest.fixture(scope="package")
def app_server(tmp_path_factory):
    secret = secrets.token_urlsafe(48)
    overrides = (f"JwtSecret={secret}", f"ApprovalTimeoutSeconds={APPROVAL_TIMEOUT_SECONDS}",
                 f"PaymentDeclineAmounts={DECLINED_PURCHASE},{DECLINED_REFUND}")
    server = ProcessServer(tmp_path_factory.mktemp("app-data"), free_port(), time_scale=TIME_SCALE,
                           extra_args=("--template", str(REPO / "app" / "template.yaml"),
                                       "--parameter-overrides", *overrides))
    server.start()
    try:
        yield server, secret
    finally:
        server.stop()


@pytest.fixture(scope="package")
def outputs(app_server) -> dict[str, str]:
    cfn = client(app_server[0].endpoint, "cloudformation")
    try:
        stack = cfn.describe_stacks(StackName="app")["Stacks"][0]
    finally:
        cfn.close()
    return {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}


@pytest.fixture(scope="package")
def api(app_server, outputs) -> AppApi:
    made = AppApi(outputs["ApiUrl"], app_server[1])
    # Warm every function once (the first cold start installs the python3.12 runtime client).
    made.completed_purchase(made.user("requester", "warmup"))
    return made
