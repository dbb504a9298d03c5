"""Per-user sessions: a valid access token on demand, refreshed once however many callers ask.

``Sessions`` (threads) and ``AsyncSessions`` (asyncio tasks) keep one lock per user. A caller
that finds the access token due for refresh takes the user's lock, re-reads the store, and
refreshes only if nobody did it meanwhile; the others wait and reuse the result. The rotated
refresh token is saved before the lock is released, so the old one is never sent again.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from loginkit.client._protocol import DEFAULT_USER_FIELDS
from loginkit.client.async_ import AsyncTikTokClient
from loginkit.client.errors import (
    APIError,
    InvalidGrantError,
    NotLoggedInError,
    ReauthorizationRequiredError,
)
from loginkit.client.models import TokenSet, UserProfile
from loginkit.client.storage.base import AsyncTokenStore, TokenStore
from loginkit.client.sync import TikTokClient

__all__ = ["AsyncSessions", "AsyncUserSession", "Sessions", "UserSession"]

DEFAULT_REFRESH_SKEW = timedelta(minutes=5)
LockT = TypeVar("LockT", threading.Lock, asyncio.Lock)


def _needs_refresh(
    current: TokenSet, stale_access_token: str | None, now: datetime, skew: timedelta
) -> bool:
    """Under the user's lock: refresh, or has another caller already done it?

    ``stale_access_token`` is the token the caller found unusable (a forced refresh); ``None``
    means "refresh if due".
    """
    if stale_access_token is not None:
        return current.access_token == stale_access_token
    return current.access_expires_within(skew, now)


class _UserLock(Generic[LockT]):
    __slots__ = ("__weakref__", "lock")

    def __init__(self, lock: LockT) -> None:
        self.lock: LockT = lock


class _Locks(Generic[LockT]):
    """One lock per user key, forgotten when no session of that user is alive."""

    def __init__(self, factory: type[LockT]) -> None:
        self._factory: type[LockT] = factory
        self._locks: weakref.WeakValueDictionary[str, _UserLock[LockT]] = (
            weakref.WeakValueDictionary()
        )
        self._guard = threading.Lock()

    def get(self, user_key: str) -> _UserLock[LockT]:
        with self._guard:
            holder = self._locks.get(user_key)
            if holder is None:
                holder = _UserLock(self._factory())
                self._locks[user_key] = holder
            return holder


class Sessions:
    """Token sessions for a blocking app (threads)."""

    def __init__(
        self,
        client: TikTokClient,
        store: TokenStore,
        *,
        refresh_skew: timedelta = DEFAULT_REFRESH_SKEW,
    ) -> None:
        self.client = client
        self.store = store
        self.refresh_skew = refresh_skew
        self._locks = _Locks(threading.Lock)

    def start(self, user_key: str, tokens: TokenSet) -> UserSession:
        """Save the tokens of a fresh login and return the user's session."""
        self.store.save(user_key, tokens)
        return self.for_user(user_key)

    def for_user(self, user_key: str) -> UserSession:
        return UserSession(self, user_key, self._locks.get(user_key))


class UserSession:
    def __init__(self, sessions: Sessions, user_key: str, lock: _UserLock[threading.Lock]) -> None:
        self._sessions = sessions
        self.user_key = user_key
        self._lock = lock

    def tokens(self) -> TokenSet:
        tokens = self._sessions.store.load(self.user_key)
        if tokens is None:
            raise NotLoggedInError(f"no tokens stored for {self.user_key!r}")
        return tokens

    def access_token(self) -> str:
        """A usable access token, refreshed first if it expires within the skew."""
        tokens = self.tokens()
        if tokens.access_expires_within(self._sessions.refresh_skew, self._sessions.client.clock()):
            tokens = self._refresh(stale_access_token=None)
        return tokens.access_token

    def refresh(self) -> TokenSet:
        """Refresh now (single-flight: concurrent callers share one refresh)."""
        return self._refresh(stale_access_token=self.tokens().access_token)

    def user_info(self, fields: Sequence[str] = DEFAULT_USER_FIELDS) -> UserProfile:
        """The profile; on ``access_token_invalid`` refreshes once and asks again."""
        access = self.access_token()
        try:
            return self._sessions.client.user_info(access, fields)
        except APIError as exc:
            if exc.code != "access_token_invalid":
                raise
        tokens = self._refresh(stale_access_token=access)
        return self._sessions.client.user_info(tokens.access_token, fields)

    def logout(self) -> None:
        """Revoke the grant at TikTok and forget the tokens."""
        tokens = self._sessions.store.load(self.user_key)
        if tokens is not None:
            self._sessions.client.revoke(tokens.access_token)
        self._sessions.store.delete(self.user_key)

    def _refresh(self, stale_access_token: str | None) -> TokenSet:
        sessions = self._sessions
        with self._lock.lock:
            current = self.tokens()
            now = sessions.client.clock()
            if not _needs_refresh(current, stale_access_token, now, sessions.refresh_skew):
                return current
            if current.refresh_expired(now):
                raise ReauthorizationRequiredError("the refresh token has expired")
            try:
                fresh = sessions.client.refresh(current.refresh_token)
            except InvalidGrantError as exc:
                latest = sessions.store.load(self.user_key)
                if latest is not None and latest.refresh_token != current.refresh_token:
                    return latest  # another process refreshed first
                raise ReauthorizationRequiredError(str(exc)) from exc
            sessions.store.save(self.user_key, fresh)
            return fresh


