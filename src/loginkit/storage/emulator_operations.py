"""The developer portal's store operations, each a function of a SQLAlchemy connection.

Kept beside ``operations`` (TikTok's records) and run the same way by both backends.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from loginkit.core.models import App, Grant, Token, User
from loginkit.core.store import AlreadyExists
from loginkit.emulator.records import AppSettings, DeliveryAttempt, DeliveryStatus, WebhookDelivery
from loginkit.storage import operations as ops
from loginkit.storage.compiled import Compiled
from loginkit.storage.schema import (
    app_settings,
    codes,
    grants,
    tokens,
    users,
    webhook_deliveries,
)

# ---- app settings -------------------------------------------------------------------------------


def get_app_settings(conn: Connection, client_key: str) -> AppSettings | None:
    row = conn.execute(select(app_settings).where(app_settings.c.client_key == client_key)).first()
    if row is None:
        return None
    return AppSettings(
        client_key=row.client_key,
        webhook_secret=row.webhook_secret,
        webhook_url=row.webhook_url,
        sandbox=bool(row.sandbox),
        sandbox_targets=tuple(json.loads(row.sandbox_targets)),
    )


def save_app_settings(conn: Connection, settings: AppSettings) -> None:
    row = {
        "client_key": settings.client_key,
        "webhook_secret": settings.webhook_secret,
        "webhook_url": settings.webhook_url,
        "sandbox": settings.sandbox,
        "sandbox_targets": json.dumps(list(settings.sandbox_targets)),
    }
    where = app_settings.c.client_key == settings.client_key
    if conn.execute(update(app_settings).where(where).values(row)).rowcount == 0:
        conn.execute(insert(app_settings), row)


def create_app_with_settings(conn: Connection, app: App, settings: AppSettings) -> None:
    ops.create_app(conn, app)
    save_app_settings(conn, settings)


def delete_app(conn: Connection, client_key: str) -> bool:
    """The app, its grants, codes, tokens, settings and webhook deliveries."""
    conn.execute(delete(app_settings).where(app_settings.c.client_key == client_key))
    conn.execute(delete(webhook_deliveries).where(webhook_deliveries.c.client_key == client_key))
    return ops.delete_app(conn, client_key)


_CLEAR_TABLES = (Compiled(delete(app_settings)), Compiled(delete(webhook_deliveries)))


def reset(conn: Connection) -> None:
    ops.reset(conn)
    for clear in _CLEAR_TABLES:
        clear.execute(conn, {})


# ---- users --------------------------------------------------------------------------------------


def update_user(conn: Connection, user: User) -> bool:
    row = {k: v for k, v in asdict(user).items() if k not in ("user_id", "created_at")}
    try:
        with conn.begin_nested():
            result = conn.execute(update(users).where(users.c.user_id == user.user_id).values(row))
    except IntegrityError as exc:
        raise AlreadyExists(f"user {user.username!r}") from exc
    return result.rowcount == 1


def delete_user(conn: Connection, user_id: str) -> bool:
    for table in (tokens, codes, grants):
        conn.execute(delete(table).where(table.c.user_id == user_id))
    return conn.execute(delete(users).where(users.c.user_id == user_id)).rowcount == 1


# ---- grants and tokens --------------------------------------------------------------------------


def _grant(row: Any) -> Grant:
    return Grant(
        grant_id=row.grant_id,
        client_key=row.client_key,
        user_id=row.user_id,
        scopes=tuple(s for s in row.scopes.split(",") if s),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def get_grant(conn: Connection, grant_id: str) -> Grant | None:
    row = conn.execute(select(grants).where(grants.c.grant_id == grant_id)).first()
    return _grant(row) if row else None


def list_grants(
    conn: Connection, *, user_id: str | None = None, client_key: str | None = None
) -> list[Grant]:
    stmt = select(grants).order_by(grants.c.created_at.desc(), grants.c.grant_id)
    if user_id is not None:
        stmt = stmt.where(grants.c.user_id == user_id)
    if client_key is not None:
        stmt = stmt.where(grants.c.client_key == client_key)
    return [_grant(row) for row in conn.execute(stmt)]


def list_grant_tokens(conn: Connection, grant_ids: list[str]) -> list[Token]:
    if not grant_ids:
        return []
    stmt = select(tokens).where(tokens.c.grant_id.in_(grant_ids)).order_by(tokens.c.created_at)
    return [ops.token_from_row(row) for row in conn.execute(stmt)]


# ---- webhook deliveries -------------------------------------------------------------------------


def save_delivery(conn: Connection, delivery: WebhookDelivery) -> None:
    row = {
        "delivery_id": delivery.delivery_id,
        "client_key": delivery.client_key,
        "event": delivery.event,
        "url": delivery.url,
        "body": delivery.body,
        "status": delivery.status.value,
        "attempts": json.dumps([asdict(a) for a in delivery.attempts]),
        "created_at": delivery.created_at,
    }
    where = webhook_deliveries.c.delivery_id == delivery.delivery_id
    if conn.execute(update(webhook_deliveries).where(where).values(row)).rowcount == 0:
        conn.execute(insert(webhook_deliveries), row)


def list_deliveries(conn: Connection, limit: int = 100) -> list[WebhookDelivery]:
    stmt = (
        select(webhook_deliveries)
        .order_by(webhook_deliveries.c.created_at.desc(), webhook_deliveries.c.delivery_id)
        .limit(limit)
    )
    return [
        WebhookDelivery(
            delivery_id=row.delivery_id,
            client_key=row.client_key,
            event=row.event,
            url=row.url,
            body=row.body,
            created_at=row.created_at,
            status=DeliveryStatus(row.status),
            attempts=tuple(DeliveryAttempt(**a) for a in json.loads(row.attempts)),
        )
        for row in conn.execute(stmt)
    ]
