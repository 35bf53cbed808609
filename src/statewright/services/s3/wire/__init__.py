"""S3's wire front: HTTP (ASGI) ↔ the S3 service."""

from .app import S3Front, s3_asgi
from .detect import is_s3_request
from .sigv4 import default_secrets

__all__ = ["S3Front", "default_secrets", "is_s3_request", "s3_asgi"]
