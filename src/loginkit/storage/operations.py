"""Every store operation, written once as a function of a SQLAlchemy connection.

Both backends run these: SQLite in its writer thread (several per commit), PostgreSQL through
``AsyncConnection.run_sync``, one transaction each. Each function is one unit of work. The hot
writes run ``Compiled`` statements on the driver; the point reads are statements the SQLite store
also runs on its read-only connection (``POINT_READS``).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    LABEL_STYLE_TABLENAME_PLUS_COL,
    Connection,
    Select,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from loginkit.core.models import (
    App,
    AuthorizationCode,
    Grant,
    OAuthVersion,
    Platform,
    Token,
    TokenKind,
    TokenOwner,
    User,
)
from loginkit.core.pending import PendingAuthorization
from loginkit.core.store import AlreadyExists
from loginkit.storage.compiled import Compiled
from loginkit.storage.schema import (
    app_settings,
    apps,
    browser_sessions,
    codes,
    grants,
    meta,
    pending_authorizations,
    tokens,
    users,
)

INSTANCE_SECRET = "instance_secret"  # noqa: S105 - a meta key, not a secret
CLOCK_OFFSET = "clock_offset"
SECRET_KEY_CHECK = "secret_key_check"  # noqa: S105 - a meta key, not a secret
MIXED_TOKEN_USE = "mixed_token_use:"  # noqa: S105 - a meta key prefix
"""Meta key prefix (+ client_key): when the app last presented a token to the other OAuth API."""

R = TypeVar("R")


def _csv(values: Sequence[str]) -> str:
    return ",".join(values)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(",") if v)


# ---- row <-> record ----------------------------------------------------------------------------


def app_row(app: App) -> dict[str, Any]:
    return {
        "client_key": app.client_key,
        "name": app.name,
        "secret_hash": app.secret_hash,
        "platform": app.platform.value,
        "redirect_uris": json.dumps(list(app.redirect_uris)),
        "scopes": _csv(app.scopes),
        "developer_id": app.developer_id,
        "created_at": app.created_at,
        "redirect_domains": json.dumps(list(app.redirect_domains)),
    }


def app_from_row(row: Any) -> App:
    return App(
        client_key=row.client_key,
        name=row.name,
        secret_hash=row.secret_hash,
        platform=Platform(row.platform),
        redirect_uris=tuple(json.loads(row.redirect_uris)),
        scopes=_split(row.scopes),
        developer_id=row.developer_id,
        created_at=row.created_at,
        redirect_domains=tuple(json.loads(row.redirect_domains)),
    )


_USER_COLUMNS = tuple(column.name for column in users.columns)


def user_row(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in _USER_COLUMNS}


def user_from_row(row: Any) -> User:
    values = {name: getattr(row, name) for name in _USER_COLUMNS}
    # A raw SQLite row holds the boolean as an integer; SQLAlchemy's Boolean would convert it.
    values["is_verified"] = bool(values["is_verified"])
    return User(**values)


def code_from_row(row: Any) -> AuthorizationCode:
    return AuthorizationCode(
        code_hash=row.code_hash,
        grant_id=row.grant_id,
        client_key=row.client_key,
        user_id=row.user_id,
        redirect_uri=row.redirect_uri,
        scopes=_split(row.scopes),
        expires_at=row.expires_at,
        code_challenge=row.code_challenge,
        consumed_at=row.consumed_at,
        version=OAuthVersion(row.version),
    )


def token_row(token: Token) -> dict[str, Any]:
    return {
        "token_hash": token.token_hash,
        "kind": token.kind.value,
        "client_key": token.client_key,
        "grant_id": token.grant_id,
        "user_id": token.user_id,
        "scopes": _csv(token.scopes),
        "expires_at": token.expires_at,
        "created_at": token.created_at,
        "revoked_at": token.revoked_at,
        "rotated_at": token.rotated_at,
        "version": token.version.value,
    }


def token_from_row(row: Any) -> Token:
    return Token(
        token_hash=row.token_hash,
        kind=TokenKind(row.kind),
        client_key=row.client_key,
        grant_id=row.grant_id,
        user_id=row.user_id,
        scopes=_split(row.scopes),
        expires_at=row.expires_at,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        rotated_at=row.rotated_at,
        version=OAuthVersion(row.version),
    )


def _insert_unique(conn: Connection, table: Any, row: dict[str, Any], what: str) -> None:
    # A savepoint keeps the surrounding transaction usable after the duplicate-key error.
    try:
        with conn.begin_nested():
            conn.execute(insert(table), row)
    except IntegrityError as exc:
        raise AlreadyExists(what) from exc


# ---- meta ---------------------------------------------------------------------------------------


def _get_meta(conn: Connection, key: str) -> str | None:
    value: str | None = conn.scalar(select(meta.c.value).where(meta.c.key == key))
    return value


def _set_meta(conn: Connection, key: str, value: str) -> None:
    change = update(meta).where(meta.c.key == key).values(value=value)
    if conn.execute(change).rowcount:
        return
    try:  # another process may insert the same key between our update and insert
        with conn.begin_nested():
            conn.execute(insert(meta), {"key": key, "value": value})
    except IntegrityError:
        conn.execute(change)


def ping(conn: Connection) -> None:
    conn.execute(select(1))


def instance_secret(conn: Connection) -> str:
    existing = _get_meta(conn, INSTANCE_SECRET)
    if existing is not None:
        return existing
    value = secrets.token_hex(32)
    _set_meta(conn, INSTANCE_SECRET, value)
    return value


def claim_secret_key_check(conn: Connection, value: str) -> str:
    existing = _get_meta(conn, SECRET_KEY_CHECK)
    if existing is not None:
        return existing
    try:  # the first process to store its value wins; the others are compared with it
        with conn.begin_nested():
            conn.execute(insert(meta), {"key": SECRET_KEY_CHECK, "value": value})
    except IntegrityError:
        return _get_meta(conn, SECRET_KEY_CHECK) or value
    return value


def get_clock_offset(conn: Connection) -> int:
    return int(_get_meta(conn, CLOCK_OFFSET) or 0)


def set_clock_offset(conn: Connection, seconds: int) -> None:
    _set_meta(conn, CLOCK_OFFSET, str(seconds))


# ---- point reads: one row by its key -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PointRead(Generic[R]):
    """``SELECT *`` of one table where its key equals the bind ``key``, and the row's record."""

    statement: Select[Any]
    convert: Callable[[Any], R]

    def __call__(self, conn: Connection, key: str) -> R | None:
        row = conn.execute(self.statement, {"key": key}).first()
        return None if row is None else self.convert(row)


