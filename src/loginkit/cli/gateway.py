"""``loginkit gateway``: serve a Naftiko capability as a REST adapter and an MCP server."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import click

from loginkit.gateway.capability import load_capability
from loginkit.gateway.document import CapabilityError
from loginkit.gateway.service import serve_gateway
from loginkit.gateway.upstream import Timeouts


@click.command("gateway")
@click.option(
    "--capability",
    "capability_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Naftiko capability file [default: the shipped TikTok Login Kit OAuth capability].",
)
@click.option(
    "--upstream",
    default=None,
    metavar="URL",
    help="Replace every consumed baseUri, e.g. the emulator's http://127.0.0.1:8000.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--rest-port", type=click.IntRange(1, 65535), help="[default: from the capability]")
@click.option("--mcp-port", type=click.IntRange(1, 65535), help="[default: from the capability]")
@click.option(
    "--connect-timeout",
    type=click.FloatRange(min=0.01),
    default=3.0,
    show_default=True,
    help="Seconds to wait for a connection to the upstream.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.01),
    default=10.0,
    show_default=True,
    help="Seconds one upstream call may take in all (then 504).",
)
def gateway(
    capability_path: Path | None,
    upstream: str | None,
    host: str,
    rest_port: int | None,
    mcp_port: int | None,
    connect_timeout: float,
    timeout: float,
) -> None:
    """Serve a Naftiko capability as a REST adapter and an MCP server (streamable HTTP).

    Set TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET to let callers omit the app's credentials.
    """
    try:
        capability = load_capability(capability_path)
    except CapabilityError as exc:
        raise click.ClickException(str(exc)) from exc
    if upstream is not None and not upstream.startswith(("http://", "https://")):
        raise click.BadParameter("expected an http:// or https:// URL", param_hint="--upstream")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(
        serve_gateway(
            capability,
            host=host,
            upstream=upstream,
            rest_port=rest_port,
            mcp_port=mcp_port,
            timeouts=Timeouts(connect=connect_timeout, total=timeout),
        )
    )
