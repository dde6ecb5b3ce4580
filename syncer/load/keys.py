"""Campaign keys as people type them -> the key the tool uses (pure).

A campaign's key is its file's path under the campaigns directory (`onboarding/welcome.yaml`).
People also type it without `.yaml`, with a leading `./`, or as the shell completes it from the
project root (`campaigns/onboarding/welcome.yaml`); all of these name the same campaign. A name
ending in `.yml` or an upper-case `.YAML` is no campaign file of this project: said clearly.
"""

from __future__ import annotations

from syncer.errors import UsageError

SUFFIX = ".yaml"


def as_pattern(text: str, campaigns_dir: str) -> str:
    """A key or glob as typed -> relative to the campaigns directory (`.yaml` optional)."""
    pattern = text.replace("\\", "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    prefix = campaigns_dir.replace("\\", "/").strip("/")
    while prefix.startswith("./"):
        prefix = prefix[2:]
    if prefix and prefix != "." and pattern.startswith(prefix + "/"):
        pattern = pattern[len(prefix) + 1 :]
    lower = pattern.lower()
    if lower.endswith(".yml") or (lower.endswith(SUFFIX) and not pattern.endswith(SUFFIX)):
        raise UsageError(
            f"{text!r}: campaign files end in {SUFFIX} (lower case); rename the file, and "
            "name it here as onboarding/welcome or onboarding/welcome.yaml"
        )
    return pattern


def as_key(text: str, campaigns_dir: str) -> str:
    """One campaign key as typed -> the exact key (with `.yaml`)."""
    pattern = as_pattern(text, campaigns_dir)
    return pattern if pattern.endswith(SUFFIX) else pattern + SUFFIX
