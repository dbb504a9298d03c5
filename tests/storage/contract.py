"""The Store contract, written once; each backend's test module subclasses ``StoreContract``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import cast

import pytest

from loginkit.core.models import (
    App,
    AuthorizationCode,
    Grant,
    OAuthVersion,
    Platform,
    Token,
    TokenKind,
    User,
)
from loginkit.core.pending import PENDING_LIFETIME, PendingAuthorization, new_session_id
from loginkit.core.secrets import hash_secret, new_id
from loginkit.core.store import AlreadyExists, Store
from loginkit.emulator.records import AppSettings
from loginkit.emulator.store import AdminStore

NOW = 1_700_000_000


def make_app(client_key: str = "awcontract000001") -> App:
    return App(
        client_key=client_key,
        name="Contract",
        secret_hash=hash_secret("s" * 40),
        platform=Platform.WEB,
        redirect_uris=("https://a.example/cb/",),
        scopes=("user.info.basic", "video.list"),
        created_at=NOW,
    )


def make_user(username: str = "casey") -> User:
    return User(
        user_id=new_id(),
        username=username,
        display_name="Casey",
        follower_count=7,
        is_verified=True,
        created_at=NOW,
    )


def make_token(kind: TokenKind, grant: Grant | None = None, expires_at: int = NOW + 100) -> Token:
    return Token(
        token_hash=hash_secret(new_id()),
        kind=kind,
        client_key="awcontract000001",
        expires_at=expires_at,
        created_at=NOW,
        scopes=grant.scopes if grant else (),
        grant_id=grant.grant_id if grant else None,
        user_id=grant.user_id if grant else None,
    )


def make_pending(session_id: str, created_at: int = NOW) -> PendingAuthorization:
    return PendingAuthorization(
        pending_id=new_id(),
        client_key="awcontract000001",
        redirect_uri="https://a.example/cb/",
        scopes=("user.info.basic", "video.list"),
        state="st",
        code_challenge="ab" * 32,
        version=OAuthVersion.V2,
        session_id=session_id,
        created_at=created_at,
        expires_at=created_at + PENDING_LIFETIME,
    )


class StoreContract:
    """Every backend must pass these. Subclasses provide the ``store`` fixture."""

    @pytest.fixture
    async def store(self) -> AsyncIterator[Store]:
        raise NotImplementedError
        yield  # pragma: no cover

    async def _grant(self, store: Store) -> tuple[Grant, AuthorizationCode]:
        user = make_user(f"u{new_id()[:8]}")
        await store.create_user(user)
        grant = Grant(new_id(), "awcontract000001", user.user_id, ("user.info.basic",), NOW)
        code = AuthorizationCode(
            code_hash=hash_secret(new_id()),
            grant_id=grant.grant_id,
            client_key=grant.client_key,
            user_id=user.user_id,
            redirect_uri="https://a.example/cb/",
            scopes=grant.scopes,
            expires_at=NOW + 300,
            code_challenge="ab" * 32,
        )
        await store.create_grant(grant, code)
        return grant, code

    async def test_apps_round_trip(self, store: Store) -> None:
        app = make_app()
        await store.create_app(app)
        assert await store.get_app(app.client_key) == app
        assert await store.list_apps() == [app]
        with pytest.raises(AlreadyExists):
            await store.create_app(app)
        renamed = replace(app, name="Renamed", redirect_uris=("https://b.example/cb/",))
        assert await store.update_app(renamed)
        assert await store.get_app(app.client_key) == renamed
        assert not await store.update_app(make_app("awmissing0000000"))
        assert await store.delete_app(app.client_key)
        assert await store.get_app(app.client_key) is None
        assert not await store.delete_app(app.client_key)

    async def test_users_round_trip(self, store: Store) -> None:
        user = make_user()
        await store.create_user(user)
        assert await store.get_user(user.user_id) == user
        assert await store.get_user_by_username("casey") == user
        assert await store.list_users() == [user]
        with pytest.raises(AlreadyExists):
            await store.create_user(replace(user, user_id=new_id()))

    async def test_a_code_is_consumed_once(self, store: Store) -> None:
        grant, code = await self._grant(store)
        assert await store.get_code(code.code_hash) == code
        access = make_token(TokenKind.ACCESS, grant)
        assert await store.redeem_code(code.code_hash, NOW + 1, [access])
        assert (await store.get_code(code.code_hash)).consumed_at == NOW + 1  # type: ignore[union-attr]
        assert await store.get_token(access.token_hash) == access
        late = make_token(TokenKind.ACCESS, grant)
        assert not await store.redeem_code(code.code_hash, NOW + 2, [late])
        assert await store.get_token(late.token_hash) is None

    async def test_concurrent_redemptions_have_one_winner(self, store: Store) -> None:
        grant, code = await self._grant(store)
        attempts = [
            store.redeem_code(code.code_hash, NOW, [make_token(TokenKind.ACCESS, grant)])
            for _ in range(20)
        ]
        assert sorted(await asyncio.gather(*attempts)) == [False] * 19 + [True]

    async def test_refresh_rotation_happens_once(self, store: Store) -> None:
        grant, _ = await self._grant(store)
        old = make_token(TokenKind.REFRESH, grant)
        await store.add_token(old)
        attempts = [
            store.rotate_refresh_token(old.token_hash, NOW, [make_token(TokenKind.REFRESH, grant)])
            for _ in range(10)
        ]
        assert sorted(await asyncio.gather(*attempts)) == [False] * 9 + [True]
        assert (await store.get_token(old.token_hash)).rotated_at == NOW  # type: ignore[union-attr]

    async def test_revoking_a_grant_revokes_all_its_tokens(self, store: Store) -> None:
        grant, _ = await self._grant(store)
        other_grant, _ = await self._grant(store)
        mine = [make_token(TokenKind.ACCESS, grant), make_token(TokenKind.REFRESH, grant)]
        theirs = make_token(TokenKind.ACCESS, other_grant)
        for token in [*mine, theirs]:
            await store.add_token(token)
        await store.revoke_grant(grant.grant_id, NOW + 5)
        for token in mine:
            assert (await store.get_token(token.token_hash)).revoked_at == NOW + 5  # type: ignore[union-attr]
        assert (await store.get_token(theirs.token_hash)).revoked_at is None  # type: ignore[union-attr]
        refresh = mine[1]
        assert not await store.rotate_refresh_token(refresh.token_hash, NOW + 6, [])

    async def test_revoke_token_and_liveness(self, store: Store) -> None:
        token = make_token(TokenKind.CLIENT, expires_at=NOW + 10)
        await store.add_token(token)
        assert (await store.get_token(token.token_hash)).is_live(NOW)  # type: ignore[union-attr]
        assert not (await store.get_token(token.token_hash)).is_live(NOW + 10)  # type: ignore[union-attr]
        await store.revoke_token(token.token_hash, NOW + 1)
        assert not (await store.get_token(token.token_hash)).is_live(NOW + 2)  # type: ignore[union-attr]

    async def test_instance_secret_and_clock_offset_persist(self, store: Store) -> None:
        secret = await store.instance_secret()
        assert len(secret) == 64
        assert await store.instance_secret() == secret
        assert await store.get_clock_offset() == 0
        await store.set_clock_offset(3600)
        assert await store.get_clock_offset() == 3600

    async def test_reset_empties_everything_but_the_instance_secret(self, store: Store) -> None:
        secret = await store.instance_secret()
        await store.create_app(make_app())
        grant, code = await self._grant(store)
        await store.add_token(make_token(TokenKind.ACCESS, grant))
        await store.set_clock_offset(60)
        await store.reset()
        assert await store.list_apps() == []
        assert await store.list_users() == []
        assert await store.get_code(code.code_hash) is None
        assert await store.get_clock_offset() == 0
        assert await store.instance_secret() == secret

    async def test_stored_tokens_are_hashes_only(self, store: Store) -> None:
        raw = "act." + "x" * 64
        token = replace(make_token(TokenKind.CLIENT), token_hash=hash_secret(raw))
        await store.add_token(token)
        assert await store.get_token(hash_secret(raw)) == token
        assert await store.get_token(raw) is None

    # ---- the authorize pages ----------------------------------------------------------------

    async def test_a_pending_authorization_is_consumed_once_by_its_session(
        self, store: Store
    ) -> None:
        session = new_session_id()
        pending = make_pending(session)
        await store.create_pending(pending)
        assert await store.get_pending(pending.pending_id) == pending
        assert not await store.consume_pending(pending.pending_id, new_session_id(), NOW + 1)
        assert await store.consume_pending(pending.pending_id, session, NOW + 1)
        assert not await store.consume_pending(pending.pending_id, session, NOW + 2)
        decided = await store.get_pending(pending.pending_id)
        assert decided is not None and decided.decided_at == NOW + 1

    async def test_an_expired_pending_authorization_cannot_be_consumed(self, store: Store) -> None:
        session = new_session_id()
        pending = make_pending(session)
        await store.create_pending(pending)
        assert not await store.consume_pending(pending.pending_id, session, pending.expires_at)
        # A later insert clears expired records away (bounded), this one included.
        await store.create_pending(make_pending(session, created_at=pending.expires_at))
        assert await store.get_pending(pending.pending_id) is None

    async def test_concurrent_consumptions_have_one_winner(self, store: Store) -> None:
        session = new_session_id()
        pending = make_pending(session)
        await store.create_pending(pending)
        attempts = [store.consume_pending(pending.pending_id, session, NOW) for _ in range(20)]
        assert sorted(await asyncio.gather(*attempts)) == [False] * 19 + [True]

    async def test_signing_in_moves_the_pending_authorizations_to_the_new_session(
        self, store: Store
    ) -> None:
        user = make_user()
        await store.create_user(user)
        old, new = new_session_id(), new_session_id()
        pending = make_pending(old)
        await store.create_pending(pending)
        await store.sign_in(old, new, user.user_id, NOW)
        assert await store.session_user(new) == user.user_id
        assert await store.session_user(old) is None
        assert not await store.consume_pending(pending.pending_id, old, NOW)
        assert await store.consume_pending(pending.pending_id, new, NOW)

    async def test_sessions_end_one_by_one_or_all_of_a_user(self, store: Store) -> None:
        user, other = make_user(), make_user("drew")
        for u in (user, other):
            await store.create_user(u)
        first, second, theirs = new_session_id(), new_session_id(), new_session_id()
        await store.sign_in("none", first, user.user_id, NOW)
        await store.sign_in("none", second, user.user_id, NOW)
        await store.sign_in("none", theirs, other.user_id, NOW)
        await store.end_session(first)
        assert await store.session_user(first) is None
        assert await store.sign_out_user(user.user_id) == 1
        assert await store.session_user(second) is None
        assert await store.session_user(theirs) == other.user_id
        await store.reset()
        assert await store.session_user(theirs) is None

    async def test_live_grant_scopes_leave_out_revoked_grants(self, store: Store) -> None:
        grant, _ = await self._grant(store)
        more = Grant(new_id(), grant.client_key, grant.user_id, ("video.list",), NOW)
        await store.create_grant(more, _code_for(more))
        scopes = await store.live_grant_scopes(grant.client_key, grant.user_id)
        assert scopes == {"user.info.basic", "video.list"}
        await store.revoke_grant(more.grant_id, NOW)
        assert await store.live_grant_scopes(grant.client_key, grant.user_id) == {"user.info.basic"}
        assert await store.live_grant_scopes("awother000000001", grant.user_id) == frozenset()

    async def test_sandbox_targets_come_from_the_app_settings(self, store: Store) -> None:
        admin = cast(AdminStore, store)
        assert await store.sandbox_targets("awcontract000001") is None
        settings = AppSettings("awcontract000001", "w" * 64, sandbox=False, sandbox_targets=("u1",))
        await admin.save_app_settings(settings)
        assert await store.sandbox_targets("awcontract000001") is None
        await admin.save_app_settings(replace(settings, sandbox=True))
        assert await store.sandbox_targets("awcontract000001") == ("u1",)


def _code_for(grant: Grant) -> AuthorizationCode:
    return AuthorizationCode(
        code_hash=hash_secret(new_id()),
        grant_id=grant.grant_id,
        client_key=grant.client_key,
        user_id=grant.user_id,
        redirect_uri="https://a.example/cb/",
        scopes=grant.scopes,
        expires_at=NOW + 300,
    )
