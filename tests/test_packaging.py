"""Every package the sources import is declared in pyproject.toml (directly, or by an extra)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_DECLARED_ON_PURPOSE = {"pytest"}
"""The pytest plugin is loaded by pytest itself, so pytest is there whenever it runs."""


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra, items in project["optional-dependencies"].items():
        if extra != "dev":
            requirements += items
    names = {_name(r) for r in requirements} - {"loginkit"}
    # What a declared package brings along (e.g. werkzeug with flask) is declared through it.
    brought = {
        _name(r) for n in names for r in (metadata.requires(n) or []) if "extra ==" not in r
    }
    return names | brought


def _imported() -> set[str]:
    modules: set[str] = set()
    for path in (ROOT / "src" / "loginkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"loginkit", "__future__"}


def test_every_imported_package_is_declared() -> None:
    distributions = metadata.packages_distributions()
    declared = _declared()
    undeclared = {
        module: distributions.get(module, ["(not installed)"])
        for module in _imported() - NOT_DECLARED_ON_PURPOSE
        if not {_name(d) for d in distributions.get(module, [])} & declared
    }
    assert not undeclared, undeclared
