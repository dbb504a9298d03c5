"""Random values in TikTok's formats, and the one-way forms under which they are stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import time
import uuid

__all__ = [
    "derive_id",
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

_ALNUM = string.ascii_letters + string.digits


def _random_alnum(length: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


def new_access_token() -> str:
    """``act.`` + 64 alphanumerics (381 random bits)."""
    return "act." + _random_alnum(64)


def new_refresh_token() -> str:
    return "rft." + _random_alnum(64)


def new_client_access_token() -> str:
    return "clt." + _random_alnum(64)


def new_code() -> str:
    """An authorization code shaped like TikTok's (``...ELY*0!6410``, ``...Iw*1!6431.u1``).

    The ``*``, ``!`` and ``.`` make a client that forgets to URL-decode the callback fail here as
    it would against TikTok.
    """
    return f"{_random_alnum(64)}*{secrets.randbelow(10)}!{secrets.randbelow(10_000):04d}.e1"


def new_client_key() -> str:
    """TikTok client keys are 16 characters starting ``aw``."""
    return "aw" + "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(14))


def new_client_secret() -> str:
    return _random_alnum(40)


def new_id() -> str:
    return uuid.uuid4().hex


def new_log_id(now: float | None = None) -> str:
    """``YYYYMMDDHHMMSS`` (UTC) + 20 uppercase hex: ``202206221854370101130062072500FFA2``."""
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() if now is None else now))
    return stamp + secrets.token_hex(10).upper()


def hash_secret(value: str) -> str:
    """The stored form of a token or client secret.

    Every value we hash is ours and carries ≥ 238 random bits, so a fast SHA-256 is as safe as a
    slow password hash here, and keeps token look-ups to one indexed read.
    """
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def secret_matches(presented: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(presented), stored_hash)


def derive_id(instance_secret: str, *parts: str) -> str:
    """A stable UUID-shaped identifier for ``parts`` that reveals nothing about them.

    ``open_id`` derives from (client_key, user) and ``union_id`` from (developer, user), so one
    person has a different open_id per app and one union_id per developer, as on TikTok.
    """
    mac = hmac.new(instance_secret.encode(), "\x1f".join(parts).encode(), hashlib.sha256)
    return str(uuid.UUID(bytes=mac.digest()[:16], version=4))
