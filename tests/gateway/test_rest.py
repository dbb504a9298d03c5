"""The REST adapter in process (ASGI), in front of a recorded fake TikTok."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2

from loginkit.gateway.capability import load_capability
from loginkit.gateway.credentials import AppCredentials
from loginkit.gateway.rest import build_rest_app
from tests.gateway.fakes import TOKENS, FakeTikTok, answer

CAPABILITY = load_capability()
assert CAPABILITY.rest is not None
ADAPTER = CAPABILITY.rest
EXCHANGE = {
    "client_key": "ck",
    "client_secret": "cs",
    "code": "a*b!c.1",
    "grant_type": "authorization_code",
    "redirect_uri": "https://app.example.com/callback/",
}


@asynccontextmanager
async def rest_client(
    tiktok: FakeTikTok, credentials: AppCredentials | None = None
) -> AsyncIterator[httpx2.AsyncClient]:
    upstream = tiktok.upstream(credentials=credentials)
    provided = credentials.provided if credentials else frozenset()
    app = build_rest_app(CAPABILITY, ADAPTER, upstream, optional_fields=provided)
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client
    await upstream.aclose()


async def test_json_body_is_forwarded_as_a_form() -> None:
    tiktok = FakeTikTok()
    async with rest_client(tiktok) as client:
        response = await client.post("/v1/v2/oauth/token", json=EXCHANGE)
    assert (response.status_code, response.json()) == (200, TOKENS)
    assert response.headers["cache-control"] == "no-store"
    assert tiktok.requests[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert tiktok.last_form == EXCHANGE


async def test_form_body_is_forwarded_unchanged() -> None:
    tiktok = FakeTikTok()
    async with rest_client(tiktok) as client:
        response = await client.post("/v1/v2/oauth/token", data=EXCHANGE)
    assert response.status_code == 200
    assert tiktok.last_form == EXCHANGE


async def test_json_scalars_become_text() -> None:
    tiktok = FakeTikTok()
    async with rest_client(tiktok) as client:
        await client.post("/v1/v2/oauth/revoke", json={"token": "act.1", "n": 3, "flag": True})
    assert tiktok.last_form["n"] == "3" and tiktok.last_form["flag"] == "true"


async def test_upstream_refusal_keeps_status_and_body() -> None:
    refusal = {"error": "invalid_client", "error_description": "bad", "log_id": "L"}
    tiktok = FakeTikTok(reply=answer(401, refusal))
    async with rest_client(tiktok) as client:
        response = await client.post("/v1/v2/oauth/revoke", json={"token": "act.1"})
    assert (response.status_code, response.json()) == (401, refusal)


async def test_refresh_route_uses_the_token_endpoint() -> None:
    tiktok = FakeTikTok()
    async with rest_client(tiktok) as client:
        await client.post("/v1/v2/oauth/token/refresh", json={"refresh_token": "rft.1"})
    assert tiktok.requests[0].url.path == "/v2/oauth/token/"
    assert tiktok.last_form["grant_type"] == "refresh_token"


async def test_bound_credentials_are_filled_in() -> None:
    tiktok = FakeTikTok()
    credentials = AppCredentials({"client_key": "bk", "client_secret": "bs"})
    async with rest_client(tiktok, credentials) as client:
        await client.post("/v1/v2/oauth/revoke", json={"token": "act.1"})
    assert tiktok.last_form == {"client_key": "bk", "client_secret": "bs", "token": "act.1"}


async def test_unreadable_bodies_are_refused_before_the_upstream() -> None:
    tiktok = FakeTikTok()
    async with rest_client(tiktok) as client:
        not_json = await client.post(
            "/v1/v2/oauth/revoke", content=b"{", headers={"content-type": "application/json"}
        )
        a_list = await client.post("/v1/v2/oauth/revoke", json=["token"])
        nested = await client.post("/v1/v2/oauth/revoke", json={"token": {"a": 1}})
        plain = await client.post("/v1/v2/oauth/revoke", content=b"token=x")
    for response in (not_json, a_list, nested, plain):
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"
    assert "Content-Type" in plain.json()["error_description"]
    assert tiktok.requests == []


async def test_unreachable_upstream_is_a_json_502() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("refused", request=request)

    async with rest_client(FakeTikTok(reply=refuse)) as client:
        response = await client.post("/v1/v2/oauth/revoke", json={"token": "act.1"})
    assert response.status_code == 502
    body = response.json()
    assert body["error"] == "upstream_unavailable"
    assert body["upstream"] == "https://open.tiktokapis.com"


async def test_openapi_describes_the_three_routes_with_real_schemas() -> None:
    async with rest_client(FakeTikTok()) as client:
        document = (await client.get("/openapi.json")).json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/v1/v2/oauth/token",
        "/v1/v2/oauth/token/refresh",
        "/v1/v2/oauth/revoke",
    }
    token = document["paths"]["/v1/v2/oauth/token"]["post"]
    schema = token["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert set(schema["required"]) == {"client_key", "client_secret", "code", "redirect_uri"}
    assert "code_verifier" in schema["properties"]
    assert set(token["responses"]) >= {"200", "400", "502", "504"}


async def test_openapi_marks_bound_credentials_optional() -> None:
    credentials = AppCredentials({"client_key": "bk", "client_secret": "bs"})
    async with rest_client(FakeTikTok(), credentials) as client:
        document = (await client.get("/openapi.json")).json()
    revoke = document["paths"]["/v1/v2/oauth/revoke"]["post"]["requestBody"]
    assert revoke["content"]["application/json"]["schema"]["required"] == ["token"]
