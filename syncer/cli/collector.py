"""The cycle collector's pace: tuned for one command, Python's own for a server.

`collector_for_one_command` wraps a command run by `syncer.cli.main`; `serving` puts Python's
defaults back for a process that serves until it is stopped (`syncer sandbox serve`).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

COLLECT_AFTER = 200_000
"""Allocations between two runs of the cycle collector during a command (Python's default:
700; mypy, another short-lived process with a large heap, uses the same)."""


@contextlib.contextmanager
def collector_for_one_command(*, ending: bool = False) -> Iterator[None]:
    """The garbage collector, tuned for one command: it runs a few hundred times less often.

    A command builds a heap it keeps to its end (10,000 definitions, remote campaigns and
    plans) and makes little cyclic garbage (a few objects per HTTP call; nothing large is left
    in a cycle, see `remote.sendgate.Ticket.done`). With the default thresholds the collector
    scanned that heap again and again as it grew: about a second of CPU in a plan of 10,000
    campaigns, a tenth of the command. The caller's settings come back afterwards (tests run
    commands in-process); when the process ends with the command (`ending`), its heap is
    frozen instead: Python's last full collection at exit scanned it once more (0.25 s
    after a plan of 10,000 campaigns)."""
    before = gc.get_threshold()
    gc.set_threshold(COLLECT_AFTER, 30, 30)
    try:
        yield
    finally:
        if ending:
            gc.freeze()
        else:
            gc.set_threshold(*before)


DEFAULT = (700, 10, 10)
"""Python's own thresholds."""


def serving() -> None:
    """A server runs for hours and its heap does not simply grow: Python's default pace, with
    short pauses (a long one bunches the answers it was about to give)."""
    gc.set_threshold(*DEFAULT)
