"""The parts of a seed file beyond apps and users: grants (with their tokens) and the portal's
per-app settings; and ``export_state``, which writes the whole state in the seed-file format.

A seed file (``loginkit serve --seed FILE``)::

    apps:
      - {client_key, name, platform, redirect_uris, scopes,
         client_secret | client_secret_hash, webhook_url?, sandbox?, sandbox_targets?: [username]}
    users:
      - {user_id?, username, display_name, avatar_url?, bio_description?, is_verified?, *_count?}
    grants:
      - client_key: awloginkitdemo01
        username: amelia.creates
        scopes: [user.info.basic]
        access_token: act.seeded...        # optional, plaintext: usable as is
        tokens: [{kind, token_hash, expires_at, ...}]   # as exported: keeps tokens valid

Only hashes of client secrets and tokens are stored, so an export carries hashes: loading it
back keeps every credential working without ever writing one in the clear.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from typing import Any

from loginkit.core.models import AuthorizationCode, Grant, Token, TokenKind
from loginkit.core.secrets import hash_secret, new_id
from loginkit.emulator.records import AppSettings
from loginkit.emulator.store import AdminStore

__all__ = ["apply_state_seed", "export_state"]


async def apply_state_seed(store: AdminStore, seed: dict[str, Any], now: int) -> None:
    """Apply the portal settings and grants of ``seed``; grants already present are skipped."""
    users = {u.username: u for u in await store.list_users()}
    for entry in seed.get("apps", []):
        await _apply_app_settings(store, entry, users)
    for entry in seed.get("grants", []):
        await _apply_grant(store, entry, users, now)


async def _apply_app_settings(
    store: AdminStore, entry: dict[str, Any], users: dict[str, Any]
) -> None:
    keys = ("webhook_url", "sandbox", "sandbox_targets", "webhook_secret")
    if not any(k in entry for k in keys):
        return
    client_key = str(entry["client_key"])
    current = await store.get_app_settings(client_key)
    targets = tuple(
        users[name].user_id for name in entry.get("sandbox_targets", []) if name in users
    )
    await store.save_app_settings(
        AppSettings(
            client_key=client_key,
            webhook_secret=str(
                entry.get("webhook_secret")
                or (current.webhook_secret if current else secrets.token_hex(20))
            ),
            webhook_url=entry.get("webhook_url"),
            sandbox=bool(entry.get("sandbox", False)),
            sandbox_targets=targets,
        )
    )


async def _apply_grant(
    store: AdminStore, entry: dict[str, Any], users: dict[str, Any], now: int
) -> None:
    client_key, username = str(entry["client_key"]), str(entry["username"])
    user = users.get(username)
    if user is None or await store.get_app(client_key) is None:
        return
    scopes = tuple(entry.get("scopes", ("user.info.basic",)))
    existing = await store.list_grants(user_id=user.user_id, client_key=client_key)
    if any(g.scopes == scopes and g.revoked_at is None for g in existing):
        return
    grant = Grant(new_id(), client_key, user.user_id, scopes, int(entry.get("created_at", now)))
    # A grant is recorded with the code that carried it; this one is spent already.
    code = AuthorizationCode(
        code_hash=hash_secret(secrets.token_hex(32)),
        grant_id=grant.grant_id,
        client_key=client_key,
        user_id=user.user_id,
        redirect_uri="",
        scopes=scopes,
        expires_at=now,
    )
    await store.create_grant(grant, code)
    tokens = list(entry.get("tokens", []))
    for kind, name in ((TokenKind.ACCESS, "access_token"), (TokenKind.REFRESH, "refresh_token")):
        if entry.get(name):
            lifetime = 86_400 if kind is TokenKind.ACCESS else 31_536_000
            tokens.append(
                {
                    "kind": kind.value,
                    "token_hash": hash_secret(str(entry[name])),
                    "expires_at": now + lifetime,
                }
            )
    for t in tokens:
        await store.add_token(
            Token(
                token_hash=str(t["token_hash"]),
                kind=TokenKind(t["kind"]),
                client_key=client_key,
                expires_at=int(t["expires_at"]),
                created_at=int(t.get("created_at", now)),
                scopes=scopes,
                grant_id=grant.grant_id,
                user_id=user.user_id,
            )
        )


async def export_state(store: AdminStore, known_secrets: dict[str, str]) -> dict[str, Any]:
    """Everything in the store, as a seed file loads it (credentials as hashes)."""
    users = await store.list_users()
    usernames = {u.user_id: u.username for u in users}
    apps: list[dict[str, Any]] = []
    for app in await store.list_apps():
        entry: dict[str, Any] = {
            "client_key": app.client_key,
            "name": app.name,
            "platform": app.platform.value,
            "redirect_uris": list(app.redirect_uris),
            "scopes": list(app.scopes),
        }
        if app.client_key in known_secrets:
            entry["client_secret"] = known_secrets[app.client_key]
        else:
            entry["client_secret_hash"] = app.secret_hash
        settings = await store.get_app_settings(app.client_key)
        if settings is not None:
            entry["webhook_url"] = settings.webhook_url
            entry["webhook_secret"] = settings.webhook_secret
            entry["sandbox"] = settings.sandbox
            entry["sandbox_targets"] = [
                usernames[u] for u in settings.sandbox_targets if u in usernames
            ]
        apps.append(entry)
    grants = [
        g for g in await store.list_grants() if g.revoked_at is None and g.user_id in usernames
    ]
    tokens: dict[str, list[Token]] = {}
    for token in await store.list_grant_tokens([g.grant_id for g in grants]):
        if token.revoked_at is None and token.rotated_at is None:
            tokens.setdefault(token.grant_id or "", []).append(token)
    return {
        "apps": apps,
        "users": [{k: v for k, v in asdict(u).items() if k != "created_at"} for u in users],
        "grants": [
            {
                "client_key": g.client_key,
                "username": usernames[g.user_id],
                "scopes": list(g.scopes),
                "created_at": g.created_at,
                "tokens": [
                    {
                        "kind": t.kind.value,
                        "token_hash": t.token_hash,
                        "expires_at": t.expires_at,
                        "created_at": t.created_at,
                    }
                    for t in tokens.get(g.grant_id, [])
                ],
            }
            for g in reversed(grants)
        ],
    }
