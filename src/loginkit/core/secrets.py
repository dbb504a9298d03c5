"""Random values in TikTok's formats, and the one-way forms under which they are stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import string
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache

from loginkit.core.policy import IdShapes

__all__ = [
    "SecretCheck",
    "SecretHasher",
    "derive_id",
    "derive_open_id",
    "hash_secret",
    "new_access_token",
    "new_client_access_token",
    "new_client_key",
    "new_client_secret",
    "new_code",
    "new_id",
    "new_log_id",
    "new_refresh_token",
    "secret_matches",
]

class _RandomBytes:
    """Bytes from the OS's CSPRNG, fetched a few KiB at a time.

    ``os.urandom`` is a system call that also releases the GIL: on a busy one-core server each
    call hands the interpreter to another thread and waits to get it back (~40 µs measured under
    load, against ~1 µs in a quiet loop). One call per few hundred values takes that off every
    request. Each byte is handed out once; a forked child starts with an empty buffer, so parent
    and child never share values.
    """

    def __init__(self, chunk: int = 4096) -> None:
        self._chunk = chunk
        self._buffer = b""
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._buffer = b""
        self._lock = threading.Lock()

    def take(self, count: int) -> bytes:
        with self._lock:
            if len(self._buffer) < count:
                self._buffer += os.urandom(max(self._chunk, count))
            taken, self._buffer = self._buffer[:count], self._buffer[count:]
        return taken


_random_bytes = _RandomBytes()


class _Alphabet:
    """Random text over ``letters``: random bytes mapped in C (``bytes.translate``); the bytes that
    would favour the first letters under ``% len(letters)`` are deleted, and more are drawn until
    ``length`` remain."""

    def __init__(self, letters: str) -> None:
        unbiased_limit = 256 - 256 % len(letters)
        self._to_letters = bytes(ord(letters[byte % len(letters)]) for byte in range(256))
        self._biased = bytes(range(unbiased_limit, 256))

    def random(self, length: int) -> str:
        drawn = b""
        while len(drawn) < length:
            taken = _random_bytes.take(length + length // 8)
            drawn += taken.translate(self._to_letters, self._biased)
        return drawn[:length].decode("ascii")


_ALNUM = _Alphabet(string.ascii_letters + string.digits)
_CLIENT_KEY_LETTERS = _Alphabet(string.ascii_lowercase + string.digits)


def _random_below(bound: int) -> int:
    # Rejection sampling over 32-bit draws: uniform for any bound below 2**32.
    limit = 2**32 - 2**32 % bound
    while True:
        value = int.from_bytes(_random_bytes.take(4), "big")
        if value < limit:
            return value % bound


REGION = "va"
"""The data-centre suffix of TikTok's tokens and codes (``va``, ``e1``, ``u1`` are seen)."""


def _user_token(prefix: str, shapes: IdShapes) -> str:
    if shapes is IdShapes.CLASSIC:
        return prefix + _ALNUM.random(64)  # 381 random bits
    # As TikTok issues them today: ``act.`` + 60 alphanumerics + ``!6509.va`` (72 characters;
    # 357 random bits in the alphanumerics).
    return f"{prefix}{_ALNUM.random(60)}!{_random_below(10_000):04d}.{REGION}"


def new_access_token(shapes: IdShapes = IdShapes.TIKTOK) -> str:
    """``act.`` + 60 alphanumerics + ``!1234.va`` (``classic``: + 64 alphanumerics)."""
    return _user_token("act.", shapes)


def new_refresh_token(shapes: IdShapes = IdShapes.TIKTOK) -> str:
    return _user_token("rft.", shapes)


def new_client_access_token() -> str:
    return "clt." + _ALNUM.random(64)


def new_code(shapes: IdShapes = IdShapes.TIKTOK) -> str:
    """An authorization code shaped like TikTok's (``…Qdjg*v!4423.va``).

    Today's codes are 230 characters of the base64url alphabet (1320 random bits); ``classic``
    ones 64 alphanumerics. The ``*``, ``!`` and ``.`` make a client that forgets to URL-decode
    the callback fail here as it would against TikTok.
    """
    if shapes is IdShapes.CLASSIC:
        return f"{_ALNUM.random(64)}*{_random_below(10)}!{_random_below(10_000):04d}.e1"
    body = base64.urlsafe_b64encode(_random_bytes.take(165)).decode("ascii")  # 220 characters
    return f"{body}*{_ALNUM.random(1)}!{_random_below(10_000):04d}.{REGION}"


