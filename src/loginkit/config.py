"""The one settings object of ``serve``, ``up``, their worker processes and ``gateway``.

Each setting is one field below: its default, its description (the ``--help`` text) and its
``LOGINKIT_*`` environment variable all come from that field. ``Settings.load()`` reads the
environment and an optional ``.env`` file; command-line options overlay both
(``loginkit.cli.options`` makes one click option per field). Worker processes get the resolved
settings as JSON (``Settings.model_dump_json``) and never parse options again.
"""

from __future__ import annotations

import secrets
from dataclasses import fields as dataclass_fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from limits import parse as parse_rate_limit
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from loginkit.core.policy import IdShapes, LifetimeProfile, Policy, ScopeError

__all__ = ["DEFAULT_DATABASE_URL", "DEV_ADMIN_TOKEN", "ENV_PREFIX", "Group", "Settings"]

ENV_PREFIX = "LOGINKIT_"
DEFAULT_DATABASE_URL = "sqlite:///loginkit.sqlite3"
DEV_ADMIN_TOKEN = "loginkit-dev-admin-token"  # noqa: S105 - public on purpose, `loginkit up` only
"""The admin token of ``loginkit up`` (``make run``) unless one is given: README snippets keep
working across restarts. ``serve`` generates a random one instead."""
DATABASE_SCHEMES = ("sqlite:///", "postgresql://", "postgres://", "postgresql+asyncpg://")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
RATE_LIMIT_OFF = "off"

_POLICY = Policy()
"""Policy's own defaults: a policy switch's default is written once, in ``core/policy.py``."""


class Group(StrEnum):
    """Which commands take a setting as a command-line option."""

    SERVER = "server"
    """``serve`` and ``up``."""
    POLICY = "policy"
    """``serve`` and ``up``: how TikTok's rules are applied (``core.policy.Policy``)."""
    GATEWAY = "gateway"
    """``gateway`` and ``up``."""
    SHARED = "shared"
    """Every server command (``serve``, ``up``, ``gateway``)."""
    INTERNAL = "internal"
    """Set by a command itself, never an option (still a ``LOGINKIT_*`` variable)."""


def setting(
    default: Any,
    description: str,
    *,
    group: Group = Group.SERVER,
    option: str | None = None,
    env: str | None = None,
    **constraints: Any,
) -> Any:
    """One setting: ``option`` replaces the ``--field-name`` click declaration (e.g.
    ``"--demo/--no-demo"``), ``env`` the ``LOGINKIT_FIELD_NAME`` variable; ``constraints`` are
    pydantic's (``ge=1``…)."""
    extra: dict[str, Any] = {"group": group.value}
    if option is not None:
        extra["option"] = option
    alias = None if env is None else AliasChoices(env)
    return Field(
        default,
        description=description,
        json_schema_extra=extra,
        validation_alias=alias,
        **constraints,
    )


def _generated_admin_token() -> str:
    return secrets.token_urlsafe(24)


