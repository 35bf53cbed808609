"""botocore's service models, loaded by name and kept, with the lookups routing needs (signing
name, target prefix, protocols) and one instance of each wire protocol."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

from botocore.loaders import Loader
from botocore.model import ServiceModel

from .cbor_protocol import CborProtocol
from .json_protocol import JsonProtocol
from .query_protocol import QueryProtocol
from .rest_json import RestJsonProtocol
from .rest_xml import RestXmlProtocol
from .types import WireProtocol

# botocore's protocol names → the class that speaks it.
PROTOCOLS: dict[str, type[Any]] = {
    "json": JsonProtocol,
    "rest-json": RestJsonProtocol,
    "rest-xml": RestXmlProtocol,
    "query": QueryProtocol,
    "smithy-rpc-v2-cbor": CborProtocol,
}


class ServiceModels:
    """The models of the services a server speaks. Loading a model takes tens of milliseconds,
    so each is loaded once, on first use (thread-safe)."""

    def __init__(self, loader: Loader | None = None) -> None:
        self._loader = loader or Loader()
        self._models: dict[str, ServiceModel] = {}
        self._wire: dict[str, WireProtocol] = {}
        self._partitions: list[tuple[str, set[str], re.Pattern[str]]] | None = None
        self._lock = threading.Lock()

    def get(self, name: str) -> ServiceModel:
        """The model named `name` (botocore's name: `stepfunctions`, `sts`, `s3`, …); botocore's
        UnknownServiceError when there is none."""
        model = self._models.get(name)
        if model is None:
            with self._lock:
                model = self._models.get(name)
                if model is None:
                    model = ServiceModel(self._loader.load_service_model(name, "service-2"), name)
                    self._models[name] = model
        return model

    def available(self) -> list[str]:
        return list(self._loader.list_available_services("service-2"))

    def signing_name(self, name: str) -> str:
        return str(self.get(name).signing_name)  # `signingName`, else `endpointPrefix`

    def target_prefix(self, name: str) -> str | None:
        prefix = self.get(name).metadata.get("targetPrefix")
        return str(prefix) if prefix else None

    def protocols(self, name: str) -> tuple[str, ...]:
        """The protocols the model declares, preferred first (`protocols`, else `protocol`)."""
        metadata = self.get(name).metadata
        return tuple(metadata.get("protocols") or [metadata["protocol"]])

    def client_protocol(self, name: str) -> str:
        """The protocol botocore's own clients speak to this model (`resolved_protocol`: its
        priority order among the declared ones — CloudWatch's boto3 speaks `json`)."""
        return str(self.get(name).resolved_protocol)

    def with_signing_name(self, signing_name: str, among: Iterable[str]) -> list[str]:
        return sorted(name for name in among if self.signing_name(name) == signing_name)

    def with_target_prefix(self, prefix: str, among: Iterable[str]) -> list[str]:
        return sorted(name for name in among if self.target_prefix(name) == prefix)

    def wire(self, protocol: str) -> WireProtocol:
        """The one instance of a protocol (they keep per-model tables, such as compiled URIs)."""
        instance = self._wire.get(protocol)
        if instance is None:
            with self._lock:
                instance = self._wire.get(protocol)
                if instance is None:
                    instance = PROTOCOLS[protocol]()
                    self._wire[protocol] = instance
        return instance

    def partition_of(self, region: str) -> str:
        """The partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, …), from botocore's
        partitions data: its listed regions first, then its region pattern; `aws` otherwise."""
        if self._partitions is None:
            data = self._loader.load_data("partitions")
            self._partitions = [(p["id"], set(p.get("regions", {})), re.compile(p["regionRegex"]))
                                for p in data["partitions"]]
        for name, regions, _ in self._partitions:
            if region in regions:
                return name
        for name, _, pattern in self._partitions:
            if pattern.match(region):
                return name
        return "aws"
