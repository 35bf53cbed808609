"""The workflow's status steps (start, await-approval, complete-*, fail, expire); core in taskapp.workflow."""

import boto3
from taskapp.context import from_environment
from taskapp.workflow import TaskNotActive, TaskNotFound, run_step

__all__ = ["TaskNotActive", "TaskNotFound", "lambda_handler"]


def lambda_handler(event, context):
    return run_step(from_environment("workflow", boto3.client), event)
