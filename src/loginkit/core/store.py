"""The storage contract the core is given.

It lives in the core (not in ``loginkit.storage``) so that the protocol code depends only on this
interface; ``loginkit.storage`` holds its two implementations, SQLite and PostgreSQL.

Every method is one atomic unit of work, durably committed before it returns: a token handed to a
client has been written first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from loginkit.core.models import App, AuthorizationCode, Grant, Token, TokenOwner, User
from loginkit.core.pending import PendingAuthorization

__all__ = ["AlreadyExists", "Store", "StoreUnavailable"]


class StoreUnavailable(Exception):
    """The database cannot be reached or failed; the request may be retried."""


class AlreadyExists(Exception):
    """A record with the same key (client_key, user_id, username) exists."""


class Store(Protocol):
    async def open(self) -> None:
        """Connect and apply pending schema migrations."""

    async def close(self) -> None: ...

    async def instance_secret(self) -> str:
        """A random secret made once per database, from which open_id and union_id derive."""
        ...

    # ---- apps -------------------------------------------------------------------------------
    async def create_app(self, app: App) -> None:
        """Raises: AlreadyExists if the client_key is taken."""

    async def get_app(self, client_key: str) -> App | None: ...

    async def list_apps(self) -> list[App]: ...

    async def update_app(self, app: App) -> bool:
        """Returns: whether an app with that client_key existed."""
        ...

    async def delete_app(self, client_key: str) -> bool:
        """Delete the app with its grants, codes and tokens. Returns whether it existed."""
        ...

    # ---- users ------------------------------------------------------------------------------
    async def create_user(self, user: User) -> None:
        """Raises: AlreadyExists if the user_id or username is taken."""

    async def get_user(self, user_id: str) -> User | None: ...

    async def get_user_by_username(self, username: str) -> User | None: ...

    async def list_users(self) -> list[User]: ...

    # ---- grants and codes -------------------------------------------------------------------
    async def create_grant(self, grant: Grant, code: AuthorizationCode) -> None:
        """Record a user's approval and the authorization code that carries it."""

    async def get_code(self, code_hash: str) -> AuthorizationCode | None: ...

    async def redeem_code(self, code_hash: str, now: int, tokens: Sequence[Token]) -> bool:
        """Mark the code consumed and save ``tokens``, atomically.

        Returns: False, saving nothing, if the code was already consumed (a lost race).
        """
        ...

    async def revoke_grant(self, grant_id: str, now: int) -> None:
        """Revoke the grant and every token issued under it."""

    # ---- tokens -----------------------------------------------------------------------------
    async def add_token(self, token: Token) -> None: ...

    async def get_token(self, token_hash: str) -> Token | None: ...

    async def get_token_owner(self, token_hash: str) -> TokenOwner | None:
        """The token and its user and app in one read (user info: one query instead of three)."""
        ...

    async def rotate_refresh_token(self, old_hash: str, now: int, tokens: Sequence[Token]) -> bool:
        """Mark the live refresh token ``old_hash`` rotated and save ``tokens``, atomically.

        Returns: False, saving nothing, if it was no longer live (rotated or revoked meanwhile).
        """
        ...

    async def revoke_token(self, token_hash: str, now: int) -> None: ...

    # ---- emulator state ---------------------------------------------------------------------
    async def get_clock_offset(self) -> int: ...

    async def set_clock_offset(self, seconds: int) -> None: ...

    async def note_mixed_token_use(self, client_key: str, now: int) -> None:
        """Remember that the app presented a token to the OAuth API that did not issue it."""

    async def last_mixed_token_use(self, client_key: str) -> int | None:
        """When the app last did so (emulator clock), or None."""
        ...

    async def reset(self) -> None:
        """Delete every app, user, grant, code and token, pending authorization and browser
        session, and the clock offset."""

    # ---- the authorize pages ----------------------------------------------------------------
    async def create_pending(self, pending: PendingAuthorization) -> None:
        """Save a pending authorization (and delete a bounded number of expired ones)."""

    async def get_pending(self, pending_id: str) -> PendingAuthorization | None: ...

    async def consume_pending(self, pending_id: str, session_id: str, now: int) -> bool:
        """Mark the pending authorization decided, atomically, if it belongs to ``session_id``,
        is undecided and has not expired at ``now``.

        Returns: False, changing nothing, otherwise (a replay, a second tab, a lost race).
        """
        ...

    async def sign_in(
        self, old_session_id: str, new_session_id: str, user_id: str, now: int
    ) -> None:
        """Sign ``user_id`` in under a fresh browser session id, ending ``old_session_id`` and
        moving its undecided pending authorizations to the new id."""

    async def session_user(self, session_id: str) -> str | None:
        """The user signed in in this browser session, or None."""
        ...

    async def end_session(self, session_id: str) -> None:
        """Sign the browser session out (its pending authorizations stay)."""

    async def sign_out_user(self, user_id: str) -> int:
        """End every browser session of the user. Returns: how many there were."""
        ...

    async def live_grant_scopes(self, client_key: str, user_id: str) -> frozenset[str]:
        """Every scope the user has granted the app in grants not revoked."""
        ...

    async def sandbox_targets(self, client_key: str) -> tuple[str, ...] | None:
        """The user_ids allowed to authorize a sandbox app; None when it is not in sandbox."""
        ...

    # ---- client secrets at rest -------------------------------------------------------------
    async def rehash_client_secret(self, client_key: str, old_hash: str, new_hash: str) -> None:
        """Replace the app's secret hash, unless it is no longer ``old_hash`` (rotated since)."""

    async def claim_secret_key_check(self, value: str) -> str:
        """The key check value stored with the database; ``value`` is stored if there is none."""
        ...
