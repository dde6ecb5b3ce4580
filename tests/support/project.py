"""A user's project on disk (syncer.toml + campaigns/) and a way to run the real CLI in it.

`Project.run(...)` calls the console-script entry point in-process (argv, stdout, stderr, the
environment and the exit code exactly as a user gets them); `Project.spawn(...)` runs it in a
separate process, for tests that kill it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import mjml

from syncer.cli import main

REPO = Path(__file__).resolve().parents[2]


def example_html(name: str, target: str, brand: str = "Acme") -> str:
    """What the example template `templates/NAME` renders to, computed here with Jinja2 and
    MJML directly (not with the tool's code): the bytes a request must carry."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(REPO / "templates"),
        undefined=jinja2.StrictUndefined,
        block_start_string="[%",
        block_end_string="%]",
        variable_start_string="[[",
        variable_end_string="]]",
        comment_start_string="[#",
        comment_end_string="#]",
        keep_trailing_newline=True,
    )
    text = env.get_template(name).render(var={"brand": brand}, target=target)
    if name.removesuffix(".j2").endswith(".mjml"):
        html: str = mjml.mjml2html(text)
        return html
    return text


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def all(self) -> str:
        return self.out + self.err

    def json(self) -> Any:
        return json.loads(self.out)


@contextlib.contextmanager
def _environment(env: Mapping[str, str | None]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in env}
    try:
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Project:
    """A project directory whose targets point at a served sandbox."""

    def __init__(self, root: Path, base_url: str) -> None:
        self.root = root
        self.base_url = base_url
        self.campaigns = root / "campaigns"
        self.campaigns.mkdir(parents=True, exist_ok=True)

    def configure(
        self,
        extra: str = "",
        *,
        moengage: str = "",
        batch: str = "",
        scale: float = 20.0,
        push: bool = True,
    ) -> None:
        """Write syncer.toml: target `sandbox` (MoEngage) and `sandbox-batch` (Batch) served at
        `base_url`, plus `extra` TOML; `moengage` / `batch` add keys to those targets (whose
        vars hold the `brand` the example templates use). `scale` multiplies the vendors' rate
        limits (the e2e `sandbox` fixture's is 20 too). `push`: the Batch target writes push
        messages (`experimental_push`), as the example's does."""
        text = f"""
            campaigns_dir = "campaigns"
            default_target = "sandbox"

            [targets.sandbox]
            provider = "moengage"
            sandbox = true
            base_url = "{self.base_url}"
            updated_by = "crm-bot@example.com"
            rate_limit_scale = {scale}
            {moengage}
            [targets.sandbox.vars]
            brand = "Acme"

            [targets.sandbox-batch]
            provider = "batch"
            sandbox = true
            base_url = "{self.base_url}"
            rate_limit_scale = {scale}
            experimental_push = {"true" if push else "false"}
            {batch}
            [targets.sandbox-batch.vars]
            brand = "Acme"
        """
        (self.root / "syncer.toml").write_text(textwrap.dedent(text) + extra, encoding="utf-8")

    def copy_examples(self) -> None:
        """The repository's own example campaigns (the demo the sandbox is seeded against) and
        the templates they use.

        Not `campaigns/environments/`: it goes to the quickstart's two environment targets,
        which `configure` does not write (tests/e2e/test_quickstart.py plays it)."""
        top = REPO / "campaigns"
        shutil.copytree(
            top,
            self.campaigns,
            dirs_exist_ok=True,
            ignore=lambda where, _names: ["environments"] if Path(where) == top else [],
        )
        if (REPO / "templates").is_dir():
            shutil.copytree(REPO / "templates", self.root / "templates", dirs_exist_ok=True)

    def write(self, key: str, text: str) -> Path:
        path = self.campaigns / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    def read(self, key: str) -> str:
        return (self.campaigns / key).read_text(encoding="utf-8")

    def template(self, name: str, text: str) -> Path:
        """Write `templates/NAME` (the default `templates_dir`), as written: no dedent."""
        path = self.root / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def remove(self, key: str) -> None:
        (self.campaigns / key).unlink()

    def state(self, target: str = "sandbox") -> dict[str, Any]:
        path = self.root / ".syncer" / "state" / f"{target}.json"
        if not path.exists():
            return {"campaigns": {}}
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def argv(self, *args: str) -> list[str]:
        return ["--config", str(self.root / "syncer.toml"), *args]

    def run(self, *args: str, env: Mapping[str, str | None] | None = None) -> Result:
        """Run `syncer ARGS` in-process, as the console script would."""
        out, err = io.StringIO(), io.StringIO()
        code = 0
        with (
            _environment({"NO_COLOR": "1", **(env or {})}),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                main(self.argv(*args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        return Result(code, out.getvalue(), err.getvalue())

    def spawn(
        self, *args: str, env: Mapping[str, str] | None = None, **popen: Any
    ) -> subprocess.Popen[str]:
        """Start `python -m syncer ARGS` as a separate process."""
        full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
        return subprocess.Popen(
            [sys.executable, "-m", "syncer", *self.argv(*args)],
            cwd=self.root,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **popen,
        )


def example_definitions(provider: str) -> list[Any]:
    """The effective definitions of the repository's example campaigns of `provider`, loaded
    as the tool loads them (its syncer.toml: one per target, vars and templates applied), and
    without the definition cache (nothing is written into the repository)."""
    from syncer.config import settings as config
    from syncer.load.definitions import discover, load_file
    from syncer.providers import registry

    settings = config.load(REPO / "syncer.toml", registry.target_models())
    files, problems = discover(settings.campaigns_path, REPO)
    assert not problems, problems
    found: list[Any] = []
    for path in files:
        definitions, problems = load_file(path, settings.campaigns_path, settings, registry.get)
        assert not problems, problems
        found.extend(d for d in definitions if d.provider == provider)
    return found
