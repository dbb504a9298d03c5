"""The control API's request and response bodies, as pydantic models.

They are the contract: the handlers validate with them (unknown fields and out-of-range values are
refused with 400 naming the field) and ``/openapi.json`` publishes their JSON schemas.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from loginkit.core.clock import MAX_CLOCK_OFFSET_SECONDS
from loginkit.core.models import Platform
from loginkit.core.registration import NEW_APP

__all__ = [
    "AppCreate",
    "AppPatch",
    "AppView",
    "AppWithSecret",
    "AuthorizeBody",
    "ClockAdvance",
    "ClockView",
    "Delivery",
    "Empty",
    "ExportedState",
    "FaultCreate",
    "FaultView",
    "LoggedRequestView",
    "MigrationQuery",
    "MigrationView",
    "Redirect",
    "RedirectDomains",
    "RequestFilter",
    "UserCreate",
    "UserView",
    "V1AuthorizeBody",
]

_CLIENT_KEY = "awloginkitdemo01"
_REDIRECT = "https://app.example.com/callback/"

_DOMAINS = "v1 OAuth only: hosts whose (sub)domains may receive the redirect."
_SANDBOX = "A sandbox app may be authorized by its sandbox targets only."
_TARGETS = "user_ids of the users who may authorize the app while it is a sandbox (at most 10)."

Count = Annotated[int, Field(ge=0, le=2**53)]
"""Profile counts: never negative, and exact in every JSON reader (our choice)."""


class Strict(BaseModel):
    """A request body: unknown fields are refused, types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    """Query parameters: unknown ones are refused; values arrive as text."""

    model_config = ConfigDict(extra="forbid")


class Shown(BaseModel):
    """A response body."""

    model_config = ConfigDict(extra="forbid")


class Empty(Shown):
    """An empty JSON object."""


# ---- apps ---------------------------------------------------------------------------------------


class AppCreate(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "My app",
                    "platform": "web",
                    "redirect_uris": [_REDIRECT],
                    "scopes": ["user.info.basic", "user.info.profile"],
                    "webhook_url": "https://app.example.com/tiktok/webhook",
                }
            ]
        }
    )
    name: str = Field(min_length=1, max_length=100)
    platform: Platform = NEW_APP.platform
    redirect_uris: list[str] = Field(max_length=100)
    scopes: list[str] = Field(default_factory=lambda: list(NEW_APP.scopes), max_length=100)
    redirect_domains: list[str] = Field(default_factory=list, max_length=100, description=_DOMAINS)
    webhook_url: str | None = Field(default=None, max_length=2048)
    sandbox: bool = Field(default=NEW_APP.sandbox, description=_SANDBOX)
    sandbox_targets: list[str] = Field(default_factory=list, max_length=100, description=_TARGETS)


class AppPatch(Strict):
    """The fields to change; the others keep their values."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"sandbox": True, "sandbox_targets": ["7300000000001"]}]}
    )
    # Absent or null: unchanged (but a null webhook_url removes it).
    name: str | None = Field(default=None, min_length=1, max_length=100)
    platform: Platform | None = None
    redirect_uris: list[str] | None = Field(default=None, max_length=100)
    scopes: list[str] | None = Field(default=None, max_length=100)
    redirect_domains: list[str] | None = Field(default=None, max_length=100, description=_DOMAINS)
    webhook_url: str | None = Field(default=None, max_length=2048, description="null removes it.")
    sandbox: bool | None = Field(default=None, description=_SANDBOX)
    sandbox_targets: list[str] | None = Field(default=None, max_length=100, description=_TARGETS)

    def changes(self) -> dict[str, object]:
        """The fields given, as ``validate_registration`` takes them."""
        given = self.model_dump(exclude_unset=True)
        return {k: v for k, v in given.items() if v is not None or k == "webhook_url"}


class AppView(Shown):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "client_key": _CLIENT_KEY,
                    "name": "My app",
                    "platform": "web",
                    "redirect_uris": [_REDIRECT],
                    "scopes": ["user.info.basic"],
                    "redirect_domains": [],
                    "webhook_url": None,
                    "sandbox": False,
                    "sandbox_targets": [],
                }
            ]
        }
    )
    client_key: str
    name: str
    platform: Platform
    redirect_uris: list[str]
    scopes: list[str]
    redirect_domains: list[str] = Field(
        description="v1 OAuth only: hosts that may get the redirect."
    )
    webhook_url: str | None
    sandbox: bool
    sandbox_targets: list[str]


class AppWithSecret(AppView):
    client_secret: str = Field(description="Shown only here: the emulator keeps a hash.")


class RedirectDomains(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"redirect_domains": ["a.com"]}]})
    redirect_domains: list[str] = Field(max_length=100)


class FindingView(Shown):
    code: str = Field(examples=["no_redirect_uri"])
    message: str


class MigrationView(Shown):
    client_key: str
    platform: Platform
    days: int
    redirect_domains: list[str]
    findings: list[FindingView]


class MigrationQuery(Query):
    days: int = Field(default=30, ge=1, le=3650)


# ---- users --------------------------------------------------------------------------------------


class UserCreate(Strict):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"username": "dana.draws", "display_name": "Dana"}]}
    )
    username: str = Field(min_length=1, max_length=64, pattern=r"\S")
    display_name: str | None = Field(default=None, max_length=64)
    avatar_url: str | None = Field(default=None, max_length=2048)
    bio_description: str | None = Field(default=None, max_length=1000)
    is_verified: bool | None = None
    follower_count: Count | None = None
    following_count: Count | None = None
    likes_count: Count | None = None
    video_count: Count | None = None


class UserView(Shown):
    user_id: str
    username: str
    display_name: str
    avatar_url: str
    bio_description: str
    is_verified: bool
    follower_count: int
    following_count: int
    likes_count: int
    video_count: int


# ---- authorize ----------------------------------------------------------------------------------


class _Decision(Strict):
    user_id: str | None = Field(default=None, description="The user deciding (unless deny).")
    username: str | None = Field(
        default=None, max_length=64, description="The user deciding, by username (or user_id)."
    )
    approve: list[str] | None = Field(
        default=None, max_length=100, description="The scopes the user keeps switched on."
    )
    deny: bool | None = Field(default=None, description="true: the user presses Cancel.")
    client_key: str = Field(max_length=200)
    redirect_uri: str | None = Field(default=None, max_length=2048)
    state: str | None = Field(default=None, max_length=2048)


class AuthorizeBody(_Decision):
    """The authorize page's query parameters, and the user's decision on it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "client_key": _CLIENT_KEY,
                    "redirect_uri": _REDIRECT,
                    "scope": "user.info.basic,user.info.profile",
                    "state": "xyz",
                    "response_type": "code",
                    "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                    "code_challenge_method": "S256",
                    "user_id": "7300000000001",
                    "approve": ["user.info.basic", "user.info.profile"],
                }
            ]
        }
    )
    scope: str | None = Field(default=None, max_length=2048)
    response_type: str | None = Field(default=None, max_length=50)
    code_challenge: str | None = Field(default=None, max_length=200)
    code_challenge_method: str | None = Field(default=None, max_length=20)


