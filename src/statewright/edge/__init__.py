"""HTTP: one Starlette app that speaks the AWS protocols and serves the console."""

from .app import create_app

__all__ = ["create_app"]
