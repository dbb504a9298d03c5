"""``loginkit migrate check``: what an app still has to do to move from v1 to v2 OAuth."""

from __future__ import annotations

import json

import click
import httpx2

__all__ = ["migrate"]


@click.group()
def migrate() -> None:
    """TikTok's v1 → v2 OAuth migration (seed 002)."""


@migrate.command()
@click.option("--app", "client_key", required=True, help="The app's client_key.")
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
    "--days", default=30, show_default=True, type=click.IntRange(min=1), help="Look-back window."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check(client_key: str, base_url: str, admin_token: str, days: int, as_json: bool) -> None:
    """List what the app still has to do; exit status 1 when anything is left."""
    url = f"{base_url.rstrip('/')}/emulator/apps/{client_key}/migration"
    try:
        response = httpx2.get(
            url,
            params={"days": days},
            headers={"Authorization": f"Bearer {admin_token}"},
            timeout=30,
        )
    except httpx2.TransportError as exc:
        raise click.ClickException(f"cannot reach the emulator at {base_url}: {exc}") from exc
    if response.status_code != 200:
        raise click.ClickException(f"{response.status_code}: {response.text}")
    report = response.json()
    findings = report["findings"]
    if as_json:
        click.echo(json.dumps(report, indent=2))
    elif not findings:
        click.echo(f"{client_key} ({report['platform']}): nothing left to migrate.")
    else:
        click.echo(f"{client_key} ({report['platform']}): {len(findings)} thing(s) to do:")
        for finding in findings:
            click.echo(f"- [{finding['code']}] {finding['message']}")
    if findings:
        raise SystemExit(1)
