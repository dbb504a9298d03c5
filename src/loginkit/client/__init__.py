"""The client kit: what an app's server needs to log users in with TikTok.

Framework integrations live in ``loginkit.client.starlette`` and ``loginkit.client.flask``;
token stores in ``loginkit.client.storage``.
"""

from loginkit.client._protocol import (
    DEFAULT_USER_FIELDS,
    TIKTOK_API_BASE_URL,
    TIKTOK_AUTHORIZE_URL,
    TIKTOK_V1_API_BASE_URL,
    RetryPolicy,
)
from loginkit.client.async_ import AsyncTikTokClient
from loginkit.client.errors import (
    APIError,
    AuthorizationDeniedError,
    CallbackError,
    InvalidGrantError,
    NotLoggedInError,
    OAuthError,
    ReauthorizationRequiredError,
    StateError,
    StateExpiredError,
    StateMismatchError,
    TikTokClientError,
    TransportError,
    UnexpectedResponseError,
    V1OAuthError,
    V1UnavailableError,
)
from loginkit.client.models import ClientToken, TokenSet, UserProfile
from loginkit.client.pkce import PKCE
from loginkit.client.session import AsyncSessions, AsyncUserSession, Sessions, UserSession
from loginkit.client.state import PendingLogin, StateSealer
from loginkit.client.sync import TikTokClient

__all__ = [
    "DEFAULT_USER_FIELDS",
    "PKCE",
    "TIKTOK_API_BASE_URL",
    "TIKTOK_AUTHORIZE_URL",
    "TIKTOK_V1_API_BASE_URL",
    "APIError",
    "AsyncSessions",
    "AsyncTikTokClient",
    "AsyncUserSession",
    "AuthorizationDeniedError",
    "CallbackError",
    "ClientToken",
    "InvalidGrantError",
    "NotLoggedInError",
    "OAuthError",
    "PendingLogin",
    "ReauthorizationRequiredError",
    "RetryPolicy",
    "Sessions",
    "StateError",
    "StateExpiredError",
    "StateMismatchError",
    "StateSealer",
    "TikTokClient",
    "TikTokClientError",
    "TokenSet",
    "TransportError",
    "UnexpectedResponseError",
    "UserProfile",
    "UserSession",
    "V1OAuthError",
    "V1UnavailableError",
]
