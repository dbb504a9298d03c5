"""What every command that drives a running emulator's control API shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

__all__ = ["HTTP_URL", "call_control", "control_options"]

F = TypeVar("F", bound=Callable[..., Any])

WHICH_CREDENTIAL_HINT = (
    "use the admin token the emulator printed at start: it changes on each start unless "
    "--admin-token or LOGINKIT_ADMIN_TOKEN fixes it (`loginkit up` uses loginkit-dev-admin-token)"
)


class HttpUrl(click.ParamType[str]):
    """An absolute http:// or https:// URL."""

    name = "URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from urllib.parse import urlsplit

        text = str(value)
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.fail(f"{text!r} is not an http:// or https:// URL", param, ctx)
        return text.rstrip("/")


HTTP_URL = HttpUrl()


def control_options(f: F) -> F:
    """``--base-url`` (the running emulator) and ``--admin-token``."""
    f = click.option("--admin-token", envvar="LOGINKIT_ADMIN_TOKEN", help="Control API token.")(f)
    return click.option(
        "--base-url",
        type=HTTP_URL,
        default="http://127.0.0.1:8000",
        envvar="LOGINKIT_BASE_URL",
        show_default=True,
        help="The running emulator.",
    )(f)


def call_control(
    base_url: str,
    admin_token: str | None,
    method: str,
    path: str,
    *,
    body: Any = None,
    params: dict[str, Any] | None = None,
) -> Any:
    """The JSON answer of the control API, or a one-line ``ClickException``."""
    import httpx2

    if not admin_token:
        raise click.UsageError(f"the control API needs --admin-token: {WHICH_CREDENTIAL_HINT}")
    headers = {"Authorization": f"Bearer {admin_token}"}
    try:
        with httpx2.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=30) as http:
            response = http.request(method, path, json=body, params=params)
    except httpx2.TransportError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise click.ClickException(
            f"cannot reach the emulator at {base_url} ({reason}): start it (`make run` or "
            "`loginkit serve`) or point --base-url / LOGINKIT_BASE_URL at it"
        ) from None
    if response.status_code == 401:
        raise click.ClickException(
            f"the emulator at {base_url} refused the admin token: {WHICH_CREDENTIAL_HINT}"
        )
    if response.status_code >= 400:
        try:
            message = response.json().get("error_description") or response.text
        except ValueError:
            message = response.text
        raise click.ClickException(f"{response.status_code}: {message}")
    return response.json() if response.content else None
