"""Assemble the gateway (REST adapter + MCP server over one upstream client) and serve it."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from loginkit.gateway.capability import Capability
from loginkit.gateway.credentials import AppCredentials
from loginkit.gateway.mcp_server import build_mcp_server
from loginkit.gateway.rest import build_rest_app
from loginkit.gateway.upstream import DEFAULT_TIMEOUTS, Timeouts, Upstream

logger = logging.getLogger("loginkit.gateway")

MCP_PATH = "/mcp"


@dataclass
class Gateway:
    """The two ASGI apps and the upstream client they share; ``aclose`` when done."""

    rest_app: Starlette | None
    rest_port: int | None
    mcp_app: Starlette | None
    mcp_port: int | None
    upstream: Upstream
    credentials: AppCredentials

    async def aclose(self) -> None:
        await self.upstream.aclose()

    async def __aenter__(self) -> Gateway:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


def build_gateway(
    capability: Capability,
    *,
    host: str = "127.0.0.1",
    upstream: str | None = None,
    rest_port: int | None = None,
    mcp_port: int | None = None,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    environ: Mapping[str, str] | None = None,
) -> Gateway:
    """Build the apps; ports default to the capability's, ``upstream`` replaces each baseUri."""
    credentials = AppCredentials.from_binds(
        capability.binds, os.environ if environ is None else environ
    )
    client = Upstream(capability, override=upstream, credentials=credentials, timeouts=timeouts)
    rest_app = mcp_app = None
    if capability.rest is not None:
        rest_app = build_rest_app(
            capability, capability.rest, client, optional_fields=credentials.provided
        )
    if capability.mcp is not None:
        server = build_mcp_server(
            capability, capability.mcp, client, optional_fields=credentials.provided
        )
        mcp_app = server.streamable_http_app(streamable_http_path=MCP_PATH, host=host)
    return Gateway(
        rest_app=rest_app,
        rest_port=rest_port or (capability.rest.port if capability.rest else None),
        mcp_app=mcp_app,
        mcp_port=mcp_port or (capability.mcp.port if capability.mcp else None),
        upstream=client,
        credentials=credentials,
    )


async def serve_gateway(
    capability: Capability,
    *,
    host: str = "127.0.0.1",
    upstream: str | None = None,
    rest_port: int | None = None,
    mcp_port: int | None = None,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    sockets: Mapping[int, socket.socket] | None = None,
) -> None:
    """Serve the REST adapter and the MCP server until interrupted (or one of them stops).

    ``sockets``: port → a socket bound to it already (the command line binds before it logs).
    """
    async with build_gateway(
        capability,
        host=host,
        upstream=upstream,
        rest_port=rest_port,
        mcp_port=mcp_port,
        timeouts=timeouts,
    ) as gateway:
        listeners = ((gateway.rest_app, gateway.rest_port), (gateway.mcp_app, gateway.mcp_port))
        bound = [(app, port) for app, port in listeners if app is not None and port is not None]
        servers = [
            uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="info"))
            for app, port in bound
        ]
        logger.info(
            "gateway for %r: REST on %s, MCP on %s, upstream %s, credentials bound: %s",
            capability.label,
            f"http://{host}:{gateway.rest_port}" if gateway.rest_app else "-",
            f"http://{host}:{gateway.mcp_port}{MCP_PATH}" if gateway.mcp_app else "-",
            upstream or "from the capability",
            ", ".join(sorted(gateway.credentials.provided)) or "none",
        )
        await serve_together(servers, [(sockets or {}).get(port) for _, port in bound])


async def serve_together(
    servers: list[uvicorn.Server], sockets: Sequence[socket.socket | None] = ()
) -> None:
    """Run uvicorn servers side by side (each on its socket of ``sockets``, if bound already);
    when one stops, stop the rest.

    Each server installs its own signal handlers and the last one wins, so a Ctrl-C reaches
    only one; the others follow it here.
    """

    async def run(server: uvicorn.Server, sock: socket.socket | None) -> None:
        try:
            await server.serve(sockets=None if sock is None else [sock])
        finally:
            for other in servers:
                other.should_exit = True

    async with asyncio.TaskGroup() as group:
        for index, server in enumerate(servers):
            group.create_task(run(server, sockets[index] if index < len(sockets) else None))
