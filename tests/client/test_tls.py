"""The clients the kit creates share one TLS context, built once, that still verifies servers:
building one costs more than a whole login against a local emulator."""

from __future__ import annotations

import ssl

import httpx2
import pytest

from loginkit.client import AsyncTikTokClient, TikTokClient
from loginkit.client._tls import shared_tls_context


def test_clients_build_one_verifying_tls_context(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[ssl.SSLContext] = []
    original = httpx2.create_ssl_context

    def counting(*args: object, **kwargs: object) -> ssl.SSLContext:
        context = original(*args, **kwargs)  # type: ignore[arg-type]
        built.append(context)
        return context

    shared_tls_context.cache_clear()
    monkeypatch.setattr(httpx2, "create_ssl_context", counting)
    try:
        clients = [TikTokClient("key", "secret") for _ in range(3)]
        async_clients = [AsyncTikTokClient("key", "secret") for _ in range(2)]
        assert len(built) == 1
        assert built[0].verify_mode is ssl.CERT_REQUIRED and built[0].check_hostname
        for client in clients:
            client.close()
        del async_clients  # nothing was opened
    finally:
        shared_tls_context.cache_clear()
