"""The v1 OAuth methods: the exact requests, v1's envelope, and the refusal for web apps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl

import httpx2
import pytest

from loginkit.client import (
    AsyncTikTokClient,
    OAuthError,
    RetryPolicy,
    TikTokClient,
    UnexpectedResponseError,
    V1OAuthError,
    V1UnavailableError,
)
from tests.client.conftest import NOW, Recorder

KEY, SECRET = "awexamplekey0001", "example-client-secret"
OPEN_ID = "afd97af1-b87b-48b9-ac98-410aghda5344"

V1_TOKEN_RESPONSE: dict[str, Any] = {
    # The success shape of /work/shared/tiktok-wire-facts.md §10.
    "data": {
        "access_token": "act.example12345Example12345Example",
        "captcha": "",
        "desc_url": "",
        "description": "",
        "error_code": 0,
        "expires_in": 86400,
        "log_id": "20230607101010010203040506070809AB",
        "open_id": OPEN_ID,
        "refresh_expires_in": 31536000,
        "refresh_token": "rft.example12345Example12345Example",
        "scope": "user.info.basic,video.list",
    },
    "message": "success",
}

V1_PARAMETER_ERROR: dict[str, Any] = {
    # The error shape of /work/shared/tiktok-wire-facts.md §5.
    "data": {"captcha": "", "desc_url": "", "description": "Parameter error", "error_code": 10002},
    "message": "error",
}


def mobile_client(recorder: Recorder, platform: Any = "android") -> TikTokClient:
    return TikTokClient(
        KEY,
        SECRET,
        platform=platform,
        http_client=httpx2.Client(transport=recorder.transport()),
        retry=RetryPolicy(attempts=1),
        clock=lambda: NOW,
    )


def assert_v1_post(request: httpx2.Request, path: str, params: dict[str, str]) -> None:
    """v1 took its parameters in the query string of a POST (facts §10)."""
    assert request.method == "POST"
    assert f"{request.url.scheme}://{request.url.host}{request.url.path}" == (
        f"https://open-api.tiktok.com{path}"
    )
    assert dict(parse_qsl(request.url.query.decode("ascii"), strict_parsing=True)) == params
    assert request.content == b""
    assert "Authorization" not in request.headers


def test_v1_exchange_code_sends_v1_parameters_and_reads_the_v1_envelope(
    recorder: Recorder,
) -> None:
    recorder.replies.append(httpx2.Response(200, json=V1_TOKEN_RESPONSE))
    tokens = mobile_client(recorder).v1_exchange_code("code*!.x")
    (request,) = recorder.requests
    assert_v1_post(
        request,
        "/oauth/access_token/",
        {
            "client_key": KEY,
            "client_secret": SECRET,
            "code": "code*!.x",
            "grant_type": "authorization_code",
        },
    )
    data = V1_TOKEN_RESPONSE["data"]
    assert tokens.access_token == data["access_token"]
    assert tokens.refresh_token == data["refresh_token"]
    assert tokens.open_id == OPEN_ID and tokens.token_type == "Bearer"
    assert tokens.scopes == ("user.info.basic", "video.list")
    assert tokens.access_expires_at == NOW + timedelta(seconds=86400)
    assert tokens.refresh_expires_at == NOW + timedelta(seconds=31536000)


def test_v1_refresh_sends_no_secret(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json=V1_TOKEN_RESPONSE))
    tokens = mobile_client(recorder, "ios").v1_refresh("rft.old")
    (request,) = recorder.requests
    assert_v1_post(
        request,
        "/oauth/refresh_token/",
        {"client_key": KEY, "grant_type": "refresh_token", "refresh_token": "rft.old"},
    )
    assert SECRET not in str(request.url)
    assert tokens.refresh_token == V1_TOKEN_RESPONSE["data"]["refresh_token"]


def test_v1_revoke_names_the_user_by_open_id(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json={"data": {"error_code": 0}, "message": ""}))
    mobile_client(recorder).v1_revoke(OPEN_ID, "act.x")
    (request,) = recorder.requests
    assert_v1_post(request, "/oauth/revoke/", {"open_id": OPEN_ID, "access_token": "act.x"})


def test_v1_refusal_with_http_200_raises_its_error_code(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json=V1_PARAMETER_ERROR))
    with pytest.raises(V1OAuthError) as caught:
        mobile_client(recorder).v1_exchange_code("c")
    assert caught.value.error_code == 10002 and caught.value.error == "10002"
    assert caught.value.error_description == "Parameter error"
    assert caught.value.status_code == 200
    assert isinstance(caught.value, OAuthError)


def test_a_v2_shaped_refusal_on_a_v1_path_is_an_oauth_error(recorder: Recorder) -> None:
    body = {"error": "rate_limit_exceeded", "error_description": "slow down", "log_id": "L"}
    recorder.replies.append(httpx2.Response(429, json=body))
    with pytest.raises(OAuthError) as caught:
        mobile_client(recorder).v1_refresh("rft.x")
    assert caught.value.error == "rate_limit_exceeded" and caught.value.log_id == "L"


def test_an_answer_without_the_v1_envelope_is_unexpected(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json={"access_token": "act.x"}))
    with pytest.raises(UnexpectedResponseError, match=r"data\.error_code"):
        mobile_client(recorder).v1_exchange_code("c")


@pytest.mark.parametrize(
    ("call", "v2_call"),
    [
        (lambda c: c.v1_exchange_code("c"), "exchange_code() — POST /v2/oauth/token/ with "
         "grant_type=authorization_code"),
        (lambda c: c.v1_refresh("rft.x"), "refresh() — POST /v2/oauth/token/ with "
         "grant_type=refresh_token"),
        (lambda c: c.v1_revoke(OPEN_ID, "act.x"), "revoke() — POST /v2/oauth/revoke/"),
    ],
)
def test_a_web_configuration_refuses_v1_before_sending_anything(
    recorder: Recorder, call: Any, v2_call: str
) -> None:
    with pytest.raises(V1UnavailableError) as caught:
        call(mobile_client(recorder, "web"))
    assert str(caught.value) == f"v1 OAuth ended for web apps on 2024-02-29; use {v2_call}"
    assert recorder.requests == []


def test_web_is_the_default_platform_and_desktop_has_no_v1(recorder: Recorder) -> None:
    assert TikTokClient(KEY, SECRET).config.platform == "web"
    with pytest.raises(V1UnavailableError, match="not available to desktop apps; use refresh"):
        mobile_client(recorder, "desktop").v1_refresh("rft.x")
    assert recorder.requests == []


def test_an_unknown_platform_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="platform must be one of web, desktop, android, ios"):
        TikTokClient(KEY, SECRET, platform="tv")


def test_base_url_points_v1_at_the_emulator_too() -> None:
    client = TikTokClient(KEY, SECRET, base_url="http://127.0.0.1:9/", platform="android")
    assert client.config.v1_api_base_url == "http://127.0.0.1:9"


async def test_the_async_client_drives_the_same_v1_flows(recorder: Recorder) -> None:
    recorder.replies += [
        httpx2.Response(200, json=V1_TOKEN_RESPONSE),
        httpx2.Response(200, json=V1_TOKEN_RESPONSE),
        httpx2.Response(200, json={"data": {"error_code": 0}, "message": "success"}),
    ]
    async with AsyncTikTokClient(
        KEY,
        SECRET,
        platform="ios",
        http_client=httpx2.AsyncClient(transport=recorder.transport()),
        clock=lambda: NOW,
    ) as client:
        tokens = await client.v1_exchange_code("c")
        await client.v1_refresh(tokens.refresh_token)
        await client.v1_revoke(tokens.open_id, tokens.access_token)
    paths = [r.url.path for r in recorder.requests]
    assert paths == ["/oauth/access_token/", "/oauth/refresh_token/", "/oauth/revoke/"]
    web = AsyncTikTokClient(
        KEY, SECRET, http_client=httpx2.AsyncClient(transport=recorder.transport())
    )
    with pytest.raises(V1UnavailableError, match="ended for web apps"):
        await web.v1_exchange_code("c")
    assert len(recorder.requests) == 3
