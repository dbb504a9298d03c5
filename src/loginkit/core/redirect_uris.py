"""Redirect URI registration rules per platform, and matching at authorize time.

Web (developers.tiktok.com/doc/login-kit-web, and the OAuth migration guidance): at most 10
URIs, each shorter than 512 characters, absolute and ``https``, static (no query), no fragment.
Desktop (developers.tiktok.com/doc/login-kit-desktop): ``http`` or ``https`` on
``localhost``/``127.0.0.1`` with a port, where ``*`` stands for any port. Mobile: ``https``.
Ours: unless the server runs ``--strict``, web apps may also register loopback ``http`` URIs
with a port, for local development.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from loginkit.core.models import Platform

__all__ = [
    "MAX_REDIRECT_URIS",
    "MAX_URI_LENGTH",
    "NO_REDIRECT_URI",
    "redirect_uri_errors",
    "redirect_uri_matches",
]

MAX_REDIRECT_URIS = 10
MAX_URI_LENGTH = 512
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})
_WILDCARD_PORT = ":*"
NO_REDIRECT_URI = "web apps must register at least one redirect URI"


def _split(uri: str) -> tuple[str, str, str, str, bool, bool]:
    """scheme, host, port text, path, has query, has fragment; ``*`` ports survive."""
    wildcard = _WILDCARD_PORT + "/" in uri or uri.endswith(_WILDCARD_PORT)
    parts = urlsplit(uri.replace(_WILDCARD_PORT, ":1", 1) if wildcard else uri)
    try:
        port = "*" if wildcard else ("" if parts.port is None else str(parts.port))
    except ValueError:
        port = "invalid"
    return (
        parts.scheme.lower(),
        (parts.hostname or "").lower(),
        port,
        parts.path,
        bool(parts.query) or "?" in uri,
        bool(parts.fragment) or "#" in uri,
    )


def _errors_for_one(uri: str, platform: Platform, strict: bool) -> list[str]:
    if len(uri) >= MAX_URI_LENGTH:
        return [f"{uri[:60]}...: must be less than {MAX_URI_LENGTH} characters"]
    scheme, host, port, _path, has_query, has_fragment = _split(uri)
    problems: list[str] = []
    if not scheme or not host:
        problems.append(f"{uri}: must be absolute and begin with https")
    if has_query:
        problems.append(f"{uri}: must be static; parameters are denied")
    if has_fragment:
        problems.append(f"{uri}: must not include a fragment or hash character (#)")
    if port == "invalid":
        problems.append(f"{uri}: the port is not a number")
    if not scheme or not host:
        return problems
    loopback = host in LOOPBACK_HOSTS
    if platform is Platform.DESKTOP:
        if scheme not in ("http", "https"):
            problems.append(f"{uri}: desktop redirect URIs must use http or https")
        if not loopback:
            problems.append(f"{uri}: desktop redirect URIs must use localhost or 127.0.0.1")
        if not port:
            problems.append(f"{uri}: desktop redirect URIs must include a port (or * for any)")
    else:
        if port == "*":
            problems.append(f"{uri}: a wildcard port is allowed only for desktop apps")
        local_http = scheme == "http" and loopback and bool(port) and not strict
        if scheme != "https" and not local_http:
            problems.append(f"{uri}: must be absolute and begin with https")
    return problems


def redirect_uri_errors(uris: Sequence[str], platform: Platform, *, strict: bool) -> list[str]:
    """Every registration rule ``uris`` break, one message each; empty when all is well."""
    problems: list[str] = []
    if platform is Platform.WEB and not uris:
        problems.append(NO_REDIRECT_URI)
    if len(uris) > MAX_REDIRECT_URIS:
        problems.append(f"at most {MAX_REDIRECT_URIS} redirect URIs may be registered")
    if len(set(uris)) != len(uris):
        problems.append("the same redirect URI is listed twice")
    for uri in uris:
        problems.extend(_errors_for_one(uri, platform, strict))
    return problems


def redirect_uri_matches(registered: str, presented: str) -> bool:
    """Exact match, except that a registered ``*`` port matches any port."""
    if registered == presented:
        return True
    if _WILDCARD_PORT not in registered:
        return False
    prefix, _, rest = registered.partition(_WILDCARD_PORT)
    if not presented.startswith(prefix + ":"):
        return False
    port, sep, tail = presented[len(prefix) + 1 :].partition("/")
    return port.isdigit() and 0 < int(port) < 65536 and (sep + tail) == rest
