"""Seed data: the demo apps and test users of ``make run``, and ``--seed FILE`` (YAML)."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Any

import yaml

from loginkit.core.models import App, Platform, User
from loginkit.core.secrets import SecretHasher, new_id
from loginkit.core.store import AlreadyExists, Store

__all__ = ["SeedError", "apply_seed", "demo_seed", "load_seed_file"]


def demo_seed(base_url: str) -> dict[str, Any]:
    """The demo apps and test users; the demo credentials are public on purpose (loopback only)."""
    return {
        "apps": [
            {
                "name": "loginkit demo",
                "client_key": "awloginkitdemo01",
                "client_secret": "loginkit-demo-secret-0123456789abcdef",
                "platform": "web",
                "redirect_uris": [f"{base_url}/demo/callback"],
                "scopes": ["user.info.basic", "user.info.profile", "user.info.stats", "video.list"],
            },
            {
                "name": "loginkit CLI",
                "client_key": "awloginkitcli001",
                "client_secret": "loginkit-cli-secret-0123456789abcdef",
                "platform": "desktop",
                "redirect_uris": ["http://127.0.0.1:*/callback/"],
                "scopes": ["user.info.basic", "user.info.profile", "user.info.stats"],
            },
        ],
        "users": [
            {
                "username": "amelia.creates",
                "display_name": "Amelia Park",
                "bio_description": "Pottery, plants and slow mornings.",
                "is_verified": True,
                "follower_count": 182_400,
                "following_count": 312,
                "likes_count": 4_210_003,
                "video_count": 287,
            },
            {
                "username": "ben.builds",
                "display_name": "Ben Okafor",
                "bio_description": "Weekend woodworking. Mistakes included.",
                "follower_count": 5_120,
                "following_count": 840,
                "likes_count": 61_877,
                "video_count": 64,
            },
            {
                "username": "carla.cooks",
                "display_name": "Carla Mendes",
                "bio_description": "One-pan dinners in under 20 minutes.",
                "is_verified": True,
                "follower_count": 1_250_000,
                "following_count": 180,
                "likes_count": 38_400_112,
                "video_count": 512,
            },
            {
                "username": "dev.with.dara",
                "display_name": "Dara Nguyen",
                "bio_description": "Coding tutorials and desk setups.",
                "follower_count": 48_900,
                "following_count": 1_020,
                "likes_count": 702_331,
                "video_count": 143,
            },
            {
                "username": "eli.new",
                "display_name": "Eli Novak",
                "bio_description": "",
                "follower_count": 3,
                "following_count": 41,
                "likes_count": 0,
                "video_count": 0,
            },
        ],
    }


MIN_SECRET_LENGTH = 32


class SeedError(ValueError):
    """A seed file that cannot be loaded; the message names the entry."""


def load_seed_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"cannot read seed file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SeedError(f"{path}: expected a mapping with 'apps' and 'users'")
    return data


def _app(entry: dict[str, Any], now: int, hasher: SecretHasher) -> App:
    exported_hash = entry.get("client_secret_hash")  # an export holds only the hash
    secret = "" if exported_hash else str(entry["client_secret"])
    if not exported_hash and len(secret) < MIN_SECRET_LENGTH:
        raise SeedError(
            f"app {entry['client_key']}: client_secret needs ≥ {MIN_SECRET_LENGTH} characters"
        )
    return App(
        client_key=str(entry["client_key"]),
        name=str(entry.get("name", entry["client_key"])),
        secret_hash=str(exported_hash) if exported_hash else hasher.hash(secret),
        platform=Platform(entry.get("platform", "web")),
        redirect_uris=tuple(entry.get("redirect_uris", ())),
        scopes=tuple(entry.get("scopes", ("user.info.basic",))),
        created_at=now,
    )


def _user(entry: dict[str, Any], now: int) -> User:
    fields = {k: v for k, v in entry.items() if k in User.__dataclass_fields__}
    fields.setdefault("user_id", new_id())
    fields["created_at"] = now
    return User(**fields)


async def apply_seed(store: Store, seed: dict[str, Any], now: int, hasher: SecretHasher) -> None:
    """Create what ``seed`` describes; entries that already exist are left as they are."""
    try:
        apps = [_app(entry, now, hasher) for entry in seed.get("apps", [])]
        users = [_user(entry, now) for entry in seed.get("users", [])]
    except (KeyError, TypeError, ValueError) as exc:
        raise SeedError(f"invalid seed entry: {exc}") from exc
    for app in apps:
        with suppress(AlreadyExists):
            await store.create_app(app)
    for user in users:
        with suppress(AlreadyExists):
            await store.create_user(user)
