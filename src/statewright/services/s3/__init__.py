"""Amazon S3: a durable local object store (files + SQLite under the data directory) and its
own wire front (`wire`), which speaks S3's REST/XML protocol with its addressing, presigned
URLs, aws-chunked bodies and CORS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .service import S3Service

if TYPE_CHECKING:
    from statewright.services.common.platform import Platform

__all__ = ["S3Service", "create"]


def create(platform: Platform) -> S3Service:
    """The service as the runtime builds it (see statewright/runtime.py). Object times are wall
    clock time: presigned URLs and HTTP dates are compared with real clocks outside."""
    return S3Service(platform.settings.data_dir / "s3", sweep_interval=SWEEP_SECONDS)


# Lifecycle actions are asynchronous on AWS too ("there might be a delay"); once a minute here.
SWEEP_SECONDS = 60.0
