"""DynamoDB Streams (`dynamodbstreams`) as the runtime builds it: a view of the DynamoDB service's
data, so it must come after `dynamodb` in the runtime's table."""

from __future__ import annotations

from ..common.platform import Platform
from .streams import DynamoDbStreamsService


def create(platform: Platform) -> DynamoDbStreamsService:
    dynamodb = platform.services.get("dynamodb")
    if dynamodb is None:
        raise RuntimeError("dynamodbstreams needs the dynamodb service listed before it in runtime.SERVICES")
    streams: DynamoDbStreamsService = dynamodb.streams
    return streams
