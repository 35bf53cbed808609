"""Who may see and do what: requesters their own tasks, approvers also what needs approval, admins all."""

from __future__ import annotations

from ..context import Context
from ..errors import ApiError, forbidden, not_found
from ..ids import is_id
from .http import Caller


def can_see(caller: Caller, task: dict) -> bool:
    if caller.role == "admin" or task["owner"] == caller.user:
        return True
    return caller.role == "approver" and bool(task.get("requiresApproval"))


def visible_task(context: Context, caller: Caller, task_id: str) -> dict:
    """The task if the caller may see it: 404 when there is none, 403 when it is someone else's."""
    if not is_id(task_id):
        raise not_found(f"task {task_id} does not exist", "taskId")
    task = context.store.get(task_id)
    if task is None:
        raise not_found(f"task {task_id} does not exist", "taskId")
    if not can_see(caller, task):
        raise forbidden("this task belongs to another user", "taskId")
    return task


def require_reviewer(caller: Caller) -> None:
    if not caller.reviews:
        raise forbidden(f"role {caller.role} cannot review tasks; approvers and admins can", None)


def require_owner(caller: Caller, task: dict, what: str) -> None:
    if task["owner"] != caller.user:
        raise ApiError(403, "Forbidden", f"only the owner of a task can {what} it", "taskId")
