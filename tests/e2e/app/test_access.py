"""The access matrix over HTTP: each role × each endpoint × own and others' tasks, as one table.

Targets: the caller's own completed purchase and own refund (above the threshold, so it needs
approval), and another requester's. Cells whose expected answer changes a task (a cancel, an
approval, a rejection that succeeds) get a fresh target; the others share one set per role.
"""

from __future__ import annotations

import time
import urllib.request

import pytest
from taskapp import tokens

ROLES = ("requester", "approver", "admin")
OWN_PURCHASE, OWN_REFUND, OTHER_PURCHASE, OTHER_REFUND = "own purchase", "own refund", "other's purchase", "other's refund"

# (endpoint, target) -> expected status for (requester, approver, admin).
MATRIX: dict[tuple[str, str | None], tuple[int, int, int]] = {
    ("POST /tasks", None): (201, 201, 201),
    ("POST /tasks refund", OWN_PURCHASE): (201, 201, 201),
    ("POST /tasks refund", OTHER_PURCHASE): (403, 403, 403),
    ("GET /tasks", None): (200, 200, 200),
    ("GET /tasks/{id}", OWN_PURCHASE): (200, 200, 200),
    ("GET /tasks/{id}", OWN_REFUND): (200, 200, 200),
    ("GET /tasks/{id}", OTHER_PURCHASE): (403, 403, 200),
    ("GET /tasks/{id}", OTHER_REFUND): (403, 200, 200),
    ("POST cancel", OWN_PURCHASE): (409, 409, 409),  # completed: no longer cancellable
    ("POST cancel", OWN_REFUND): (200, 200, 200),
    ("POST cancel", OTHER_PURCHASE): (403, 403, 403),
    ("POST cancel", OTHER_REFUND): (403, 403, 403),
    ("POST attachments", OWN_PURCHASE): (201, 201, 201),
    ("POST attachments", OWN_REFUND): (201, 201, 201),
    ("POST attachments", OTHER_PURCHASE): (403, 403, 403),
    ("POST attachments", OTHER_REFUND): (403, 403, 403),
    ("GET attachment", OWN_PURCHASE): (200, 200, 200),
    ("GET attachment", OWN_REFUND): (200, 200, 200),
    ("GET attachment", OTHER_PURCHASE): (403, 403, 200),
    ("GET attachment", OTHER_REFUND): (403, 200, 200),
    ("GET /approvals", None): (403, 200, 200),
    ("POST approve", OWN_PURCHASE): (403, 403, 403),
    ("POST approve", OWN_REFUND): (403, 403, 403),  # nobody reviews their own request
    ("POST approve", OTHER_PURCHASE): (403, 403, 409),  # an admin sees it, but it awaits nothing
    ("POST approve", OTHER_REFUND): (403, 200, 200),
    ("POST reject", OWN_PURCHASE): (403, 403, 403),
    ("POST reject", OWN_REFUND): (403, 403, 403),
    ("POST reject", OTHER_PURCHASE): (403, 403, 409),
    ("POST reject", OTHER_REFUND): (403, 200, 200),
}
CELLS = [(endpoint, target, role, statuses[i]) for (endpoint, target), statuses in MATRIX.items()
         for i, role in enumerate(ROLES)]
CHANGES_TARGET = {"POST cancel", "POST approve", "POST reject"}


class Targets:
    """Tasks for the matrix, each with an uploaded attachment, made on first use."""

    def __init__(self, api) -> None:
        self.api = api
        self.callers = {role: api.user(role) for role in ROLES}
        self.other = api.user("requester", "other")
        self.shared: dict[tuple[str, str], dict] = {}

    def get(self, role: str, target: str, fresh: bool) -> tuple[dict, str]:
        key = (role, target) if target in (OWN_PURCHASE, OWN_REFUND) else ("*", target)
        if fresh or key not in self.shared:
            owner = self.callers[role] if target in (OWN_PURCHASE, OWN_REFUND) else self.other
            made = self._make(owner, target in (OWN_REFUND, OTHER_REFUND))
            if fresh:
                return made
            self.shared[key] = made
        return self.shared[key]

    def _make(self, owner, refund: bool) -> tuple[dict, str]:
        task = self.api.completed_purchase(owner, "1000.00")
        if refund:
            created = self.api.create(owner, "REFUND", "700.00", purchase_id=task["taskId"])
            task = self.api.wait_for(owner, created["taskId"], "AWAITING_APPROVAL")
        added = self.api.call("POST", f"tasks/{task['taskId']}/attachments", owner,
                              {"fileName": "r.txt", "contentType": "text/plain", "size": 2})
        assert added.status == 201, added
        request = urllib.request.Request(added.body["uploadUrl"], data=b"ok", method="PUT",
                                         headers=added.body["uploadHeaders"])
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200
        return task, added.body["attachmentId"]


