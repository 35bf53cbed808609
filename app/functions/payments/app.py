"""Charges, refunds and voids through the payment gateway (the local simulator unless configured)."""

import json

from taskapp.observability import Telemetry
from taskapp.payments import from_environment, run_operation


def lambda_handler(event, context):
    telemetry = Telemetry("payments")
    result = run_operation(from_environment(), event)
    telemetry.log("Payment" + str(event.get("operation", "")).title(), taskId=event.get("taskId"),
                  result=json.dumps(result))
    return result
