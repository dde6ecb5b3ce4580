"""The review-and-apply loop: `validate`, `plan`, `preview`, `apply` and `show` (declarations
only).

Takes the command line's options; hands them to `syncer.commands.<name>.run` through `run`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from syncer.cli.root import app, common, run

if TYPE_CHECKING:
    # Imported where a command runs: `syncer --version` and `--help` load none of the steps.
    from syncer.cli.commands.context import Context
    from syncer.load.selection import Selection
    from syncer.render.values import View


def _selection(target: str | None, only: tuple[str, ...], exclude: tuple[str, ...]) -> Selection:
    from syncer.load.selection import Selection

    return Selection(target=target, only=only, exclude=exclude)


def _selection_options(func: Any) -> Any:
    func = click.option(
        "--exclude",
        multiple=True,
        metavar="KEY",
        help="Skip these campaign keys (globs allowed; repeatable).",
    )(func)
    func = click.option(
        "--only",
        multiple=True,
        metavar="KEY",
        help="Only these campaign keys (globs allowed; repeatable).",
    )(func)
    return click.option("--target", "-t", default=None, help="Only the campaigns of this target.")(
        func
    )


_retire_orphans = click.option(
    "--retire-orphans",
    is_flag=True,
    help="Also stop or pause the remote campaigns of orphans (state entries whose file is "
    "gone), where the vendor allows, before forgetting them. Without it they are only forgotten.",
)
_artifact_url = click.option(
    "--artifact-url", default=None, help="Where the full plan is (linked from truncated Markdown)."
)
_html_diff = click.option(
    "--html-diff",
    type=click.Choice(["visible", "raw"]),
    default="visible",
    show_default=True,
    help="Show HTML changes as what recipients see (text, images, links, hidden content, "
    "forms, scripts, styles) or as a raw line diff of the HTML.",
)
_preview_url = click.option(
    "--preview-url",
    default=None,
    metavar="URL",
    help="Where `syncer preview`'s directory is published: the Markdown links each "
    "campaign's preview page under it.",
)


def _view(html_diff: str, preview_url: str | None) -> View:
    from syncer.render.values import View

    return View(html_diff="raw" if html_diff == "raw" else "visible", preview_url=preview_url)


@app.command()
@common
def validate() -> None:
    """Check syncer.toml and every campaign file, offline (no credentials, no network)."""
    from syncer.cli.commands import validate as command

    run(command.run)


@app.command()
@_selection_options
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Save the plan (JSON) for `syncer apply PLANFILE`.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes to apply.")
@click.option("--show-unchanged", is_flag=True, help="List unchanged campaigns one by one.")
@_artifact_url
@_html_diff
@_preview_url
@_retire_orphans
@click.option(
    "--show-unmanaged",
    is_flag=True,
    help="List the remote campaigns that nothing manages (reads the whole workspace).",
)
@common
def plan(
    target: str | None,
    only: tuple[str, ...],
    exclude: tuple[str, ...],
    out: Path | None,
    fmt: str,
    detailed_exitcode: bool,
    show_unchanged: bool,
    artifact_url: str | None,
    html_diff: str,
    preview_url: str | None,
    retire_orphans: bool,
    show_unmanaged: bool,
) -> None:
    """Read the remote campaigns, diff them with the files, and print the plan."""
    from syncer.cli.commands import plan as command

    run(
        lambda ctx: command.run(
            ctx,
            _selection(target, only, exclude),
            fmt,
            out,
            detailed_exitcode,
            show_unchanged,
            artifact_url,
            retire_orphans=retire_orphans,
            show_unmanaged=show_unmanaged,
            view=_view(html_diff, preview_url),
        )
    )


@app.command()
@click.argument("planfile", required=False, type=click.Path(path_type=Path))
@_selection_options
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Format of the outcome report.",
)
@click.option("--no-verify", is_flag=True, help="Skip reading changed campaigns back afterwards.")
@click.option(
    "--max-plan-age",
    default=None,
    metavar="AGE",
    help="Refuse a saved plan older than this (30m, 2h, 1d).",
)
@click.option(
    "--checksum",
    default=None,
    metavar="SHA256",
    help="Refuse a saved plan whose checksum is not this one (the one that was reviewed).",
)
@_retire_orphans
@common
def apply(
    planfile: Path | None,
    target: str | None,
    only: tuple[str, ...],
    exclude: tuple[str, ...],
    auto_approve: bool,
    fmt: str,
    no_verify: bool,
    max_plan_age: str | None,
    checksum: str | None,
    retire_orphans: bool,
) -> None:
    """Apply the plan (or exactly a saved PLANFILE) and report every call's outcome.

    A saved PLANFILE is applied without a question (it was reviewed), after checking that it is
    unmodified, made for these workspaces, and that nothing it relied on changed remotely.
    """
    from syncer.cli.commands import apply as command
    from syncer.workflows.saved import parse_age

    def go(ctx: Context) -> int:
        age = parse_age(max_plan_age) if max_plan_age else None
        return command.run(
            ctx,
            planfile,
            _selection(target, only, exclude),
            auto_approve,
            fmt,
            not no_verify,
            age,
            checksum,
            retire_orphans=retire_orphans,
        )

    run(go)


@app.command()
@click.argument("planfile", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@_artifact_url
@_html_diff
@_preview_url
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when the plan has changes.")
@common
def show(
    planfile: Path,
    fmt: str,
    artifact_url: str | None,
    html_diff: str,
    preview_url: str | None,
    detailed_exitcode: bool,
) -> None:
    """Print a saved plan again (offline), e.g. as the Markdown of a pull-request comment."""
    from syncer.cli.commands import show as command

    view = _view(html_diff, preview_url)
    run(lambda ctx: command.run(ctx, planfile, fmt, artifact_url, detailed_exitcode, view))


@app.command()
@click.argument("keys", nargs=-1, metavar="[KEY...]")
@click.option("--target", "-t", default=None, help="Only the campaigns of this target.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Directory to write the previews into (default: .syncer/preview/ of the project).",
)
@click.option(
    "--browser",
    default=None,
    metavar="PATH",
    help="The Chromium or Chrome that takes the screenshots (default: found on PATH).",
)
@click.option(
    "--sample-profile",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="YAML or JSON attribute values that fill {{UserAttribute['...']}} tokens.",
)
@common
def preview(
    keys: tuple[str, ...],
    target: str | None,
    out: Path | None,
    browser: str | None,
    sample_profile: Path | None,
) -> None:
    """Write before (remote) and after (file) previews of every email the plan creates or
    changes: a page per campaign, index.html, and PNGs at 600 and 375 px wide."""
    from syncer.cli.commands import preview as command

    selection = _selection(target, keys, ())
    run(lambda ctx: command.run(ctx, selection, out, browser, sample_profile))
