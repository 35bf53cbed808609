"""Expand `AWS::Serverless::*` with AWS's own transform (aws-sam-translator), offline.

The translator would reach AWS twice: for the region (a boto3 session) and for AWS managed policy
ARNs (IAM ListPolicies). Here the session is a local one with the stack's region (no credentials,
no calls) and managed policies come from the map the translator ships (`get_bundled_managed_policy_map`);
a name it does not know stays as written, as the translator does when IAM does not know it either.
"""

from __future__ import annotations

import copy
from typing import Any

from statewright.template.errors import TemplateError

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def transforms_of(template: dict[str, Any]) -> list[str]:
    """The template's `Transform` entries as a list of names."""
    declared = template.get("Transform")
    if declared is None:
        return []
    items = declared if isinstance(declared, list) else [declared]
    names = []
    for item in items:
        if not isinstance(item, str):
            raise TemplateError("only named transforms are supported (no macros with parameters)",
                                "Transform")
        names.append(item)
    return names


def check_transforms(template: dict[str, Any]) -> bool:
    """True when the template needs the SAM transform; an error for any transform not run locally."""
    names = transforms_of(template)
    others = [name for name in names if name != SAM_TRANSFORM]
    if others:
        raise TemplateError(f"transform {others[0]} is not supported locally (only {SAM_TRANSFORM})",
                            "Transform")
    return SAM_TRANSFORM in names


def expand_sam(template: dict[str, Any], *, parameter_values: dict[str, Any], region: str,
               account: str) -> dict[str, Any]:
    """The plain CloudFormation template AWS's SAM transform makes of `template`."""
    import boto3
    from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
    from samtranslator.model.exceptions import InvalidDocumentException, InvalidResourceException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.arn_generator import ArnGenerator
    from samtranslator.translator.translator import Translator

    _refuse_remote_applications(template)
    session = boto3.session.Session(botocore_session=_local_botocore_session(), region_name=region)
    partition = ArnGenerator.get_partition_name(region)
    # The translator's timing metrics go nowhere; publishing them (to the dummy) keeps it from logging
    # "unpublished metrics" at exit.
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    translator = Translator(get_bundled_managed_policy_map(partition) or {}, Parser(), boto_session=session,
                            metrics=metrics)
    values = {**parameter_values, "AWS::Region": region, "AWS::AccountId": account,
              "AWS::Partition": partition}
    try:
        expanded: dict[str, Any] = translator.translate(copy.deepcopy(template), parameter_values=values,
                                                        get_managed_policy_map=dict)
        return expanded
    except InvalidDocumentException as exc:
        causes = list(exc.causes) or [exc]
        messages = "; ".join(str(getattr(cause, "message", cause)) for cause in causes)
        raise TemplateError(f"SAM transform failed: {messages}", _logical_id(causes[0])) from None
    except InvalidResourceException as exc:
        raise TemplateError(f"SAM transform failed: {exc.message}", _logical_id(exc)) from None
    finally:
        metrics.publish()


def _logical_id(cause: Exception) -> str | None:
    # The translator keeps the resource's id only in its message and a private field.
    logical_id = getattr(cause, "_logical_id", None)
    if isinstance(logical_id, list):
        return ",".join(str(item) for item in logical_id)
    return logical_id if isinstance(logical_id, str) else None


def _local_botocore_session() -> Any:
    """A botocore session that ignores the user's AWS profile (none is needed; a missing one would fail)."""
    import botocore.session

    session = botocore.session.Session()
    # No profile, overriding AWS_PROFILE (Session.set_config_variable would fall back to it): botocore
    # then reads the config file's default section if there is one and never fails on a missing profile.
    session.get_component("config_store").set_config_variable("profile", None)
    return session


def _refuse_remote_applications(template: dict[str, Any]) -> None:
    # A Serverless Application Repository application would make the translator call AWS.
    for logical_id, resource in (template.get("Resources") or {}).items():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::Serverless::Application":
            location = (resource.get("Properties") or {}).get("Location")
            if not isinstance(location, str):
                raise TemplateError("applications from the Serverless Application Repository are not "
                                    "supported locally (give a local template path)", logical_id,
                                    "Properties.Location")
