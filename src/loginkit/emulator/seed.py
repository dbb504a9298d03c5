"""Seed files (``loginkit serve --seed FILE``), the demo seed of ``make run``, and ``export``.

A seed file is YAML of this shape (every model below, ``SeedFile`` at the root)::

    apps:
      - {client_key, name?, platform?, redirect_uris?, redirect_domains?, scopes?,
         client_secret | client_secret_hash, webhook_url?, webhook_secret?, sandbox?,
         sandbox_targets?: [username]}
    users:
      - {user_id?, username, display_name, avatar_url?, bio_description?, is_verified?, *_count?}
    grants:
      - client_key: awloginkitdemo01
        username: amelia.creates
        scopes: [user.info.basic]
        access_token: act.seeded...        # optional, plaintext: usable as is
        tokens: [{kind, token_hash, expires_at, created_at?}]   # as exported: tokens stay valid

Only hashes of client secrets and tokens are stored, so an export carries hashes: loading it
back keeps every credential working without writing one in the clear. A file that does not fit
is refused with one ``SeedError`` naming the file, the place in it (``apps[0].client_secret``)
and the problem. Loading is idempotent: what already exists is left as it is.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from loginkit.core.models import App, AuthorizationCode, Grant, Platform, Token, TokenKind, User
from loginkit.core.registration import NEW_APP, Registration, validate_registration
from loginkit.core.scopes import BASIC_SCOPE
from loginkit.core.secrets import SecretHasher, hash_secret, new_id
from loginkit.core.store import AlreadyExists
from loginkit.emulator.records import AppSettings
from loginkit.emulator.store import AdminStore

__all__ = [
    "SeedApp",
    "SeedError",
    "SeedFile",
    "SeedGrant",
    "SeedUser",
    "app_registration_problems",
    "apply_seed",
    "demo_seed",
    "export_state",
    "load_seed_file",
]

MIN_SECRET_LENGTH = 32
SEEDED_ACCESS_LIFETIME = 86_400
SEEDED_REFRESH_LIFETIME = 31_536_000


class SeedError(ValueError):
    """A seed file that cannot be loaded: one line naming the file, the place and the problem."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def app_registration_problems(app: SeedApp) -> list[str]:
    """The control API's registration rules for a seed app (``strict`` off), as ``field: problem``.

    A seed file is a snapshot: its redirect domains are registered already, so the rule that
    froze changes to them on 2023-06-12 does not apply. Sandbox targets are usernames here;
    ``SeedFile.reference_problems`` checks them.
    """
    fields = {
        "name": app.name or app.client_key,
        "platform": app.platform,
        "redirect_uris": app.redirect_uris,
        "redirect_domains": app.redirect_domains,
        "scopes": app.scopes,
        "webhook_url": app.webhook_url,
    }
    current = replace(NEW_APP, platform=app.platform, redirect_domains=tuple(app.redirect_domains))
    checked = validate_registration(fields, now=0, strict=False, current=current)
    return [] if isinstance(checked, Registration) else [f"{p.field}: {p.message}" for p in checked]


class SeedApp(_Entry):
    client_key: str = Field(min_length=1)
    name: str | None = None
    platform: Platform = Platform.WEB
    redirect_uris: list[str] = []
    redirect_domains: list[str] = []
    scopes: list[str] = [BASIC_SCOPE]
    client_secret: str | None = Field(default=None, min_length=MIN_SECRET_LENGTH)
    client_secret_hash: str | None = None
    """What ``export`` writes: the app keeps its secret without the file holding it."""
    webhook_url: str | None = None
    webhook_secret: str | None = None
    sandbox: bool = False
    sandbox_targets: list[str] = Field(default=[], max_length=10)
    """Usernames (TikTok lets a sandbox app list up to 10 target users)."""

    @model_validator(mode="after")
    def _registrable(self) -> Self:
        if (self.client_secret is None) == (self.client_secret_hash is None):
            raise ValueError("give exactly one of client_secret and client_secret_hash")
        problems = app_registration_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def has_portal_settings(self) -> bool:
        portal = {"webhook_url", "webhook_secret", "sandbox", "sandbox_targets"}
        return bool(portal & self.model_fields_set)

    def to_app(self, now: int, hasher: SecretHasher) -> App:
        secret_hash = self.client_secret_hash or hasher.hash(self.client_secret or "")
        return App(
            client_key=self.client_key,
            name=self.name or self.client_key,
            secret_hash=secret_hash,
            platform=self.platform,
            redirect_uris=tuple(self.redirect_uris),
            scopes=tuple(self.scopes),
            created_at=now,
            redirect_domains=tuple(self.redirect_domains),
        )