def _by_key(table: Any, key: str, convert: Callable[[Any], R]) -> PointRead[R]:
    return PointRead(select(table).where(table.c[key] == bindparam("key")), convert)


get_app = _by_key(apps, "client_key", app_from_row)
get_user = _by_key(users, "user_id", user_from_row)
get_code = _by_key(codes, "code_hash", code_from_row)
get_token = _by_key(tokens, "token_hash", token_from_row)


class _Columns:
    """One table's columns of a joined row, by their own names (``tokens_kind`` → ``kind``)."""

    __slots__ = ("_prefix", "_row")

    def __init__(self, row: Any, table: Any) -> None:
        self._row, self._prefix = row, f"{table.name}_"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, self._prefix + name)


def _token_owner_from_row(row: Any) -> TokenOwner:
    user, app = _Columns(row, users), _Columns(row, apps)
    return TokenOwner(
        token=token_from_row(_Columns(row, tokens)),
        user=None if user.user_id is None else user_from_row(user),
        app=None if app.client_key is None else app_from_row(app),
    )


get_token_owner = PointRead(
    select(tokens, users, apps)
    .select_from(
        tokens.outerjoin(users, users.c.user_id == tokens.c.user_id).outerjoin(
            apps, apps.c.client_key == tokens.c.client_key
        )
    )
    .where(tokens.c.token_hash == bindparam("key"))
    .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL),
    _token_owner_from_row,
)


def _sandbox_targets_of(row: Any) -> tuple[str, ...] | None:
    return tuple(json.loads(row.sandbox_targets)) if row.sandbox else None


sandbox_targets = PointRead(
    select(app_settings.c.sandbox, app_settings.c.sandbox_targets).where(
        app_settings.c.client_key == bindparam("key")
    ),
    _sandbox_targets_of,
)
"""The target users of a sandbox app (None: not a sandbox app, or no settings saved)."""

POINT_READS: dict[str, PointRead[Any]] = {
    "app": get_app,
    "user": get_user,
    "code": get_code,
    "token": get_token,
    "token_owner": get_token_owner,
    "sandbox_targets": sandbox_targets,
}
"""The hot reads, by record kind; the SQLite store runs the same statements on its reader."""


# ---- apps ---------------------------------------------------------------------------------------


def create_app(conn: Connection, app: App) -> None:
    _insert_unique(conn, apps, app_row(app), f"client_key {app.client_key!r}")


def list_apps(conn: Connection) -> list[App]:
    ordered = select(apps).order_by(apps.c.created_at, apps.c.name)
    return [app_from_row(r) for r in conn.execute(ordered)]