class Settings(BaseModel):
    """Resolved settings; ``Settings.load()`` builds them from the environment."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    # ---- every server command ---------------------------------------------------------------
    host: str = setting("127.0.0.1", "Address to listen on.", group=Group.SHARED)

    # ---- serve / up -------------------------------------------------------------------------
    port: int = setting(8000, "Port of the emulator.", ge=0, le=65535)
    database_url: str = setting(
        DEFAULT_DATABASE_URL, "sqlite:///PATH or postgresql://USER@HOST:PORT/DB."
    )
    admin_token: str = Field(
        default_factory=_generated_admin_token,
        repr=False,
        description="Bearer token of the control API; `serve` generates one per start, "
        f"`up` uses {DEV_ADMIN_TOKEN!r}, unless given.",
        json_schema_extra={"group": Group.SERVER.value},
    )
    public_url: str | None = setting(
        None, "Base URL clients use (default http://HOST:PORT), e.g. behind a load balancer."
    )
    seed_file: Path | None = setting(
        None, "YAML file of apps, users and grants to load.", option="--seed", env="LOGINKIT_SEED"
    )
    seed_demo: bool = setting(
        True,
        "Load the demo apps and test users into an empty database.",
        option="--demo/--no-demo",
        env="LOGINKIT_DEMO",
    )
    workers: int = setting(
        1, "Server processes sharing the database (PostgreSQL recommended above 1).", ge=1
    )
    redis_url: str | None = setting(
        None, "redis://HOST:PORT/DB: share rate limits across processes (default: memory)."
    )
    rate_limit_user_info: str = setting(
        "600/minute",
        "Per client on /v2/user/info/, moving window (TikTok documents 600/minute); 'off'.",
    )
    rate_limit_token: str = setting(
        "1200/minute", "Per client on /v2/oauth/token/ (our choice: TikTok documents none); 'off'."
    )
    rate_limit_revoke: str = setting(
        "600/minute", "Per client on /v2/oauth/revoke/ (our choice); 'off' disables."
    )
    auth_failures_per_minute: int = setting(
        10, "Failed client authentications per client_key per minute (x10 per address).", ge=1
    )
    db_pool_size: int = setting(
        10, "PostgreSQL connections per process (as many again under bursts).", ge=1
    )
    db_timeout: float = setting(
        5.0, "Seconds to connect, wait for a pooled connection or run a statement.", ge=0.1
    )
    secret_key: str | None = setting(
        None,
        "Key of the stored client-secret hashes (HMAC-SHA-256), the same for every process "
        "sharing a PostgreSQL database (required there); unset with SQLite: a key file beside "
        "the database file, made on first start.",
        group=Group.INTERNAL,
        repr=False,
    )
    max_body_bytes: int = setting(
        16_384, "Largest form body accepted on the OAuth endpoints.", group=Group.INTERNAL, ge=1
    )
    portal_open_on_loopback: bool = setting(
        False,
        "The portal needs no admin sign-in from 127.0.0.1 / ::1 (set by `loginkit up`).",
        group=Group.INTERNAL,
    )

    # ---- policy: mirrors core.policy.Policy, field for field (defaults are Policy's) --------
    profile: LifetimeProfile = setting(
        _POLICY.profile,
        "Token lifetimes: classic (24 h / 365 d) or 2026 (2 h / 180 d).",
        group=Group.POLICY,
    )
    access_token_lifetime: int | None = setting(
        _POLICY.access_token_lifetime, "Seconds; overrides the profile.", group=Group.POLICY, ge=1
    )
    refresh_token_lifetime: int | None = setting(
        _POLICY.refresh_token_lifetime, "Seconds; overrides the profile.", group=Group.POLICY, ge=1
    )
    client_token_lifetime: int = setting(
        _POLICY.client_token_lifetime,
        "Seconds a client_credentials access token lives.",
        group=Group.POLICY,
        ge=1,
    )
    code_lifetime: int = setting(
        _POLICY.code_lifetime,
        "Seconds an authorization code lives (our choice: TikTok documents none).",
        group=Group.POLICY,
        ge=1,
    )
    require_pkce_for_web: bool = setting(
        _POLICY.require_pkce_for_web,
        "Refuse web apps' authorize requests without an S256 code_challenge, as TikTok does in "
        "practice.",
        group=Group.POLICY,
    )
    auto_authorize: bool = setting(
        _POLICY.auto_authorize,
        "Send a signed-in user who already granted every requested scope straight back with a "
        "fresh code, as TikTok does (disable_auto_auth=1 in the authorize URL opts out).",
        group=Group.POLICY,
        option="--auto-auth/--no-auto-auth",
        env="LOGINKIT_AUTO_AUTH",
    )
    revoke_grant_on_refresh_reuse: bool = setting(
        _POLICY.revoke_grant_on_refresh_reuse,
        "Revoke the whole grant when a rotated refresh token is presented (RFC 9700 4.14.2).",
        group=Group.POLICY,
        option="--revoke-on-refresh-reuse/--no-revoke-on-refresh-reuse",
        env="LOGINKIT_REVOKE_ON_REFRESH_REUSE",
    )
    strict_redirect_uris: bool = setting(
        _POLICY.strict_redirect_uris,
        "Refuse loopback http redirect URIs for web apps.",
        group=Group.POLICY,
        option="--strict/--no-strict",
        env="LOGINKIT_STRICT",
    )
    oauth_errors_http_200: bool = setting(
        _POLICY.oauth_errors_http_200,
        "Answer /v2/oauth/token/ and /v2/oauth/revoke/ errors with HTTP 200, as TikTok does in "
        "practice (429 and 5xx stay real); --no-... gives 400/401.",
        group=Group.POLICY,
    )
    scope_error: ScopeError = setting(
        _POLICY.scope_error,
        "The Display API's answer to a field whose scope was not granted: scope_not_authorized "
        "(401, as TikTok does) or scope_permission_missed (400).",
        group=Group.POLICY,
    )
    id_shapes: IdShapes = setting(
        _POLICY.id_shapes,
        "Shapes of tokens, codes and open_ids: tiktok (as issued today) or classic (the docs' "
        "examples).",
        group=Group.POLICY,
    )

    # ---- gateway / up -----------------------------------------------------------------------
    capability: Path | None = setting(
        None,
        "Naftiko capability file (default: the shipped TikTok Login Kit OAuth capability).",
        group=Group.GATEWAY,
    )
    upstream: str | None = setting(
        None,
        "Replace every consumed baseUri, e.g. http://127.0.0.1:8000 (`up`: the emulator).",
        group=Group.GATEWAY,
    )
    rest_port: int | None = setting(
        None,
        "Port of the gateway's REST adapter (default: the capability's, 8080).",
        group=Group.GATEWAY,
        ge=1,
        le=65535,
    )
    mcp_port: int | None = setting(
        None,
        "Port of the gateway's MCP server (default: the capability's, 9090).",
        group=Group.GATEWAY,
        ge=1,
        le=65535,
    )
    connect_timeout: float = setting(
        3.0, "Seconds to wait for a connection to the upstream.", group=Group.GATEWAY, ge=0.01
    )
    timeout: float = setting(
        10.0, "Seconds one upstream call may take in all (then 504).", group=Group.GATEWAY, ge=0.01
    )

    # ---- checks -----------------------------------------------------------------------------
    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(DATABASE_SCHEMES) or value == "sqlite:///":
            raise ValueError(f"{value!r}: use sqlite:///PATH or postgresql://USER@HOST/DB")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(REDIS_SCHEMES):
            raise ValueError(f"{value!r}: use redis://HOST:PORT/DB (or rediss://, unix://)")
        return value

    @field_validator("rate_limit_user_info", "rate_limit_token", "rate_limit_revoke")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        if value.strip().lower() == RATE_LIMIT_OFF:
            return RATE_LIMIT_OFF
        try:
            parse_rate_limit(value)
        except ValueError:
            raise ValueError(f"{value!r}: use COUNT/PERIOD, e.g. 600/minute, or 'off'") from None
        return value

    @field_validator("public_url", "upstream")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r}: expected an http:// or https:// URL")
        return value

    # ---- derived ----------------------------------------------------------------------------
    @property
    def policy(self) -> Policy:
        """The core's policy: every ``Policy`` field takes the setting of the same name."""
        return Policy(**{f.name: getattr(self, f.name) for f in dataclass_fields(Policy)})

    @property
    def shares_database(self) -> bool:
        """Whether other processes may write the same database (and move its clock)."""
        return self.workers > 1 or not self.database_url.startswith("sqlite")

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """``LOGINKIT_*`` variables and ``.env`` (in the working directory), then ``overrides``
        (the command-line options given). Raises pydantic's ``ValidationError``."""
        return _FromEnvironment(**overrides)

    @staticmethod
    def env_name(field: str) -> str:
        """The environment variable of ``field``."""
        alias = Settings.model_fields[field].validation_alias
        if isinstance(alias, AliasChoices):
            return str(alias.choices[-1])
        return f"{ENV_PREFIX}{field.upper()}"


class _FromEnvironment(BaseSettings, Settings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )
