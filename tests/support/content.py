"""A small project on disk for the pure tests of email content: syncer.toml, one campaign file
(`campaigns/w.yaml`) and `templates/`, loaded as the tool loads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncer.config import settings as config
from syncer.errors import DefinitionError
from syncer.load.definitions import load_definitions
from syncer.model.campaign import CampaignDefinition
from syncer.providers import registry


def write_project(root: Path, toml: str, campaign: str, templates: dict[str, str]) -> Path:
    (root / "syncer.toml").write_text(toml, encoding="utf-8")
    (root / "campaigns").mkdir(exist_ok=True)
    (root / "campaigns" / "w.yaml").write_text(campaign, encoding="utf-8")
    for name, text in templates.items():
        path = root / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def load(root: Path) -> list[CampaignDefinition]:
    settings = config.load(root / "syncer.toml", registry.target_models())
    return load_definitions(settings, registry.get)


def problems(root: Path) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        load(root)
    return [str(p) for p in info.value.problems]
