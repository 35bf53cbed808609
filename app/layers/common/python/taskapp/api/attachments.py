"""`POST /tasks/{taskId}/attachments` (a presigned upload URL) and `GET .../{attachmentId}` (download)."""

from __future__ import annotations

from botocore.exceptions import ClientError

from .. import items, validation
from ..context import Context
from ..errors import conflict, not_found
from . import access
from .http import Caller, json_body, path_param, respond

MAX_ATTACHMENTS = 20


def object_key(task_id: str, attachment_id: str) -> str:
    return f"tasks/{task_id}/{attachment_id}"


def create(context: Context, caller: Caller, event: dict) -> dict:
    task = access.visible_task(context, caller, path_param(event, "taskId"))
    access.require_owner(caller, task, "attach files to")
    fields = validation.parse_attachment(json_body(event))
    attachment = {"attachmentId": context.new_id(), **fields, "uploadedBy": caller.user,
                  "createdAt": context.clock()}

    def plan(current: dict) -> list[dict]:
        if len(current.get("attachments", [])) >= MAX_ATTACHMENTS:
            raise conflict(f"a task has at most {MAX_ATTACHMENTS} attachments", "attachments")
        return [context.store.annotate(current, caller.user, "attachment-added",
                                       {"attachments": [*current.get("attachments", []), attachment]})]

    context.store.change(task["taskId"], plan)
    key = object_key(task["taskId"], attachment["attachmentId"])
    # Content-Type and Content-Length are signed into the URL, so S3 refuses another type or size.
    url = context.s3.generate_presigned_url(
        "put_object", ExpiresIn=context.settings.upload_url_seconds,
        Params={"Bucket": context.settings.bucket, "Key": key, "ContentType": fields["contentType"],
                "ContentLength": fields["size"]})
    context.telemetry.log("AttachmentAdded", taskId=task["taskId"], attachmentId=attachment["attachmentId"])
    return respond(201, {**items.to_api(attachment), "uploadUrl": url, "uploadMethod": "PUT",
                         "uploadHeaders": {"Content-Type": fields["contentType"],
                                           "Content-Length": str(fields["size"])},
                         "expiresIn": context.settings.upload_url_seconds})


def download(context: Context, caller: Caller, event: dict) -> dict:
    task = access.visible_task(context, caller, path_param(event, "taskId"))
    attachment_id = path_param(event, "attachmentId")
    attachment = next((a for a in task.get("attachments", []) if a["attachmentId"] == attachment_id), None)
    if attachment is None:
        raise not_found(f"attachment {attachment_id} does not exist on this task", "attachmentId")
    key = object_key(task["taskId"], attachment_id)
    try:
        context.s3.head_object(Bucket=context.settings.bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            raise conflict("the file has not been uploaded yet", "attachmentId", code="NotUploaded") from error
        raise
    url = context.s3.generate_presigned_url(
        "get_object", ExpiresIn=context.settings.upload_url_seconds,
        Params={"Bucket": context.settings.bucket, "Key": key,
                "ResponseContentType": attachment["contentType"],
                "ResponseContentDisposition": f'attachment; filename="{_quoted(attachment["fileName"])}"'})
    return respond(200, {**items.to_api(attachment), "downloadUrl": url,
                         "expiresIn": context.settings.upload_url_seconds})


def _quoted(name: str) -> str:
    return name.replace("\\", "_").replace('"', "_")
