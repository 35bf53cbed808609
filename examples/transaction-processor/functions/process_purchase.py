"""Lambda handler: record a purchase and return its receipt."""

from datetime import datetime, timezone


def lambda_handler(event, context):
    return {
        "TransactionType": event["TransactionType"],
        "Timestamp": datetime.now(timezone.utc).isoformat(),
        "Message": "Hello from lambda land inside the ProcessPurchase function",
    }
