"""The physical floor of a run and the fewest calls a scenario allows (pure).

The floor is the larger of two bounds: the rate limits (calls pushed through the vendor's
documented windows, as fast as they allow, steadily at the shortest window's rate; each
dependent phase then waits one more round trip) and the latency (calls x latency / the calls
that can be in flight at once).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from syncer.remote.ratelimit import Windows

PAGE = 15
# The sandbox counts creations apart from every other call (search, update, status).
CLASSES = {"create": "create", "search": "default", "update": "default", "status": "default"}


def schedule(calls: int, windows: Windows, scale: float) -> float:
    """When the last of `calls` can start: steadily at the shortest window's rate, never
    breaking any window (a call may start once the call `limit` places before it is older
    than the window)."""
    if calls <= 0:
        return 0.0
    limits = sorted(((max(1, int(n * scale)), seconds) for n, seconds in windows), key=_by_span)
    steady = limits[0][0] / limits[0][1]
    starts: list[float] = []
    for index in range(calls):
        at = index / steady
        for limit, seconds in limits[1:]:
            if index >= limit:
                at = max(at, starts[index - limit] + seconds)
        starts.append(at)
    return starts[-1]


def _by_span(window: tuple[int, float]) -> float:
    return window[1]


def floor(
    calls: Mapping[str, int],
    limits: Mapping[str, Windows],
    *,
    scale: float,
    latency: float,
    concurrency: int,
    phases: int = 1,
) -> float:
    """Seconds the calls of a run take at best.

    Args:
        calls: by kind (`search`, `update`, `status`, `create`).
        limits: the vendor's windows by class (`default`, `create`).
        phases: steps that wait for the previous one's answers (apply: read, write, read back).
    """
    by_class: dict[str, int] = {}
    for kind, count in calls.items():
        name = CLASSES.get(kind, "default")
        by_class[name] = by_class.get(name, 0) + count
    total = sum(by_class.values())
    if total == 0:
        return 0.0
    rate = max(schedule(n, limits[name], scale) for name, n in by_class.items())
    return max(rate + phases * latency, total * latency / max(1, concurrency))


def fewest_reads(ids: int, workspace: int) -> int:
    """Searches by id, or a listing that stops once every id is seen (ids only)."""
    return min(ids, math.ceil(workspace / PAGE)) if ids else 0


def fewest_calls(
    steps: Sequence[str], *, managed: int, changed: int, workspace: int
) -> dict[str, int]:
    """The minimum of a plan (`read`), an apply (`read`, `write`, `read back`)."""
    minimum = {"read": fewest_reads(managed, workspace)}
    if "write" in steps:
        minimum["write"] = changed
        minimum["read back"] = fewest_reads(changed, workspace)
    return minimum
