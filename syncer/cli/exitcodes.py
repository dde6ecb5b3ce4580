"""Exit codes (documented in the README, then frozen).

When several apply, the first in the order 1, 4, 3, 2 wins.
"""

from __future__ import annotations

OK = 0
ERROR = 1
CHANGES = 2
BLOCKED = 3
STALE = 4
INTERRUPTED = 130
PRECEDENCE = (ERROR, STALE, BLOCKED, CHANGES)


def combine(*codes: int) -> int:
    """The code to exit with when several conditions hold."""
    if INTERRUPTED in codes:
        return INTERRUPTED
    for code in PRECEDENCE:
        if code in codes:
            return code
    return OK
