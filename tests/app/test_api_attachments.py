"""Attachments: presigned upload and download URLs, the size and type rules, who may see them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import BUCKET
from .helpers import awaiting_refund, call, completed_purchase, create


def _attach(context, task_id, user="alice", role="requester", **body):
    fields = {"fileName": "receipt.pdf", "contentType": "application/pdf", "size": 1024, **body}
    return call(context, "POST", "/tasks/{taskId}/attachments", user=user, role=role, path={"taskId": task_id},
                body=fields)


def _download(context, task_id, attachment_id, user="alice", role="requester"):
    return call(context, "GET", "/tasks/{taskId}/attachments/{attachmentId}", user=user, role=role,
                path={"taskId": task_id, "attachmentId": attachment_id})


def test_upload_url_is_presigned_for_the_type_and_size_and_listed_on_the_task(context):
    task = create(context)[1]
    status, attachment = _attach(context, task["taskId"])
    assert status == 201 and attachment["uploadMethod"] == "PUT"
    url = urlsplit(attachment["uploadUrl"])
    assert url.path.endswith(f"/tasks/{task['taskId']}/{attachment['attachmentId']}") or BUCKET in url.netloc
    signed = parse_qs(url.query)["X-Amz-SignedHeaders"][0].split(";")
    assert "content-length" in signed and "content-type" in signed
    assert attachment["uploadHeaders"] == {"Content-Type": "application/pdf", "Content-Length": "1024"}
    listed = context.store.get(task["taskId"])["attachments"]
    assert [a["attachmentId"] for a in listed] == [attachment["attachmentId"]]
    assert listed[0]["fileName"] == "receipt.pdf" and listed[0]["uploadedBy"] == "alice"


@pytest.mark.parametrize("body,status,field", [
    ({"size": 10 * 1024 * 1024 + 1}, 413, "size"),
    ({"size": 0}, 422, "size"),
    ({"contentType": "application/x-msdownload"}, 422, "contentType"),
    ({"fileName": "../etc/passwd"}, 422, "fileName"),
])
def test_attachment_rules(context, body, status, field):
    task = create(context)[1]
    answer_status, answer = _attach(context, task["taskId"], **body)
    assert (answer_status, answer["error"]["field"]) == (status, field)


def test_exactly_10_mb_is_allowed(context):
    task = create(context)[1]
    assert _attach(context, task["taskId"], size=10 * 1024 * 1024)[0] == 201


def test_download_after_upload(context, aws):
    task = create(context)[1]
    attachment = _attach(context, task["taskId"])[1]
    status, answer = _download(context, task["taskId"], attachment["attachmentId"])
    assert (status, answer["error"]["code"]) == (409, "NotUploaded")
    aws["s3"].put_object(Bucket=BUCKET, Key=f"tasks/{task['taskId']}/{attachment['attachmentId']}", Body=b"%PDF")
    status, answer = _download(context, task["taskId"], attachment["attachmentId"])
    assert status == 200 and "X-Amz-Signature" in answer["downloadUrl"]
    assert "receipt.pdf" in parse_qs(urlsplit(answer["downloadUrl"]).query)["response-content-disposition"][0]
    assert _download(context, task["taskId"], "01J99999999999999999999999")[0] == 404


def test_who_may_see_attachments(context, aws):
    purchase = completed_purchase(context)
    pending = awaiting_refund(context, purchase["taskId"])
    attachment = _attach(context, pending["taskId"])[1]
    aws["s3"].put_object(Bucket=BUCKET, Key=f"tasks/{pending['taskId']}/{attachment['attachmentId']}", Body=b"x")
    assert _download(context, pending["taskId"], attachment["attachmentId"], user="carol", role="approver")[0] == 200
    assert _download(context, pending["taskId"], attachment["attachmentId"], user="dave", role="admin")[0] == 200
    assert _download(context, pending["taskId"], attachment["attachmentId"], user="bob")[0] == 403
    assert _attach(context, pending["taskId"], user="carol", role="approver")[0] == 403
