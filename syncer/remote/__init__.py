"""REMOTE: the HTTP edge. One pooled client per target, rate-limited, retried and redacted,
with the call history shared by successive runs.

Takes requests (method, path, body); returns answers or `ApiError`s. Only this package (and the
sandbox) talks HTTP.
"""
