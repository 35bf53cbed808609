"""DynamoDB from Task states, over the local DynamoDB service:

- the optimized integrations `arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`:
  the API's answer plus the `SdkHttpMetadata`/`SdkResponseMetadata` AWS adds; errors named
  `DynamoDB.<Exception>` (`DynamoDB.ConditionalCheckFailedException`), and
  `DynamoDB.AmazonDynamoDBException` for an error without its own exception class;
- `arn:aws:states:::aws-sdk:dynamodb:<action>` for every DynamoDB action: the API's answer as is;
  errors named as Step Functions names AWS SDK errors, `DynamoDb.<Exception>`.

Parameters are the API's members in DynamoDB's JSON form (`{"S": "…"}`), as on AWS.
"""

from __future__ import annotations

import uuid
from typing import Any

from statewright.services.common import AwsError

from .types import SDK, SERVICE, TaskContext, TaskError

OPTIMIZED = {"getItem": "GetItem", "putItem": "PutItem", "updateItem": "UpdateItem", "deleteItem": "DeleteItem"}
# Codes whose SDK exception class is the code itself (the rest of the model's errors end in
# "Exception" already); anything else is the service's generic exception.
MODELED = frozenset({
    "ConditionalCheckFailedException", "ResourceNotFoundException", "ProvisionedThroughputExceededException",
    "TransactionCanceledException", "TransactionConflictException", "ItemCollectionSizeLimitExceededException",
    "RequestLimitExceeded", "ResourceInUseException", "LimitExceededException", "InternalServerError",
    "IdempotentParameterMismatchException", "TransactionInProgressException", "DuplicateItemException",
})


def error_name(code: str, sdk: bool) -> str:
    prefix, generic = ("DynamoDb", "DynamoDbException") if sdk else ("DynamoDB", "AmazonDynamoDBException")
    return f"{prefix}.{code}" if code in MODELED else f"{prefix}.{generic}"


class DynamoDbIntegration:
    """The `dynamodb` service integration (`Registry.register_service("dynamodb", …)`)."""

    def __init__(self, service: Any) -> None:
        self.service = service  # services.dynamodb.DynamoDbService

    def __call__(self, parameters: Any, task: TaskContext) -> Any:
        resource = task.resource
        sdk = resource.kind == SDK
        if resource.kind == SERVICE and resource.action in OPTIMIZED:
            operation = OPTIMIZED[resource.action]
        elif sdk and resource.action:
            operation = resource.action[0].upper() + resource.action[1:]
        else:
            raise TaskError("States.Runtime", f"Statewright's DynamoDB integration does not support the resource "
                                              f"{resource.text}")
        if not isinstance(parameters, dict):
            raise TaskError(error_name("ValidationException", sdk), "The task's parameters must be a JSON object")
        request_id = str(uuid.uuid4())
        try:
            output = self.service.handle(operation, dict(parameters), task.request_context(request_id))
        except AwsError as error:
            status = error.status or 400
            raise TaskError(error_name(error.code, sdk), f"{error.message} (Service: DynamoDb, Status Code: "
                                                         f"{status}, Request ID: {request_id})") from None
        if sdk:
            return output
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": request_id}
        return {**output,
                "SdkHttpMetadata": {"AllHttpHeaders": {name: [value] for name, value in headers.items()},
                                    "HttpHeaders": headers, "HttpStatusCode": 200},
                "SdkResponseMetadata": {"RequestId": request_id}}

