from __future__ import annotations

import os
import re

import pytest

from loginkit.core import secrets
from loginkit.core.policy import IdShapes
from loginkit.core.scopes import (
    SCOPES,
    USER_FIELDS,
    format_scopes,
    missing_scopes_for_fields,
    parse_scopes,
    unknown_scopes,
)


def test_scopes_are_comma_separated_and_deduplicated() -> None:
    assert parse_scopes("user.info.basic, video.list,,user.info.basic") == (
        "user.info.basic",
        "video.list",
    )
    assert format_scopes(["video.list", "user.info.basic"]) == "user.info.basic,video.list"
    assert unknown_scopes(["user.info.basic", "email"]) == ["email"]


def test_every_user_field_maps_to_a_known_scope() -> None:
    assert len(USER_FIELDS) == 14
    assert set(USER_FIELDS.values()) == {"user.info.basic", "user.info.profile", "user.info.stats"}
    assert all(scope in SCOPES for scope in USER_FIELDS.values())
    assert missing_scopes_for_fields(
        ["open_id", "username", "video_count"], ["user.info.basic"]
    ) == [
        "user.info.profile",
        "user.info.stats",
    ]


def test_basic_is_the_only_required_scope() -> None:
    assert [s.name for s in SCOPES.values() if not s.toggleable] == ["user.info.basic"]


def test_token_and_code_formats() -> None:
    assert re.fullmatch(r"act\.[A-Za-z0-9]{60}!\d{4}\.va", secrets.new_access_token())
    assert re.fullmatch(r"rft\.[A-Za-z0-9]{60}!\d{4}\.va", secrets.new_refresh_token())
    assert len(secrets.new_access_token()) == 72
    assert re.fullmatch(r"[A-Za-z0-9_-]{220}\*[A-Za-z0-9]!\d{4}\.va", secrets.new_code())
    classic = IdShapes.CLASSIC
    assert re.fullmatch(r"act\.[A-Za-z0-9]{64}", secrets.new_access_token(classic))
    assert re.fullmatch(r"rft\.[A-Za-z0-9]{64}", secrets.new_refresh_token(classic))
    assert re.fullmatch(r"[A-Za-z0-9]{64}\*\d!\d{4}\.e1", secrets.new_code(classic))
    assert re.fullmatch(r"clt\.[A-Za-z0-9]{64}", secrets.new_client_access_token())
    assert re.fullmatch(r"aw[a-z0-9]{14}", secrets.new_client_key())
    assert re.fullmatch(r"\d{14}[0-9A-F]{20}", secrets.new_log_id())
    assert secrets.new_log_id(0).startswith("19700101000000")


def test_token_characters_are_uniform_over_the_alphabet() -> None:
    # 2,000 tokens = 128,000 characters, ~2,065 expected per character. A modulo bias (bytes
    # 248-255 mapped onto the first eight letters) would give those ~2,581; the chi-square
    # bound is far below what that bias produces and far above chance (61 degrees of freedom,
    # p < 1e-9 at 160).
    counts: dict[str, int] = {}
    for _ in range(2_000):
        for char in secrets.new_access_token(IdShapes.CLASSIC)[4:]:
            counts[char] = counts.get(char, 0) + 1
    assert len(counts) == 62
    expected = 128_000 / 62
    chi_square = sum((seen - expected) ** 2 / expected for seen in counts.values())
    assert chi_square < 160


def test_client_key_characters_are_uniform() -> None:
    # 10,000 keys = 140,000 characters over 36, ~3,889 expected each; mapping bytes 252-255 onto
    # the first four letters would give those ~14 % more (a chi-square in the hundreds). 35
    # degrees of freedom: p < 1e-9 at 110.
    counts: dict[str, int] = {}
    for _ in range(10_000):
        for char in secrets.new_client_key()[2:]:
            counts[char] = counts.get(char, 0) + 1
    assert len(counts) == 36
    expected = 140_000 / 36
    chi_square = sum((seen - expected) ** 2 / expected for seen in counts.values())
    assert chi_square < 110


def test_hashes_and_derived_ids() -> None:
    stored = secrets.hash_secret("s3cret")
    assert stored != "s3cret" and len(stored) == 64
    assert secrets.secret_matches("s3cret", stored)
    assert not secrets.secret_matches("s3cret!", stored)
    a = secrets.derive_id("k", "open_id", "app1", "user1")
    assert a == secrets.derive_id("k", "open_id", "app1", "user1")
    assert a != secrets.derive_id("k", "open_id", "app2", "user1")
    assert a != secrets.derive_id("other", "open_id", "app1", "user1")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", a)
    open_id = secrets.derive_open_id("k", "app1", "user1", IdShapes.TIKTOK)
    assert re.fullmatch(r"-000[A-Za-z0-9_-]{32}", open_id)
    assert open_id == secrets.derive_open_id("k", "app1", "user1", IdShapes.TIKTOK)
    assert open_id != secrets.derive_open_id("k", "app2", "user1", IdShapes.TIKTOK)
    assert secrets.derive_open_id("k", "app1", "user1", IdShapes.CLASSIC) == a


def test_client_secrets_are_keyed_hashes_and_old_hashes_are_reported_outdated() -> None:
    hasher = secrets.SecretHasher(b"k" * 32)
    stored = hasher.hash("s3cret-s3cret-s3cret")
    assert stored.startswith("hmac-sha256:") and stored != secrets.SecretHasher(b"j" * 32).hash(
        "s3cret-s3cret-s3cret"
    )
    assert hasher.check("s3cret-s3cret-s3cret", stored) == secrets.SecretCheck(True, False)
    assert hasher.check("wrong", stored) == secrets.SecretCheck(False, False)
    unkeyed = secrets.hash_secret("s3cret-s3cret-s3cret")
    for old in ("sha256:" + unkeyed, unkeyed):  # marked by revision 0005, or an old export
        assert hasher.check("s3cret-s3cret-s3cret", old) == secrets.SecretCheck(True, True)
        assert not hasher.check("wrong", old).matches
    assert hasher.key_check_value() != secrets.SecretHasher(b"j" * 32).key_check_value()
    with pytest.raises(ValueError, match="16 bytes"):
        secrets.SecretHasher(b"short")


def test_a_forked_child_never_repeats_its_parents_random_values() -> None:
    secrets.new_access_token()  # the parent's buffer now holds bytes not yet handed out
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child process
        os.write(write_end, secrets.new_access_token().encode())
        os._exit(0)
    os.close(write_end)
    os.waitpid(child, 0)
    from_child = os.read(read_end, 100).decode()
    os.close(read_end)
    assert re.fullmatch(r"act\.[A-Za-z0-9]{60}!\d{4}\.va", from_child)
    assert from_child != secrets.new_access_token()
