"""The task-management domain shared by every function of the app (a Lambda layer).

Only boto3 and the standard library are imported here, as in any Lambda code.
"""
