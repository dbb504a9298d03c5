"""One settings object: defaults, LOGINKIT_* variables, .env, and options on top; workers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx2
import pytest

from loginkit.config import Group, Settings
from loginkit.core.policy import Policy
from tests.support.emulator import run_emulator


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    import os

    for name in list(os.environ):
        if name.startswith("LOGINKIT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_options_over_variables_over_dotenv_over_defaults(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings.load().port == 8000
    (clean_environment / ".env").write_text(
        "LOGINKIT_PORT=8001\nLOGINKIT_WORKERS=3\nLOGINKIT_STRICT=true\nOTHER_TOOL=x\n"
    )
    from_file = Settings.load()
    assert (from_file.port, from_file.workers) == (8001, 3)
    assert from_file.policy.strict_redirect_uris is True
    monkeypatch.setenv("LOGINKIT_PORT", "8002")
    assert Settings.load().port == 8002
    assert Settings.load(port=8003).port == 8003


def test_every_policy_field_is_a_policy_setting() -> None:
    policy_settings = {
        name
        for name, info in Settings.model_fields.items()
        if isinstance(info.json_schema_extra, dict)
        and info.json_schema_extra.get("group") == Group.POLICY.value
    }
    assert {f.name for f in dataclasses.fields(Policy)} <= policy_settings
    defaults = Settings(admin_token="t").policy
    assert defaults == Policy()  # the defaults are Policy's own
    changed = Settings(admin_token="t", code_lifetime=42, strict_redirect_uris=True).policy
    assert (changed.code_lifetime, changed.strict_redirect_uris) == (42, True)


def test_settings_travel_as_json() -> None:
    settings = Settings(admin_token="t", seed_file=Path("seed.yaml"), rate_limit_token="off")
    assert Settings.model_validate_json(settings.model_dump_json()) == settings


def test_workers_run_with_the_options_given(tmp_path: Path) -> None:
    args = ("--workers", "2", "--client-token-lifetime", "123")
    with run_emulator(tmp_path, *args) as emulator:
        lifetimes = {
            httpx2.post(
                f"{emulator.base_url}/v2/oauth/token/",
                data={
                    "client_key": "awloginkitdemo01",
                    "client_secret": "loginkit-demo-secret-0123456789abcdef",
                    "grant_type": "client_credentials",
                },
                timeout=10,
            ).json()["expires_in"]
            for _ in range(6)
        }
    assert lifetimes == {123}