def new_client_key() -> str:
    """TikTok client keys are 16 characters starting ``aw``."""
    return "aw" + _CLIENT_KEY_LETTERS.random(14)


def new_client_secret() -> str:
    return _ALNUM.random(40)


def new_id() -> str:
    return uuid.uuid4().hex


def new_log_id(now: float | None = None) -> str:
    """``YYYYMMDDHHMMSS`` (UTC) + 20 uppercase hex: ``202206221854370101130062072500FFA2``."""
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() if now is None else now))
    return stamp + _random_bytes.take(10).hex().upper()


def hash_secret(value: str) -> str:
    """The stored form of a token or authorization code: its SHA-256.

    Every token and code is ours and carries ≥ 238 random bits, so a fast SHA-256 is as safe as
    a slow password hash here, and keeps token look-ups to one indexed read. Client secrets are
    stored by ``SecretHasher`` instead: seed files let people choose them by hand.
    """
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def secret_matches(presented: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(presented), stored_hash)


@dataclass(frozen=True, slots=True)
class SecretCheck:
    matches: bool
    outdated: bool
    """The stored hash is in the old, unkeyed format: store ``SecretHasher.hash`` of it again."""


class SecretHasher:
    """The stored form of client secrets: HMAC-SHA-256 under a key kept outside the database.

    A copy of the database alone (a SQLite file, a ``pg_dump``) then allows no offline guess of
    a hand-chosen secret. Hashes written before the key existed are bare SHA-256, marked
    ``sha256:`` by revision 0005 (an unmarked 64-hex value, as older seed-file exports hold, is
    read the same way); they still authenticate, and are reported outdated so that the caller
    rewrites them.
    """

    SCHEME = "hmac-sha256:"
    UNKEYED = "sha256:"
    MIN_KEY_BYTES = 16
    _CHECK_LABEL = b"loginkit secret key check"

    def __init__(self, key: bytes) -> None:
        if len(key) < self.MIN_KEY_BYTES:
            raise ValueError(f"the secret key must be at least {self.MIN_KEY_BYTES} bytes")
        self._key = key

    def hash(self, secret: str) -> str:
        return self.SCHEME + hmac.new(self._key, secret.encode(), hashlib.sha256).hexdigest()

    def check(self, presented: str, stored: str) -> SecretCheck:
        if stored.startswith(self.SCHEME):
            return SecretCheck(hmac.compare_digest(self.hash(presented), stored), outdated=False)
        unkeyed = stored.removeprefix(self.UNKEYED)
        return SecretCheck(secret_matches(presented, unkeyed), outdated=True)

    def key_check_value(self) -> str:
        """A value that tells whether a database was set up with this key, revealing nothing."""
        return hmac.new(self._key, self._CHECK_LABEL, hashlib.sha256).hexdigest()


@lru_cache(maxsize=65_536)
def derive_id(instance_secret: str, *parts: str) -> str:
    """A stable UUID-shaped identifier for ``parts`` that reveals nothing about them.

    ``open_id`` derives from (client_key, user) and ``union_id`` from (developer, user), so one
    person has a different open_id per app and one union_id per developer, as on TikTok. Cached:
    the same user asks again on every user-info call.
    """
    return str(uuid.UUID(bytes=_mac(instance_secret, parts)[:16], version=4))


@lru_cache(maxsize=65_536)
def derive_open_id(instance_secret: str, client_key: str, user_id: str, shapes: IdShapes) -> str:
    """The stable open_id of (app, user): ``-000`` + 32 characters of ``[A-Za-z0-9_-]`` as TikTok
    issues them since 2024 (192 bits), or a UUID (``classic``, the docs' examples)."""
    if shapes is IdShapes.CLASSIC:
        return derive_id(instance_secret, "open_id", client_key, user_id)
    digest = _mac(instance_secret, ("open_id", client_key, user_id))
    return "-000" + base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def _mac(instance_secret: str, parts: tuple[str, ...]) -> bytes:
    return hmac.new(instance_secret.encode(), "\x1f".join(parts).encode(), hashlib.sha256).digest()
