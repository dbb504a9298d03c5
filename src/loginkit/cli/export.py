"""``loginkit export``: a running emulator's state as a seed file for ``serve --seed``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml

from loginkit.cli.control import call_control, control_options

__all__ = ["export"]


def _output_path(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and not value.parent.is_dir():
        raise click.BadParameter(f"the directory {str(value.parent)!r} does not exist")
    return value


@click.command()
@control_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    callback=_output_path,
    help="File to write (default: standard output).",
)
@click.option(
    "--include-secrets",
    is_flag=True,
    help="Also write plaintext client secrets (of apps this emulator process knows the secret "
    "of) and webhook secrets.",
)
def export(
    base_url: str, admin_token: str | None, output: Path | None, include_secrets: bool
) -> None:
    """Write the emulator's state as a seed file for `loginkit serve --seed FILE`.

    The file holds every app (client_key, name, platform, redirect URIs and domains, scopes,
    webhook URL, sandbox settings), every test user with their profile, and every live grant
    with its unexpired tokens. Client secrets and tokens are written as SHA-256 hashes, so the
    file holds no credential in the clear, yet every credential keeps working when the file is
    loaded back. Webhook secrets are left out (a new one is made on load) unless
    --include-secrets.
    """
    params = {"include_secrets": "true"} if include_secrets else None
    state = call_control(base_url, admin_token, "GET", "/emulator/export", params=params)
    if include_secrets:
        click.echo(
            "warning: the export holds plaintext client and webhook secrets; keep it private",
            err=True,
        )
    text = yaml.safe_dump(state, sort_keys=False, allow_unicode=True)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"wrote {output}", err=True)
