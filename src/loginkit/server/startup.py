"""The service a server process runs, and what would stop it starting, said in one line."""

from __future__ import annotations

from loginkit.config import Settings
from loginkit.core.clock import SystemClock
from loginkit.core.secrets import SecretHasher
from loginkit.core.service import AuthorizationService, SecretKeyMismatch
from loginkit.core.store import StoreUnavailable
from loginkit.storage import open_store
from loginkit.storage.secret_key import SecretKeyError, load_secret_key

__all__ = ["StartupError", "build_service", "check_startup"]


class StartupError(Exception):
    """The server cannot start; the message says why."""


def build_service(settings: Settings) -> AuthorizationService:
    """Raises: SecretKeyError when no usable secret key is configured."""
    key = load_secret_key(settings.database_url, settings.secret_key)
    store = open_store(
        settings.database_url, pool_size=settings.db_pool_size, timeout=settings.db_timeout
    )
    return AuthorizationService(
        store=store,
        policy=settings.policy,
        clock=SystemClock(),
        secret_hasher=SecretHasher(key),
        avatar_base_url=f"{settings.base_url}/avatars",
        clock_sync_seconds=0.0 if settings.shares_database else None,
    )


async def check_startup(settings: Settings) -> None:
    """Open the database once with the configured key, before any server process starts.

    Raises: StartupError for a missing, short or changed secret key, or an unreachable database.
    """
    try:
        service = build_service(settings)
        try:
            await service.start()
        finally:
            await service.store.close()
    except SecretKeyMismatch as exc:
        raise StartupError(f"{settings.database_url}: {exc}") from exc
    except (SecretKeyError, StoreUnavailable) as exc:
        raise StartupError(str(exc)) from exc
