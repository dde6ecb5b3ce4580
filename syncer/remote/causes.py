"""Why a connection failed, in a person's words (pure).

Takes the exception a connection attempt raised; returns "connection refused", "the host name
does not resolve (DNS)", "the connection timed out" or "the network is unreachable", read from
the OS error under the HTTP library's own (whose text is often only "All connection attempts
failed"), or the exception's type when none of these is known.
"""

from __future__ import annotations

import socket

REFUSED = "connection refused (nothing listens on that port?)"
DNS = "the host name does not resolve (DNS)"
TIMEOUT = "the connection timed out"


def connection_failure(exc: BaseException) -> str:
    seen: BaseException | None = exc
    texts: list[str] = []
    while seen is not None and len(texts) < 10:
        if isinstance(seen, socket.gaierror):
            return DNS
        if isinstance(seen, ConnectionRefusedError):
            return REFUSED
        if isinstance(seen, TimeoutError):
            return TIMEOUT
        texts.append(str(seen).lower())
        seen = seen.__cause__ or seen.__context__
    text = " ".join(texts)
    if "refused" in text:
        return REFUSED
    if any(s in text for s in ("name or service", "nodename", "name resolution", "getaddrinfo")):
        return DNS
    if "unreachable" in text:
        return "the network is unreachable"
    return type(exc).__name__
