"""CI NOTICE: settings + a plan's targets + the environment -> what a CI runner would lose.

A CI runner starts without `.syncer/` and throws it away at the end. With the local state
backend, what the state store learns there is lost: the ids of the campaigns the run creates
(unless `pin_ids` wrote them into files that are then committed) and, for Batch, the
last-applied digests (the next run writes those campaigns once more, labelled "remote content
unknown"). `ci_notice` says so once per command, with the two ways to keep it; None when the
run is not in CI (`CI` unset, empty, `false` or `0`) or the state is shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from syncer.config.settings import Settings
from syncer.providers import registry


def in_ci(environ: Mapping[str, str]) -> bool:
    """`CI` is set by GitHub Actions, GitLab CI, CircleCI, Buildkite, Jenkins plugins..."""
    return environ.get("CI", "").strip().lower() not in ("", "false", "0", "no")


def ci_notice(settings: Settings, targets: Iterable[str], environ: Mapping[str, str]) -> str | None:
    """The one message about state a CI runner loses, or None when nothing is lost."""
    if not in_ci(environ) or settings.state.backend != "local":
        return None
    chosen = [settings.targets[t] for t in sorted(set(targets)) if t in settings.targets]
    real = [t for t in chosen if not t.sandbox]
    if not real:
        return None
    lost = []
    if settings.pin_ids:
        lost.append(
            "the ids of campaigns this run creates, unless the pinned campaign files it "
            "writes are committed"
        )
    else:
        lost.append("the ids of campaigns this run creates (pin_ids = false keeps them there only)")
    for provider in sorted({t.provider for t in real}):
        # A vendor whose API cannot show back what was applied keeps it in the state store.
        extra = registry.get(provider).state_only
        if extra:
            lost.append(
                f"{provider}'s {extra} (the next run writes those campaigns once more, "
                '"remote content unknown")'
            )
    keep = (
        "commit the pinned files back (examples/gitops: the apply workflow does it in a "
        'follow-up commit), or share the state: `[state] backend = "s3"` in syncer.toml'
    )
    return (
        f"CI with a local state store ({settings.state.path}/ on this runner): when the runner "
        f"ends it loses {' and '.join(lost)}. To keep it: {keep}."
    )
