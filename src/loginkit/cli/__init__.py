"""The ``loginkit`` command: one group, each command group in a module of its own.

Commands load only when used, so ``loginkit serve`` imports neither the gateway nor the client.
"""

from __future__ import annotations

import importlib

import click

__all__ = ["main"]


class _LazyGroup(click.Group):
    lazy: dict[str, str] = {  # noqa: RUF012 - a class-level table, never mutated
        "serve": "loginkit.cli.serve:serve",
        "up": "loginkit.cli.serve:up",
        "apps": "loginkit.cli.apps:apps",
        "users": "loginkit.cli.apps:users",
        "gateway": "loginkit.cli.gateway:gateway",
        "login": "loginkit.cli.login:login",
        "whoami": "loginkit.cli.login:whoami",
        "refresh": "loginkit.cli.login:refresh",
        "logout": "loginkit.cli.login:logout",
        "workflow": "loginkit.cli.workflow:workflow",
        "export": "loginkit.cli.export:export",
        "migrate": "loginkit.cli.migrate:migrate",
        "check": "loginkit.cli.check:check",
        "explain": "loginkit.cli.explain:explain",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module, _, attr = self.lazy[name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup)
@click.version_option(package_name="loginkit")
def main() -> None:
    """loginkit: Log in with TikTok, end to end and offline."""
