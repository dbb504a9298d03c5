"""One TLS context for every HTTP client the kit creates itself.

Building one (loading the CA bundle) takes about 18 ms, more than all the HTTP calls of a login
against a local emulator; an ``ssl.SSLContext`` may be shared by any number of connections and
threads. It is built on first use, as ``httpx2`` would build its own (``SSL_CERT_FILE`` and
``SSL_CERT_DIR`` are read then). Pass ``http_client`` to a client for other TLS settings.
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx2

__all__ = ["shared_tls_context"]


@cache
def shared_tls_context() -> ssl.SSLContext:
    return httpx2.create_ssl_context()
