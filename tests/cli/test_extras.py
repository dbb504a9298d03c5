"""Each optional feature names its missing extra in one line (imports blocked in a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from tests.cli.support import error_line, loginkit
from tests.support.emulator import free_port, run_emulator

BLOCKER = '''
import sys

BLOCKED = {"asyncpg", "redis", "mcp", "jsonschema", "jsonpath_ng"}


class _NotInstalled:
    """As if the extras' packages were not installed."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NotInstalled())
'''


@pytest.fixture
def without_extras(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "sitecustomize.py").write_text(BLOCKER)
    return {"PYTHONPATH": str(tmp_path)}


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (("serve", "--database-url", "postgresql://postgres@127.0.0.1:5432/test"), "postgres"),
        (("serve", "--redis-url", "redis://127.0.0.1:6379/0"), "redis"),
        (("gateway",), "gateway"),
        (("up",), "gateway"),
        (("workflow", "list", "tiktok-login-kit"), "workflow"),
    ],
)
def test_a_missing_extra_is_named(
    without_extras: dict[str, str], tmp_path: Path, args: tuple[str, ...], extra: str
) -> None:
    args = (*args, "--port", str(free_port())) if args[0] in ("serve", "up") else args
    line = error_line(loginkit(*args, env=without_extras, cwd=tmp_path))
    assert f"needs the {extra} extra: pip install 'loginkit[{extra}]'" in line


def test_the_main_job_needs_no_extra(without_extras: dict[str, str], tmp_path: Path) -> None:
    listed = loginkit("--help", env=without_extras)
    assert listed.returncode == 0 and "gateway" in listed.stdout and "workflow" in listed.stdout
    kit = subprocess.run(
        [sys.executable, "-c", "import loginkit.client, loginkit.client.starlette, "
         "loginkit.testing.pytest_plugin, loginkit.server.app"],
        env={**os.environ, **without_extras}, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert kit.returncode == 0, kit.stderr
    with run_emulator(tmp_path, env=without_extras) as emulator:  # SQLite, no extra
        assert httpx2.get(f"{emulator.base_url}/healthz", timeout=5).status_code == 200
