"""The gateway process in front of the real emulator process, over loopback HTTP.

MCP through the official client (streamable HTTP + ClientSession); REST with JSON and form
bodies; PKCE and TikTok's HTTP 200 refusals; the documented PKCE snippet; credentials from the
environment; an unreachable and a silent upstream; a bad file.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult, TextContent

from loginkit.gateway.capability import default_capability_text
from tests.gateway.process import GatewayProcess, run_gateway
from tests.support.emulator import EmulatorProcess, free_port
from tests.support.live_defaults import authorize_with_pkce

SCOPES = ["user.info.basic"]
TOOLS = {"exchange-authorization-code-token", "refresh-access-token", "revoke-access-token"}


@pytest.fixture(scope="module")
def gateway(
    live_emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GatewayProcess]:
    """In front of an emulator behaving as TikTok does live (PKCE required for web apps, OAuth
    errors with HTTP 200): the gateway must work unchanged there."""
    with run_gateway(
        tmp_path_factory.mktemp("gateway"), "--upstream", live_emulator.base_url
    ) as running:
        yield running


@asynccontextmanager
async def mcp_session(url: str) -> AsyncIterator[ClientSession]:
    async with (
        streamable_http_client(url) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    content: dict[str, Any] | None = result.structured_content
    assert content is not None
    return content


def error_text(result: CallToolResult) -> str:
    assert result.is_error
    [content] = result.content
    assert isinstance(content, TextContent)
    return content.text


def user_info_status(emulator: EmulatorProcess, access_token: str) -> tuple[int, Any]:
    response = httpx2.get(
        f"{emulator.base_url}/v2/user/info/",
        params={"fields": "open_id,display_name"},
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=10,
    )
    return response.status_code, response.json()


def assert_token_set(body: dict[str, Any]) -> None:
    assert body["access_token"].startswith("act.")
    assert body["refresh_token"].startswith("rft.")
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "user.info.basic"


async def test_mcp_lists_the_three_typed_tools(gateway: GatewayProcess) -> None:
    async with mcp_session(gateway.mcp_url) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert set(tools) == TOOLS
    exchange = tools["exchange-authorization-code-token"]
    assert set(exchange.input_schema["required"]) == {
        "client_key",
        "client_secret",
        "code",
        "redirect_uri",
    }
    assert "code_verifier" in exchange.input_schema["properties"]
    assert set(tools["refresh-access-token"].input_schema["required"]) == {
        "client_key",
        "client_secret",
        "refresh_token",
    }
    assert set(tools["revoke-access-token"].input_schema["required"]) == {
        "client_key",
        "client_secret",
        "token",
    }
    for tool in tools.values():
        assert tool.annotations is not None
        hints = tool.annotations
        assert (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint) == (
            False,
            False,
            False,
        )


async def test_mcp_exchange_refresh_revoke(
    gateway: GatewayProcess, live_emulator: EmulatorProcess
) -> None:
    emulator = live_emulator
    app, user = emulator.create_app(), emulator.create_user()
    code, verifier = authorize_with_pkce(emulator, app, user, SCOPES)
    credentials = {"client_key": app["client_key"], "client_secret": app["client_secret"]}
    async with mcp_session(gateway.mcp_url) as session:
        tokens = structured(
            await session.call_tool(
                "exchange-authorization-code-token",
                credentials
                | {
                    "code": code,
                    "redirect_uri": app["redirect_uris"][0],
                    "code_verifier": verifier,
                },
            )
        )
        assert_token_set(tokens)
        refreshed = structured(
            await session.call_tool(
                "refresh-access-token", credentials | {"refresh_token": tokens["refresh_token"]}
            )
        )
        assert_token_set(refreshed)
        assert refreshed["refresh_token"] != tokens["refresh_token"]
        assert user_info_status(emulator, refreshed["access_token"])[0] == 200
        structured(
            await session.call_tool(
                "revoke-access-token", credentials | {"token": refreshed["access_token"]}
            )
        )
        # The rotated-out refresh token is refused: a tool error carrying TikTok's fields.
        refused = error_text(
            await session.call_tool(
                "refresh-access-token", credentials | {"refresh_token": tokens["refresh_token"]}
            )
        )
    status, body = user_info_status(emulator, refreshed["access_token"])
    assert status == 401
    assert body["error"]["code"] == "access_token_invalid"
    carried = json.loads(refused.split("TikTok refused the request: ", 1)[1])
    assert carried["error"] == "invalid_grant"
    assert carried["error_description"]
    assert carried["log_id"]
    assert tokens["refresh_token"] not in refused


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_rest_exchange_refresh_revoke(
    gateway: GatewayProcess, live_emulator: EmulatorProcess, encoding: str
) -> None:
    emulator = live_emulator
    app, user = emulator.create_app(), emulator.create_user()
    code, verifier = authorize_with_pkce(emulator, app, user, SCOPES)
    credentials = {"client_key": app["client_key"], "client_secret": app["client_secret"]}
    exchange = credentials | {
        "code": code,
        "grant_type": "authorization_code",
        "redirect_uri": app["redirect_uris"][0],
        "code_verifier": verifier,
    }

    def post(path: str, fields: dict[str, str]) -> httpx2.Response:
        body = {"json": fields} if encoding == "json" else {"data": fields}
        return httpx2.post(f"{gateway.rest_url}{path}", timeout=10, **body)  # type: ignore[arg-type]

    exchanged = post("/v1/v2/oauth/token", exchange)
    assert exchanged.status_code == 200, exchanged.text
    tokens = exchanged.json()
    assert_token_set(tokens)
    refreshed = post(
        "/v1/v2/oauth/token/refresh", credentials | {"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    new_tokens = refreshed.json()
    assert_token_set(new_tokens)
    revoked = post("/v1/v2/oauth/revoke", credentials | {"token": new_tokens["access_token"]})
    assert revoked.status_code == 200, revoked.text
    status, body = user_info_status(emulator, new_tokens["access_token"])
    assert (status, body["error"]["code"]) == (401, "access_token_invalid")
    # A replayed code: the emulator's refusal comes back with its status and body unchanged.
    replay = post("/v1/v2/oauth/token", exchange)
    direct = httpx2.post(f"{emulator.base_url}/v2/oauth/token/", data=exchange, timeout=10)
    assert replay.status_code == direct.status_code
    assert replay.json()["error"] == direct.json()["error"] == "invalid_grant"
    assert set(replay.json()) == set(direct.json()) >= {"error", "error_description", "log_id"}


def test_rest_serves_its_openapi(gateway: GatewayProcess) -> None:
    document = httpx2.get(f"{gateway.rest_url}/openapi.json", timeout=10).json()
    assert set(document["paths"]) == {
        "/v1/v2/oauth/token",
        "/v1/v2/oauth/token/refresh",
        "/v1/v2/oauth/revoke",
    }


async def test_credentials_from_the_environment(emulator: EmulatorProcess, tmp_path: Path) -> None:
    app, user = emulator.create_app(), emulator.create_user()
    env = {"TIKTOK_CLIENT_KEY": app["client_key"], "TIKTOK_CLIENT_SECRET": app["client_secret"]}
    with run_gateway(tmp_path, "--upstream", emulator.base_url, env=env) as bound:
        async with mcp_session(bound.mcp_url) as session:
            tools = {tool.name: tool for tool in (await session.list_tools()).tools}
            assert tools["revoke-access-token"].input_schema["required"] == ["token"]
            code, verifier = authorize_with_pkce(emulator, app, user, SCOPES)
            tokens = structured(
                await session.call_tool(
                    "exchange-authorization-code-token",
                    {
                        "code": code,
                        "redirect_uri": app["redirect_uris"][0],
                        "code_verifier": verifier,
                    },
                )
            )
        assert_token_set(tokens)
        rest = httpx2.post(
            f"{bound.rest_url}/v1/v2/oauth/token/refresh",
            json={"refresh_token": tokens["refresh_token"]},
            timeout=10,
        )
        assert rest.status_code == 200, rest.text
        log = bound.log()
    for secret in (app["client_secret"], code, tokens["access_token"], tokens["refresh_token"]):
        assert secret not in log
    assert "credentials bound: client_key, client_secret" in log


async def test_unreachable_upstream(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    with run_gateway(tmp_path, "--upstream", closed) as gateway:
        response = httpx2.post(
            f"{gateway.rest_url}/v1/v2/oauth/revoke", json={"token": "act.x"}, timeout=20
        )
        async with mcp_session(gateway.mcp_url) as session:
            text = error_text(
                await session.call_tool(
                    "revoke-access-token",
                    {"client_key": "k", "client_secret": "s", "token": "act.x"},
                )
            )
    assert response.status_code == 502
    assert response.json()["error"] == "upstream_unavailable"
    assert response.json()["upstream"] == closed
    assert "upstream_unavailable" in text and closed in text


@pytest.fixture
def silent_upstream() -> Iterator[str]:
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    for connection in accepted:
        connection.close()
    listener.close()


def test_slow_upstream_is_a_504(silent_upstream: str, tmp_path: Path) -> None:
    with run_gateway(tmp_path, "--upstream", silent_upstream, "--timeout", "0.5") as gateway:
        response = httpx2.post(
            f"{gateway.rest_url}/v1/v2/oauth/revoke", json={"token": "act.x"}, timeout=20
        )
    assert response.status_code == 504
    assert response.json()["error"] == "upstream_timeout"
    assert response.json()["upstream"] == silent_upstream


def test_malformed_capability_is_refused_at_startup(tmp_path: Path) -> None:
    text = default_capability_text().replace("      transport: http", "      transport: sse")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "transport: sse" in row)
    result = subprocess.run(
        [sys.executable, "-m", "loginkit.gateway", "--capability", str(bad)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert f"{bad}:{line}: capability.exposes[1].transport: unsupported value 'sse'" in (
        result.stderr
    )


def carried(text: str) -> dict[str, Any]:
    """TikTok's fields from a tool error's text."""
    fields: dict[str, Any] = json.loads(text.split("TikTok refused the request: ", 1)[1])
    return fields


def exchange_fields(app: dict[str, Any], code: str) -> dict[str, str]:
    return {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "code": code,
        "redirect_uri": app["redirect_uris"][0],
    }


async def test_mcp_exchange_with_pkce_and_refusals_with_http_200(
    gateway: GatewayProcess, live_emulator: EmulatorProcess
) -> None:
    app, user = live_emulator.create_app(), live_emulator.create_user()
    async with mcp_session(gateway.mcp_url) as session:
        code, verifier = authorize_with_pkce(live_emulator, app, user, SCOPES)
        without = error_text(
            await session.call_tool("exchange-authorization-code-token", exchange_fields(app, code))
        )
        code, verifier = authorize_with_pkce(live_emulator, app, user, SCOPES)
        tokens = structured(
            await session.call_tool(
                "exchange-authorization-code-token",
                exchange_fields(app, code) | {"code_verifier": verifier},
            )
        )
        assert_token_set(tokens)
        refresh = {
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "refresh_token": tokens["refresh_token"],
        }
        refreshed = structured(await session.call_tool("refresh-access-token", refresh))
        rotated = error_text(await session.call_tool("refresh-access-token", refresh))
        bad_secret = error_text(
            await session.call_tool(
                "revoke-access-token",
                {
                    "client_key": app["client_key"],
                    "client_secret": "not-the-secret",
                    "token": refreshed["access_token"],
                },
            )
        )
    for text, error in (
        (without, "invalid_request"),
        (rotated, "invalid_grant"),
        (bad_secret, "invalid_client"),
    ):
        fields = carried(text)
        assert fields["status"] == 200
        assert fields["error"] == error
        assert fields["error_description"]
        assert fields["log_id"]
    assert "Code verifier" in carried(without)["error_description"]
    assert tokens["refresh_token"] not in rotated


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_rest_passes_the_verifier_and_tiktoks_200_refusals_through(
    gateway: GatewayProcess, live_emulator: EmulatorProcess, encoding: str
) -> None:
    app, user = live_emulator.create_app(), live_emulator.create_user()

    def exchange(fields: dict[str, str]) -> httpx2.Response:
        body = {"json": fields} if encoding == "json" else {"data": fields}
        return httpx2.post(f"{gateway.rest_url}/v1/v2/oauth/token", timeout=10, **body)  # type: ignore[arg-type]

    code, verifier = authorize_with_pkce(live_emulator, app, user, SCOPES)
    refused = exchange(exchange_fields(app, code))
    assert refused.status_code == 200
    assert refused.json()["error"] == "invalid_request"
    assert set(refused.json()) == {"error", "error_description", "log_id"}

    code, verifier = authorize_with_pkce(live_emulator, app, user, SCOPES)
    exchanged = exchange(exchange_fields(app, code) | {"code_verifier": verifier})
    assert exchanged.status_code == 200, exchanged.text
    assert_token_set(exchanged.json())


def documented_snippet(containing: str) -> str:
    """The first ```python block of docs/gateway.md that contains ``containing``."""
    text = (Path(__file__).parents[2] / "docs" / "gateway.md").read_text(encoding="utf-8")
    blocks: list[str] = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    return next(block for block in blocks if containing in block)


async def test_the_documented_pkce_exchange_works_as_written(
    gateway: GatewayProcess, live_emulator: EmulatorProcess
) -> None:
    namespace: dict[str, Any] = {}
    exec(documented_snippet("exchange_with_pkce"), namespace)  # noqa: S102 - our own docs
    exchange_with_pkce = namespace["exchange_with_pkce"]
    app, user = live_emulator.create_app(), live_emulator.create_user()
    fields = {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "redirect_uri": app["redirect_uris"][0],
        "url": gateway.mcp_url,
    }
    code, verifier = authorize_with_pkce(live_emulator, app, user, SCOPES)
    assert_token_set(await exchange_with_pkce(code, verifier, **fields))
    assert await exchange_with_pkce(code, verifier, **fields) is None  # used: TikTok refuses
