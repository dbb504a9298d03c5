"""TikTok's refusals become typed errors, whatever the HTTP status; retries only where safe."""

from __future__ import annotations

import httpx2
import pytest

from loginkit.client import (
    APIError,
    InvalidGrantError,
    OAuthError,
    RetryPolicy,
    TikTokClient,
    TransportError,
    UnexpectedResponseError,
)
from tests.client.conftest import NOW, Recorder
from tests.client.recorded import (
    CODE,
    MALFORMED_ERROR,
    REDIRECT_MISMATCH_ERROR,
    TOKEN_RESPONSE,
    USER_INFO_RESPONSE,
    USER_INFO_TOKEN_INVALID,
)

NO_WAIT = RetryPolicy(attempts=3, initial_delay=0, max_delay=0)


def client(recorder: Recorder, retry: RetryPolicy = NO_WAIT) -> TikTokClient:
    return TikTokClient(
        "awexamplekey0001", "secret", redirect_uri="https://app.example.com/callback/",
        http_client=httpx2.Client(transport=recorder.transport()), retry=retry,
        clock=lambda: NOW,
    )


@pytest.mark.parametrize("status", [200, 400])
def test_oauth_error_body_raises_even_with_http_200(recorder: Recorder, status: int) -> None:
    recorder.replies.append(httpx2.Response(status, json=REDIRECT_MISMATCH_ERROR))
    with pytest.raises(OAuthError) as caught:
        client(recorder).exchange_code(CODE)
    assert caught.value.error == "invalid_request"
    assert caught.value.error_description == REDIRECT_MISMATCH_ERROR["error_description"]
    assert caught.value.log_id == "202206221854370101130062072500FFA2"
    assert caught.value.status_code == status


def test_invalid_grant_has_its_own_class(recorder: Recorder) -> None:
    body = {"error": "invalid_grant", "error_description": "expired", "log_id": "L1"}
    recorder.replies.append(httpx2.Response(400, json=body))
    with pytest.raises(InvalidGrantError):
        client(recorder).refresh("rft.old")


def test_non_json_answer_is_unexpected_not_oauth(recorder: Recorder) -> None:
    recorder.replies.append(
        httpx2.Response(502, text="<html>Bad gateway</html>", headers={"x-tt-logid": "LG"})
    )
    with pytest.raises(UnexpectedResponseError) as caught:
        client(recorder).exchange_code(CODE)
    assert (caught.value.status_code, caught.value.log_id) == (502, "LG")


def test_token_answer_without_tokens_is_unexpected(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json={"token_type": "Bearer"}))
    with pytest.raises(UnexpectedResponseError, match="access_token"):
        client(recorder).refresh("rft.x")


def test_user_info_error_envelope_is_an_api_error(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(401, json=USER_INFO_TOKEN_INVALID))
    with pytest.raises(APIError) as caught:
        client(recorder).user_info("act.dead")
    assert caught.value.code == "access_token_invalid"
    assert caught.value.status_code == 401
    assert caught.value.log_id == "20220829194722CBE87ED59D524E727021"


def test_user_info_error_envelope_with_http_200_is_still_an_error(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(200, json=USER_INFO_TOKEN_INVALID))
    with pytest.raises(APIError):
        client(recorder).user_info("act.dead")


def test_code_exchange_is_never_resent(recorder: Recorder) -> None:
    recorder.replies += [httpx2.ConnectError("refused"), httpx2.Response(200, json=TOKEN_RESPONSE)]
    with pytest.raises(TransportError):
        client(recorder).exchange_code(CODE)
    assert len(recorder.requests) == 1


def test_code_exchange_server_error_is_not_retried(recorder: Recorder) -> None:
    body = {"error": "server_error", "error_description": "x", "log_id": "L"}
    recorder.replies += [httpx2.Response(500, json=body), httpx2.Response(200, json=TOKEN_RESPONSE)]
    with pytest.raises(OAuthError, match="server_error"):
        client(recorder).exchange_code(CODE)
    assert len(recorder.requests) == 1


def test_refresh_is_resent_only_when_it_never_left(recorder: Recorder) -> None:
    recorder.replies += [httpx2.ConnectError("refused"), httpx2.Response(200, json=TOKEN_RESPONSE)]
    assert client(recorder).refresh("rft.x").access_token.startswith("act.")
    assert len(recorder.requests) == 2


def test_refresh_is_not_resent_after_a_read_timeout(recorder: Recorder) -> None:
    # The request may have rotated the refresh token at TikTok: sending it again would fail.
    recorder.replies += [httpx2.ReadTimeout("slow"), httpx2.Response(200, json=TOKEN_RESPONSE)]
    with pytest.raises(TransportError):
        client(recorder).refresh("rft.x")
    assert len(recorder.requests) == 1


def test_user_info_retries_5xx_and_429_then_succeeds(recorder: Recorder) -> None:
    recorder.replies += [
        httpx2.Response(503, json={"data": {}, "error": {"code": "internal_error"}}),
        httpx2.Response(429, json={"data": {}, "error": {"code": "rate_limit_exceeded"}},
                        headers={"Retry-After": "0"}),
        httpx2.Response(200, json=USER_INFO_RESPONSE),
    ]
    assert client(recorder).user_info("act.x").open_id == "723f24d7-e717-40f8-a2b6-cb8464cd23b4"
    assert len(recorder.requests) == 3


def test_retries_stop_after_the_policy_attempts(recorder: Recorder) -> None:
    recorder.replies += [httpx2.ReadTimeout("slow")] * 3
    with pytest.raises(TransportError) as caught:
        client(recorder).user_info("act.x")
    assert len(recorder.requests) == 3
    assert "act.x" not in str(caught.value)


def test_revoke_retries_temporarily_unavailable_sent_with_http_200(recorder: Recorder) -> None:
    body = {"error": "temporarily_unavailable", "error_description": "busy", "log_id": "L"}
    recorder.replies += [httpx2.Response(200, json=body), httpx2.Response(200, json={})]
    client(recorder).revoke("act.x")
    assert len(recorder.requests) == 2


def test_oauth_errors_are_not_retried(recorder: Recorder) -> None:
    recorder.replies.append(httpx2.Response(400, json=MALFORMED_ERROR))
    with pytest.raises(OAuthError):
        client(recorder).client_token()
    assert len(recorder.requests) == 1


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(initial_delay=1, max_delay=3)
    assert 0.5 <= policy.delay(0) <= 1
    assert 1 <= policy.delay(1) <= 2
    assert 1.5 <= policy.delay(5) <= 3
    assert policy.delay(0, retry_after=10) == 3
