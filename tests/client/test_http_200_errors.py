"""TikTok answers OAuth errors with HTTP 200: every call reads the body, never the status.

Each call, sync and async, gets a 200 whose body is TikTok's flat error (or v1's envelope) and
must raise the typed error; nothing may come back built from the error body. The sessions'
refresh path must raise too and leave the stored tokens as they were.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx2
import pytest

from loginkit.client import (
    AsyncSessions,
    AsyncTikTokClient,
    InvalidGrantError,
    OAuthError,
    ReauthorizationRequiredError,
    RetryPolicy,
    Sessions,
    TikTokClient,
    TokenSet,
    V1OAuthError,
)
from loginkit.client.storage import AsyncMemoryTokenStore, MemoryTokenStore
from tests.client.conftest import NOW, Recorder
from tests.client.recorded import CODE, TOKEN_RESPONSE

NO_WAIT = RetryPolicy(attempts=3, initial_delay=0, max_delay=0)
LOG_ID = "20261201092942A351B69F73862B4614EA"


def flat_error(error: str, description: str) -> dict[str, Any]:
    return {"error": error, "error_description": description, "log_id": LOG_ID}


INVALID_CLIENT = flat_error("invalid_client", "Client key or secret is incorrect.")
INVALID_GRANT = flat_error("invalid_grant", "Authorization code is expired.")
PKCE_FAILED = flat_error("invalid_request", "Code verifier or code challenge is invalid.")
V1_PARAMETER_ERROR = {
    "data": {"description": "Parameter error", "error_code": 10002, "log_id": LOG_ID},
    "message": "error",
}

Call = Callable[[Any], Any]
CALLS: dict[str, Call] = {
    "exchange_code": lambda c: c.exchange_code(CODE, code_verifier="v" * 43),
    "refresh": lambda c: c.refresh("rft.old"),
    "revoke": lambda c: c.revoke("act.old"),
    "client_token": lambda c: c.client_token(),
}
V1_CALLS: dict[str, Call] = {
    "v1_exchange_code": lambda c: c.v1_exchange_code(CODE),
    "v1_refresh": lambda c: c.v1_refresh("rft.old"),
    "v1_revoke": lambda c: c.v1_revoke("open-1", "act.old"),
}
ERRORS = [
    (INVALID_CLIENT, OAuthError),
    (INVALID_GRANT, InvalidGrantError),
    (PKCE_FAILED, OAuthError),
    # Tokens next to an error are still an error: the body's ``error`` decides.
    (TOKEN_RESPONSE | INVALID_GRANT, InvalidGrantError),
]


def options(platform: str) -> dict[str, Any]:
    return {
        "redirect_uri": "https://app.example.com/callback/",
        "retry": NO_WAIT,
        "clock": lambda: NOW,
        "platform": platform,
    }


def sync_client(recorder: Recorder, platform: str = "web") -> TikTokClient:
    http = httpx2.Client(transport=recorder.transport())
    return TikTokClient("awexamplekey0001", "secret", http_client=http, **options(platform))


def async_client(recorder: Recorder, platform: str = "web") -> AsyncTikTokClient:
    http = httpx2.AsyncClient(transport=recorder.transport())
    return AsyncTikTokClient("awexamplekey0001", "secret", http_client=http, **options(platform))


def assert_carries(error: OAuthError, body: dict[str, Any]) -> None:
    assert error.error == body["error"]
    assert error.error_description == body["error_description"]
    assert error.log_id == LOG_ID
    assert error.status_code == 200


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize(("body", "kind"), ERRORS, ids=["client", "grant", "pkce", "both"])
def test_sync_calls_raise_on_a_200_error_body(
    recorder: Recorder, call: Call, body: dict[str, Any], kind: type[OAuthError]
) -> None:
    recorder.replies.append(httpx2.Response(200, json=body))
    with pytest.raises(kind) as caught:
        call(sync_client(recorder))
    assert type(caught.value) is kind
    assert_carries(caught.value, body)
    assert len(recorder.requests) == 1  # a refusal is final: not resent


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize(("body", "kind"), ERRORS, ids=["client", "grant", "pkce", "both"])
async def test_async_calls_raise_on_a_200_error_body(
    recorder: Recorder, call: Callable[[Any], Awaitable[Any]], body: dict[str, Any],
    kind: type[OAuthError],
) -> None:  # fmt: skip
    recorder.replies.append(httpx2.Response(200, json=body))
    async with async_client(recorder) as client:
        with pytest.raises(kind) as caught:
            await call(client)
    assert type(caught.value) is kind
    assert_carries(caught.value, body)
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("call", V1_CALLS.values(), ids=V1_CALLS.keys())
@pytest.mark.parametrize("body", [V1_PARAMETER_ERROR, INVALID_CLIENT], ids=["v1", "v2-shaped"])
async def test_v1_calls_raise_on_a_200_error_body_sync_and_async(
    recorder: Recorder, call: Call, body: dict[str, Any]
) -> None:
    recorder.replies += [httpx2.Response(200, json=body), httpx2.Response(200, json=body)]
    with pytest.raises(OAuthError) as sync_caught:
        call(sync_client(recorder, platform="android"))
    async with async_client(recorder, platform="ios") as client:
        with pytest.raises(OAuthError) as async_caught:
            await call(client)
    for caught in (sync_caught, async_caught):
        assert caught.value.status_code == 200
        assert caught.value.log_id == LOG_ID
        if body is V1_PARAMETER_ERROR:
            assert isinstance(caught.value, V1OAuthError)
            assert caught.value.error_code == 10002
        else:
            assert caught.value.error == "invalid_client"


def due_tokens() -> TokenSet:
    """Stored tokens whose access token expires within the sessions' refresh skew."""
    return TokenSet(
        open_id="open-1", scopes=("user.info.basic",), access_token="act.0",
        access_expires_at=NOW + timedelta(seconds=30), refresh_token="rft.0",
        refresh_expires_at=NOW + timedelta(days=1),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "raised"),
    [(INVALID_GRANT, ReauthorizationRequiredError), (INVALID_CLIENT, OAuthError)],
    ids=["dead-refresh-token", "bad-client"],
)
def test_a_200_error_on_refresh_is_raised_and_nothing_is_stored(
    recorder: Recorder, body: dict[str, Any], raised: type[Exception]
) -> None:
    recorder.replies.append(httpx2.Response(200, json=body))
    store = MemoryTokenStore()
    sessions = Sessions(sync_client(recorder), store)
    session = sessions.start("u1", due_tokens())
    with pytest.raises(raised, match=str(body["error_description"])):
        session.access_token()
    assert store.load("u1") == due_tokens()


@pytest.mark.parametrize(
    ("body", "raised"),
    [(INVALID_GRANT, ReauthorizationRequiredError), (INVALID_CLIENT, OAuthError)],
    ids=["dead-refresh-token", "bad-client"],
)
async def test_a_200_error_on_async_refresh_is_raised_and_nothing_is_stored(
    recorder: Recorder, body: dict[str, Any], raised: type[Exception]
) -> None:
    recorder.replies.append(httpx2.Response(200, json=body))
    store = AsyncMemoryTokenStore()
    async with async_client(recorder) as client:
        session = await AsyncSessions(client, store).start("u1", due_tokens())
        with pytest.raises(raised, match=str(body["error_description"])):
            await session.refresh()
    assert await store.load("u1") == due_tokens()
