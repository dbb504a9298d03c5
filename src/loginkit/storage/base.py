"""The Store contract implemented once over SQLAlchemy; backends differ only in how they run it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection

from loginkit.core.models import App, AuthorizationCode, Grant, Token, TokenOwner, User
from loginkit.core.pending import PendingAuthorization
from loginkit.emulator.records import AppSettings, WebhookDelivery
from loginkit.storage import emulator_operations as emulator_ops
from loginkit.storage import operations as ops

__all__ = ["SQLStore"]

P = ParamSpec("P")
T = TypeVar("T")


class SQLStore(ABC):
    """Implements ``loginkit.core.store.Store`` by running ``loginkit.storage.operations``."""

    @abstractmethod
    async def run(
        self, operation: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run one operation in its own unit of work, committed durably before returning.

        Raises: ``StoreUnavailable`` when the database cannot be reached.
        """

    @abstractmethod
    async def open(self) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    async def ping(self) -> None:
        """A trivial query: raises ``StoreUnavailable`` when the database does not answer."""
        await self.run(ops.ping)

    async def instance_secret(self) -> str:
        return await self.run(ops.instance_secret)

    async def create_app(self, app: App) -> None:
        await self.run(ops.create_app, app)

    async def get_app(self, client_key: str) -> App | None:
        return await self.run(ops.get_app, client_key)

    async def list_apps(self) -> list[App]:
        return await self.run(ops.list_apps)

    async def update_app(self, app: App) -> bool:
        return await self.run(ops.update_app, app)

    async def delete_app(self, client_key: str) -> bool:
        return await self.run(emulator_ops.delete_app, client_key)

    async def create_user(self, user: User) -> None:
        await self.run(ops.create_user, user)

    async def get_user(self, user_id: str) -> User | None:
        return await self.run(ops.get_user, user_id)

    async def get_user_by_username(self, username: str) -> User | None:
        return await self.run(ops.get_user_by_username, username)

    async def list_users(self) -> list[User]:
        return await self.run(ops.list_users)

    async def create_grant(self, grant: Grant, code: AuthorizationCode) -> None:
        await self.run(ops.create_grant, grant, code)

    async def get_code(self, code_hash: str) -> AuthorizationCode | None:
        return await self.run(ops.get_code, code_hash)

    async def redeem_code(self, code_hash: str, now: int, tokens: Sequence[Token]) -> bool:
        return await self.run(ops.redeem_code, code_hash, now, tokens)

    async def revoke_grant(self, grant_id: str, now: int) -> None:
        await self.run(ops.revoke_grant, grant_id, now)

    async def add_token(self, token: Token) -> None:
        await self.run(ops.add_token, token)

    async def get_token(self, token_hash: str) -> Token | None:
        return await self.run(ops.get_token, token_hash)

    async def get_token_owner(self, token_hash: str) -> TokenOwner | None:
        return await self.run(ops.get_token_owner, token_hash)

    async def rotate_refresh_token(self, old_hash: str, now: int, tokens: Sequence[Token]) -> bool:
        return await self.run(ops.rotate_refresh_token, old_hash, now, tokens)

    async def revoke_token(self, token_hash: str, now: int) -> None:
        await self.run(ops.revoke_token, token_hash, now)

    async def get_clock_offset(self) -> int:
        return await self.run(ops.get_clock_offset)

    async def set_clock_offset(self, seconds: int) -> None:
        await self.run(ops.set_clock_offset, seconds)

    async def note_mixed_token_use(self, client_key: str, now: int) -> None:
        await self.run(ops.note_mixed_token_use, client_key, now)

    async def last_mixed_token_use(self, client_key: str) -> int | None:
        return await self.run(ops.last_mixed_token_use, client_key)

    async def reset(self) -> None:
        await self.run(emulator_ops.reset)

    async def create_pending(self, pending: PendingAuthorization) -> None:
        await self.run(ops.create_pending, pending)

    async def get_pending(self, pending_id: str) -> PendingAuthorization | None:
        return await self.run(ops.get_pending, pending_id)

    async def consume_pending(self, pending_id: str, session_id: str, now: int) -> bool:
        return await self.run(ops.consume_pending, pending_id, session_id, now)

    async def sign_in(
        self, old_session_id: str, new_session_id: str, user_id: str, now: int
    ) -> None:
        await self.run(ops.sign_in, old_session_id, new_session_id, user_id, now)

    async def session_user(self, session_id: str) -> str | None:
        return await self.run(ops.session_user, session_id)

    async def end_session(self, session_id: str) -> None:
        await self.run(ops.end_session, session_id)

    async def sign_out_user(self, user_id: str) -> int:
        return await self.run(ops.sign_out_user, user_id)

    async def live_grant_scopes(self, client_key: str, user_id: str) -> frozenset[str]:
        return await self.run(ops.live_grant_scopes, client_key, user_id)

    async def sandbox_targets(self, client_key: str) -> tuple[str, ...] | None:
        return await self.run(ops.sandbox_targets, client_key)
    async def rehash_client_secret(self, client_key: str, old_hash: str, new_hash: str) -> None:
        await self.run(ops.rehash_client_secret, client_key, old_hash, new_hash)

    async def claim_secret_key_check(self, value: str) -> str:
        return await self.run(ops.claim_secret_key_check, value)

    # ---- the developer portal (``loginkit.emulator.store.AdminStore``) ----------------------

    async def get_app_settings(self, client_key: str) -> AppSettings | None:
        return await self.run(emulator_ops.get_app_settings, client_key)

    async def save_app_settings(self, settings: AppSettings) -> None:
        await self.run(emulator_ops.save_app_settings, settings)

    async def create_app_with_settings(self, app: App, settings: AppSettings) -> None:
        await self.run(emulator_ops.create_app_with_settings, app, settings)

    async def update_user(self, user: User) -> bool:
        return await self.run(emulator_ops.update_user, user)

    async def delete_user(self, user_id: str) -> bool:
        return await self.run(emulator_ops.delete_user, user_id)

    async def get_grant(self, grant_id: str) -> Grant | None:
        return await self.run(emulator_ops.get_grant, grant_id)

    async def list_grants(
        self, *, user_id: str | None = None, client_key: str | None = None
    ) -> list[Grant]:
        return await self.run(emulator_ops.list_grants, user_id=user_id, client_key=client_key)

    async def list_grant_tokens(self, grant_ids: list[str]) -> list[Token]:
        return await self.run(emulator_ops.list_grant_tokens, grant_ids)

    async def save_delivery(self, delivery: WebhookDelivery) -> None:
        await self.run(emulator_ops.save_delivery, delivery)

    async def list_deliveries(self, limit: int = 100) -> list[WebhookDelivery]:
        return await self.run(emulator_ops.list_deliveries, limit)
