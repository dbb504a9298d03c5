from __future__ import annotations

import time

import pytest

from loginkit.client import (
    PendingLogin,
    StateExpiredError,
    StateMismatchError,
    StateSealer,
    TikTokClient,
)
from loginkit.client.web import LoginFlow, safe_next_url
from loginkit.core import pkce

SECRET = "a-state-secret-of-enough-length"


def pending(state: str = "st", binding: str | None = None) -> PendingLogin:
    return PendingLogin(
        state=state, redirect_uri="https://a/cb/", code_verifier="v" * 43, binding=binding
    )


def test_state_round_trips_and_hides_the_verifier() -> None:
    sealer = StateSealer(SECRET)
    sealed = sealer.seal(pending())
    assert "v" * 43 not in sealed
    assert sealer.open(sealed, "st") == pending()


def test_new_states_are_unguessable() -> None:
    states = {StateSealer.new_state() for _ in range(100)}
    assert len(states) == 100
    assert all(len(s) >= 43 for s in states)


@pytest.mark.parametrize(
    ("sealed", "returned"),
    [(None, "st"), ("x", None), ("garbage", "st"), ("SEALED", "other"), ("SEALED", "")],
)
def test_mismatch_is_a_clear_error(sealed: str | None, returned: str | None) -> None:
    sealer = StateSealer(SECRET)
    real = sealer.seal(pending())
    with pytest.raises(StateMismatchError):
        sealer.open(real if sealed == "SEALED" else sealed, returned)


def test_a_cookie_sealed_by_another_app_is_refused() -> None:
    other = StateSealer("another-secret-of-enough-length").seal(pending())
    with pytest.raises(StateMismatchError, match="not genuine"):
        StateSealer(SECRET).open(other, "st")


def test_state_is_bound_to_the_session() -> None:
    sealer = StateSealer(SECRET)
    sealed = sealer.seal(pending(binding="session-a"))
    assert sealer.open(sealed, "st", binding="session-a").state == "st"
    with pytest.raises(StateMismatchError, match="another session"):
        sealer.open(sealed, "st", binding="session-b")


def test_state_expires() -> None:
    sealer = StateSealer(SECRET, max_age=60)
    payload = (
        b'{"state": "st", "redirect_uri": "r", "code_verifier": null, "next_url": null,'
        b' "binding": null}'
    )
    # Sealed two minutes ago with the sealer's own key.
    old = sealer._fernet.encrypt_at_time(payload, int(time.time()) - 120).decode()
    with pytest.raises(StateExpiredError):
        sealer.open(old, "st")


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError):
        StateSealer("short")


@pytest.mark.parametrize(
    ("candidate", "safe"),
    [("/me", "/me"), ("/a?b=c", "/a?b=c"), ("//evil.com", None), ("https://evil.com", None),
     ("/\\evil.com", None), (None, None), ("", None)],
)
def test_next_url_must_stay_on_site(candidate: str | None, safe: str | None) -> None:
    assert safe_next_url(candidate) == safe


def test_login_flow_pkce_challenge_matches_the_sealed_verifier() -> None:
    client = TikTokClient("awexamplekey0001", "s")
    flow = LoginFlow(client, SECRET, ["user.info.basic"])
    url, sealed = flow.begin("https://a/cb/", next_url="/after")
    from urllib.parse import parse_qs, urlsplit

    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    login, code = flow.finish({"state": query["state"], "code": "c*1!2.e1"}, sealed)
    assert code == "c*1!2.e1"
    assert login.next_url == "/after"
    assert login.code_verifier is not None
    assert pkce.verify(login.code_verifier, query["code_challenge"])
