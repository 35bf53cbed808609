"""S3's wire front: HTTP (ASGI) ↔ the S3 service."""

from .app import S3Front, s3_asgi
from .detect import is_s3_request

__all__ = ["S3Front", "is_s3_request", "s3_asgi"]
