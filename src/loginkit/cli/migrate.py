"""``loginkit migrate check``: what an app still has to do to move from v1 to v2 OAuth."""

from __future__ import annotations

import json

import click

from loginkit.cli.control import call_control, control_options

__all__ = ["migrate"]


@click.group()
def migrate() -> None:
    """TikTok's v1 → v2 OAuth migration.

    See developers.tiktok.com/bulletin/migration-guidance-oauth-v1.
    """


@migrate.command()
@click.option("--app", "client_key", required=True, help="The app's client_key.")
@control_options
@click.option(
    "--days", default=30, show_default=True, type=click.IntRange(min=1), help="Look-back window."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check(
    client_key: str, base_url: str, admin_token: str | None, days: int, as_json: bool
) -> None:
    """List what the app still has to do; exit status 1 when anything is left."""
    path = f"/emulator/apps/{client_key}/migration"
    report = call_control(base_url, admin_token, "GET", path, params={"days": days})
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
