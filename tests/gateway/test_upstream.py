"""Forwarding to the upstream: form encoding, credentials, the refresh alias, and failures."""

from __future__ import annotations

import httpx2
import pytest

from loginkit.gateway.capability import (
    ConsumedOperation,
    default_capability_text,
    load_capability,
    parse_capability,
)
from loginkit.gateway.credentials import AppCredentials
from loginkit.gateway.upstream import UpstreamError
from tests.gateway.fakes import TOKENS, FakeTikTok, answer

CAPABILITY = load_capability()
OPERATIONS = {op.name: op for api in CAPABILITY.consumes for op in api.operations}
EXCHANGE: ConsumedOperation = OPERATIONS["exchangetoken"]
REFRESH: ConsumedOperation = OPERATIONS["refreshtoken"]
REVOKE: ConsumedOperation = OPERATIONS["revoketoken"]


async def test_posts_a_form_to_the_capability_base_uri() -> None:
    tiktok = FakeTikTok()
    upstream = tiktok.upstream()
    form = {"client_key": "ck", "client_secret": "cs", "code": "a*b!c.1", "redirect_uri": "r"}
    reply = await upstream.call(EXCHANGE, form)
    await upstream.aclose()
    request = tiktok.requests[0]
    assert str(request.url) == "https://open.tiktokapis.com/v2/oauth/token/"
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert tiktok.last_form == form | {"grant_type": "authorization_code"}
    assert (reply.status, reply.body) == (200, TOKENS)


async def test_override_replaces_the_base_uri() -> None:
    tiktok = FakeTikTok()
    upstream = tiktok.upstream(override="http://127.0.0.1:9999/")
    await upstream.call(REVOKE, {"client_key": "ck", "client_secret": "cs", "token": "act.1"})
    await upstream.aclose()
    assert str(tiktok.requests[0].url) == "http://127.0.0.1:9999/v2/oauth/revoke/"


async def test_refresh_goes_to_the_token_endpoint_with_the_refresh_grant() -> None:
    tiktok = FakeTikTok()
    upstream = tiktok.upstream()
    await upstream.call(
        REFRESH, {"client_key": "ck", "client_secret": "cs", "refresh_token": "rft.1"}
    )
    await upstream.aclose()
    assert tiktok.requests[0].url.path == "/v2/oauth/token/"
    assert tiktok.last_form["grant_type"] == "refresh_token"


async def test_bound_credentials_fill_only_what_the_caller_left_out() -> None:
    tiktok = FakeTikTok()
    credentials = AppCredentials({"client_key": "bound-key", "client_secret": "bound-secret"})
    upstream = tiktok.upstream(credentials=credentials)
    await upstream.call(REVOKE, {"token": "act.1"})
    assert tiktok.last_form == {
        "client_key": "bound-key",
        "client_secret": "bound-secret",
        "token": "act.1",
    }
    await upstream.call(REVOKE, {"client_key": "own", "client_secret": "", "token": "act.1"})
    assert tiktok.last_form["client_key"] == "own"
    assert tiktok.last_form["client_secret"] == "bound-secret"
    await upstream.aclose()


@pytest.mark.parametrize("status", [400, 200])
async def test_refusal_passes_through_unmapped(status: int) -> None:
    """Also with HTTP 200, as TikTok sends it: an output mapping never sees an error body."""
    refusal = {"error": "invalid_grant", "error_description": "Code is expired", "log_id": "L1"}
    mapped = parse_capability(
        default_capability_text().replace('value: "$."', 'value: "$.access_token"'),
        source="mapped.yaml",
    )
    tiktok = FakeTikTok(reply=answer(status, refusal))
    upstream = tiktok.upstream(mapped)
    operation = next(
        op for api in mapped.consumes for op in api.operations if op.name == "exchangetoken"
    )
    reply = await upstream.call(operation, {"code": "c", "redirect_uri": "r"})
    await upstream.aclose()
    assert (reply.status, reply.body, reply.ok) == (status, refusal, False)
    tiktok.reply = answer(200, TOKENS)
    upstream = tiktok.upstream(mapped)
    assert (await upstream.call(operation, {"code": "c", "redirect_uri": "r"})).body == "act.unit"
    await upstream.aclose()


async def test_unreachable_upstream_is_502_naming_it() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    upstream = FakeTikTok(reply=refuse).upstream(override="http://127.0.0.1:1")
    with pytest.raises(UpstreamError) as caught:
        await upstream.call(REVOKE, {"token": "act.1"})
    await upstream.aclose()
    assert caught.value.status == 502
    assert caught.value.to_body()["upstream"] == "http://127.0.0.1:1"
    assert "http://127.0.0.1:1" in caught.value.to_body()["error_description"]


async def test_slow_upstream_is_504() -> None:
    def too_slow(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("timed out", request=request)

    upstream = FakeTikTok(reply=too_slow).upstream()
    with pytest.raises(UpstreamError) as caught:
        await upstream.call(REVOKE, {"token": "act.1"})
    await upstream.aclose()
    assert (caught.value.status, caught.value.error) == (504, "upstream_timeout")
    assert "https://open.tiktokapis.com" in caught.value.description


async def test_non_json_answer_is_502() -> None:
    tiktok = FakeTikTok(reply=lambda request: httpx2.Response(404, text="<html>nope</html>"))
    upstream = tiktok.upstream()
    with pytest.raises(UpstreamError) as caught:
        await upstream.call(REVOKE, {"token": "act.1"})
    await upstream.aclose()
    assert (caught.value.status, caught.value.error) == (502, "upstream_invalid_response")
    assert "HTTP 404" in caught.value.description


async def test_transport_errors_never_carry_secrets() -> None:
    def leaky(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("failed sending s3cret and act.leaked", request=request)

    credentials = AppCredentials({"client_key": "ck", "client_secret": "s3cret"})
    upstream = FakeTikTok(reply=leaky).upstream(credentials=credentials)
    with pytest.raises(UpstreamError) as caught:
        await upstream.call(REVOKE, {"token": "act.leaked"})
    await upstream.aclose()
    assert "s3cret" not in str(caught.value.to_body())
    assert "act.leaked" not in str(caught.value.to_body())
