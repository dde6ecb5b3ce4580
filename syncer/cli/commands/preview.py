"""`syncer preview`: write before/after pages of every email the plan creates or changes,
and their screenshots at 600 and 375 px when a Chromium or Chrome is found."""

from __future__ import annotations

import json
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from syncer.cli import exitcodes
from syncer.cli.commands.context import Context
from syncer.errors import UsageError
from syncer.load.selection import Selection
from syncer.workflows import aio
from syncer.workflows import browser as chromium
from syncer.workflows.preview import Written, make_previews

DEFAULT_OUT = Path(".syncer/preview")


def sample_profile(path: Path) -> dict[str, str]:
    """Attribute name -> value (YAML or JSON), to fill `{{UserAttribute['...']}}` tokens."""
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise UsageError(f"--sample-profile {path}: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"--sample-profile {path}: expected a mapping of attribute: value")
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}


def run(
    ctx: Context,
    selection: Selection,
    out: Path | None,
    browser: str | None,
    profile_file: Path | None,
) -> int:
    definitions = ctx.definitions()  # bad input stops here: no connection is opened
    found = chromium.find(browser)
    profile = sample_profile(profile_file) if profile_file else None
    directory = out if out is not None else ctx.settings.root / DEFAULT_OUT

    async def go() -> Written:
        run = ctx.run()
        try:
            async with ctx.progress(run, "text").phase("Reading campaigns"):
                return await make_previews(run, definitions, selection, directory, found, profile)
        finally:
            await run.connections.aclose()

    written = aio.run(go())
    for page in written.pages:
        ctx.out.info(f"  {directory / page}")
    shots = f" and {len(written.screenshots)} screenshot(s)" if written.screenshots else ""
    ctx.out.info(
        f"Wrote {len(written.pages)} campaign preview(s){shots}: open {directory / 'index.html'}"
    )
    if found is None and written.pages:
        ctx.out.warning(
            "No Chromium or Chrome found (looked for "
            + ", ".join(chromium.NAMES)
            + " on PATH): HTML previews only, no screenshots. Install one or pass --browser PATH."
        )
    return exitcodes.OK
