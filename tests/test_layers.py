"""The import-linter contracts of pyproject.toml catch a module that breaks a layer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path, contract: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--contract", contract,
         "--no-cache"],
        cwd=tree, env={**os.environ, "PYTHONPATH": str(tree / "src")},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("contract", "module", "imports"),
    [
        ("core", "core/_violation.py", "starlette"),
        ("core", "core/_violation.py", "loginkit.server.app"),
        ("client", "client/_violation.py", "loginkit.storage"),
        ("gateway-workflow", "workflow/_violation.py", "loginkit.server.app"),
    ],
)
def test_a_deliberate_violation_fails_the_check(
    tmp_path: Path, contract: str, module: str, imports: str
) -> None:
    shutil.copytree(ROOT / "src" / "loginkit", tmp_path / "src" / "loginkit")
    name = "loginkit." + module.removesuffix(".py").replace("/", ".")
    before = _lint(tmp_path, contract)
    assert f"{name} ->" not in before.stdout
    (tmp_path / "src" / "loginkit" / module).write_text(f"import {imports}  # noqa\n")
    after = _lint(tmp_path, contract)
    assert after.returncode != 0, after.stdout
    assert f"{name} -> {imports}" in after.stdout
