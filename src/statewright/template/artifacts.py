"""Local code and definition paths, carried through the SAM transform as placeholder S3 locations.

AWS's transform only accepts S3 locations for `CodeUri`, `DefinitionUri` and `ContentUri` (what
`sam package` uploads). Locally the files stay where they are: each local path becomes
`s3://statewright-local-artifacts/<n>` on the way in, and after the transform every placeholder
(as an S3 URI, `{S3Bucket, S3Key}` or `{Bucket, Key}`) is replaced by the absolute local path, the
form `aws cloudformation package` reads (`Code: /abs/path/src`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statewright.template.errors import TemplateError

PLACEHOLDER_BUCKET = "statewright-local-artifacts"

# Property that may name a local path, per type, and the S3 shape the type expects in its place.
_URI, _CODE, _LOCATION = "uri", "code", "location"
LOCAL_PATH_PROPERTIES: dict[str, dict[str, str]] = {
    "AWS::Serverless::Function": {"CodeUri": _URI},
    "AWS::Serverless::LayerVersion": {"ContentUri": _URI},
    "AWS::Serverless::StateMachine": {"DefinitionUri": _URI},
    "AWS::Serverless::Api": {"DefinitionUri": _URI},
    "AWS::Serverless::HttpApi": {"DefinitionUri": _URI},
    "AWS::Lambda::Function": {"Code": _CODE},
    "AWS::Lambda::LayerVersion": {"Content": _CODE},
    "AWS::StepFunctions::StateMachine": {"DefinitionS3Location": _LOCATION},
    "AWS::ApiGateway::RestApi": {"BodyS3Location": _LOCATION},
    "AWS::ApiGatewayV2::Api": {"BodyS3Location": _LOCATION},
}
_GLOBALS = {"Function": "CodeUri", "Api": "DefinitionUri", "HttpApi": "DefinitionUri"}


def _is_local(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not value.startswith(("s3://", "https://", "http://"))


@dataclass
class LocalArtifacts:
    """The local paths of one template, by placeholder key."""

    base_dir: Path
    paths: list[Path] = field(default_factory=list)
    carried: set[tuple[str, str]] = field(default_factory=set)
    """(logical id, property) pairs that held a local path (for filtering lint findings about them)."""

    def carry(self, template: dict[str, Any]) -> dict[str, Any]:
        """A copy of `template` with each local path replaced by a placeholder S3 location."""
        result = copy.deepcopy(template)
        for section, prop in _GLOBALS.items():
            settings = (result.get("Globals") or {}).get(section)
            if isinstance(settings, dict) and _is_local(settings.get(prop)):
                settings[prop] = self._placeholder(settings[prop], _URI, "Globals", f"{section}.{prop}")
        for logical_id, resource in (result.get("Resources") or {}).items():
            if not isinstance(resource, dict):
                continue
            props = resource.get("Properties")
            for prop, shape in LOCAL_PATH_PROPERTIES.get(str(resource.get("Type")), {}).items():
                if isinstance(props, dict) and _is_local(props.get(prop)):
                    props[prop] = self._placeholder(props[prop], shape, logical_id, f"Properties.{prop}")
                    self.carried.add((logical_id, prop))
        return result

    def _placeholder(self, value: str, shape: str, owner: str, where: str) -> Any:
        path = (self.base_dir / value).resolve()
        if not path.exists():
            raise TemplateError(f"local path {value!r} does not exist (looked for {path})", owner, where)
        key = str(len(self.paths))
        self.paths.append(path)
        if shape == _CODE:
            return {"S3Bucket": PLACEHOLDER_BUCKET, "S3Key": key}
        if shape == _LOCATION:
            return {"Bucket": PLACEHOLDER_BUCKET, "Key": key}
        return f"s3://{PLACEHOLDER_BUCKET}/{key}"

    def restore(self, value: Any) -> Any:
        """`value` with every placeholder replaced by the absolute local path it stands for."""
        if isinstance(value, str) and value.startswith(f"s3://{PLACEHOLDER_BUCKET}/"):
            return self._path(value.rsplit("/", 1)[1])
        if isinstance(value, dict):
            bucket = value.get("S3Bucket", value.get("Bucket"))
            if bucket == PLACEHOLDER_BUCKET:
                return self._path(str(value.get("S3Key", value.get("Key"))))
            return {key: self.restore(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.restore(item) for item in value]
        return value

    def _path(self, key: str) -> str:
        return str(self.paths[int(key)])
