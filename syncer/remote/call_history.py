"""Calls recently made to one vendor account from this machine, shared by successive runs.

Vendors count every call an account made in the last second, minute, hour (MoEngage creations:
day), whichever process made it. A limiter that starts empty in each run would let
`syncer plan` then `syncer apply`, or an apply run again after a failure, burst into windows
the previous run had filled, and meet 429s. Each call is appended here as it leaves (one line:
epoch milliseconds and endpoint class); a new run's limiter starts from the calls still inside
its windows.

Takes a file path and, per endpoint class, how far back calls matter; returns recent call
times. Best effort by design: a history that cannot be read or written only costs the
protection it gives (the vendor's 429 and its Retry-After remain the backstop), never the run.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from pathlib import Path

from syncer.config.private import append_private, private_dir, write_private

log = logging.getLogger("syncer.ratelimit")

COMPACT_AFTER = 4096
"""Lines past their windows tolerated before the file is rewritten without them."""


def history_path(directory: Path, *identity: str) -> Path:
    """One file per vendor account (provider, base URL, account id): every target that points
    at the same account shares its limits, as the vendor counts them."""
    key = hashlib.sha256("\n".join(identity).encode()).hexdigest()[:20]
    return directory / f"{key}.log"


class CallHistory:
    """The call log of one vendor account."""

    def __init__(self, path: Path, horizons: Mapping[str, float]) -> None:
        """`horizons`: per endpoint class, how many seconds back its calls still count."""
        self.path = path
        self.horizons = dict(horizons)

    def recent(self, now: float | None = None) -> dict[str, list[float]]:
        """Per endpoint class, the epoch times (seconds, ascending) of calls still inside its
        longest window."""
        now = time.time() if now is None else now
        try:
            lines = self.path.read_text(encoding="ascii", errors="replace").splitlines()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.debug("call history not read (%s): %s", self.path, exc)
            return {}
        found: dict[str, list[float]] = {}
        kept: list[str] = []
        for line in lines:
            stamp, _, endpoint = line.partition(" ")
            horizon = self.horizons.get(endpoint)
            try:
                when = int(stamp) / 1000
            except ValueError:
                continue  # a line cut short by a crash, or not ours
            if horizon is None or not now - horizon <= when <= now + 60:
                continue
            found.setdefault(endpoint, []).append(when)
            kept.append(line)
        if len(lines) - len(kept) > COMPACT_AFTER:
            self._rewrite(kept)
        return {endpoint: sorted(times) for endpoint, times in found.items()}

    def record(self, endpoint: str, when: float | None = None) -> None:
        """Append one call (an atomic append: concurrent runs interleave whole lines)."""
        stamp = int((time.time() if when is None else when) * 1000)
        line = f"{stamp} {endpoint}\n".encode("ascii")
        try:
            private_dir(self.path.parent)
            append_private(self.path, line)  # never through a link (O_NOFOLLOW)
        except OSError as exc:
            log.debug("call not recorded in %s: %s", self.path, exc)

    def _rewrite(self, lines: list[str]) -> None:
        try:
            write_private(self.path, "".join(f"{line}\n" for line in lines).encode("ascii"))
        except (OSError, UnicodeEncodeError) as exc:
            log.debug("call history not compacted (%s): %s", self.path, exc)
