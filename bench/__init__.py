"""The performance benchmark of issue 8: `python -m bench.run` (see bench/README.md).

The sandbox served on 127.0.0.1 with injected latency and scaled rate limits, seeded with N
campaigns; the real CLI run in a child process; calls counted from the sandbox's request log.
"""
