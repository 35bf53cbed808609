"""The web console: a static app under /console/ that is just another client of the AWS API.

The page talks to the Step Functions JSON 1.0 API on the same origin (``POST /`` with
``X-Amz-Target``), so it needs nothing from the server but these static files. Views are
client-side routes in the URL fragment (``/console/#/executions/<arn>``), which is why every
path below /console/ that is not a file falls back to index.html instead of 404: a link that
lost its ``#`` still opens the console.
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"


class _ConsoleFiles(StaticFiles):
    """Static files that answer unknown extension-less paths with the app shell."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or "." in path.rsplit("/", 1)[-1]:
                raise
            response = await super().get_response("index.html", scope)
        # The files change with the package, not per request; revalidating keeps an upgraded
        # server from running a stale mix of old and new modules in the browser.
        response.headers["Cache-Control"] = "no-cache"
        return response


async def _to_slash(request: object) -> Response:
    return RedirectResponse("/console/", status_code=308)


def routes() -> list[BaseRoute]:
    """Routes that serve the console at /console/ (mount them in the server's app)."""
    return [
        Route("/console", _to_slash, methods=["GET", "HEAD"]),
        Mount("/console", app=_ConsoleFiles(directory=STATIC_DIR, html=True), name="console"),
    ]
