"""The gateway process in front of an emulator process behaving as TikTok does live: PKCE
required for web apps, OAuth errors with HTTP 200. The exchange tool passes ``code_verifier``
through; a refusal that comes with HTTP 200 is still a tool error for MCP callers, and comes
back unchanged (status and body) from the REST adapter."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.gateway.process import GatewayProcess, run_gateway
from tests.gateway.test_end_to_end import assert_token_set, error_text, mcp_session, structured
from tests.support.emulator import EmulatorProcess
from tests.support.live_defaults import authorize_with_pkce

SCOPES = ["user.info.basic"]


@pytest.fixture(scope="module")
def live_gateway(
    live_emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GatewayProcess]:
    with run_gateway(
        tmp_path_factory.mktemp("live-gateway"), "--upstream", live_emulator.base_url
    ) as running:
        yield running


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
    live_gateway: GatewayProcess, live_emulator: EmulatorProcess
) -> None:
    app, user = live_emulator.create_app(), live_emulator.create_user()
    async with mcp_session(live_gateway.mcp_url) as session:
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
        refreshed = structured(
            await session.call_tool(
                "refresh-access-token",
                {
                    "client_key": app["client_key"],
                    "client_secret": app["client_secret"],
                    "refresh_token": tokens["refresh_token"],
                },
            )
        )
        rotated = error_text(
            await session.call_tool(
                "refresh-access-token",
                {
                    "client_key": app["client_key"],
                    "client_secret": app["client_secret"],
                    "refresh_token": tokens["refresh_token"],
                },
            )
        )
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
    live_gateway: GatewayProcess, live_emulator: EmulatorProcess, encoding: str
) -> None:
    app, user = live_emulator.create_app(), live_emulator.create_user()

    def exchange(fields: dict[str, str]) -> httpx2.Response:
        body = {"json": fields} if encoding == "json" else {"data": fields}
        return httpx2.post(f"{live_gateway.rest_url}/v1/v2/oauth/token", timeout=10, **body)  # type: ignore[arg-type]

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
    live_gateway: GatewayProcess, live_emulator: EmulatorProcess
) -> None:
    namespace: dict[str, Any] = {}
    exec(documented_snippet("exchange_with_pkce"), namespace)  # noqa: S102 - our own docs
    exchange_with_pkce = namespace["exchange_with_pkce"]
    app, user = live_emulator.create_app(), live_emulator.create_user()
    fields = {
        "client_key": app["client_key"],
        "client_secret": app["client_secret"],
        "redirect_uri": app["redirect_uris"][0],
        "url": live_gateway.mcp_url,
    }
    code, verifier = authorize_with_pkce(live_emulator, app, user, SCOPES)
    assert_token_set(await exchange_with_pkce(code, verifier, **fields))
    assert await exchange_with_pkce(code, verifier, **fields) is None  # used: TikTok refuses
