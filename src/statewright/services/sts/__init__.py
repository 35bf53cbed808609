"""AWS Security Token Service (awsQuery): who is calling. Statewright has one local principal,
the account's root user, so `GetCallerIdentity` answers that."""

from .service import StsService, create

__all__ = ["StsService", "create"]
