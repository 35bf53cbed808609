"""The AWS Step Functions API (AWS JSON 1.0) over the engine and the store."""

from .arns import Arns
from .errors import ApiError
from .service import StepFunctionsService

__all__ = ["ApiError", "Arns", "StepFunctionsService"]
