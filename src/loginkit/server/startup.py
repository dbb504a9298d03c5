"""The service a server process runs, and what would stop it starting, said in one line.

``start_emulator`` opens the database (migrated), loads the seeds and builds the portal's
runtime. The app's lifespan runs it; the command line runs it before binding ports and printing
the banner, so every start-up failure is one ``StartupError`` line (what is wrong and how to fix
it) instead of a traceback or a server that never answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

from loginkit.config import Settings
from loginkit.core.clock import SystemClock
from loginkit.core.secrets import SecretHasher
from loginkit.core.service import AuthorizationService, SecretKeyMismatch
from loginkit.emulator.runtime import AdminRuntime, start_admin
from loginkit.emulator.seed import SeedError, apply_seed, demo_seed, load_seed_file
from loginkit.emulator.store import AdminStore
from loginkit.storage import open_store
from loginkit.storage.secret_key import SecretKeyError, load_secret_key

__all__ = [
    "RunningEmulator",
    "StartupError",
    "build_service",
    "describe_database_error",
    "start_emulator",
]


class StartupError(Exception):
    """The server cannot start; the message is one line saying why and what to do."""


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


@dataclass
class RunningEmulator:
    service: AuthorizationService
    admin: AdminRuntime

    async def close(self) -> None:
        await self.admin.close()
        await self.service.store.close()


async def start_emulator(settings: Settings) -> RunningEmulator:
    """Open, migrate and seed the database of ``settings``; raises ``StartupError``."""
    demo = demo_seed(settings.base_url) if settings.seed_demo else None
    try:  # a broken seed file is reported before the database is touched
        seed = None if settings.seed_file is None else load_seed_file(settings.seed_file)
    except SeedError as exc:
        raise StartupError(str(exc)) from None
    try:
        service = build_service(settings)
    except SecretKeyError as exc:
        raise StartupError(str(exc)) from None
    store = service.store
    try:
        await service.start()
    except SecretKeyMismatch as exc:
        await store.close()
        raise StartupError(f"{settings.database_url}: {exc}") from None
    except Exception as exc:
        await store.close()
        raise StartupError(describe_database_error(settings.database_url, exc)) from exc
    try:
        admin_store = cast(AdminStore, store)
        now = service.clock.now()
        if demo is not None and not await store.list_apps():  # into an empty database only
            await apply_seed(admin_store, demo, now, service.secret_hasher, source="(demo)")
        if seed is not None:
            await apply_seed(
                admin_store, seed, now, service.secret_hasher, source=str(settings.seed_file)
            )
        admin = await start_admin(service, [s for s in (demo, seed) if s is not None])
    except SeedError as exc:
        await store.close()
        raise StartupError(str(exc)) from None
    except BaseException:
        await store.close()
        raise
    return RunningEmulator(service, admin)


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it was raised from, including SQLAlchemy's wrapped driver error."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return chain


def describe_database_error(url: str, exc: BaseException) -> str:
    """One line: why the database at ``url`` cannot be opened, and how to fix it."""
    causes = _causes(exc)
    sqlstate = next((str(s) for c in causes if (s := getattr(c, "sqlstate", None))), "")
    reason = str(causes[-1]).splitlines()[0] if causes else str(exc)
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        last = causes[-1]
        if isinstance(last, OSError) and last.strerror:
            reason = last.strerror
        hint = (
            "it is not a SQLite database: point --database-url at another file"
            if "not a database" in reason
            else "check that the directory exists and is writable, or pass another --database-url"
        )
        return f"cannot open the SQLite database {path!r} ({reason}): {hint}"
    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port or 5432
    user, database = parts.username or "postgres", parts.path.lstrip("/") or "postgres"
    where = f"PostgreSQL at {host}:{port}"
    if sqlstate == "3D000":
        return (
            f"{where} has no database {database!r}: "
            f"create it with `createdb -h {host} -p {port} -U {user} {database}`"
        )
    if sqlstate == "28000" and "does not exist" in reason:
        return (
            f"{where} has no role {user!r}: create it with "
            f"`createuser -h {host} -p {port} -U postgres {user}` or use another user in the URL"
        )
    if sqlstate in ("28000", "28P01"):
        return f"{where} refused user {user!r} ({reason}): check the user and password in the URL"
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return (
            f"cannot connect to {where} (connection refused): is PostgreSQL running there? "
            f"(`pg_isready -h {host} -p {port}`)"
        )
    if any(isinstance(c, TimeoutError) for c in causes):
        return f"{where} did not answer in time: check the host, the port and the network"
    return f"cannot open the database at {where}: {reason}"
