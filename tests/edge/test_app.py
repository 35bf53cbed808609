"""The app: building it opens nothing; the console is mounted when its package is there."""

from __future__ import annotations

import importlib.util

import pytest

from statewright.edge import create_app
from statewright.runtime import Runtime, RuntimeConfig
from statewright.services.common.platform import Settings


def test_creating_the_app_has_no_side_effects(tmp_path):
    data_dir = tmp_path / "data"
    app = create_app(Runtime(RuntimeConfig(Settings(data_dir=data_dir))))
    assert not data_dir.exists()  # the store opens with the app's lifespan, not before
    assert app.state.runtime.engine is None


@pytest.mark.skipif(importlib.util.find_spec("statewright.console") is None, reason="no console package")
def test_the_console_is_mounted(tmp_path):
    paths = {getattr(route, "path", "") for route in create_app(Runtime(RuntimeConfig(Settings(data_dir=tmp_path)))).routes}
    assert {"/health", "/console", "/{path:path}"} <= paths