class SeedUser(_Entry):
    user_id: str | None = None
    username: str = Field(min_length=1)
    display_name: str
    avatar_url: str = ""
    bio_description: str = ""
    is_verified: bool = False
    follower_count: int = Field(default=0, ge=0)
    following_count: int = Field(default=0, ge=0)
    likes_count: int = Field(default=0, ge=0)
    video_count: int = Field(default=0, ge=0)

    def to_user(self, now: int) -> User:
        fields = self.model_dump(exclude={"user_id"})
        return User(user_id=self.user_id or new_id(), created_at=now, **fields)


class SeedToken(_Entry):
    kind: TokenKind
    token_hash: str = Field(min_length=1)
    expires_at: int
    created_at: int | None = None


class SeedGrant(_Entry):
    client_key: str
    username: str
    scopes: list[str] = [BASIC_SCOPE]
    created_at: int | None = None
    access_token: str | None = None
    refresh_token: str | None = None
    tokens: list[SeedToken] = []


class SeedFile(_Entry):
    apps: list[SeedApp] = []
    users: list[SeedUser] = []
    grants: list[SeedGrant] = []

    def reference_problems(self, known_apps: set[str], known_users: set[str]) -> list[str]:
        """Duplicates, and references to apps or users neither in the file nor in ``known_*``
        (the database): each as ``place: problem``."""
        problems: list[str] = []
        for what, entries in (("client_key", self.apps), ("username", self.users)):
            seen: set[str] = set()
            for index, entry in enumerate(entries):
                value = getattr(entry, what)
                if value in seen:
                    kind = "apps" if what == "client_key" else "users"
                    problems.append(f"{kind}[{index}].{what}: {value!r} appears twice")
                seen.add(value)
        apps = known_apps | {a.client_key for a in self.apps}
        users = known_users | {u.username for u in self.users}
        for index, app in enumerate(self.apps):
            for position, name in enumerate(app.sandbox_targets):
                if name not in users:
                    problems.append(
                        f"apps[{index}].sandbox_targets[{position}]: no user {name!r}"
                    )
        for index, grant in enumerate(self.grants):
            if grant.client_key not in apps:
                problems.append(f"grants[{index}].client_key: no app {grant.client_key!r}")
            if grant.username not in users:
                problems.append(f"grants[{index}].username: no user {grant.username!r}")
        return problems


def _place(location: tuple[int | str, ...]) -> str:
    """``('apps', 0, 'client_secret')`` → ``apps[0].client_secret``."""
    place = ""
    for part in location:
        place += f"[{part}]" if isinstance(part, int) else f".{part}"
    return place.removeprefix(".") or "(top level)"


def _first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    more = error.error_count() - 1
    return f"{_place(first['loc'])}: {message}" + (f" (and {more} more)" if more else "")


