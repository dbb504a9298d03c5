"""``loginkit gateway``: serve a Naftiko capability as a REST adapter and an MCP server."""

from __future__ import annotations

import logging
from typing import Any

import click

from loginkit.cli.extras import require_extra
from loginkit.cli.options import settings_from_context, settings_options
from loginkit.cli.ports import listen, run_servers
from loginkit.config import Group


@click.command("gateway")
@settings_options(Group.GATEWAY)
@click.pass_context
def gateway(ctx: click.Context, /, **_options: Any) -> None:
    """Serve a Naftiko capability as a REST adapter and an MCP server (streamable HTTP).

    Set TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET to let callers omit the app's credentials.
    """
    settings = settings_from_context(ctx)
    require_extra("gateway")
    from loginkit.gateway.capability import load_capability
    from loginkit.gateway.document import CapabilityError
    from loginkit.gateway.service import serve_gateway
    from loginkit.gateway.upstream import Timeouts

    try:
        capability = load_capability(settings.capability)
    except CapabilityError as exc:
        raise click.ClickException(str(exc)) from exc
    rest_port = settings.rest_port or (capability.rest.port if capability.rest else None)
    mcp_port = settings.mcp_port or (capability.mcp.port if capability.mcp else None)
    sockets = {
        port: listen(settings.host, port, what, option)
        for port, what, option in (
            (rest_port, "the gateway's REST adapter", "--rest-port"),
            (mcp_port, "the gateway's MCP server", "--mcp-port"),
        )
        if port is not None
    }
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        run_servers(
            serve_gateway(
                capability,
                host=settings.host,
                upstream=settings.upstream,
                rest_port=rest_port,
                mcp_port=mcp_port,
                timeouts=Timeouts(connect=settings.connect_timeout, total=settings.timeout),
                sockets=sockets,
            )
        )
    except KeyboardInterrupt:
        raise SystemExit(130) from None
