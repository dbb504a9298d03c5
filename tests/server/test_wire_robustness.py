"""Bad input gets TikTok's error JSON: never a traceback, never a 5xx."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.helpers import LOG_ID_PATTERN, assert_oauth_error
from tests.support.emulator import EmulatorProcess, run_emulator

FORM = "application/x-www-form-urlencoded"
OAUTH_PATHS = ["/v2/oauth/token/", "/v2/oauth/token/refresh/", "/v2/oauth/revoke/"]


def _post(
    emulator: EmulatorProcess, path: str, content: bytes, content_type: str | None = FORM
) -> httpx2.Response:
    headers = {"Content-Type": content_type} if content_type else {}
    return httpx2.post(f"{emulator.base_url}{path}", content=content, headers=headers, timeout=10)


@pytest.mark.parametrize("path", OAUTH_PATHS)
@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"grant_type": "client_credentials"}', "application/json", 400),
        (b"grant_type=client_credentials", "text/plain", 400),
        (b"grant_type=client_credentials", None, 400),
        (
            b"client_key=a&client_key=b&client_secret=c&grant_type=client_credentials&token=t",
            FORM,
            400,
        ),
        (b"client_key=%zz&client_secret=c", FORM, 400),
        (b"client_key=%ff%fe&client_secret=c", FORM, 400),
        (b"client_key=\xff", FORM, 400),
        (b"", FORM, 400),
        (b"a=" + b"x" * 20_000, FORM, 413),
    ],
)
def test_malformed_requests_get_invalid_request(
    emulator: EmulatorProcess, path: str, content: bytes, content_type: str | None, status: int
) -> None:
    assert_oauth_error(_post(emulator, path, content, content_type), "invalid_request", status)


def test_duplicate_parameters_are_named(emulator: EmulatorProcess) -> None:
    response = _post(emulator, "/v2/oauth/token/", b"code=1&code=2")
    assert "code" in assert_oauth_error(response, "invalid_request")["error_description"]


def test_charset_parameter_is_allowed(emulator: EmulatorProcess) -> None:
    app = emulator.create_app()
    body = httpx2.QueryParams(
        client_key=app["client_key"],
        client_secret=app["client_secret"],
        grant_type="client_credentials",
    )
    response = _post(emulator, "/v2/oauth/token/", str(body).encode(), f"{FORM}; charset=UTF-8")
    assert response.status_code == 200


def test_errors_are_logged_with_their_log_id(emulator: EmulatorProcess) -> None:
    response = _post(emulator, "/v2/oauth/token/", b"", FORM)
    log_id = response.json()["log_id"]
    lines = emulator.log_entries(until=lambda lines: any(e.get("log_id") == log_id for e in lines))
    entry = next(e for e in lines if e.get("log_id") == log_id)
    assert entry["outcome"] == "invalid_request"
    assert entry["status"] == 200  # TikTok answers OAuth errors with 200
    assert entry["path"] == "/v2/oauth/token/"


def test_healthz(emulator: EmulatorProcess) -> None:
    assert httpx2.get(f"{emulator.base_url}/healthz").json() == {"status": "ok"}


def test_tiktoks_http_200_error_quirk_can_be_switched_off(tmp_path: Path) -> None:
    with run_emulator(tmp_path, "--no-oauth-errors-http-200") as emulator:
        response = _post(emulator, "/v2/oauth/token/", b"grant_type=client_credentials")
        assert_oauth_error(response, "invalid_request", 400, http_200=False)


def test_repeated_client_authentication_failures_are_throttled(tmp_path: Path) -> None:
    with run_emulator(tmp_path) as emulator:
        app = emulator.create_app()
        body = f"client_key={app['client_key']}&client_secret=wrong&grant_type=client_credentials"
        answers = [_post(emulator, "/v2/oauth/token/", body.encode()) for _ in range(11)]
        assert [a.json()["error"] for a in answers[:10]] == ["invalid_client"] * 10
        assert answers[10].status_code == 429
        throttled = _post(emulator, "/v2/oauth/token/", body.encode())
        assert_oauth_error(throttled, "rate_limit_exceeded", 429)
        assert int(throttled.headers["retry-after"]) > 0
        # The right secret is throttled too while the window lasts: no guessing oracle.
        good = body.replace("client_secret=wrong", f"client_secret={app['client_secret']}")
        assert _post(emulator, "/v2/oauth/token/", good.encode()).status_code == 429


@pytest.fixture(scope="module")
def fuzz_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    with run_emulator(tmp_path_factory.mktemp("fuzz")) as emulator:
        yield emulator


_names = st.sampled_from(
    [
        "client_key",
        "client_secret",
        "grant_type",
        "code",
        "redirect_uri",
        "refresh_token",
        "token",
        "code_verifier",
        "x",
    ]
)
_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["authorization_code", "refresh_token", "client_credentials", "awloginkitdemo01"]
    ),
)
_bodies = st.one_of(
    st.binary(max_size=300),
    st.lists(st.tuples(_names, _values), max_size=8).map(
        lambda pairs: "&".join(f"{httpx2.QueryParams({k: v})}" for k, v in pairs).encode()
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(OAUTH_PATHS), body=_bodies, form=st.booleans())
def test_random_bodies_never_break_the_token_endpoints(
    fuzz_emulator: EmulatorProcess, path: str, body: bytes, form: bool
) -> None:
    response = _post(fuzz_emulator, path, body, FORM if form else "application/octet-stream")
    assert response.status_code < 500, response.text
    data = response.json()
    assert set(data) == {"error", "error_description", "log_id"}
    assert re.match(LOG_ID_PATTERN, data["log_id"])
