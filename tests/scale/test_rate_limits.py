"""Per-client rate limits, TikTok's 429 answers, and limits shared through Redis."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scale.flows import exchange, user_info
from tests.scale.servers import run_servers
from tests.support.emulator import run_emulator


def test_user_info_over_the_limit_gets_the_display_api_429(tmp_path: Path) -> None:
    with run_emulator(tmp_path, "--rate-limit-user-info", "3/minute") as emulator:
        app, other_app, user = emulator.create_app(), emulator.create_app(), emulator.create_user()
        codes = [emulator.authorize(a, user, ["user.info.basic"]) for a in (app, other_app)]
        tokens = [
            exchange(
                emulator.http, emulator.base_url, a, code, emulator.code_verifier_for(code)
            ).json()
            for a, code in zip((app, other_app), codes, strict=True)
        ]
        answers = [
            user_info(emulator.http, emulator.base_url, tokens[0]["access_token"]) for _ in range(4)
        ]
        other = user_info(emulator.http, emulator.base_url, tokens[1]["access_token"])

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[3]
    assert refused.json()["data"] == {}
    assert refused.json()["error"]["code"] == "rate_limit_exceeded"
    assert refused.json()["error"]["log_id"] == refused.headers["x-tt-logid"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert other.status_code == 200  # the limit is per client


def test_token_endpoint_over_the_limit_gets_the_flat_oauth_429(tmp_path: Path) -> None:
    with run_emulator(tmp_path, "--rate-limit-token", "2/minute") as emulator:
        app = emulator.create_app()
        form = {
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "grant_type": "client_credentials",
        }
        answers = [emulator.http.post("/v2/oauth/token/", data=form) for _ in range(3)]
        metrics = emulator.http.get("/metrics").text

    assert [a.status_code for a in answers] == [200, 200, 429]
    body = answers[2].json()
    assert body == {
        "error": "rate_limit_exceeded",
        "error_description": "Too many requests. Please retry later.",
        "log_id": answers[2].headers["x-tt-logid"],
    }
    assert int(answers[2].headers["Retry-After"]) >= 1
    assert 'loginkit_rate_limit_refusals_total{endpoint="token"} 1.0' in metrics


def test_rate_limits_off(tmp_path: Path) -> None:
    with run_emulator(tmp_path, "--rate-limit-token", "off") as emulator:
        app = emulator.create_app()
        form = {
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "grant_type": "client_credentials",
        }
        statuses = {
            emulator.http.post("/v2/oauth/token/", data=form).status_code for _ in range(30)
        }
    assert statuses == {200}


@pytest.mark.postgres
def test_processes_share_limits_through_redis(pg_url: str, redis_url: str, tmp_path: Path) -> None:
    args = ("--redis-url", redis_url, "--rate-limit-token", "4/minute")
    with run_servers(2, pg_url, tmp_path, *args) as servers:
        app = servers[0].emulator.create_app()
        form = {
            "client_key": app["client_key"],
            "client_secret": app["client_secret"],
            "grant_type": "client_credentials",
        }
        statuses = [
            servers[i % 2].emulator.http.post("/v2/oauth/token/", data=form).status_code
            for i in range(6)
        ]
        # POST /emulator/reset clears the shared counters too.
        servers[1].emulator.control("POST", "/emulator/reset")
        app = servers[1].emulator.create_app()
        form |= {"client_key": app["client_key"], "client_secret": app["client_secret"]}
        after_reset = servers[0].emulator.http.post("/v2/oauth/token/", data=form).status_code

    assert statuses == [200, 200, 200, 200, 429, 429]
    assert after_reset == 200
