"""``loginkit explain LOG_ID``: why the emulator answered a request the way it did."""

from __future__ import annotations

import json
from typing import Any

import click

from loginkit.cli.control import call_control, control_options

__all__ = ["explain"]


def _lines(record: dict[str, Any]) -> list[str]:
    verdict = "ok" if record["error"] is None else f"refused: {record['error']}"
    lines = [
        f"{record['method']} {record['endpoint']} -> {record['status']} ({verdict})",
        f"log_id: {record['log_id']}",
        f"client: {record['client_key'] or '(unknown)'}",
    ]
    if record["rule"]:
        lines.append(f"rule: {record['rule']}")
    if record["explanation"]:
        lines.append(f"why: {record['explanation']}")
    if record["observations"]:
        lines.append(f"noticed: {', '.join(record['observations'])}")
    lines.append("parameters received (secrets masked):")
    lines.extend(f"  {name} = {value}" for name, value in record["params"].items())
    return lines


@click.command()
@click.argument("log_id")
@control_options
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
def explain(log_id: str, base_url: str, admin_token: str | None, as_json: bool) -> None:
    """Show the recorded request LOG_ID (the log_id of a TikTok answer or error page)."""
    record = call_control(base_url, admin_token, "GET", f"/emulator/requests/{log_id}")
    if as_json:
        click.echo(json.dumps(record, indent=2))
        return
    for line in _lines(record):
        click.echo(line)
