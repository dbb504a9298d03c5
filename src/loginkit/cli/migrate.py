"""``loginkit migrate check``: kept as another name of ``loginkit check``, whose readiness report
includes what an app still has to do to move from v1 to v2 OAuth."""

from __future__ import annotations

import click

from loginkit.cli.check import check

__all__ = ["migrate"]


@click.group()
def migrate() -> None:
    """TikTok's v1 → v2 OAuth migration.

    See https://developers.tiktok.com/bulletin/migration-guidance-oauth-v1.
    """


migrate.add_command(check)