class V1AuthorizeBody(_Decision):
    """v1's authorize parameters (``/platform/oauth/connect/``), and the user's decision."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "client_key": _CLIENT_KEY,
                    "redirect_uri": "https://a.com/cb",
                    "scope": "user.info.basic",
                    "response_type": "code",
                    "user_id": "7300000000001",
                    "approve": ["user.info.basic"],
                }
            ]
        }
    )
    scope: str | None = Field(default=None, max_length=2048)
    response_type: str | None = Field(default=None, max_length=50)


class Redirect(Shown):
    redirect_to: str = Field(
        description="Where the authorize page would send the browser.",
        examples=[f"{_REDIRECT}?code=abc&scopes=user.info.basic&state=xyz"],
    )


# ---- clock --------------------------------------------------------------------------------------


class ClockAdvance(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"advance_seconds": 86400}]})
    advance_seconds: int = Field(
        ge=-MAX_CLOCK_OFFSET_SECONDS,
        le=MAX_CLOCK_OFFSET_SECONDS,
        description="Seconds to move the clock by (negative: back); the total offset stays "
        "within 100 years.",
    )


class ClockView(Shown):
    now: int = Field(description="The emulator's time, in seconds since the epoch.")
    offset_seconds: int


# ---- faults, request log, webhook deliveries, export --------------------------------------------


class FaultCreate(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"endpoint": "/v2/oauth/token/", "count": 1, "status": 503}]
        }
    )
    endpoint: str = Field(max_length=200, description="A TikTok path such as /v2/oauth/token/.")
    count: int = Field(default=1, ge=1, le=10_000, description="How many calls it affects.")
    error: str | None = Field(default=None, max_length=100, description="TikTok's error code.")
    status: int | None = Field(default=None, ge=200, le=599)
    latency_ms: int = Field(default=0, ge=0, le=60_000)


class FaultView(Shown):
    endpoint: str
    remaining: int
    error: str | None
    status: int | None
    latency_ms: int


class RequestFilter(Query):
    path: str = Field(default="", max_length=200, description="Part of the path.")
    client_key: str = Field(default="", max_length=200)
    outcome: str = Field(default="", max_length=100, description="ok or an error code.")


class LoggedRequestView(Shown):
    at: float = Field(description="Wall-clock time, in seconds since the epoch.")
    method: str
    path: str
    status: int
    outcome: str = Field(description="ok, or the error code answered.")
    log_id: str
    client_key: str | None
    duration_ms: float


class AttemptView(Shown):
    at: int
    status_code: int | None
    error: str | None


class Delivery(Shown):
    delivery_id: str
    client_key: str
    event: str = Field(examples=["authorization.removed"])
    url: str
    body: str
    created_at: int
    status: Literal["pending", "delivered", "failed"]
    attempts: list[AttemptView]


class ExportedState(BaseModel):
    """Everything in the emulator, in the seed-file format ``loginkit serve --seed`` loads."""

    model_config = ConfigDict(extra="allow")
    apps: list[dict[str, Any]]
    users: list[dict[str, Any]]
    grants: list[dict[str, Any]]


class SignedOut(Strict):
    """The user whose emulator browser sessions ended, and how many there were."""

    user_id: str
    username: str
    sessions: int
