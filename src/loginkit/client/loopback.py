"""The loopback redirect target of a desktop login: one ``GET /callback/`` on 127.0.0.1."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl, urlsplit

__all__ = ["LoopbackReceiver"]

_DONE_PAGE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>loginkit</title></head>"
    b"<body><h1>Back to your terminal</h1><p>You can close this tab.</p></body></html>"
)


class LoopbackReceiver:
    """Listens on a free port; ``wait`` returns the callback's query parameters."""

    path = "/callback/"

    def __init__(self, port: int = 0) -> None:
        self._query: dict[str, str] | None = None
        self._arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != receiver.path or receiver._arrived.is_set():
                    self.send_error(404)
                    return
                receiver._query = dict(parse_qsl(url.query))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(_DONE_PAGE)))
                self.end_headers()
                self.wfile.write(_DONE_PAGE)
                receiver._arrived.set()

            def log_message(self, format: str, *args: object) -> None:
                pass  # the query holds the code: keep it out of the terminal

        self._server = HTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.path}"

    def wait(self, timeout: float) -> dict[str, str] | None:
        """The callback's parameters, or ``None`` after ``timeout`` seconds."""
        return self._query if self._arrived.wait(timeout) else None

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
