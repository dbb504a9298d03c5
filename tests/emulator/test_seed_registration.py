"""Seed files are checked by the same app-registration rules as the control API and portal."""

from __future__ import annotations

from pathlib import Path

import pytest

from loginkit.emulator.seed import SeedError, load_seed_file

SECRET = "s" * 40


def _seed(tmp_path: Path, app: str) -> Path:
    path = tmp_path / "seed.yaml"
    path.write_text(f"apps:\n  - {{client_key: awseedapp01, client_secret: {SECRET}, {app}}}\n")
    return path


def test_a_webhook_url_that_is_not_absolute_is_refused_naming_the_app(tmp_path: Path) -> None:
    path = _seed(tmp_path, "redirect_uris: ['https://app.example.com/cb/'], webhook_url: hooks")
    with pytest.raises(SeedError) as refused:
        load_seed_file(path)
    message = str(refused.value)
    assert "apps[0]" in message and "webhook_url: must be an absolute http(s) URL" in message


def test_a_v1_web_app_keeps_the_redirect_domains_it_registered_already(tmp_path: Path) -> None:
    path = _seed(tmp_path, "platform: web, redirect_domains: [app.example.com]")
    seed = load_seed_file(path)
    assert seed.apps[0].redirect_domains == ["app.example.com"]