@pytest.fixture(scope="module")
def targets(api) -> Targets:
    return Targets(api)


def _request(endpoint: str, task: dict | None, attachment_id: str | None) -> tuple[str, str, dict | None]:
    task_id = task["taskId"] if task else ""
    return {
        "POST /tasks": ("POST", "tasks", {"type": "PURCHASE", "amount": "5.00", "currency": "USD"}),
        "POST /tasks refund": ("POST", "tasks", {"type": "REFUND", "amount": "1.00", "currency": "USD",
                                                 "purchaseId": task_id}),
        "GET /tasks": ("GET", "tasks", None),
        "GET /tasks/{id}": ("GET", f"tasks/{task_id}", None),
        "POST cancel": ("POST", f"tasks/{task_id}/cancel", None),
        "POST attachments": ("POST", f"tasks/{task_id}/attachments",
                             {"fileName": "x.pdf", "contentType": "application/pdf", "size": 10}),
        "GET attachment": ("GET", f"tasks/{task_id}/attachments/{attachment_id}", None),
        "GET /approvals": ("GET", "approvals", None),
        "POST approve": ("POST", f"tasks/{task_id}/approve", None),
        "POST reject": ("POST", f"tasks/{task_id}/reject", None),
    }[endpoint]


@pytest.mark.parametrize(("endpoint", "target", "role", "expected"), CELLS,
                         ids=[f"{role}-{endpoint}-{target or 'any'}" for endpoint, target, role, _ in CELLS])
def test_access_matrix(api, targets, endpoint, target, role, expected):
    task, attachment_id = (None, None)
    if target is not None:
        task, attachment_id = targets.get(role, target, fresh=endpoint in CHANGES_TARGET and expected == 200)
    method, path, body = _request(endpoint, task, attachment_id)
    answer = api.call(method, path, targets.callers[role], body)
    assert answer.status == expected, answer
    if expected >= 400 and isinstance(answer.body, dict) and "error" in answer.body:
        assert answer.error["code"] and answer.error["message"]
    elif expected == 403:
        # Only API Gateway's own answer to the authorizer's explicit Deny lacks the app's error shape.
        assert role == "requester" and endpoint in ("GET /approvals", "POST approve", "POST reject"), answer


def test_listings_show_own_tasks_approvers_the_queue_and_admins_everything(api, targets):
    own, other = targets.get("requester", OWN_REFUND, False)[0], targets.get("requester", OTHER_REFUND, False)[0]

    def listed(user, path: str) -> set[str]:
        found, token = set(), None
        while True:
            answer = api.call("GET", path + (f"&nextToken={token}" if token else ""), user)
            assert answer.status == 200, answer
            found |= {item["taskId"] for item in answer.body["items"]}
            token = answer.body.get("nextToken")
            if not token:
                return found

    requester, approver, admin = (targets.callers[role] for role in ROLES)
    assert own["taskId"] in listed(requester, "tasks?limit=100")
    assert other["taskId"] not in listed(requester, "tasks?limit=100")
    assert other["taskId"] not in listed(approver, "tasks?limit=100")
    assert {own["taskId"], other["taskId"]} <= listed(admin, "tasks?limit=100&type=REFUND")
    fresh = targets.get("requester", OTHER_REFUND, fresh=True)[0]
    assert fresh["taskId"] in listed(approver, "approvals?limit=100")
    assert fresh["taskId"] in listed(admin, "approvals?limit=100")


def _bad_tokens(api) -> dict[str, str | None]:
    now = int(time.time())
    return {"no header": None, "not bearer": "Basic dXNlcjpwYXNz", "garbage": "Bearer not.a.jwt",
            "wrong secret": "Bearer " + tokens.issue("mallory", "admin", "x" * 48, now),
            "expired": "Bearer " + tokens.issue("alice", "requester", api.secret, now - 7200, 3600),
            "alg none": "Bearer eyJhbGciOiJub25lIn0." + tokens.encode({"sub": "m", "role": "admin",
                                                                      "exp": now + 60}, "s").split(".")[1] + "."}


@pytest.mark.parametrize("endpoint", sorted({endpoint for endpoint, _ in MATRIX}))
def test_every_endpoint_refuses_missing_and_bad_tokens(api, endpoint):
    fake = {"taskId": "01M8PDJDCRAH5FCWQ6SQGZ2E5G"}
    method, path, body = _request(endpoint, fake, "01M8PDJDCRAH5FCWQ6SQGZ2E5H")
    for name, token in _bad_tokens(api).items():
        answer = api.call(method, path, body=body, token=token)
        assert answer.status == 401, (name, answer)
