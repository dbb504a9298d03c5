"""The control API: admin auth, app registration rules, users, clock, reset."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from tests.support.emulator import EmulatorProcess, run_emulator


def _create_app(emulator: EmulatorProcess, **fields: object) -> httpx2.Response:
    body = {"name": "App", "redirect_uris": ["https://app.example.com/cb/"], "platform": "web"}
    return emulator.http.post("/emulator/apps", json=body | fields)


def test_the_admin_token_is_required(emulator: EmulatorProcess) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = httpx2.get(f"{emulator.base_url}/emulator/apps", headers=headers)
        assert response.status_code == 401
        assert set(response.json()) == {"error", "error_description", "log_id"}


def test_created_apps_show_their_secret_once(emulator: EmulatorProcess) -> None:
    response = _create_app(emulator, scopes=["user.info.basic", "video.list"])
    assert response.status_code == 201
    app = response.json()
    assert set(app) == {
        "client_key",
        "client_secret",
        "name",
        "redirect_uris",
        "scopes",
        "platform",
        "redirect_domains",
        "webhook_url",
        "sandbox",
        "sandbox_targets",
    }
    assert app["client_key"].startswith("aw") and len(app["client_key"]) == 16
    shown = emulator.control("GET", f"/emulator/apps/{app['client_key']}")
    assert "client_secret" not in shown
    assert shown["scopes"] == ["user.info.basic", "video.list"]


# Correct and incorrect examples from the Login Kit for Web guide and the migration guide.
@pytest.mark.parametrize(
    ("uris", "rule"),
    [
        (["dev.example.com/auth/callback/"], "absolute and begin with https"),
        (["http://dev.example.com/auth/callback/"], "absolute and begin with https"),
        (["https://dev.example.com/auth/callback/?id=1"], "static"),
        (["https://dev.example.com/auth/callback/#100"], "fragment"),
        (["https://dev.example.com/" + "a" * 500], "less than 512"),
        ([f"https://dev.example.com/{i}/" for i in range(11)], "at most 10"),
        ([], "at least one"),
    ],
)
def test_web_redirect_uri_rules_are_named(
    emulator: EmulatorProcess, uris: list[str], rule: str
) -> None:
    response = _create_app(emulator, redirect_uris=uris)
    assert response.status_code == 400
    assert rule in response.json()["error_description"]


def test_web_accepts_the_guides_correct_example_and_loopback_http(
    emulator: EmulatorProcess,
) -> None:
    uris = ["https://dev.example.com/auth/callback/", "http://127.0.0.1:5000/callback"]
    assert _create_app(emulator, redirect_uris=uris).status_code == 201


def test_strict_mode_refuses_loopback_http_for_web(tmp_path: Path) -> None:
    with run_emulator(tmp_path, "--strict") as strict:
        response = _create_app(strict, redirect_uris=["http://127.0.0.1:5000/callback"])
        assert response.status_code == 400


@pytest.mark.parametrize(
    ("uri", "ok"),
    [
        ("http://127.0.0.1:*/callback/", True),
        ("http://localhost:8080/callback/", True),
        ("https://127.0.0.1:8443/cb", True),
        ("http://127.0.0.1/callback/", False),
        ("http://example.com:8080/callback/", False),
    ],
)
def test_desktop_redirect_uri_rules(emulator: EmulatorProcess, uri: str, ok: bool) -> None:
    response = _create_app(emulator, platform="desktop", redirect_uris=[uri])
    assert response.status_code == (201 if ok else 400), response.text


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"platform": "tv"},
        {"scopes": ["user.info.everything"]},
        {"redirect_uris": "x"},
    ],
)
def test_bad_app_fields_are_clear_errors(
    emulator: EmulatorProcess, body: dict[str, object]
) -> None:
    response = _create_app(emulator, **body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_non_json_bodies_are_refused(emulator: EmulatorProcess) -> None:
    response = emulator.http.post("/emulator/apps", content=b"{not json")
    assert response.status_code == 400


def test_users_have_unique_usernames(emulator: EmulatorProcess) -> None:
    created = emulator.http.post(
        "/emulator/users", json={"username": "dana.draws", "display_name": "Dana"}
    )
    assert created.status_code == 201
    assert created.json()["user_id"]
    again = emulator.http.post("/emulator/users", json={"username": "dana.draws"})
    assert again.status_code == 409
    negative = emulator.http.post("/emulator/users", json={"username": "x1", "follower_count": -1})
    assert negative.status_code == 400


def test_rotating_a_secret_retires_the_old_one(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    rotated = emulator.control("POST", f"/emulator/apps/{app['client_key']}/secret")
    assert rotated["client_secret"] != app["client_secret"]
    form = {"client_key": app["client_key"], "grant_type": "client_credentials"}
    old = httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/", data=form | {"client_secret": app["client_secret"]}
    )
    assert old.json()["error"] == "invalid_client"
    new = httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/",
        data=form | {"client_secret": rotated["client_secret"]},
    )
    assert new.status_code == 200 and "access_token" in new.json()


def test_clock_and_reset(fresh_emulator: EmulatorProcess) -> None:
    before = fresh_emulator.control("GET", "/emulator/clock")
    after = fresh_emulator.control("POST", "/emulator/clock", {"advance_seconds": 3600})
    assert after["offset_seconds"] == before["offset_seconds"] + 3600
    assert after["now"] >= before["now"] + 3600
    assert fresh_emulator.control("GET", "/emulator/apps")  # the demo apps
    fresh_emulator.control("POST", "/emulator/reset")
    assert fresh_emulator.control("GET", "/emulator/apps") == []
    assert fresh_emulator.control("GET", "/emulator/users") == []
    assert fresh_emulator.control("GET", "/emulator/clock")["offset_seconds"] == 0
    # The admin token survives a reset.
    assert fresh_emulator.http.get("/emulator/apps").status_code == 200


def test_reset_also_forgets_faults_and_the_request_log(
    fresh_emulator: EmulatorProcess,
) -> None:
    fault = {"endpoint": "/v2/oauth/token/", "count": 5, "error": "temporarily_unavailable"}
    fresh_emulator.control("POST", "/emulator/faults", fault)
    httpx2.post(f"{fresh_emulator.base_url}/v2/oauth/token/", data={"grant_type": "x"})
    assert fresh_emulator.control("GET", "/emulator/requests")

    fresh_emulator.control("POST", "/emulator/reset")
    assert fresh_emulator.control("GET", "/emulator/faults") == []
    assert fresh_emulator.control("GET", "/emulator/requests") == []
    ok = httpx2.post(f"{fresh_emulator.base_url}/v2/oauth/token/", data={"grant_type": "x"})
    assert ok.json()["error"] != "temporarily_unavailable"  # the fault is gone, not just hidden


def test_deleting_an_app_ends_its_tokens(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    token = httpx2.post(
        f"{emulator.base_url}/v2/oauth/token/",
        data={
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "grant_type": "client_credentials",
        },
    ).json()["access_token"]
    assert emulator.http.delete(f"/emulator/apps/{app['client_key']}").status_code == 204
    assert emulator.http.get(f"/emulator/apps/{app['client_key']}").status_code == 404
    assert token.startswith("clt.")
