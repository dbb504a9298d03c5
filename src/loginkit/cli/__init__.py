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

    extras: dict[str, str] = {"gateway": "gateway", "workflow": "workflow"}  # noqa: RUF012
    """Commands that need an extra installed (``pip install 'loginkit[EXTRA]'``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            if name in self.extras:
                from loginkit.cli.extras import missing_extra

                problem = missing_extra(self.extras[name])
                if problem is not None:
                    return _unavailable(name, problem)
            module, _, attr = self.lazy[name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, name)


def _unavailable(name: str, problem: str) -> click.Command:
    """A stand-in for a command whose extra is not installed: it says so and exits 1."""

    def fail(**_: object) -> None:
        raise click.ClickException(problem)

    return click.Command(
        name,
        callback=fail,
        help=f"Not installed: {problem}",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )


@click.group(cls=_LazyGroup)
@click.version_option(package_name="loginkit")
def main() -> None:
    """loginkit: Log in with TikTok, end to end and offline."""
