"""``loginkit export``: a running emulator's state as a seed file for ``serve --seed``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml

from loginkit.cli.control import call_control, control_options

__all__ = ["export"]


@click.command()
@control_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: standard output).",
)
def export(base_url: str, admin_token: str | None, output: Path | None) -> None:
    """Write apps, users, grants and tokens as a seed file (secrets and tokens as hashes)."""
    state = call_control(base_url, admin_token, "GET", "/emulator/export")
    text = yaml.safe_dump(state, sort_keys=False, allow_unicode=True)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
