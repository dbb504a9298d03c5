"""What an operator of a shared emulator sees: /metrics and JSON log lines with log_id."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.scale.flows import exchange, refresh, revoke, user_info
from tests.scale.servers import run_servers
from tests.support.emulator import EmulatorProcess, run_emulator


def _sample(metrics: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in metrics.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and ",".join(sorted(match.group(1).split(","))) == wanted:
            return float(match.group(2))
    return 0.0


def _one_sequence(emulator: EmulatorProcess) -> None:
    app, user = emulator.create_app(), emulator.create_user()
    code = emulator.authorize(app, user, ["user.info.basic"])
    first = exchange(
        emulator.http, emulator.base_url, app, code, emulator.code_verifier_for(code)
    ).json()
    second = refresh(emulator.http, emulator.base_url, app, first["refresh_token"]).json()
    assert user_info(emulator.http, emulator.base_url, second["access_token"]).status_code == 200
    assert revoke(emulator.http, emulator.base_url, app, second["access_token"]).json() == {}
    assert user_info(emulator.http, emulator.base_url, second["access_token"]).status_code == 401


def _check_metrics(metrics: str, sequences: int) -> None:
    assert _sample(metrics, "loginkit_tokens_total", event="issued") == sequences
    assert _sample(metrics, "loginkit_tokens_total", event="refreshed") == sequences
    assert _sample(metrics, "loginkit_tokens_total", event="revoked") == sequences
    info = "/v2/user/info/"
    assert _sample(metrics, "loginkit_requests_total", endpoint=info, outcome="ok") == sequences
    assert (
        _sample(metrics, "loginkit_requests_total", endpoint=info, outcome="access_token_invalid")
        == sequences
    )
    assert (
        _sample(metrics, "loginkit_request_duration_seconds_count", endpoint="/v2/oauth/token/")
        == 2 * sequences
    )


def test_metrics_and_json_logs(tmp_path: Path) -> None:
    with run_emulator(tmp_path) as emulator:
        _one_sequence(emulator)
        response = emulator.http.get("/metrics")
        log_path = emulator.log_path

    assert response.headers["content-type"].startswith("text/plain")
    _check_metrics(response.text, 1)
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("logger") == "loginkit.access"]
    assert requests and all(re.fullmatch(r"\d{14}[0-9A-F]{20}", r["log_id"]) for r in requests)
    assert {r["path"] for r in requests} >= {"/v2/oauth/token/", "/v2/user/info/"}


@pytest.mark.postgres
def test_metrics_add_up_over_workers(pg_url: str, tmp_path: Path) -> None:
    with run_servers(1, pg_url, tmp_path, "--workers", "2") as (server,):
        for _ in range(4):
            _one_sequence(server.emulator)
        metrics = server.emulator.http.get("/metrics").text

    _check_metrics(metrics, 4)
    assert _sample(metrics, "loginkit_db_pool_connections", state="idle") >= 1
