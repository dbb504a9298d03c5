"""Credentials from binds, and redaction."""

from __future__ import annotations

from loginkit.gateway.credentials import AppCredentials
from loginkit.gateway.redaction import REDACTED, redact, secrets_in

BINDS = {
    "TIKTOK_CLIENT_KEY": "MY_KEY",
    "TIKTOK_CLIENT_SECRET": "MY_SECRET",
    "TIKTOK_FOR_DEVELOPERS_API_KEY": "UNUSED",
}


def test_credentials_come_from_the_bound_variables() -> None:
    credentials = AppCredentials.from_binds(BINDS, {"MY_KEY": "k", "MY_SECRET": "s", "UNUSED": "x"})
    assert credentials.provided == {"client_key", "client_secret"}
    assert credentials.fill({"token": "t"}) == {
        "client_key": "k",
        "client_secret": "s",
        "token": "t",
    }
    assert "s" not in repr(credentials).replace("AppCredentials", "").replace("values", "")


def test_unset_or_empty_variables_provide_nothing() -> None:
    credentials = AppCredentials.from_binds(BINDS, {"MY_KEY": ""})
    assert credentials.provided == frozenset()
    assert credentials.fill({"a": "b"}) == {"a": "b"}


def test_redact_hides_known_secrets_and_token_shapes() -> None:
    text = 'secret=hunter22 token "act.abc*def" then rft.xyz, clt.q and activity.log'
    redacted = redact(text, ["hunter22"])
    assert "hunter22" not in redacted
    assert "act.abc" not in redacted and "rft.xyz" not in redacted and "clt.q" not in redacted
    assert redacted.count(REDACTED) == 4
    assert "activity.log" in redacted


def test_secrets_in_picks_secret_fields_only() -> None:
    form = {"client_key": "k", "client_secret": "s", "code": "c", "redirect_uri": "r"}
    assert set(secrets_in(form)) == {"s", "c"}
