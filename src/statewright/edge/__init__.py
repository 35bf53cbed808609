"""HTTP: one Starlette app that speaks AWS protocols, REST and serves the console."""

from .app import create_app
from .config import ServerConfig

__all__ = ["ServerConfig", "create_app"]
