"""TikTok's scope catalogue and the Display API user fields each scope unlocks.

This module is the one place that knows which scopes exist, how they are written on the wire
(comma-separated) and which user fields they cover (developers.tiktok.com/doc/tiktok-api-scopes,
developers.tiktok.com/doc/tiktok-api-v2-get-user-info).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "BASIC_SCOPE",
    "SCOPES",
    "USER_FIELDS",
    "Scope",
    "format_scopes",
    "missing_scopes_for_fields",
    "parse_scopes",
    "split_commas",
    "unknown_scopes",
]

BASIC_SCOPE = "user.info.basic"


@dataclass(frozen=True, slots=True)
class Scope:
    name: str
    description: str
    """What the user is asked to allow, in plain words (shown on the consent page)."""
    toggleable: bool = True
    """Whether the user may switch it off on the consent page."""


SCOPES: dict[str, Scope] = {
    s.name: s
    for s in (
        Scope(BASIC_SCOPE, "Read your profile info (avatar, display name)", toggleable=False),
        Scope("user.info.profile", "Read your profile link, bio, username and verified status"),
        Scope("user.info.stats", "Read your follower, following, like and video counts"),
        Scope("video.list", "Read your public videos"),
        Scope("video.upload", "Upload videos to your drafts"),
        Scope("video.publish", "Post content to your account"),
        Scope("research.data.basic", "Research API: public data"),
        Scope("research.adlib.basic", "Research API: commercial content"),
        Scope("research.data.u18eu", "Research API: data of users under 18 in the EU"),
        Scope("portability.all.single", "Download a copy of your data once"),
        Scope("portability.all.ongoing", "Download a copy of your data regularly"),
    )
}

USER_FIELDS: dict[str, str] = {
    "open_id": BASIC_SCOPE,
    "union_id": BASIC_SCOPE,
    "avatar_url": BASIC_SCOPE,
    "avatar_url_100": BASIC_SCOPE,
    "avatar_large_url": BASIC_SCOPE,
    "display_name": BASIC_SCOPE,
    "bio_description": "user.info.profile",
    "profile_deep_link": "user.info.profile",
    "is_verified": "user.info.profile",
    "username": "user.info.profile",
    "follower_count": "user.info.stats",
    "following_count": "user.info.stats",
    "likes_count": "user.info.stats",
    "video_count": "user.info.stats",
}
"""Display API user field → the scope a token needs to read it."""


def split_commas(raw: str) -> tuple[str, ...]:
    """Split a comma-separated wire list (scopes, fields), dropping blanks and repeats, in order."""
    seen: dict[str, None] = {}
    for part in raw.split(","):
        name = part.strip()
        if name:
            seen.setdefault(name, None)
    return tuple(seen)


parse_scopes = split_commas


def format_scopes(scopes: Iterable[str]) -> str:
    """The wire form: names joined by commas, no spaces, in catalogue order."""
    order = {name: i for i, name in enumerate(SCOPES)}
    return ",".join(sorted(set(scopes), key=lambda s: (order.get(s, len(order)), s)))


def unknown_scopes(scopes: Iterable[str]) -> list[str]:
    return [s for s in scopes if s not in SCOPES]


def missing_scopes_for_fields(fields: Iterable[str], granted: Iterable[str]) -> list[str]:
    """The scopes a token lacks to read ``fields`` (all of which must be known)."""
    have = set(granted)
    return sorted({USER_FIELDS[f] for f in fields} - have)
