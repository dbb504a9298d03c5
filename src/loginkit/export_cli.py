"""``loginkit export``: a running emulator's state as a seed file for ``serve --seed``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import httpx2
import yaml

__all__ = ["export"]


@click.command()
@click.option(
    "--base-url",
    default="http://127.0.0.1:8000",
    envvar="LOGINKIT_BASE_URL",
    show_default=True,
    help="The running emulator.",
)
@click.option(
    "--admin-token", envvar="LOGINKIT_ADMIN_TOKEN", required=True, help="Control API token."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: standard output).",
)
def export(base_url: str, admin_token: str, output: Path | None) -> None:
    """Write apps, users, grants and tokens as a seed file (secrets and tokens as hashes)."""
    url = base_url.rstrip("/") + "/emulator/export"
    try:
        response = httpx2.get(url, headers={"Authorization": f"Bearer {admin_token}"}, timeout=30)
    except httpx2.TransportError as exc:
        raise click.ClickException(f"cannot reach the emulator at {base_url}: {exc}") from exc
    if response.status_code != 200:
        raise click.ClickException(f"{response.status_code}: {response.text}")
    text = yaml.safe_dump(response.json(), sort_keys=False, allow_unicode=True)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
