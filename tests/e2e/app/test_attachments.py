"""Attachments through the served app: presigned S3 URLs from the API, used as a browser or curl would.
(Who may see them is in the access matrix, test_access.py.)"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

TEN_MB = 10 * 1024 * 1024


def _put(url: str, data: bytes, content_type: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method="PUT", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def _add(api, user, task_id: str, **fields) -> dict:
    body = {"fileName": "receipt.pdf", "contentType": "application/pdf", "size": 12, **fields}
    answer = api.call("POST", f"tasks/{task_id}/attachments", user, body)
    assert answer.status == 201, answer
    return answer.body


def test_upload_and_download_a_receipt(api):
    alice, carol = api.user("requester"), api.user("approver")
    purchase = api.completed_purchase(alice, "1000.00")
    refund = api.create(alice, "REFUND", "600.00", purchase_id=purchase["taskId"])
    content = b"%PDF-1.4 receipt of a laptop\n"
    added = _add(api, alice, refund["taskId"], fileName='receipt "May".pdf', size=len(content))
    assert added["uploadMethod"] == "PUT" and added["uploadHeaders"] == {
        "Content-Type": "application/pdf", "Content-Length": str(len(content))}
    not_yet = api.call("GET", f"tasks/{refund['taskId']}/attachments/{added['attachmentId']}", alice)
    assert not_yet.status == 409 and not_yet.error["code"] == "NotUploaded"
    assert _put(added["uploadUrl"], content, "application/pdf")[0] == 200
    listed = api.get(alice, refund["taskId"])["attachments"]
    assert [(a["attachmentId"], a["fileName"], a["size"], a["uploadedBy"]) for a in listed] == [
        (added["attachmentId"], 'receipt "May".pdf', len(content), alice.name)]
    # The approver who reviews the refund downloads it too.
    api.wait_for(alice, refund["taskId"], "AWAITING_APPROVAL")
    got = api.call("GET", f"tasks/{refund['taskId']}/attachments/{added['attachmentId']}", carol)
    assert got.status == 200, got
    with urllib.request.urlopen(got.body["downloadUrl"], timeout=30) as answer:
        assert answer.read() == content
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.headers["Content-Disposition"] == 'attachment; filename="receipt _May_.pdf"'
    api.call("POST", f"tasks/{refund['taskId']}/cancel", alice)


def test_s3_refuses_another_type_or_size_than_was_signed(api):
    alice = api.user("requester")
    purchase = api.completed_purchase(alice)
    added = _add(api, alice, purchase["taskId"], fileName="scan.png", contentType="image/png", size=4)
    other_type = _put(added["uploadUrl"], b"\x89PNG", "text/html")
    assert other_type[0] == 403 and b"SignatureDoesNotMatch" in other_type[1], other_type
    other_size = _put(added["uploadUrl"], b"\x89PNG and more", "image/png")
    assert other_size[0] == 403, other_size
    assert _put(added["uploadUrl"], b"\x89PNG", "image/png")[0] == 200


@pytest.mark.parametrize(("fields", "status", "field"), [
    ({"contentType": "application/zip"}, 422, "contentType"),
    ({"contentType": "text/html"}, 422, "contentType"),
    ({"size": TEN_MB + 1}, 413, "size"),
    ({"size": 0}, 422, "size"),
    ({"size": "12"}, 422, "size"),
    ({"size": True}, 422, "size"),
    ({"fileName": "../etc/passwd"}, 422, "fileName"),
    ({"fileName": ""}, 422, "fileName"),
    ({"fileName": "x" * 256}, 422, "fileName"),
    ({"fileName": None}, 422, "fileName"),
], ids=["zip", "html", "over 10 MB", "empty", "size as text", "size as boolean", "slash", "no name",
        "long name", "null name"])
def test_refused_attachments(api, fields, status, field):
    alice = api.user("requester")
    purchase = api.create(alice)
    body = {"fileName": "receipt.pdf", "contentType": "application/pdf", "size": 12, **fields}
    answer = api.call("POST", f"tasks/{purchase['taskId']}/attachments", alice, body)
    assert answer.status == status and answer.error["field"] == field, answer
    for missing in ("fileName", "contentType", "size"):
        partial = {k: v for k, v in body.items() if k != missing}
        answer = api.call("POST", f"tasks/{purchase['taskId']}/attachments", alice, partial)
        assert answer.status == 400 and answer.error["field"] == missing, answer


def test_every_allowed_type_and_the_largest_size_get_an_upload_url(api):
    alice = api.user("requester")
    purchase = api.create(alice)
    for content_type in ("application/pdf", "image/png", "image/jpeg", "image/webp", "text/plain", "text/csv"):
        assert _add(api, alice, purchase["taskId"], contentType=content_type, size=TEN_MB)["uploadUrl"]
    unknown = api.call("GET", f"tasks/{purchase['taskId']}/attachments/01M8PDJDCRAH5FCWQ6SQGZ2E5G", alice)
    assert unknown.status == 404 and unknown.error["field"] == "attachmentId"
