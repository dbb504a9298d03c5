"""``loginkit check --app KEY``: will this app work on TikTok? For users' CI.

``loginkit migrate check`` is the same command (the v1 → v2 migration check is part of the report).
"""

from __future__ import annotations

import json
from typing import Any

import click

from loginkit.cli.control import call_control, control_options

__all__ = ["check"]


def _summary(report: dict[str, Any]) -> str:
    findings = report["findings"]
    errors = sum(1 for f in findings if f["severity"] == "error")
    warnings = len(findings) - errors
    if not findings:
        return f"{report['client_key']}: ready for TikTok, nothing found in its traffic."
    verdict = "ready for TikTok" if report["ready"] else "NOT ready for TikTok"
    return f"{report['client_key']}: {verdict}: {errors} error(s), {warnings} warning(s)."


def _finding_lines(finding: dict[str, Any]) -> list[str]:
    lines = [f"- {finding['severity']} [{finding['id']}] {finding['message']}"]
    if finding["log_ids"]:
        shown = ", ".join(finding["log_ids"][:3])
        more = f" (+{len(finding['log_ids']) - 3} more)" if len(finding["log_ids"]) > 3 else ""
        lines.append(f"  {finding['count']} request(s): {shown}{more}; see loginkit explain")
    return lines


@click.command()
@click.option("--app", "client_key", required=True, help="The app's client_key.")
@control_options
@click.option(
    "--days",
    default=30,
    show_default=True,
    type=click.IntRange(min=1),
    help="How far back the migration check looks for mixed v1/v2 token use.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check(
    client_key: str, base_url: str, admin_token: str | None, days: int, as_json: bool
) -> None:
    """Report what in the app's recorded traffic will break or is risky on TikTok.

    Exit status 1 when any finding is an error, 0 otherwise.
    """
    path = f"/emulator/apps/{client_key}/readiness"
    report = call_control(base_url, admin_token, "GET", path, params={"days": days})
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(_summary(report))
        for finding in report["findings"]:
            for line in _finding_lines(finding):
                click.echo(line)
    if not report["ready"]:
        raise SystemExit(1)
