"""A local DynamoDB: the real wire protocol, data kept in SQLite in the data directory.

`create(platform)` is what the runtime calls; see docs/dynamodb.md.
"""

from __future__ import annotations

from ..common.platform import Platform
from .service import DynamoDbService
from .streams import DynamoDbStreamsService
from .template import create_table_from_template

__all__ = ["DynamoDbService", "DynamoDbStreamsService", "create", "create_streams", "create_table_from_template"]


def create(platform: Platform) -> DynamoDbService:
    """The service for the runtime: data in `<data_dir>/dynamodb.sqlite3`."""
    return DynamoDbService(platform.settings.data_dir)


def create_streams(dynamodb: DynamoDbService) -> DynamoDbStreamsService:
    """The DynamoDB Streams service (`dynamodbstreams`), over the DynamoDB service's data."""
    return dynamodb.streams
