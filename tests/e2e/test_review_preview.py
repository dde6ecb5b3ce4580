"""`syncer preview`, end to end: the real CLI against the sandbox, screenshots by the real
headless Chromium, and a local "tracking pixel" server that must never be called."""

from __future__ import annotations

import http.server
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from syncer.render.visible import read
from syncer.workflows.browser import find
from tests.support.project import Project

WELCOME = "onboarding/welcome.yaml"


class _Hits(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def pixel_server() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 standing in for a tracking pixel's host; yields (url, hits)."""
    hits: list[str] = []
    handler = type("Handler", (_Hits,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pixel.gif", hits
    finally:
        server.shutdown()
        server.server_close()


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR is always the first chunk)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _edit_welcome(project: Project, pixel: str) -> None:
    text = project.read(WELCOME)
    old = "<h1>Welcome to Acme</h1>"
    assert old in text
    host = pixel.rsplit("/", 1)[0]
    # Every way an email can make its reader's client fetch: img, CSS url(), a table
    # background, a stylesheet, a script, a frame.
    fetchers = (
        f'<img src="{pixel}"><p style="background:url({host}/bg.gif)">.</p>'
        f'<table><tr><td background="{host}/td.gif">.</td></tr></table>'
        f'<link rel="stylesheet" href="{host}/s.css"><script src="{host}/x.js"></script>'
        f'<iframe src="{host}/frame.html"></iframe>'
        f'<link rel="preconnect" href="{host}/"><link rel="prefetch" href="{host}/next.html">'
        f'<meta http-equiv="refresh" content="0;url={host}/refresh.html">'
    )
    project.write(WELCOME, text.replace(old, f"<h1>Welcome aboard</h1>{fetchers}"))


def test_preview_renders_before_and_after_at_600_and_375_px_without_fetching(
    demo: Project, sandbox: Any, pixel_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    pixel, hits = pixel_server
    _edit_welcome(demo, pixel)
    out = tmp_path / "previews"
    sandbox.clear_requests()
    result = demo.run("preview", WELCOME, "--out", str(out), "--browser", find() or "chromium")
    assert result.code == 0, result.all
    assert "Wrote 1 campaign preview(s) and 4 screenshot(s)" in result.err
    folder = out / "sandbox" / "onboarding" / "welcome"
    for side in ("before", "after"):
        for width in (600, 375):
            assert png_size(folder / f"1-{side}-{width}.png") == (width, 1200)
    before = read((folder / "1-before.html").read_text(encoding="utf-8")).text
    after = read((folder / "1-after.html").read_text(encoding="utf-8")).text
    assert "subject: Welcome to Acme" in before and "Welcome to Acme" in before
    assert "Welcome aboard" not in before
    assert "Welcome aboard" in after
    # Personalization tokens are shown as tokens.
    assert "subject: Welcome to Acme, {{UserAttribute['First Name']}}!" in after
    document = (folder / "1-after.html").read_text(encoding="utf-8")
    assert 'http-equiv="Content-Security-Policy"' in document
    assert f'src="{pixel}"' not in document and "remote%20image%20not%20loaded" in document
    assert hits == []  # the browser never called the pixel
    page = (out / "sandbox" / "onboarding" / "welcome.html").read_text(encoding="utf-8")
    assert 'href="welcome/1-before.html"' in page and 'href="welcome/1-after-375.png"' in page
    assert "srcdoc=" in page and f'src="{pixel}"' not in page
    assert 'href="sandbox/onboarding/welcome.html"' in (out / "index.html").read_text("utf-8")
    assert all(r["method"] == "GET" or r["path"].endswith("/search") for r in sandbox.requests())


def no_browser(tmp_path: Path) -> dict[str, str | None]:
    """An environment whose PATH holds no browser."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    return {"PATH": str(empty)}


def test_without_a_browser_it_writes_html_only_and_says_so_once(
    demo: Project, tmp_path: Path
) -> None:
    out = tmp_path / "previews"
    result = demo.run("preview", "--out", str(out), env=no_browser(tmp_path))
    assert result.code == 0, result.all
    assert result.err.count("HTML previews only") == 1
    assert list(out.rglob("*.png")) == []
    assert (out / "sandbox" / "onboarding" / "welcome.html").is_file()
    assert (out / "sandbox" / "newsletters" / "monthly-digest" / "1-after.html").is_file()
    assert "No browser was found" in (out / "index.html").read_text(encoding="utf-8")
    # A create has no before; Batch cannot show an email's content.
    assert "a new campaign" in (
        out / "sandbox" / "newsletters" / "monthly-digest" / "1-before.html"
    ).read_text(encoding="utf-8")
    assert "remote content not readable" in (
        out / "sandbox-batch" / "batch" / "reactivation" / "1-before.html"
    ).read_text(encoding="utf-8")


def test_the_markdown_links_the_pages_preview_writes(demo: Project, tmp_path: Path) -> None:
    out = tmp_path / "previews"
    base = "https://ci.example/artifacts/previews/"
    assert demo.run("preview", "--out", str(out), env=no_browser(tmp_path)).code == 0
    markdown = demo.run("plan", "--format", "markdown", "--preview-url", base).out
    links = [part.split(")")[0] for part in markdown.split(f"]({base}")[1:]]
    assert "sandbox/onboarding/welcome.html" in links
    assert len(links) == 4  # two creates, two updates; the blocked one changes nothing
    for link in links:
        assert (out / link).is_file(), link


def test_a_sample_profile_fills_tokens(demo: Project, tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text("First Name: Ada\n", encoding="utf-8")
    out = tmp_path / "previews"
    result = demo.run(
        "preview", WELCOME, "--out", str(out), "--sample-profile", str(profile),
        env=no_browser(tmp_path),
    )  # fmt: skip
    assert result.code == 0, result.all
    after = (out / "sandbox" / "onboarding" / "welcome" / "1-after.html").read_text("utf-8")
    assert "Welcome to Acme, Ada!" in after  # the subject, in the inbox band
    assert "{{UserAttribute" not in after


def test_an_archive_url_is_linked_once_per_campaign_naming_its_page(demo: Project) -> None:
    archive = "https://github.com/acme/campaigns/actions/runs/1/artifacts/2"
    markdown = demo.run("plan", "--format", "markdown", "--preview-url", archive).out
    assert f"- 🖼️ preview: [previews]({archive}), open `sandbox/onboarding/welcome.html`" in (
        markdown
    )
