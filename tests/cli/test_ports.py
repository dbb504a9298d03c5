"""The listening sockets of ``serve``, ``up`` and ``gateway``: every connection they accept has
Nagle's algorithm off, on both event loops uvicorn may run.

With it on, a response written as two segments (uvicorn writes the headers, then the body) waits
for the client's delayed ACK: about 40 ms per request on a kept-alive connection.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest
import uvloop

from loginkit.cli.ports import listen, run_servers

LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "asyncio": asyncio.new_event_loop,
    "uvloop": uvloop.new_event_loop,
}


async def nodelay_of_accepted_connection() -> int:
    sock = listen("127.0.0.1", 0, "the test", "--port")
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            conn = transport.get_extra_info("socket")
            accepted.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
    try:
        _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        value = await asyncio.wait_for(accepted, 5)
        writer.close()
        return value
    finally:
        server.close()


@pytest.mark.parametrize("loop", LOOPS)
def test_accepted_connections_have_nagle_off(loop: str) -> None:
    with asyncio.Runner(loop_factory=LOOPS[loop]) as runner:
        assert runner.run(nodelay_of_accepted_connection()) != 0


def test_the_servers_run_on_uvloop() -> None:
    seen: list[asyncio.AbstractEventLoop] = []

    async def main() -> None:
        seen.append(asyncio.get_running_loop())

    run_servers(main())
    assert isinstance(seen[0], uvloop.Loop)
