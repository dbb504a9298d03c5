"""The MCP server in process, through the official client, in front of a fake TikTok."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2
from mcp import Client
from mcp_types import TextContent

from loginkit.gateway.capability import load_capability
from loginkit.gateway.credentials import AppCredentials
from loginkit.gateway.mcp_server import build_mcp_server
from tests.gateway.fakes import TOKENS, FakeTikTok, answer

CAPABILITY = load_capability()
assert CAPABILITY.mcp is not None
ADAPTER = CAPABILITY.mcp


@asynccontextmanager
async def mcp_client(
    tiktok: FakeTikTok, credentials: AppCredentials | None = None
) -> AsyncIterator[Client]:
    upstream = tiktok.upstream(credentials=credentials)
    provided = credentials.provided if credentials else frozenset()
    server = build_mcp_server(CAPABILITY, ADAPTER, upstream, optional_fields=provided)
    async with Client(server) as client:
        yield client
    await upstream.aclose()


async def test_tools_have_typed_schemas_and_hint_annotations() -> None:
    async with mcp_client(FakeTikTok()) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == {
        "exchange-authorization-code-token",
        "refresh-access-token",
        "revoke-access-token",
    }
    exchange = tools["exchange-authorization-code-token"].input_schema
    assert set(exchange["properties"]) == {
        "client_key",
        "client_secret",
        "code",
        "grant_type",
        "redirect_uri",
        "code_verifier",
    }
    assert set(exchange["required"]) == {"client_key", "client_secret", "code", "redirect_uri"}
    assert exchange["properties"]["grant_type"]["const"] == "authorization_code"
    assert set(tools["revoke-access-token"].input_schema["required"]) == {
        "client_key",
        "client_secret",
        "token",
    }
    assert "refresh_token" in tools["refresh-access-token"].input_schema["required"]
    for tool in tools.values():
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is False
        assert tool.annotations.destructive_hint is False
        assert tool.annotations.idempotent_hint is False


async def test_bound_credentials_are_optional_in_the_schema() -> None:
    credentials = AppCredentials({"client_key": "bk", "client_secret": "bs"})
    async with mcp_client(FakeTikTok(), credentials) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert tools["revoke-access-token"].input_schema["required"] == ["token"]


async def test_call_forwards_the_typed_arguments_as_a_form() -> None:
    tiktok = FakeTikTok()
    async with mcp_client(tiktok) as client:
        result = await client.call_tool(
            "exchange-authorization-code-token",
            {"client_key": "ck", "client_secret": "cs", "code": "c*1!", "redirect_uri": "r"},
        )
    assert not result.is_error
    assert result.structured_content == TOKENS
    assert tiktok.last_form == {
        "client_key": "ck",
        "client_secret": "cs",
        "code": "c*1!",
        "redirect_uri": "r",
        "grant_type": "authorization_code",
    }


async def test_refusal_is_a_tool_error_carrying_tiktok_fields() -> None:
    refusal = {"error": "invalid_grant", "error_description": "Code expired", "log_id": "L9"}
    async with mcp_client(FakeTikTok(reply=answer(400, refusal))) as client:
        result = await client.call_tool(
            "refresh-access-token",
            {"client_key": "ck", "client_secret": "cs", "refresh_token": "rft.old"},
        )
    assert result.is_error
    [content] = result.content
    assert isinstance(content, TextContent)
    carried = json.loads(content.text.split("TikTok refused the request: ", 1)[1])
    assert carried == {"status": 400, **refusal}
    assert "rft.old" not in content.text


async def test_refusal_with_http_200_is_still_a_tool_error() -> None:
    refusal = {"error": "invalid_request", "error_description": "malformed", "log_id": "L"}
    async with mcp_client(FakeTikTok(reply=answer(200, refusal))) as client:
        result = await client.call_tool(
            "revoke-access-token",
            {
                "client_key": "ck",
                "client_secret": "cs",
                "token": "act.1",
            },
        )
    assert result.is_error


async def test_missing_required_argument_is_refused_without_calling_upstream() -> None:
    tiktok = FakeTikTok()
    async with mcp_client(tiktok) as client:
        result = await client.call_tool("revoke-access-token", {"token": "act.1"})
    assert result.is_error
    assert tiktok.requests == []


async def test_unreachable_upstream_is_a_tool_error_naming_it() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("refused", request=request)

    async with mcp_client(FakeTikTok(reply=refuse)) as client:
        result = await client.call_tool(
            "revoke-access-token",
            {
                "client_key": "ck",
                "client_secret": "cs",
                "token": "act.1",
            },
        )
    assert result.is_error
    [content] = result.content
    assert isinstance(content, TextContent)
    assert "upstream_unavailable" in content.text
    assert "https://open.tiktokapis.com" in content.text