def update_app(conn: Connection, app: App) -> bool:
    stmt = update(apps).where(apps.c.client_key == app.client_key).values(app_row(app))
    return conn.execute(stmt).rowcount == 1


def rehash_client_secret(conn: Connection, client_key: str, old_hash: str, new_hash: str) -> None:
    conn.execute(
        update(apps)
        .where(apps.c.client_key == client_key, apps.c.secret_hash == old_hash)
        .values(secret_hash=new_hash)
    )


def delete_app(conn: Connection, client_key: str) -> bool:
    for table in (tokens, codes, grants):
        conn.execute(delete(table).where(table.c.client_key == client_key))
    return conn.execute(delete(apps).where(apps.c.client_key == client_key)).rowcount == 1


# ---- users --------------------------------------------------------------------------------------


def create_user(conn: Connection, user: User) -> None:
    _insert_unique(conn, users, user_row(user), f"user {user.username!r}")


def get_user_by_username(conn: Connection, username: str) -> User | None:
    row = conn.execute(select(users).where(users.c.username == username)).first()
    return user_from_row(row) if row else None


def list_users(conn: Connection) -> list[User]:
    ordered = select(users).order_by(users.c.created_at, users.c.username)
    return [user_from_row(r) for r in conn.execute(ordered)]


# ---- grants, codes, tokens: the hot writes, compiled once per dialect ---------------------------


def grant_row(grant: Grant) -> dict[str, Any]:
    return {
        "grant_id": grant.grant_id,
        "client_key": grant.client_key,
        "user_id": grant.user_id,
        "scopes": _csv(grant.scopes),
        "created_at": grant.created_at,
        "revoked_at": None,
    }


def code_row(code: AuthorizationCode) -> dict[str, Any]:
    return {
        "code_hash": code.code_hash,
        "grant_id": code.grant_id,
        "client_key": code.client_key,
        "user_id": code.user_id,
        "redirect_uri": code.redirect_uri,
        "scopes": _csv(code.scopes),
        "code_challenge": code.code_challenge,
        "expires_at": code.expires_at,
        "consumed_at": None,
        "version": code.version.value,
    }


_INSERT_GRANT = Compiled(insert(grants))
_INSERT_CODE = Compiled(insert(codes))
_INSERT_TOKEN = Compiled(insert(tokens))
_CONSUME_CODE = Compiled(
    update(codes)
    .where(codes.c.code_hash == bindparam("key"), codes.c.consumed_at.is_(None))
    .values(consumed_at=bindparam("now"))
)
_ROTATE_TOKEN = Compiled(
    update(tokens)
    .where(
        tokens.c.token_hash == bindparam("key"),
        tokens.c.rotated_at.is_(None),
        tokens.c.revoked_at.is_(None),
    )
    .values(rotated_at=bindparam("now"))
)
_REVOKE_GRANT = Compiled(
    update(grants)
    .where(grants.c.grant_id == bindparam("key"), grants.c.revoked_at.is_(None))
    .values(revoked_at=bindparam("now"))
)
_REVOKE_GRANT_TOKENS = Compiled(
    update(tokens)
    .where(tokens.c.grant_id == bindparam("key"), tokens.c.revoked_at.is_(None))
    .values(revoked_at=bindparam("now"))
)


def create_grant(conn: Connection, grant: Grant, code: AuthorizationCode) -> None:
    _INSERT_GRANT.execute(conn, grant_row(grant))
    _INSERT_CODE.execute(conn, code_row(code))


def redeem_code(conn: Connection, code_hash: str, now: int, new_tokens: Sequence[Token]) -> bool:
    if _CONSUME_CODE.execute(conn, {"key": code_hash, "now": now}) != 1:
        return False
    _INSERT_TOKEN.execute_many(conn, [token_row(t) for t in new_tokens])
    return True


def revoke_grant(conn: Connection, grant_id: str, now: int) -> None:
    _REVOKE_GRANT.execute(conn, {"key": grant_id, "now": now})
    _REVOKE_GRANT_TOKENS.execute(conn, {"key": grant_id, "now": now})


def add_token(conn: Connection, token: Token) -> None:
    _INSERT_TOKEN.execute(conn, token_row(token))


def rotate_refresh_token(
    conn: Connection, old_hash: str, now: int, new_tokens: Sequence[Token]
) -> bool:
    if _ROTATE_TOKEN.execute(conn, {"key": old_hash, "now": now}) != 1:
        return False
    _INSERT_TOKEN.execute_many(conn, [token_row(t) for t in new_tokens])
    return True


