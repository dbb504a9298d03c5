"""GET /v2/user/info/: envelope, fields, scopes, identity."""

from __future__ import annotations

import re
from typing import Any

import httpx2

from loginkit.core.scopes import USER_FIELDS
from tests.server.helpers import LOG_ID_PATTERN, exchange, user_info
from tests.support.emulator import EmulatorProcess

ALL_SCOPES = ["user.info.basic", "user.info.profile", "user.info.stats"]


def _token(
    emulator: EmulatorProcess, app: dict[str, Any], user: dict[str, Any], scopes: list[str]
) -> str:
    code = emulator.authorize(app, user, scopes)
    token: str = exchange(emulator, app, code).json()["access_token"]
    return token


def test_answers_exactly_the_requested_fields_in_the_envelope(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    user = emulator.create_user(
        display_name="Cleo",
        bio_description="hi",
        is_verified=True,
        follower_count=12,
        following_count=3,
        likes_count=99,
        video_count=4,
    )
    token = _token(emulator, app, user, ALL_SCOPES)
    response = user_info(emulator, token, ",".join(USER_FIELDS))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "error"}
    assert body["error"]["code"] == "ok" and body["error"]["message"] == ""
    assert re.match(LOG_ID_PATTERN, body["error"]["log_id"])
    profile = body["data"]["user"]
    assert list(profile) == sorted(USER_FIELDS)
    assert profile["display_name"] == "Cleo"
    assert profile["username"] == user["username"]
    assert profile["is_verified"] is True
    assert (profile["follower_count"], profile["following_count"]) == (12, 3)
    assert (profile["likes_count"], profile["video_count"]) == (99, 4)
    assert profile["profile_deep_link"] == f"https://www.tiktok.com/@{user['username']}"

    narrow = user_info(emulator, token, "open_id,display_name").json()["data"]["user"]
    assert set(narrow) == {"open_id", "display_name"}


def test_fields_outside_the_tokens_scopes_are_refused(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    token = _token(emulator, app, emulator.create_user(), ["user.info.basic"])
    response = user_info(emulator, token, "open_id,follower_count")
    assert response.status_code == 401
    body = response.json()
    assert body["data"] == {}
    assert body["error"]["code"] == "scope_not_authorized"
    assert body["error"]["message"] == (
        "The user did not authorize the scope required for completing this request."
    )
    assert response.headers["x-tt-logid"] == body["error"]["log_id"]


def test_unknown_or_missing_fields_are_invalid_params(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    token = _token(emulator, app, emulator.create_user(), ["user.info.basic"])
    for fields in ("open_id,email", ""):
        response = user_info(emulator, token, fields)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_params"


def test_missing_or_malformed_bearer_is_access_token_invalid(emulator: EmulatorProcess) -> None:
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer act.nope"}):
        response = httpx2.get(
            f"{emulator.base_url}/v2/user/info/", params={"fields": "open_id"}, headers=headers
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "access_token_invalid"


def test_open_id_differs_per_app_and_union_id_is_shared(emulator: EmulatorProcess) -> None:
    user = emulator.create_user()
    first, second = emulator.create_app(), emulator.create_app()
    a = user_info(emulator, _token(emulator, first, user, ["user.info.basic"]), "open_id,union_id")
    b = user_info(emulator, _token(emulator, second, user, ["user.info.basic"]), "open_id,union_id")
    a_user, b_user = a.json()["data"]["user"], b.json()["data"]["user"]
    assert a_user["open_id"] != b_user["open_id"]
    assert a_user["union_id"] == b_user["union_id"]
    other = user_info(
        emulator, _token(emulator, first, emulator.create_user(), ["user.info.basic"]), "union_id"
    )
    assert other.json()["data"]["user"]["union_id"] != a_user["union_id"]
