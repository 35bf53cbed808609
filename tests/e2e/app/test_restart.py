"""A crash while a refund awaits approval: the server is killed (SIGKILL) and started again on the same
data directory; the task, its waiting execution and its callback token survive, and approving completes it."""

from __future__ import annotations

from ..server import client


def test_a_refund_awaiting_approval_survives_a_restart(app_server, api, outputs):
    server, _ = app_server
    alice, carol = api.user("requester"), api.user("approver")
    purchase = api.completed_purchase(alice, "2000.00")
    refund = api.create(alice, "REFUND", "1500.00", purchase_id=purchase["taskId"])
    api.wait_for(alice, refund["taskId"], "AWAITING_APPROVAL")

    server.kill()
    server.start()

    cfn = client(server.endpoint, "cloudformation")
    try:
        again = cfn.describe_stacks(StackName="app")["Stacks"][0]["Outputs"]
    finally:
        cfn.close()
    assert {o["OutputKey"]: o["OutputValue"] for o in again}["ApiUrl"] == outputs["ApiUrl"]
    waiting = api.get(alice, refund["taskId"])
    assert waiting["status"] == "AWAITING_APPROVAL"
    assert refund["taskId"] in [t["taskId"] for t in api.call("GET", "approvals?limit=100", carol).body["items"]]

    approved = api.call("POST", f"tasks/{refund['taskId']}/approve", carol)
    assert approved.status == 200, approved
    api.wait_for(alice, refund["taskId"], "COMPLETED")
    done = api.ended(alice, refund["taskId"])
    assert done["approvedBy"] == carol.name and done["timeline"][-1]["type"] == "ExecutionSucceeded"
    after = api.get(alice, purchase["taskId"])
    assert (after["status"], after["refundedAmount"]) == ("PARTIALLY_REFUNDED", "1500.00")
