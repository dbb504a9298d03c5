"""The exact requests sent to TikTok's real endpoints, answered with TikTok's documented bodies."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx2
import pytest

from loginkit.client import PKCE, AsyncTikTokClient, RetryPolicy, TikTokClient
from tests.client.conftest import NOW, Recorder
from tests.client.recorded import (
    CLIENT_TOKEN_RESPONSE,
    CODE,
    TOKEN_RESPONSE,
    USER_INFO_RESPONSE,
)

KEY, SECRET = "awexamplekey0001", "example-client-secret"
REDIRECT = "https://app.example.com/callback/"
FORM = "application/x-www-form-urlencoded"


def sync_client(recorder: Recorder) -> TikTokClient:
    return TikTokClient(
        KEY,
        SECRET,
        redirect_uri=REDIRECT,
        http_client=httpx2.Client(transport=recorder.transport()),
        retry=RetryPolicy(attempts=1),
        clock=lambda: NOW,
    )


def form_of(request: httpx2.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode("ascii"), strict_parsing=True))


def assert_form_post(request: httpx2.Request, url: str) -> None:
    assert request.method == "POST"
    assert str(request.url) == url
    assert request.headers["Content-Type"] == FORM
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Cache-Control"] == "no-cache"
    assert "Authorization" not in request.headers  # credentials travel in the body


def test_authorization_url_targets_tiktok_with_comma_scopes() -> None:
    client = TikTokClient(KEY, SECRET, redirect_uri=REDIRECT)
    url = client.authorization_url(["user.info.basic", "video.list"], state="s-1")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.tiktok.com/v2/auth/authorize/"
    assert parse_qs(parts.query) == {
        "client_key": [KEY],
        "scope": ["user.info.basic,video.list"],
        "redirect_uri": [REDIRECT],
        "state": ["s-1"],
        "response_type": ["code"],
    }


def test_authorization_url_carries_the_pkce_challenge_in_the_chosen_encoding() -> None:
    client = TikTokClient(KEY, SECRET, redirect_uri=REDIRECT)
    for encoding, length in (("hex", 64), ("base64url", 43)):
        pkce = PKCE.generate(encoding)  # type: ignore[arg-type]
        query = parse_qs(urlsplit(client.authorization_url(["user.info.basic"], state="s",
                                                           pkce=pkce)).query)
        assert query["code_challenge"] == [pkce.challenge]
        assert len(pkce.challenge) == length
        assert query["code_challenge_method"] == ["S256"]


def test_base_url_points_every_endpoint_at_the_emulator() -> None:
    client = TikTokClient(KEY, SECRET, redirect_uri=REDIRECT, base_url="http://127.0.0.1:9/")
    assert client.authorization_url(["user.info.basic"], state="s").startswith(
        "http://127.0.0.1:9/v2/auth/authorize/?"
    )
    assert client.config.api_base_url == "http://127.0.0.1:9"


def test_exchange_code_posts_the_documented_form(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json=TOKEN_RESPONSE))
    tokens = sync_client(recorder).exchange_code(CODE, code_verifier="v" * 43)

    (request,) = recorder.requests
    assert_form_post(request, "https://open.tiktokapis.com/v2/oauth/token/")
    assert form_of(request) == {
        "client_key": KEY,
        "client_secret": SECRET,
        "code": CODE,
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
        "code_verifier": "v" * 43,
    }
    assert tokens.access_token == TOKEN_RESPONSE["access_token"]
    assert tokens.refresh_token == TOKEN_RESPONSE["refresh_token"]
    assert tokens.open_id == TOKEN_RESPONSE["open_id"]
    assert tokens.scopes == ("user.info.basic", "video.list")
    assert tokens.access_expires_at == NOW + timedelta(seconds=86400)
    assert tokens.refresh_expires_at == NOW + timedelta(seconds=31536000)
    assert "act." not in repr(tokens) and "rft." not in repr(tokens)


def test_exchange_code_without_pkce_sends_no_verifier(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json=TOKEN_RESPONSE))
    sync_client(recorder).exchange_code(CODE)
    assert "code_verifier" not in form_of(recorder.requests[0])


def test_refresh_posts_the_documented_form(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json=TOKEN_RESPONSE))
    tokens = sync_client(recorder).refresh("rft.old")
    (request,) = recorder.requests
    assert_form_post(request, "https://open.tiktokapis.com/v2/oauth/token/")
    assert form_of(request) == {
        "client_key": KEY,
        "client_secret": SECRET,
        "grant_type": "refresh_token",
        "refresh_token": "rft.old",
    }
    assert tokens.refresh_token == TOKEN_RESPONSE["refresh_token"]


def test_client_token_posts_client_credentials(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json=CLIENT_TOKEN_RESPONSE))
    token = sync_client(recorder).client_token()
    (request,) = recorder.requests
    assert_form_post(request, "https://open.tiktokapis.com/v2/oauth/token/")
    assert form_of(request) == {
        "client_key": KEY,
        "client_secret": SECRET,
        "grant_type": "client_credentials",
    }
    assert token.access_token.startswith("clt.")
    assert token.expires_at == NOW + timedelta(seconds=7200)


def test_revoke_posts_the_access_token(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json={}))
    sync_client(recorder).revoke("act.abc")
    (request,) = recorder.requests
    assert_form_post(request, "https://open.tiktokapis.com/v2/oauth/revoke/")
    assert form_of(request) == {"client_key": KEY, "client_secret": SECRET, "token": "act.abc"}


def test_user_info_is_a_get_with_bearer_and_fields(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json=USER_INFO_RESPONSE))
    profile = sync_client(recorder).user_info("act.abc", ["open_id", "union_id", "avatar_url"])
    (request,) = recorder.requests
    assert request.method == "GET"
    assert str(request.url) == (
        "https://open.tiktokapis.com/v2/user/info/?fields=open_id%2Cunion_id%2Cavatar_url"
    )
    assert request.headers["Authorization"] == "Bearer act.abc"
    assert request.content == b""
    assert profile.open_id == "723f24d7-e717-40f8-a2b6-cb8464cd23b4"
    assert profile.union_id == "c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1"
    assert profile.display_name is None
    assert profile.raw == USER_INFO_RESPONSE["data"]["user"]


@pytest.mark.parametrize("call", ["exchange", "refresh", "client", "revoke", "user"])
async def test_async_client_sends_the_same_requests(recorder: Recorder, call: str) -> None:
    body = {"user": USER_INFO_RESPONSE, "client": CLIENT_TOKEN_RESPONSE, "revoke": {}}
    for _ in range(2):
        recorder.replies.append(httpx2.Response(200, json=body.get(call, TOKEN_RESPONSE)))
    sync = sync_client(recorder)
    aclient = AsyncTikTokClient(
        KEY, SECRET, redirect_uri=REDIRECT, clock=lambda: NOW,
        http_client=httpx2.AsyncClient(transport=recorder.transport()),
    )
    if call == "exchange":
        assert sync.exchange_code(CODE) == await aclient.exchange_code(CODE)
    elif call == "refresh":
        assert sync.refresh("rft.x") == await aclient.refresh("rft.x")
    elif call == "client":
        assert sync.client_token() == await aclient.client_token()
    elif call == "revoke":
        sync.revoke("act.x")
        await aclient.revoke("act.x")
    else:
        assert sync.user_info("act.x") == await aclient.user_info("act.x")
    first, second = recorder.requests
    assert (first.method, first.url, first.content) == (second.method, second.url, second.content)
    assert first.headers == second.headers
