"""Units behind the pages: webhook signatures, the fault board, the request log, sessions."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from starlette.types import Message, Receive, Scope, Send

from loginkit.config import Settings
from loginkit.core.errors import ApiError, OAuthError
from loginkit.core.webhooks import (
    RemovalReason,
    authorization_removed_body,
    signature_header,
    verify_signature,
)
from loginkit.emulator.faults import Fault, FaultBoard, fault_from_fields
from loginkit.emulator.request_log import LoggedRequest, RequestLog
from loginkit.server.security import session_middleware


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = authorization_removed_body("awkey", "open-1", RemovalReason.USER_DISCONNECTED, 1700)
    expected = hmac.new(b"secret", b"1700." + body, hashlib.sha256).hexdigest()
    assert signature_header("secret", body, 1700) == f"t=1700,s={expected}"
    assert verify_signature("secret", body, f"t=1700,s={expected}")
    assert not verify_signature("other", body, f"t=1700,s={expected}")
    assert not verify_signature("secret", body + b" ", f"t=1700,s={expected}")
    assert not verify_signature("secret", body, "garbage")


def test_the_event_body_carries_tiktoks_fields_with_content_as_a_json_string() -> None:
    event = json.loads(authorization_removed_body("awkey", "o", RemovalReason.DEVELOPER_REVOKED, 9))
    assert event == {
        "client_key": "awkey",
        "event": "authorization.removed",
        "create_time": 9,
        "user_openid": "o",
        "content": '{"reason": 5}',
    }


def test_a_fault_serves_n_calls_with_or_without_the_trailing_slash() -> None:
    board = FaultBoard()
    board.add(Fault("/v2/oauth/token/", remaining=2, error="server_error"))
    assert board.take("/v2/oauth/token") is not None
    assert board.take("/v2/oauth/token/") is not None
    assert board.take("/v2/oauth/token/") is None
    assert board.list() == []


def test_an_injected_error_takes_the_shape_of_the_family() -> None:
    fault = Fault("/v2/user/info", remaining=1, status=503)
    api, oauth = fault.as_error(api=True), fault.as_error(api=False)
    assert isinstance(api, ApiError) and (api.code, api.status) == ("internal_error", 503)
    assert isinstance(oauth, OAuthError)
    assert (oauth.code, oauth.status) == ("temporarily_unavailable", 503)
    invalid = Fault("/v2/oauth/token", remaining=1, error="invalid_grant").as_error(api=False)
    assert (invalid.code, invalid.status) == ("invalid_grant", 400)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("/emulator/reset", 1, "x", None, 0), "endpoint"),
        (("/v2/oauth/token/", 0, "x", None, 0), "count"),
        (("/v2/oauth/token/", 1, None, 99, 0), "status"),
        (("/v2/oauth/token/", 1, None, None, -1), "latency_ms"),
        (("/v2/oauth/token/", 1, None, None, 0), "at least one"),
    ],
)
def test_bad_faults_are_refused_naming_the_field(fields: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fault_from_fields(*fields)


def test_the_request_log_is_newest_first_filtered_and_bounded() -> None:
    log = RequestLog(capacity=3)
    for i, (path, outcome) in enumerate(
        [
            ("/v2/oauth/token/", "ok"),
            ("/v2/user/info/", "ok"),
            ("/v2/oauth/token/", "invalid_grant"),
            ("/v2/oauth/revoke/", "ok"),
        ]
    ):
        log.record(LoggedRequest(i, "POST", path, 200, outcome, f"id{i}", "awkey", 1.0))
    assert [e.log_id for e in log.newest_first()] == ["id3", "id2", "id1"]
    assert [e.log_id for e in log.newest_first(path="token")] == ["id2"]
    assert [e.log_id for e in log.newest_first(outcome="ok", limit=1)] == ["id3"]
    assert log.newest_first(client_key="other") == []


@pytest.mark.parametrize(
    ("path", "has_session"),
    [
        ("/v2/oauth/token/", False),
        ("/v2/user/info/", False),
        ("/oauth/access_token/", False),
        ("/emulator/apps", False),
        ("/v2/auth/authorize/", True),
        ("/auth/authorize/", True),
        ("/portal/", True),
    ],
)
async def test_only_pages_get_a_session(path: str, has_session: bool) -> None:
    seen: dict[str, bool] = {}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen["session"] = "session" in scope

    middleware = session_middleware(Settings(admin_token="admin-token-for-the-unit-test"))
    wrapped = middleware.cls(app, *middleware.args, **middleware.kwargs)

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        pass

    await wrapped({"type": "http", "path": path, "headers": []}, receive, send)
    assert seen == {"session": has_session}
