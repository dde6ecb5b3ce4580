"""A hostile (or broken) vendor on 127.0.0.1: answers what each test scripts, records each call.

`HostileVendor(answer)` serves HTTP/1.1 from a thread; `answer(call)` returns an `Answer` (a
status, headers and a body given as chunks, each sent after an optional pause), so a test can
trickle bytes, send a huge or deeply nested body, repeat a page forever, or ask to wait. The
sandbox cannot misbehave in all these ways; this server exists to be as wrong as a test needs.
"""

from __future__ import annotations

import json
import textwrap
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.support.project import REPO, Project


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Answer:
    status: int = 200
    body: Iterable[bytes] = ()
    headers: dict[str, str] = field(default_factory=dict)
    pause: float = 0.0
    """Seconds to wait before each chunk of `body` (a trickling answer)."""
    length: int | None = None
    """Content-Length to announce; None: the sum of the chunks when `body` is a list."""


def json_answer(data: Any, status: int = 200, **headers: str) -> Answer:
    headers = {"Content-Type": "application/json", **headers}
    return Answer(status, [json.dumps(data).encode()], headers)


class HostileVendor:
    """The server; `url` is its base URL, `calls` what it received (in order)."""

    def __init__(self, answer: Callable[[Call], Answer]) -> None:
        self.answer = answer
        self.calls: list[Call] = []
        vendor = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(size) if size else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("latin-1")
                call = Call(self.command, self.path, dict(self.headers), body)
                vendor.calls.append(call)
                answer = vendor.answer(call)
                chunks = answer.body if not isinstance(answer.body, list) else list(answer.body)
                length = answer.length
                if length is None and isinstance(chunks, list):
                    length = sum(len(c) for c in chunks)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    if length is not None:
                        self.send_header("Content-Length", str(length))
                    else:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.flush()
                    for chunk in _chunks(chunks):
                        if answer.pause:
                            time.sleep(answer.pause)
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should have
                if length is None:
                    self.close_connection = True

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _chunks(body: Iterable[bytes]) -> Iterator[bytes]:
    yield from body


WELCOME = """\
# Sent when a user signs up. Managed in git: edit here, not in the dashboard.
provider: moengage
id: 66a1f0c2e4b0a1b2c3d4e501
lifecycle:
  # Copywriters tune the preview text in the dashboard; never overwrite it from git.
  ignore_changes: [campaign_content.content.email.preview_text]
campaign:
  channel: EMAIL
  campaign_delivery_type: EVENT_TRIGGERED
  basic_details:
    name: Welcome email
    content_type: TRANSACTIONAL
    user_attribute_identifier: MOE_EMAIL_ID
    tags: [onboarding]
  campaign_content:
    content:
      email:
        subject: "Welcome to Acme, {{UserAttribute['First Name']}}!"
        sender_name: Acme
        from_address: hello@acme.example
        reply_to_address: support@acme.example
        html_content: |
          <html><body>
          <h1>Welcome to Acme</h1>
          <p>Your account is ready. <a href="https://acme.example/start">Get started</a>.</p>
          </body></html>
  trigger_condition:
    included_filters:
      filter_operator: and
      filters:
        - filter_type: actions
          action_name: Signed Up
          executed: true
    trigger_delay_type: DELAY
    trigger_delay_value: 10
    trigger_delay_granularity: MINUTES
    trigger_relation: AFTER
  utm_params:
    utm_source: moengage
    utm_medium: email
    utm_campaign: welcome
"""
"""The example welcome email, self-contained (its HTML inline, no template or vars)."""

MOE_ENV = {"MOENGAGE_WORKSPACE_ID": "ws-hostile-1", "MOENGAGE_API_KEY": "moe/Hostile+Key=0123"}
BATCH_ENV = {"BATCH_PROJECT_KEY": "proj-hostile-1", "BATCH_API_KEY": "batch-hostile-key-0123"}


def vendor_project(root: Path, url: str, settings: str = "", retries: int = 0) -> Project:
    """A project whose targets `vendor` (MoEngage) and `vendor-batch` (Batch) are real,
    credentialed targets at `url` (a `HostileVendor`), with the example welcome and push
    campaigns; `settings` adds keys to both targets (e.g. `timeout = 2`); `retries`: their
    max_retries (none by default: each test sees the vendor's first answer)."""
    project = Project(root, url)
    text = f"""
        campaigns_dir = "campaigns"
        default_target = "vendor"

        [targets.vendor]
        provider = "moengage"
        base_url = "{url}"
        updated_by = "crm-bot@example.com"
        max_retries = {retries}
        {settings}

        [targets.vendor-batch]
        provider = "batch"
        base_url = "{url}"
        max_retries = {retries}
        {settings}
    """
    (root / "syncer.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    project.write("welcome.yaml", WELCOME)
    push = (REPO / "campaigns/batch/spring-push.yaml").read_text(encoding="utf-8")
    project.write("push.yaml", push.replace("target: sandbox-batch", "target: vendor-batch"))
    return project