def load_seed_file(path: Path) -> SeedFile:
    """The seed file at ``path``; ``SeedError`` (one line) if it cannot be one."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SeedError(f"seed file {path}: not a text (UTF-8) YAML file") from None
    except OSError as exc:
        raise SeedError(f"seed file {path}: cannot read it ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise SeedError(f"seed file {path}: broken YAML{where}: {problem}") from None
    if not isinstance(data, dict | None):
        raise SeedError(f"seed file {path}: expected a mapping of apps, users and grants")
    try:
        return SeedFile.model_validate(data or {})
    except ValidationError as exc:
        raise SeedError(f"seed file {path}: {_first_problem(exc)}") from None


def demo_seed(base_url: str) -> SeedFile:
    """The demo apps and test users; the demo credentials are public on purpose (loopback only)."""
    return SeedFile(
        apps=[
            SeedApp(
                name="loginkit demo",
                client_key="awloginkitdemo01",
                client_secret="loginkit-demo-secret-0123456789abcdef",  # noqa: S106
                platform=Platform.WEB,
                redirect_uris=[f"{base_url}/demo/callback"],
                scopes=["user.info.basic", "user.info.profile", "user.info.stats", "video.list"],
            ),
            SeedApp(
                name="loginkit CLI",
                client_key="awloginkitcli001",
                client_secret="loginkit-cli-secret-0123456789abcdef",  # noqa: S106
                platform=Platform.DESKTOP,
                redirect_uris=["http://127.0.0.1:*/callback/"],
                scopes=["user.info.basic", "user.info.profile", "user.info.stats"],
            ),
        ],
        users=[
            SeedUser(
                username="amelia.creates",
                display_name="Amelia Park",
                bio_description="Pottery, plants and slow mornings.",
                is_verified=True,
                follower_count=182_400,
                following_count=312,
                likes_count=4_210_003,
                video_count=287,
            ),
            SeedUser(
                username="ben.builds",
                display_name="Ben Okafor",
                bio_description="Weekend woodworking. Mistakes included.",
                follower_count=5_120,
                following_count=840,
                likes_count=61_877,
                video_count=64,
            ),
            SeedUser(
                username="carla.cooks",
                display_name="Carla Mendes",
                bio_description="One-pan dinners in under 20 minutes.",
                is_verified=True,
                follower_count=1_250_000,
                following_count=180,
                likes_count=38_400_112,
                video_count=512,
            ),
            SeedUser(
                username="dev.with.dara",
                display_name="Dara Nguyen",
                bio_description="Coding tutorials and desk setups.",
                follower_count=48_900,
                following_count=1_020,
                likes_count=702_331,
                video_count=143,
            ),
            SeedUser(
                username="eli.new",
                display_name="Eli Novak",
                follower_count=3,
                following_count=41,
            ),
        ],
    )


async def apply_seed(
    store: AdminStore, seed: SeedFile, now: int, hasher: SecretHasher, *, source: str = ""
) -> None:
    """Create what ``seed`` describes; entries that already exist are left as they are.

    References are checked against the file and the database before anything is written.
    """
    users = {u.username: u for u in await store.list_users()}
    problems = seed.reference_problems({a.client_key for a in await store.list_apps()}, set(users))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SeedError(f"seed file {source}: {problems[0]}{more}")
    for app in seed.apps:
        with suppress(AlreadyExists):
            await store.create_app(app.to_app(now, hasher))
    for seeded in seed.users:
        if seeded.username in users:
            continue
        try:
            await store.create_user(user := seeded.to_user(now))
        except AlreadyExists:
            continue
        users[user.username] = user
    for app in seed.apps:
        if app.has_portal_settings:
            await _apply_app_settings(store, app, users)
    for grant in seed.grants:
        await _apply_grant(store, grant, users[grant.username], now)


async def _apply_app_settings(store: AdminStore, entry: SeedApp, users: dict[str, User]) -> None:
    current = await store.get_app_settings(entry.client_key)
    await store.save_app_settings(
        AppSettings(
            client_key=entry.client_key,
            webhook_secret=entry.webhook_secret
            or (current.webhook_secret if current else secrets.token_hex(20)),
            webhook_url=entry.webhook_url,
            sandbox=entry.sandbox,
            sandbox_targets=tuple(users[name].user_id for name in entry.sandbox_targets),
        )
    )


async def _apply_grant(store: AdminStore, entry: SeedGrant, user: User, now: int) -> None:
    scopes = tuple(entry.scopes)
    existing = await store.list_grants(user_id=user.user_id, client_key=entry.client_key)
    if any(g.scopes == scopes and g.revoked_at is None for g in existing):
        return
    grant = Grant(new_id(), entry.client_key, user.user_id, scopes, entry.created_at or now)
    # A grant is recorded with the code that carried it; this one is spent already.
    code = AuthorizationCode(
        code_hash=hash_secret(secrets.token_hex(32)),
        grant_id=grant.grant_id,
        client_key=entry.client_key,
        user_id=user.user_id,
        redirect_uri="",
        scopes=scopes,
        expires_at=now,
    )
    await store.create_grant(grant, code)
    tokens = list(entry.tokens)
    for kind, plaintext, lifetime in (
        (TokenKind.ACCESS, entry.access_token, SEEDED_ACCESS_LIFETIME),
        (TokenKind.REFRESH, entry.refresh_token, SEEDED_REFRESH_LIFETIME),
    ):
        if plaintext:
            tokens.append(
                SeedToken(kind=kind, token_hash=hash_secret(plaintext), expires_at=now + lifetime)
            )
    for token in tokens:
        await store.add_token(
            Token(
                token_hash=token.token_hash,
                kind=token.kind,
                client_key=entry.client_key,
                expires_at=token.expires_at,
                created_at=token.created_at or now,
                scopes=scopes,
                grant_id=grant.grant_id,
                user_id=user.user_id,
            )
        )


async def export_state(
    store: AdminStore, known: dict[str, str], *, include_secrets: bool = False
) -> dict[str, Any]:
    """Everything in the store, as a seed file loads it.

    Client secrets are written as hashes and webhook secrets left out (a new one is made on
    load), unless ``include_secrets``: then the plaintext client secrets this process knows
    (``known``) and the webhook secrets are written too.
    """
    users = await store.list_users()
    usernames = {u.user_id: u.username for u in users}
    apps: list[dict[str, Any]] = []
    for app in await store.list_apps():
        entry: dict[str, Any] = {
            "client_key": app.client_key,
            "name": app.name,
            "platform": app.platform.value,
            "redirect_uris": list(app.redirect_uris),
            "redirect_domains": list(app.redirect_domains),
            "scopes": list(app.scopes),
        }
        if include_secrets and app.client_key in known:
            entry["client_secret"] = known[app.client_key]
        else:
            entry["client_secret_hash"] = app.secret_hash
        portal = await store.get_app_settings(app.client_key)
        if portal is not None:
            entry["webhook_url"] = portal.webhook_url
            if include_secrets:
                entry["webhook_secret"] = portal.webhook_secret
            entry["sandbox"] = portal.sandbox
            entry["sandbox_targets"] = [
                usernames[u] for u in portal.sandbox_targets if u in usernames
            ]
        apps.append(entry)
    grants = [
        g for g in await store.list_grants() if g.revoked_at is None and g.user_id in usernames
    ]
    tokens: dict[str, list[Token]] = {}
    for token in await store.list_grant_tokens([g.grant_id for g in grants]):
        if token.revoked_at is None and token.rotated_at is None:
            tokens.setdefault(token.grant_id or "", []).append(token)
    return {
        "apps": apps,
        "users": [{k: v for k, v in asdict(u).items() if k != "created_at"} for u in users],
        "grants": [
            {
                "client_key": g.client_key,
                "username": usernames[g.user_id],
                "scopes": list(g.scopes),
                "created_at": g.created_at,
                "tokens": [
                    {
                        "kind": t.kind.value,
                        "token_hash": t.token_hash,
                        "expires_at": t.expires_at,
                        "created_at": t.created_at,
                    }
                    for t in tokens.get(g.grant_id, [])
                ],
            }
            for g in reversed(grants)
        ],
    }
