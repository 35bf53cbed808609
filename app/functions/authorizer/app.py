"""The API's Lambda authorizer: HS256 bearer tokens signed with the template's secret."""

import os
import time

import boto3
from taskapp.authorizer import authorize
from taskapp.observability import Telemetry

# The secret fetched from Secrets Manager, kept for the life of this warm container.
_fetched: dict = {}


def _secret() -> str:
    if os.environ.get("JWT_SECRET"):
        return os.environ["JWT_SECRET"]
    arn = os.environ.get("JWT_SECRET_ARN")
    if not arn:
        return ""
    if arn not in _fetched:
        _fetched[arn] = boto3.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    return _fetched[arn]


def lambda_handler(event, context):
    try:
        return authorize(event, _secret(), int(time.time()))
    except Exception:
        Telemetry("authorizer").log("TokenRefused", level="WARN", methodArn=event.get("methodArn"))
        raise
