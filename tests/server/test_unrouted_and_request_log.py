"""Unknown paths and wrong methods answer in their family's shape; the request log records the
right outcome and the client of every TikTok API call."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.server.helpers import exchange, user_info
from tests.support.emulator import EmulatorProcess

OAUTH = {"error", "error_description", "log_id"}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v2/oauth/tokn/", 404),
        ("DELETE", "/v2/oauth/token/", 405),
        ("GET", "/oauth/access_tokn/", 404),
        ("GET", "/oauth/access_token/", 405),
    ],
)
def test_oauth_paths_answer_the_flat_oauth_error(
    emulator: EmulatorProcess, method: str, path: str, status: int
) -> None:
    response = httpx2.request(method, f"{emulator.base_url}{path}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == OAUTH and body["error"] == "invalid_request"
    assert path in body["error_description"]
    assert response.headers["x-tt-logid"] == body["log_id"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/v2/user/infos/", 404), ("POST", "/v2/user/info/", 405), ("GET", "/v2/video/", 404)],
)
def test_api_paths_answer_the_data_error_envelope(
    emulator: EmulatorProcess, method: str, path: str, status: int
) -> None:
    response = httpx2.request(method, f"{emulator.base_url}{path}")
    assert response.status_code == status
    body = response.json()
    assert body["data"] == {} and body["error"]["code"] == "invalid_params"
    assert body["error"]["log_id"] == response.headers["x-tt-logid"]
    if status == 405:
        assert "GET" in response.headers["allow"]


def test_control_paths_answer_the_control_error(emulator: EmulatorProcess) -> None:
    missing = emulator.http.get("/emulator/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = emulator.http.put("/emulator/reset")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/nothing-here", "/v2/auth/nothing/", "/portal/nothing"])
def test_pages_answer_an_html_page(emulator: EmulatorProcess, path: str) -> None:
    response = httpx2.get(f"{emulator.base_url}{path}")
    assert response.status_code in (303, 404)  # the portal may first ask to sign in
    if response.status_code == 404:
        assert response.headers["content-type"].startswith("text/html")
        assert "<h1>Page not found</h1>" in response.text and path in response.text
    wrong = httpx2.post(f"{emulator.base_url}/healthz")
    assert wrong.status_code == 405 and "<h1>Not allowed</h1>" in wrong.text


def _latest(emulator: EmulatorProcess, path: str) -> dict[str, Any]:
    entries: list[dict[str, Any]] = emulator.control("GET", f"/emulator/requests?path={path}")
    assert entries, f"nothing logged for {path}"
    return entries[0]


def test_an_authorize_error_page_is_logged_as_an_error(emulator: EmulatorProcess) -> None:
    page = httpx2.get(
        f"{emulator.base_url}/v2/auth/authorize/",
        params={"client_key": "awnosuchapp00000", "response_type": "code", "scope": "x"},
    )
    assert page.status_code == 400
    entry = _latest(emulator, "/v2/auth/authorize/")
    assert entry["status"] == 400 and entry["outcome"] != "ok"
    assert entry["log_id"] == page.headers["x-tt-logid"]


def test_user_info_calls_are_logged_with_their_client(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    user = emulator.create_user()
    code = emulator.authorize(app, user, ["user.info.basic"])
    tokens = exchange(emulator, app, code).json()
    info = user_info(emulator, tokens["access_token"], "open_id")
    assert info.status_code == 200
    entry = _latest(emulator, "/v2/user/info/")
    assert entry["client_key"] == app["client_key"] and entry["outcome"] == "ok"
    by_client = emulator.control("GET", f"/emulator/requests?client_key={app['client_key']}")
    assert {e["path"] for e in by_client} >= {"/v2/oauth/token/", "/v2/user/info/"}
