"""The storage the developer portal needs on top of ``loginkit.core.store.Store``.

Both SQL stores implement it; the protocol core never calls it.
"""

from __future__ import annotations

from typing import Protocol

from loginkit.core.models import App, Grant, Token, User
from loginkit.core.store import Store
from loginkit.emulator.records import AppSettings, WebhookDelivery

__all__ = ["AdminStore"]


class AdminStore(Store, Protocol):
    async def ping(self) -> None:
        """Raises: StoreUnavailable when the database does not answer (``GET /readyz``)."""

    # ---- app settings -----------------------------------------------------------------------
    async def get_app_settings(self, client_key: str) -> AppSettings | None: ...

    async def save_app_settings(self, settings: AppSettings) -> None:
        """Insert or replace the settings of one app."""

    async def create_app_with_settings(self, app: App, settings: AppSettings) -> None:
        """``create_app`` and ``save_app_settings`` in one transaction.

        Raises: AlreadyExists (nothing saved) if the client_key is taken.
        """

    # ---- users ------------------------------------------------------------------------------
    async def update_user(self, user: User) -> bool:
        """Returns: whether a user with that user_id existed.

        Raises: AlreadyExists if the new username belongs to someone else.
        """
        ...

    async def delete_user(self, user_id: str) -> bool:
        """Delete the user with their grants, codes and tokens. Returns whether they existed."""
        ...

    # ---- grants and tokens ------------------------------------------------------------------
    async def get_grant(self, grant_id: str) -> Grant | None: ...

    async def list_grants(
        self, *, user_id: str | None = None, client_key: str | None = None
    ) -> list[Grant]:
        """Newest first, revoked ones included."""
        ...

    async def list_grant_tokens(self, grant_ids: list[str]) -> list[Token]:
        """Every token issued under ``grant_ids``."""
        ...

    # ---- webhook deliveries -----------------------------------------------------------------
    async def save_delivery(self, delivery: WebhookDelivery) -> None:
        """Insert or replace one delivery with its attempts so far."""

    async def list_deliveries(self, limit: int = 100) -> list[WebhookDelivery]:
        """Newest first."""
        ...