def revoke_token(conn: Connection, token_hash: str, now: int) -> None:
    conn.execute(
        update(tokens)
        .where(tokens.c.token_hash == token_hash, tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


_CLEAR_TABLES = tuple(
    Compiled(delete(table))
    for table in (tokens, codes, grants, users, apps, pending_authorizations, browser_sessions)
)
_FORGET_EMULATOR_META = Compiled(
    delete(meta).where(
        or_(meta.c.key == bindparam("clock"), meta.c.key.startswith(bindparam("mixed")))
    )
)


def reset(conn: Connection) -> None:
    # Compiled once: the test fixture resets before every test.
    for clear in _CLEAR_TABLES:
        clear.execute(conn, {})
    _FORGET_EMULATOR_META.execute(conn, {"clock": CLOCK_OFFSET, "mixed": MIXED_TOKEN_USE})


def note_mixed_token_use(conn: Connection, client_key: str, now: int) -> None:
    _set_meta(conn, (MIXED_TOKEN_USE + client_key)[:64], str(now))


def last_mixed_token_use(conn: Connection, client_key: str) -> int | None:
    value = _get_meta(conn, (MIXED_TOKEN_USE + client_key)[:64])
    return int(value) if value is not None else None


# ---- pending authorizations and browser sessions (the authorize pages) -------------------------

EXPIRED_DELETED_PER_INSERT = 100
"""Expired pending authorizations deleted with each new one: bounded work, no sweeper."""


def _pending(row: Any) -> PendingAuthorization:
    return PendingAuthorization(
        pending_id=row.pending_id,
        client_key=row.client_key,
        redirect_uri=row.redirect_uri,
        scopes=_split(row.scopes),
        state=row.state or "",
        code_challenge=row.code_challenge,
        version=OAuthVersion(row.version),
        session_id=row.session_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        decided_at=row.decided_at,
    )


def create_pending(conn: Connection, pending: PendingAuthorization) -> None:
    expired = (
        select(pending_authorizations.c.pending_id)
        .where(pending_authorizations.c.expires_at <= pending.created_at)
        .limit(EXPIRED_DELETED_PER_INSERT)
    )
    conn.execute(
        delete(pending_authorizations).where(
            pending_authorizations.c.pending_id.in_(expired.scalar_subquery())
        )
    )
    conn.execute(
        insert(pending_authorizations),
        {
            "pending_id": pending.pending_id,
            "client_key": pending.client_key,
            "redirect_uri": pending.redirect_uri,
            "scopes": _csv(pending.scopes),
            "state": pending.state,
            "code_challenge": pending.code_challenge,
            "version": pending.version.value,
            "session_id": pending.session_id,
            "created_at": pending.created_at,
            "expires_at": pending.expires_at,
            "decided_at": None,
        },
    )


def get_pending(conn: Connection, pending_id: str) -> PendingAuthorization | None:
    table = pending_authorizations
    row = conn.execute(select(table).where(table.c.pending_id == pending_id)).first()
    return _pending(row) if row else None


def consume_pending(conn: Connection, pending_id: str, session_id: str, now: int) -> bool:
    table = pending_authorizations
    consumed = conn.execute(
        update(table)
        .where(
            table.c.pending_id == pending_id,
            table.c.session_id == session_id,
            table.c.decided_at.is_(None),
            table.c.expires_at > now,
        )
        .values(decided_at=now)
    )
    return consumed.rowcount == 1


def sign_in(
    conn: Connection, old_session_id: str, new_session_id: str, user_id: str, now: int
) -> None:
    conn.execute(delete(browser_sessions).where(browser_sessions.c.session_id == old_session_id))
    conn.execute(
        insert(browser_sessions),
        {"session_id": new_session_id, "user_id": user_id, "signed_in_at": now},
    )
    table = pending_authorizations
    conn.execute(
        update(table)
        .where(table.c.session_id == old_session_id, table.c.decided_at.is_(None))
        .values(session_id=new_session_id)
    )


def session_user(conn: Connection, session_id: str) -> str | None:
    user_id: str | None = conn.scalar(
        select(browser_sessions.c.user_id).where(browser_sessions.c.session_id == session_id)
    )
    return user_id


def end_session(conn: Connection, session_id: str) -> None:
    conn.execute(delete(browser_sessions).where(browser_sessions.c.session_id == session_id))


def sign_out_user(conn: Connection, user_id: str) -> int:
    ended = conn.execute(delete(browser_sessions).where(browser_sessions.c.user_id == user_id))
    return int(ended.rowcount)


def live_grant_scopes(conn: Connection, client_key: str, user_id: str) -> frozenset[str]:
    rows = conn.execute(
        select(grants.c.scopes).where(
            grants.c.client_key == client_key,
            grants.c.user_id == user_id,
            grants.c.revoked_at.is_(None),
        )
    )
    return frozenset(scope for (scopes,) in rows for scope in _split(scopes))
