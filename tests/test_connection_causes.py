"""Connection failures named by their cause, from the OS error under the library's."""

from __future__ import annotations

import socket

from syncer.remote.causes import DNS, REFUSED, TIMEOUT, connection_failure


def _wrapped(cause: BaseException) -> Exception:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise OSError("All connection attempts failed") from inner
    except OSError as outer:
        return outer


def test_each_cause_is_found_under_the_library_error() -> None:
    assert connection_failure(_wrapped(ConnectionRefusedError(111, "refused"))) == REFUSED
    assert connection_failure(_wrapped(socket.gaierror(-2, "Name or service not known"))) == DNS
    assert connection_failure(_wrapped(TimeoutError())) == TIMEOUT
    assert connection_failure(RuntimeError("weird")) == "RuntimeError"
