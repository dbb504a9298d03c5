"""A TCP proxy the test controls, to take PostgreSQL away from a server without stopping it.

``block()`` stops forwarding in both directions and holds every connection open, as a dead
network does: the server's queries and connection attempts hang until its own timeouts fire.
``unblock()`` drops the connections that were cut off and forwards new ones again.
"""

from __future__ import annotations

import select
import socket
import threading

__all__ = ["TcpProxy"]


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._blocked = threading.Event()
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._connections: list[tuple[socket.socket, socket.socket | None]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def block(self) -> None:
        self._blocked.set()

    def unblock(self) -> None:
        with self._lock:
            cut_off, self._connections = self._connections, []
            self._blocked.clear()
        for pair in cut_off:
            self._close(pair)

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        self.unblock()

    @staticmethod
    def _close(pair: tuple[socket.socket, socket.socket | None]) -> None:
        for sock in pair:
            if sock is not None:
                sock.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = None if self._blocked.is_set() else socket.create_connection(self.target)
            with self._lock:
                self._connections.append((client, upstream))
            if upstream is not None:
                threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        peers = {client: upstream, upstream: client}
        try:
            while not self._closed.is_set():
                if self._blocked.is_set():
                    self._closed.wait(0.05)  # hold everything: a dead network, not a reset
                    continue
                readable, _, _ = select.select(list(peers), [], [], 0.05)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            self._close((client, upstream))
