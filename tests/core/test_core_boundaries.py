"""The protocol core knows nothing of HTTP frameworks or databases."""

from __future__ import annotations

import ast
from pathlib import Path

import loginkit.core

FORBIDDEN = (
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "asyncpg",
    "httpx2",
    "loginkit.server",
    "loginkit.storage",
)


def test_core_imports_no_framework_or_database() -> None:
    root = Path(loginkit.core.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith(FORBIDDEN)]
    assert offenders == []


def test_migration_head_constant_matches_alembic() -> None:
    from alembic.script import ScriptDirectory

    from loginkit.storage.migrate import HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD
