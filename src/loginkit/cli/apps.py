"""``loginkit apps`` and ``loginkit users``: through the control API of a running emulator."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import click

from loginkit.cli.control import call_control, control_options

__all__ = ["apps", "users"]


def _call(ctx: click.Context, method: str, path: str, body: Any = None) -> Any:
    return call_control(ctx.obj["base_url"], ctx.obj["admin_token"], method, path, body=body)


def _output(data: Any, as_json: bool, columns: tuple[str, ...]) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    rows = data if isinstance(data, list) else [data]
    for row in rows:
        click.echo(
            "  ".join(
                f"{c}={','.join(row[c]) if isinstance(row[c], list) else row[c]}"
                for c in columns
                if c in row
            )
        )


@click.group()
@control_options
@click.pass_context
def apps(ctx: click.Context, base_url: str, admin_token: str | None) -> None:
    """Manage the emulator's apps."""
    ctx.obj = {"base_url": base_url.rstrip("/"), "admin_token": admin_token}


_APP_COLUMNS = ("client_key", "client_secret", "name", "platform", "redirect_uris", "scopes")


@apps.command("create")
@click.option("--name", required=True)
@click.option("--redirect-uri", "redirect_uris", multiple=True, help="Repeat for several.")
@click.option("--scope", "scopes", multiple=True, default=("user.info.basic",), show_default=True)
@click.option("--platform", type=click.Choice(["web", "desktop", "android", "ios"]), default="web")
@click.option(
    "--redirect-domain",
    "redirect_domains",
    multiple=True,
    help="v1 OAuth redirect domain (host name); repeat for several.",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def apps_create(
    ctx: click.Context,
    name: str,
    redirect_uris: tuple[str, ...],
    scopes: tuple[str, ...],
    platform: str,
    redirect_domains: tuple[str, ...],
    as_json: bool,
) -> None:
    body = {
        "name": name,
        "redirect_uris": list(redirect_uris),
        "scopes": list(scopes),
        "platform": platform,
        "redirect_domains": list(redirect_domains),
    }
    _output(_call(ctx, "POST", "/emulator/apps", body), as_json, _APP_COLUMNS)


@apps.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def apps_list(ctx: click.Context, as_json: bool) -> None:
    _output(_call(ctx, "GET", "/emulator/apps"), as_json, _APP_COLUMNS)


@apps.command("show")
@click.argument("client_key")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def apps_show(ctx: click.Context, client_key: str, as_json: bool) -> None:
    _output(_call(ctx, "GET", f"/emulator/apps/{client_key}"), as_json, _APP_COLUMNS)


@apps.command("delete")
@click.argument("client_key")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def apps_delete(ctx: click.Context, client_key: str, as_json: bool) -> None:
    _call(ctx, "DELETE", f"/emulator/apps/{client_key}")
    _output({"deleted": client_key}, as_json, ("deleted",))


@click.group()
@control_options
@click.pass_context
def users(ctx: click.Context, base_url: str, admin_token: str | None) -> None:
    """Manage the emulator's test users."""
    ctx.obj = {"base_url": base_url.rstrip("/"), "admin_token": admin_token}


_USER_COLUMNS = ("user_id", "username", "display_name")


@users.command("create")
@click.option("--username", required=True)
@click.option("--display-name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def users_create(
    ctx: click.Context, username: str, display_name: str | None, as_json: bool
) -> None:
    body = {"username": username, "display_name": display_name or username}
    _output(_call(ctx, "POST", "/emulator/users", body), as_json, _USER_COLUMNS)


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def users_list(ctx: click.Context, as_json: bool) -> None:
    _output(_call(ctx, "GET", "/emulator/users"), as_json, _USER_COLUMNS)


@users.command("sign-out")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def users_sign_out(ctx: click.Context, username: str, as_json: bool) -> None:
    """End USERNAME's browser sessions on the emulator's authorize pages.

    A signed-in user who already authorized an app is sent straight back to it (TikTok's
    auto-authorization); signed out, they see the login page again.
    """
    ended = _call(ctx, "POST", f"/emulator/users/{quote(username, safe='')}/sign-out")
    _output(ended, as_json, ("username", "sessions"))
