"""CONFIG: syncer.toml problems are located and reported together."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest

from syncer.config import settings as config
from syncer.errors import ConfigError
from syncer.model.target import TargetSettings
from syncer.providers import registry
from syncer.providers.moengage.settings import MoEngageTarget


def load(tmp_path: Path, text: str) -> config.Settings:
    path = tmp_path / "syncer.toml"
    path.write_text(text)
    return config.load(path, registry.target_models())


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    return [str(p) for p in info.value.problems]


def test_the_brief_example_loads(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        """
campaigns_dir = "campaigns"
default_target = "sandbox"

[targets.sandbox]
provider = "moengage"
sandbox = true

[targets.prod]
provider = "moengage"
data_center = "01"
workspace_id_env = "MOENGAGE_WORKSPACE_ID"
api_key_env = "MOENGAGE_API_KEY"
updated_by = "crm-bot@example.com"

[targets.batch-prod]
provider = "batch"
project_key_env = "BATCH_PROJECT_KEY"
api_key_env = "BATCH_API_KEY"
""",
    )
    prod = settings.targets["prod"]
    assert isinstance(prod, MoEngageTarget)
    assert prod.resolved_base_url() == "https://api-01.moengage.com"
    assert settings.targets["batch-prod"].resolved_base_url() == "https://api.batch.com"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'default_target = "x"\n[targets.x]\nprovider = "moengage"\nbase_url = "http://example.com"\n',
            "syncer.toml:4:1: targets.x.base_url: plain http:// is allowed only for loopback",
        ),
        (
            '[targets.x]\nprovider = "moengage"\ndata_center = "07"\n',
            "syncer.toml:3:1: targets.x.data_center: data_center must be one of",
        ),
        (
            '[targets.x]\nprovider = "moengage"\napi_key_env = "sk_live_123 456"\nsandbox = true\n',
            "syncer.toml:3:1: targets.x.api_key_env: must be the NAME of an environment variable",
        ),
        (
            '[targets.x]\nprovider = "moengage"\nsandbox = true\nupdated_by = "bot"\n',
            "syncer.toml:4:1: targets.x.updated_by: must be an email address",
        ),
        (
            '[targets.x]\nprovider = "mailchimp"\n',
            "syncer.toml:2:1: targets.x.provider: provider must be one of: moengage, batch",
        ),
        (
            '[targets.x]\nprovider = "moengage"\nsandbox = true\ncolour = "red"\n',
            "syncer.toml:4:1: targets.x.colour: unknown key",
        ),
        (
            'default_target = "nope"\n[targets.x]\nprovider = "moengage"\nsandbox = true\n',
            "syncer.toml:1:1: default_target 'nope' is not a target (known: x)",
        ),
        (
            '[targets.x]\nprovider = "moengage"\n',
            "syncer.toml:1:1: targets.x: set data_center or base_url",
        ),
        ("[targets.x\n", "syncer.toml:1:"),
        (
            '[targets.x]\nprovider = "batch"\nbase_url = "https://u:p@api.batch.com"\n',
            "syncer.toml:3:1: targets.x.base_url: base_url must not carry credentials",
        ),
    ],
)
def test_problems_are_located(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(tmp_path, text)
    assert any(p.startswith(expected) for p in found), found


def test_loopback_http_is_allowed(tmp_path: Path) -> None:
    settings = load(
        tmp_path, '[targets.x]\nprovider = "batch"\nbase_url = "http://127.0.0.1:8080"\n'
    )
    assert settings.targets["x"].resolved_base_url() == "http://127.0.0.1:8080"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        config.load(tmp_path / "syncer.toml", registry.target_models())
    assert "not found" in str(info.value)


def test_several_problems_at_once(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        '[targets.a]\nprovider = "moengage"\ndata_center = "9"\n'
        '[targets.b]\nprovider = "batch"\napi_version = "latest"\n',
    )
    assert len(found) == 2


def test_target_vars_load(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        '[targets.prod]\nprovider = "moengage"\nsandbox = true\n'
        '[targets.prod.vars]\nenv_label = "prod"\nsender = "news@acme.io"\n',
    )
    assert settings.targets["prod"].vars == {"env_label": "prod", "sender": "news@acme.io"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[targets.x]\nprovider = "moengage"\nsandbox = true\n[targets.x.vars]\nport = 8080\n',
            "syncer.toml:5:1: targets.x.vars.port: must be a string",
        ),
        (
            '[targets.x]\nprovider = "moengage"\nsandbox = true\n[targets.x.vars]\n"a-b" = "1"\n',
            "syncer.toml:4:1: targets.x.vars: var name 'a-b'",
        ),
    ],
)
def test_bad_vars_are_located(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(tmp_path, text)
    assert any(p.startswith(expected) for p in found), found


def test_targets_are_validated_by_the_models_handed_in(tmp_path: Path) -> None:
    # The config step names no vendor: a provider it is handed is enough to read its targets.
    class AcmeTarget(TargetSettings):
        provider: Literal["acme"]
        region: str

        def credential_envs(self) -> tuple[str, str]:
            return "ACME_ACCOUNT", "ACME_KEY"

    path = tmp_path / "syncer.toml"
    path.write_text('[targets.a]\nprovider = "acme"\nsandbox = true\nregion = "eu"\n')
    target = config.load(path, {"acme": AcmeTarget}).targets["a"]
    assert isinstance(target, AcmeTarget)
    assert target.region == "eu"
    with pytest.raises(ConfigError) as info:
        config.load(path, registry.target_models())
    assert [str(p) for p in info.value.problems] == [
        "syncer.toml:2:1: targets.a.provider: provider must be one of: moengage, batch"
    ]
