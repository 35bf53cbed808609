"""S3's wire front: HTTP (ASGI) ↔ the S3 service."""

from .app import S3Front, s3_asgi

__all__ = ["S3Front", "s3_asgi"]
