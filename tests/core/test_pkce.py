from __future__ import annotations

import pytest

from loginkit.core import pkce

# RFC 7636 appendix B.
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_the_rfc_example_in_base64url_and_hex() -> None:
    assert pkce.create_challenge(RFC_VERIFIER, "base64url") == RFC_CHALLENGE
    hex_challenge = pkce.create_challenge(RFC_VERIFIER, "hex")
    assert len(hex_challenge) == 64 and int(hex_challenge, 16) >= 0
    assert pkce.verify(RFC_VERIFIER, RFC_CHALLENGE)
    assert pkce.verify(RFC_VERIFIER, hex_challenge)
    assert pkce.verify(RFC_VERIFIER, hex_challenge.upper())


def test_wrong_verifiers_fail() -> None:
    assert not pkce.verify(RFC_VERIFIER[:-1] + "Y", RFC_CHALLENGE)
    assert not pkce.verify("short", RFC_CHALLENGE)
    assert not pkce.verify(RFC_VERIFIER, "not-a-challenge")


@pytest.mark.parametrize(("length", "ok"), [(31, False), (32, True), (128, True), (129, False)])
def test_verifier_grammar(length: int, ok: bool) -> None:
    assert pkce.verifier_is_well_formed("a" * length) is ok
    assert not pkce.verifier_is_well_formed("a" * 40 + " ")


def test_generated_verifiers_are_well_formed_and_distinct() -> None:
    verifiers = {pkce.create_verifier() for _ in range(50)}
    assert len(verifiers) == 50
    assert all(pkce.verifier_is_well_formed(v) for v in verifiers)


def test_challenge_grammar() -> None:
    assert pkce.challenge_is_well_formed(RFC_CHALLENGE)
    assert pkce.challenge_is_well_formed("ab" * 32)
    assert not pkce.challenge_is_well_formed("x" * 50)
    assert not pkce.challenge_is_well_formed("g" * 64)
    with pytest.raises(ValueError, match="encoding"):
        pkce.create_challenge(RFC_VERIFIER, "base32")
