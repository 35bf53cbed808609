"""The REST API's Lambda function: every route of `app/openapi.yaml` (the core is taskapp.api)."""

import boto3
from taskapp.api.router import handle
from taskapp.context import from_environment


def lambda_handler(event, context):
    return handle(from_environment("api", boto3.client), event)
