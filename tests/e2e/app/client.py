"""An HTTP client of the task-management app's REST API, as a user with a bearer token would call it."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

from taskapp import tokens

EXECUTION_ENDS = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"}
TERMINAL = {"COMPLETED", "REJECTED", "FAILED", "CANCELLED", "PARTIALLY_REFUNDED", "REFUNDED"}


@dataclass
class Answer:
    status: int
    body: object
    headers: dict = field(default_factory=dict)  # names in lower case

    @property
    def error(self) -> dict:
        assert isinstance(self.body, dict) and "error" in self.body, f"not an error answer: {self.status} {self.body}"
        return self.body["error"]


@dataclass(frozen=True)
class User:
    name: str
    role: str
    token: str


class AppApi:
    """Calls the API at `base_url` (the template's ApiUrl output) with tokens signed by `secret`."""

    def __init__(self, base_url: str, secret: str) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.secret = secret

    def user(self, role: str, prefix: str | None = None) -> User:
        """A fresh user (its own name, so tests never see each other's tasks)."""
        name = f"{prefix or role}-{uuid.uuid4().hex[:8]}"
        return User(name, role, tokens.issue(name, role, self.secret, int(time.time()), 3600))

    def call(self, method: str, path: str, user: User | None = None, body: object = None,
             headers: dict | None = None, raw: bytes | None = None, token: str | None = None) -> Answer:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = token
        elif user is not None:
            sent["Authorization"] = f"Bearer {user.token}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            sent.setdefault("Content-Type", "application/json")
        request = urllib.request.Request(self.base_url + path.lstrip("/"), data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return Answer(answer.status, _json(answer.read()), _lower(answer.headers))
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, _json(error.read()), _lower(error.headers))

    # The calls most tests make, checked on the way so a test reads as its scenario.

    def create(self, user: User, kind: str = "PURCHASE", amount: str = "100.00", currency: str = "USD",
               purchase_id: str | None = None, expect: int = 201, **extra: object) -> dict:
        body: dict = {"type": kind, "amount": amount, "currency": currency, "description": f"{kind.lower()} {amount}",
                      **extra}
        if purchase_id:
            body["purchaseId"] = purchase_id
        answer = self.call("POST", "tasks", user, body)
        assert answer.status == expect, answer
        assert isinstance(answer.body, dict)
        return answer.body

    def get(self, user: User, task_id: str) -> dict:
        answer = self.call("GET", f"tasks/{task_id}", user)
        assert answer.status == 200, answer
        assert isinstance(answer.body, dict)
        return answer.body

    def wait_for(self, user: User, task_id: str, statuses: set[str] | str, timeout: float = 45.0) -> dict:
        """Polls the task until its status is one of `statuses`; fails naming the last status seen."""
        wanted = {statuses} if isinstance(statuses, str) else statuses
        deadline = time.monotonic() + timeout
        task: dict = {}
        while time.monotonic() < deadline:
            task = self.get(user, task_id)
            if task["status"] in wanted:
                return task
            if task["status"] in TERMINAL - wanted and task["status"] not in ("COMPLETED", "PARTIALLY_REFUNDED"):
                break  # a final status that is not the one awaited: no point waiting longer
            time.sleep(0.05)
        raise AssertionError(f"task {task_id} is {task.get('status')}, expected {sorted(wanted)}: {task}")

    def ended(self, user: User, task_id: str, timeout: float = 30.0) -> dict:
        """The task once its workflow execution has ended (the timeline's last event says how): a step
        records the status before the execution takes its last transitions."""
        deadline = time.monotonic() + timeout
        while (task := self.get(user, task_id))["timeline"][-1]["type"] not in EXECUTION_ENDS:
            assert time.monotonic() < deadline, f"the execution of {task_id} did not end: {task['timeline'][-1]}"
            time.sleep(0.05)
        return task

    def completed_purchase(self, user: User, amount: str = "100.00") -> dict:
        task = self.create(user, amount=amount)
        return self.wait_for(user, task["taskId"], "COMPLETED")


def _json(raw: bytes) -> object:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _lower(headers) -> dict:
    return {name.lower(): value for name, value in headers.items()}
