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
    TokenOwner,
    User,
)
from loginkit.core.pending import PENDING_LIFETIME, PendingAuthorization, new_session_id
from loginkit.core.secrets import hash_secret, new_id
from loginkit.core.store import AlreadyExists, Store
from loginkit.emulator.records import (
    AppSettings,
    DeliveryAttempt,
    DeliveryStatus,
    WebhookDelivery,
)
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


def make_delivery(created_at: int, client_key: str = "awcontract000001") -> WebhookDelivery:
    return WebhookDelivery(
        delivery_id=new_id(),
        client_key=client_key,
        event="authorization.removed",
        url="https://a.example/hook",
        body='{"event": "authorization.removed"}',
        created_at=created_at,
    )


class StoreContract:
    """Every backend must pass these. Subclasses provide the ``store`` fixture.

    The stores implement ``AdminStore`` (the portal's and the control API's methods on top of
    the core's ``Store``), so the fixture is typed as that.
    """

    @pytest.fixture
    async def store(self) -> AsyncIterator[AdminStore]:
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

    async def test_a_token_is_read_with_its_owner(self, store: AdminStore) -> None:
        app = make_app()
        await store.create_app(app)
        grant, _ = await self._grant(store)
        token = make_token(TokenKind.ACCESS, grant)
        await store.add_token(token)
        owner = await store.get_token_owner(token.token_hash)
        assert owner == TokenOwner(token, await store.get_user(grant.user_id), app)
        assert owner.user is not None and owner.user.user_id == grant.user_id
        app_only = make_token(TokenKind.CLIENT)
        await store.add_token(app_only)
        assert await store.get_token_owner(app_only.token_hash) == TokenOwner(app_only, None, app)
        orphan = replace(make_token(TokenKind.CLIENT), client_key="awnosuchapp00001")
        await store.add_token(orphan)
        assert await store.get_token_owner(orphan.token_hash) == TokenOwner(orphan, None, None)
        assert await store.get_token_owner(hash_secret("unknown")) is None

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
        await store.note_mixed_token_use("awcontract000001", NOW)
        await store.reset()
        assert await store.list_apps() == []
        assert await store.list_users() == []
        assert await store.get_code(code.code_hash) is None
        assert await store.get_clock_offset() == 0
        assert await store.last_mixed_token_use("awcontract000001") is None
        assert await store.instance_secret() == secret

    async def test_stored_tokens_are_hashes_only(self, store: Store) -> None:
        raw = "act." + "x" * 64
        token = replace(make_token(TokenKind.CLIENT), token_hash=hash_secret(raw))
        await store.add_token(token)
        assert await store.get_token(hash_secret(raw)) == token
        assert await store.get_token(raw) is None

    # ---- client secrets at rest -------------------------------------------------------------

    async def test_a_secret_hash_is_rewritten_only_if_unchanged(self, store: Store) -> None:
        app = make_app()
        await store.create_app(app)
        await store.rehash_client_secret(app.client_key, "sha256:stale", "hmac-sha256:lost")
        assert (await store.get_app(app.client_key)) == app  # rotated meanwhile: left alone
        await store.rehash_client_secret(app.client_key, app.secret_hash, "hmac-sha256:new")
        assert (await store.get_app(app.client_key)) == replace(app, secret_hash="hmac-sha256:new")

    async def test_the_first_secret_key_check_stays(self, store: Store) -> None:
        first = await store.claim_secret_key_check("check-a")
        assert await store.claim_secret_key_check("check-b") == first
        await store.reset()
        assert await store.claim_secret_key_check("check-c") == first

    # ---- the portal's and the control API's methods (``AdminStore``) -------------------------

    async def test_app_settings_round_trip(self, store: AdminStore) -> None:
        app = make_app()
        await store.create_app(app)
        assert await store.get_app_settings(app.client_key) is None
        settings = AppSettings(app.client_key, webhook_secret="w" * 32)
        await store.save_app_settings(settings)
        assert await store.get_app_settings(app.client_key) == settings
        changed = replace(
            settings, webhook_url="https://a.example/hook", sandbox=True, sandbox_targets=("u1",)
        )
        await store.save_app_settings(changed)
        assert await store.get_app_settings(app.client_key) == changed

    async def test_an_app_is_created_with_its_settings_or_not_at_all(
        self, store: AdminStore
    ) -> None:
        app = make_app()
        settings = AppSettings(app.client_key, "w" * 32, "https://a.example/hook", True, ("u1",))
        await store.create_app_with_settings(app, settings)
        assert await store.get_app(app.client_key) == app
        assert await store.get_app_settings(app.client_key) == settings
        taken = replace(make_app(), name="Second")
        with pytest.raises(AlreadyExists):
            await store.create_app_with_settings(taken, replace(settings, webhook_secret="x" * 32))
        assert await store.get_app(app.client_key) == app
        assert await store.get_app_settings(app.client_key) == settings

    async def test_users_are_updated_and_deleted_with_their_grants(self, store: AdminStore) -> None:
        grant, code = await self._grant(store)
        token = make_token(TokenKind.ACCESS, grant)
        await store.add_token(token)
        user = await store.get_user(grant.user_id)
        assert user is not None
        renamed = replace(user, display_name="Renamed", is_verified=True, follower_count=9)
        assert await store.update_user(renamed)
        assert await store.get_user(user.user_id) == renamed
        other = make_user(f"o{new_id()[:8]}")
        await store.create_user(other)
        with pytest.raises(AlreadyExists):
            await store.update_user(replace(other, username=user.username))
        assert not await store.update_user(make_user("nobody"))
        assert await store.delete_user(user.user_id)
        assert await store.get_user(user.user_id) is None
        assert await store.get_grant(grant.grant_id) is None
        assert await store.get_code(code.code_hash) is None
        assert await store.get_token(token.token_hash) is None
        assert not await store.delete_user(user.user_id)

    async def test_grants_are_listed_newest_first_with_their_tokens(
        self, store: AdminStore
    ) -> None:
        older, _ = await self._grant(store)
        newer = replace(older, grant_id=new_id(), created_at=NOW + 10)
        await store.create_grant(
            newer,
            AuthorizationCode(
                code_hash=hash_secret(new_id()),
                grant_id=newer.grant_id,
                client_key=newer.client_key,
                user_id=newer.user_id,
                redirect_uri="https://a.example/cb/",
                scopes=newer.scopes,
                expires_at=NOW + 300,
            ),
        )
        someone_else, _ = await self._grant(store)
        assert await store.get_grant(older.grant_id) == older
        mine = await store.list_grants(user_id=older.user_id)
        assert [g.grant_id for g in mine] == [newer.grant_id, older.grant_id]
        by_app = await store.list_grants(client_key=older.client_key)
        assert {g.grant_id for g in by_app} == {
            older.grant_id,
            newer.grant_id,
            someone_else.grant_id,
        }
        assert await store.list_grants(client_key="awnobody00000000") == []
        await store.revoke_grant(older.grant_id, NOW + 20)
        revoked = await store.get_grant(older.grant_id)
        assert revoked is not None and revoked.revoked_at == NOW + 20
        tokens = [make_token(TokenKind.ACCESS, older), make_token(TokenKind.REFRESH, newer)]
        for token in [*tokens, make_token(TokenKind.ACCESS, someone_else)]:
            await store.add_token(token)
        listed = await store.list_grant_tokens([older.grant_id, newer.grant_id])
        assert {t.token_hash for t in listed} == {t.token_hash for t in tokens}
        assert await store.list_grant_tokens([]) == []

    async def test_webhook_deliveries_are_saved_and_listed_newest_first(
        self, store: AdminStore
    ) -> None:
        first, second = make_delivery(NOW), make_delivery(NOW + 1)
        await store.save_delivery(first)
        await store.save_delivery(second)
        attempted = replace(
            first,
            status=DeliveryStatus.DELIVERED,
            attempts=(DeliveryAttempt(NOW + 2, 500, "server error"), DeliveryAttempt(NOW + 3, 200)),
        )
        await store.save_delivery(attempted)
        assert await store.list_deliveries() == [second, attempted]
        assert await store.list_deliveries(limit=1) == [second]

    async def test_deleting_an_app_deletes_its_settings_and_deliveries(
        self, store: AdminStore
    ) -> None:
        app = make_app()
        await store.create_app(app)
        await store.save_app_settings(AppSettings(app.client_key, webhook_secret="w" * 32))
        await store.save_delivery(make_delivery(NOW))
        grant, code = await self._grant(store)
        assert await store.delete_app(app.client_key)
        assert await store.get_app_settings(app.client_key) is None
        assert await store.list_deliveries() == []
        assert await store.get_grant(grant.grant_id) is None
        assert await store.get_code(code.code_hash) is None

    async def test_reset_empties_the_portal_records_too(self, store: AdminStore) -> None:
        app = make_app()
        await store.create_app(app)
        await store.save_app_settings(AppSettings(app.client_key, webhook_secret="w" * 32))
        await store.save_delivery(make_delivery(NOW))
        await store.reset()
        assert await store.get_app_settings(app.client_key) is None
        assert await store.list_deliveries() == []


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
