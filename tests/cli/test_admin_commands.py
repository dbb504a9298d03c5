"""``loginkit apps`` and ``loginkit users`` against a running emulator, and their errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.emulator import EmulatorProcess


def loginkit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loginkit", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def _target(emulator: EmulatorProcess) -> list[str]:
    return ["--base-url", emulator.base_url, "--admin-token", emulator.admin_token]


def test_apps_lifecycle(emulator: EmulatorProcess) -> None:
    created = loginkit(
        "apps",
        *_target(emulator),
        "create",
        "--name",
        "CLI app",
        "--redirect-uri",
        "https://cli.example.com/cb/",
        "--scope",
        "user.info.basic",
        "--scope",
        "video.list",
        "--json",
    )
    assert created.returncode == 0, created.stderr
    app = json.loads(created.stdout)
    assert app["scopes"] == ["user.info.basic", "video.list"]
    assert app["client_secret"]

    listed = json.loads(loginkit("apps", *_target(emulator), "list", "--json").stdout)
    assert app["client_key"] in [a["client_key"] for a in listed]
    shown = loginkit("apps", *_target(emulator), "show", app["client_key"])
    assert f"client_key={app['client_key']}" in shown.stdout

    assert loginkit("apps", *_target(emulator), "delete", app["client_key"]).returncode == 0
    missing = loginkit("apps", *_target(emulator), "show", app["client_key"])
    assert missing.returncode != 0
    assert "404" in missing.stderr and "Traceback" not in missing.stderr


def test_users(emulator: EmulatorProcess) -> None:
    created = loginkit("users", *_target(emulator), "create", "--username", "cli.user", "--json")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["username"] == "cli.user"
    listed = loginkit("users", *_target(emulator), "list")
    assert "username=cli.user" in listed.stdout


def test_errors_are_one_clear_line() -> None:
    unreachable = loginkit("apps", "--base-url", "http://127.0.0.1:9", "--admin-token", "t", "list")
    assert unreachable.returncode != 0
    assert "cannot reach the emulator" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
    broken = loginkit("apps", "--base-url", "http://127.0.0.1:9", "create", "--name", "x")
    assert broken.returncode != 0 and "admin-token" in broken.stderr
    bad_url = loginkit("serve", "--database-url", "mysql://nowhere")
    assert bad_url.returncode == 2 and "sqlite:///PATH" in bad_url.stderr


def test_refused_registrations_are_explained(emulator: EmulatorProcess) -> None:
    result = loginkit(
        "apps", *_target(emulator), "create", "--name", "x", "--redirect-uri", "http://x.example/cb"
    )
    assert result.returncode != 0
    assert "must be absolute and begin with https" in result.stderr


def test_export_writes_a_seed_file(emulator: EmulatorProcess, tmp_path: Path) -> None:
    import yaml

    app = emulator.create_app(name="Exported")
    target = tmp_path / "seed.yaml"
    result = loginkit("export", *_target(emulator), "-o", str(target))
    assert result.returncode == 0, result.stderr
    state = yaml.safe_load(target.read_text())
    exported = next(a for a in state["apps"] if a["client_key"] == app["client_key"])
    assert exported["name"] == "Exported"
    assert app["client_secret"] not in target.read_text()
    missing_token = loginkit("export", "--base-url", emulator.base_url)
    assert missing_token.returncode != 0 and "admin-token" in missing_token.stderr
