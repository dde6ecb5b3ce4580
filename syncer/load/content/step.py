"""The content step of one load: resolve a block's file references, then check its emails.

Takes the settings once per load; `resolve` turns a `campaign:` block (of one file and target)
into final strings, `check` looks at the validated block's emails, and `fresh` tells the
definition cache whether the template files a cached campaign came from are unchanged.
"""

from __future__ import annotations

from typing import Any

from syncer.config.settings import Settings
from syncer.errors import Problem
from syncer.load.content import personalization
from syncer.load.content.files import TemplateFiles
from syncer.load.content.html import check_html
from syncer.load.content.place import place
from syncer.load.content.render import Renderer
from syncer.load.content.resolve import Anchor, Loc, Resolved, has_references, resolve
from syncer.model.vendor import Provider


class Content:
    """One load's templates: files are read once, templates compiled once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.files = TemplateFiles(
            settings.templates_path, settings.templates_dir, project=settings.root
        )
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
        self, campaign: dict[str, Any], resolved: Resolved, anchor: Anchor, provider: Provider
    ) -> tuple[list[Problem], list[Problem]]:
        """The errors and warnings the final emails of the validated `campaign` deserve: the
        vendor's personalization syntax (always an error) and the `[checks]` by their level."""
        errors: list[Problem] = []
        warnings: list[Problem] = []
        spec = provider.personalization
        for email in provider.emails(campaign):
            for path in (email.subject, email.preview, email.html):
                text = value_at(campaign, path) if path is not None else None
                if path is None or not isinstance(text, str):
                    continue
                findings = personalization.check(text, spec)
                if path == email.html:
                    findings += check_html(
                        text, promotional=email.promotional, unsubscribe=spec.unsubscribe
                    )
                for finding in findings:
                    level = (
                        "error"
                        if finding.check is None
                        else self.settings.check_level(finding.check)
                    )
                    if level == "off":
                        continue
                    file, line, col, note = place(
                        finding, path, resolved.origins.get(path), anchor, spec
                    )
                    dotted = ".".join(str(p) for p in path)
                    if finding.check is None:
                        message = f"{dotted}: {finding.message}{note}"
                    else:
                        word = "error" if level == "error" else "warning"
                        message = f"{word} [{finding.check}]: {dotted}: {finding.message}{note}"
                    (errors if level == "error" else warnings).append(
                        Problem(file, line, col, message)
                    )
        return errors, warnings


def value_at(value: Any, path: Loc) -> Any:
    for part in path:
        if isinstance(value, dict) and isinstance(part, str):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return None
    return value
