"""Prints a bearer token for the app served from a data directory (`make token USER=... ROLE=...`).

The signing secret lives in `<data dir>/app-secret`: created once (random, mode 0600) by the first
caller, then passed by `make run` as the template's `JwtSecret` parameter override. Standard library
only, like the app; the token format is the one the authorizer checks (layers/common/.../tokens.py).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "layers" / "common" / "python"))

from taskapp import tokens  # noqa: E402  (the layer's package, found through the path above)

SECRET_FILE = "app-secret"
DEMO_USERS = (("alice", "requester"), ("bob", "requester"), ("carol", "approver"), ("dave", "admin"))


def secret_for(data_dir: Path) -> str:
    """The data directory's signing secret, created on first use."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another caller created it first: use theirs
            return path.read_text().strip()
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text().strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", help="user name (the token's sub)")
    parser.add_argument("--role", choices=tokens.ROLES)
    parser.add_argument("--data-dir", default=".statewright", help="the server's data directory")
    parser.add_argument("--hours", type=float, default=8.0, help="how long the token is valid")
    parser.add_argument("--print-secret", action="store_true", help="print only the signing secret")
    parser.add_argument("--demo", action="store_true", help="print `user role token` for the demo users")
    args = parser.parse_args(argv)
    if not (args.print_secret or args.demo) and not (args.user and args.role):
        parser.error("--user and --role are required (or --print-secret, --demo)")
    secret = secret_for(Path(args.data_dir))
    if args.print_secret:
        print(secret)
        return 0
    if args.demo:
        for user, role in DEMO_USERS:
            print(user, role, tokens.issue(user, role, secret, int(time.time()), int(args.hours * 3600)))
        return 0
    try:
        print(tokens.issue(args.user, args.role, secret, int(time.time()), int(args.hours * 3600)))
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
