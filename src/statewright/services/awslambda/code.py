"""A function's code on disk: unpacking a deployment zip, its `CodeSha256`, and noticing when
the files change so warm workers can be recycled."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import zipfile
from pathlib import Path

from statewright.services.common import AwsError

# Source files whose change means new code; dependency trees are left out so a check stays cheap.
_SOURCE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".json")
_SKIP_DIRS = {"node_modules", "__pycache__", ".git", ".venv", "venv"}
MAX_WATCHED = 500


def code_sha256(data: bytes) -> str:
    """Lambda's `CodeSha256`: the base64 SHA-256 of the deployment package."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def unpack_zip(data: bytes, destination: Path) -> None:
    """Unpack a deployment package into `destination` (replaced), refusing paths that leave it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise AwsError("InvalidParameterValueException",
                       "Could not unzip uploaded file. Please check your file, then try to upload again.",
                       400) from e
    staging = destination.with_name(destination.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    root = staging.resolve()
    with archive:
        for member in archive.infolist():
            target = (staging / member.filename).resolve()
            if root not in target.parents and target != root:
                shutil.rmtree(staging, ignore_errors=True)
                raise AwsError("InvalidParameterValueException",
                               f"Invalid path in the deployment package: {member.filename}", 400)
            archive.extract(member, staging)
            mode = (member.external_attr >> 16) & 0o777
            if mode and not member.is_dir():
                os.chmod(target, mode)
    shutil.rmtree(destination, ignore_errors=True)
    staging.rename(destination)


def directory_digest(directory: str) -> tuple[str, int]:
    """(`CodeSha256`, `CodeSize`) for code given as a directory: a digest of its source files."""
    digest = hashlib.sha256()
    size = 0
    for path in sorted(_source_files(directory)):
        try:
            data = Path(path).read_bytes()
        except OSError:
            continue
        digest.update(os.path.relpath(path, directory).encode() + b"\0" + data)
        size += len(data)
    return base64.b64encode(digest.digest()).decode(), size


class CodeWatch:
    """The state of a code directory's source files: `changed()` is a few `stat` calls, cheap
    enough to run before every invocation. Folders are not watched (Python writes `__pycache__`
    into them); a new module matters only once a changed file imports it."""

    def __init__(self, directories: list[str]) -> None:
        self.directories = directories
        self.snapshot = self._scan()

    def _scan(self) -> dict[str, tuple[int, int]]:
        state: dict[str, tuple[int, int]] = {}
        for directory in self.directories:
            for path in _source_files(directory):
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                state[path] = (stat.st_mtime_ns, stat.st_size)
        return state

    def changed(self) -> bool:
        """Whether any watched file changed since the last call (which then rescans)."""
        for path, seen in self.snapshot.items():
            try:
                stat = os.stat(path)
            except OSError:
                break
            if (stat.st_mtime_ns, stat.st_size) != seen:
                break
        else:
            return False
        self.snapshot = self._scan()
        return True


def _source_files(directory: str) -> list[str]:
    found: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.endswith((".dist-info", ".egg-info"))]
        found.extend(os.path.join(root, f) for f in files if f.endswith(_SOURCE_SUFFIXES))
        if len(found) >= MAX_WATCHED:
            break
    return found
