"""What every command that drives a running emulator's control API shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

__all__ = ["call_control", "control_options"]

F = TypeVar("F", bound=Callable[..., Any])


def control_options(f: F) -> F:
    """``--base-url`` (the running emulator) and ``--admin-token``."""
    f = click.option("--admin-token", envvar="LOGINKIT_ADMIN_TOKEN", help="Control API token.")(f)
    return click.option(
        "--base-url",
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
        raise click.UsageError("the control API needs --admin-token or LOGINKIT_ADMIN_TOKEN")
    headers = {"Authorization": f"Bearer {admin_token}"}
    try:
        with httpx2.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=30) as http:
            response = http.request(method, path, json=body, params=params)
    except httpx2.TransportError as exc:
        raise click.ClickException(f"cannot reach the emulator at {base_url}: {exc}") from exc
    if response.status_code >= 400:
        try:
            message = response.json().get("error_description") or response.text
        except ValueError:
            message = response.text
        raise click.ClickException(f"{response.status_code}: {message}")
    return response.json() if response.content else None
