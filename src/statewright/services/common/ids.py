"""Random UUIDs (version 4) for names and request ids, without a system call per id."""

from __future__ import annotations

import random
import secrets
import uuid


class RandomIds:
    """A callable giving version-4 UUID strings from a generator seeded once by the OS.

    `uuid.uuid4()` reads the OS's randomness for every id, and that read releases the GIL: on a
    loaded server the event loop then waits for another thread to hand the GIL back (up to the
    interpreter's 5 ms switch interval) for an id that only has to differ from the others.
    These ids are unique (122 random bits, a fresh seed per process), not secret.
    """

    def __init__(self) -> None:
        self._random = random.Random(secrets.randbits(128))

    def __call__(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))