class AsyncSessions:
    """Token sessions for an asyncio app (tasks on one event loop)."""

    def __init__(
        self,
        client: AsyncTikTokClient,
        store: AsyncTokenStore,
        *,
        refresh_skew: timedelta = DEFAULT_REFRESH_SKEW,
    ) -> None:
        self.client = client
        self.store = store
        self.refresh_skew = refresh_skew
        self._locks = _Locks(asyncio.Lock)

    async def start(self, user_key: str, tokens: TokenSet) -> AsyncUserSession:
        await self.store.save(user_key, tokens)
        return self.for_user(user_key)

    def for_user(self, user_key: str) -> AsyncUserSession:
        return AsyncUserSession(self, user_key, self._locks.get(user_key))


class AsyncUserSession:
    def __init__(
        self, sessions: AsyncSessions, user_key: str, lock: _UserLock[asyncio.Lock]
    ) -> None:
        self._sessions = sessions
        self.user_key = user_key
        self._lock = lock

    async def tokens(self) -> TokenSet:
        tokens = await self._sessions.store.load(self.user_key)
        if tokens is None:
            raise NotLoggedInError(f"no tokens stored for {self.user_key!r}")
        return tokens

    async def access_token(self) -> str:
        """A usable access token, refreshed first if it expires within the skew."""
        tokens = await self.tokens()
        if tokens.access_expires_within(self._sessions.refresh_skew, self._sessions.client.clock()):
            tokens = await self._refresh(stale_access_token=None)
        return tokens.access_token

    async def refresh(self) -> TokenSet:
        """Refresh now (single-flight: concurrent callers share one refresh)."""
        return await self._refresh(stale_access_token=(await self.tokens()).access_token)

    async def user_info(self, fields: Sequence[str] = DEFAULT_USER_FIELDS) -> UserProfile:
        """The profile; on ``access_token_invalid`` refreshes once and asks again."""
        access = await self.access_token()
        try:
            return await self._sessions.client.user_info(access, fields)
        except APIError as exc:
            if exc.code != "access_token_invalid":
                raise
        tokens = await self._refresh(stale_access_token=access)
        return await self._sessions.client.user_info(tokens.access_token, fields)

    async def logout(self) -> None:
        """Revoke the grant at TikTok and forget the tokens."""
        tokens = await self._sessions.store.load(self.user_key)
        if tokens is not None:
            await self._sessions.client.revoke(tokens.access_token)
        await self._sessions.store.delete(self.user_key)

    async def _refresh(self, stale_access_token: str | None) -> TokenSet:
        sessions = self._sessions
        async with self._lock.lock:
            current = await self.tokens()
            now = sessions.client.clock()
            if not _needs_refresh(current, stale_access_token, now, sessions.refresh_skew):
                return current
            if current.refresh_expired(now):
                raise ReauthorizationRequiredError("the refresh token has expired")
            try:
                fresh = await sessions.client.refresh(current.refresh_token)
            except InvalidGrantError as exc:
                latest = await sessions.store.load(self.user_key)
                if latest is not None and latest.refresh_token != current.refresh_token:
                    return latest  # another process refreshed first
                raise ReauthorizationRequiredError(str(exc)) from exc
            await sessions.store.save(self.user_key, fresh)
            return fresh
