"""Features that come with a ``loginkit[EXTRA]`` install: a one-line error when one is missing."""

from __future__ import annotations

import importlib.util

import click

from loginkit.config import Settings

__all__ = ["EXTRAS", "missing_extra", "require_extra", "require_extras_for"]

EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "postgres": ("PostgreSQL support", ("asyncpg",)),
    "redis": ("Redis-shared rate limits (--redis-url)", ("redis",)),
    "gateway": ("The gateway (REST and MCP)", ("mcp", "jsonpath_ng")),
    "workflow": ("The workflow runner", ("jsonschema", "jsonpath_ng")),
}
"""extra → (the feature it brings, the modules it installs)."""


def missing_extra(extra: str) -> str | None:
    """What to install when a module of ``extra`` does not import; None when all do."""
    feature, modules = EXTRAS[extra]
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None  # found, not imported: fast
        except ImportError:
            found = False
        if not found:
            return f"{feature} needs the {extra} extra: pip install 'loginkit[{extra}]'"
    return None


def require_extra(extra: str) -> None:
    """Raise a one-line ``ClickException`` unless the modules of ``extra`` import."""
    problem = missing_extra(extra)
    if problem is not None:
        raise click.ClickException(problem)


def require_extras_for(settings: Settings, *, gateway: bool = False) -> None:
    """The extras the features ``settings`` (and ``gateway``) ask for."""
    if not settings.database_url.startswith("sqlite"):
        require_extra("postgres")
    if settings.redis_url is not None:
        require_extra("redis")
    if gateway:
        require_extra("gateway")
