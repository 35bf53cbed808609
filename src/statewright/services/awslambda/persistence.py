"""Where function definitions made through the API (`CreateFunction`) are kept, so they survive a
restart: one JSON file per function under `<data_dir>/lambda/functions/`. Behind this small
class so the runtime can move it into the shared store later."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class FunctionStore:
    """A directory of `<name>.json` records, each written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def save(self, name: str, record: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{name}.json"
        staging = path.with_suffix(".json.tmp")
        staging.write_text(json.dumps(record, indent=1, sort_keys=True))
        os.replace(staging, path)

    def delete(self, name: str) -> None:
        (self.directory / f"{name}.json").unlink(missing_ok=True)

    def load_all(self) -> list[dict[str, Any]]:
        if not self.directory.is_dir():
            return []
        records = []
        for path in sorted(self.directory.glob("*.json")):
            try:
                records.append(json.loads(path.read_text()))
            except (OSError, ValueError):
                continue
        return records
