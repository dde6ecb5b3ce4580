"""moto's S3 server on 127.0.0.1 (a free port), for the S3 state backend's tests.

`serve_s3()` starts it with throwaway credentials in the environment and one bucket, and
yields the endpoint URL; nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import Iterator

BUCKET = "campaign-state"
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
CLEARED = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def fake_aws_env() -> Iterator[dict[str, str]]:
    saved = {k: os.environ.get(k) for k in (*FAKE_ENV, *CLEARED)}
    os.environ.update(FAKE_ENV)
    for key in CLEARED:
        os.environ.pop(key, None)
    try:
        yield dict(FAKE_ENV)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def serve_s3(bucket: str = BUCKET) -> Iterator[str]:
    """moto's S3 on 127.0.0.1; yields its endpoint URL with `bucket` created."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log on stderr
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        with fake_aws_env():
            client = boto3.session.Session().client("s3", endpoint_url=endpoint)
            client.create_bucket(Bucket=bucket)
            yield endpoint
    finally:
        server.stop()
