"""The Store contract, written once; each backend's test module subclasses ``StoreContract``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from loginkit.core.models import App, AuthorizationCode, Grant, Platform, Token, TokenKind, User
from loginkit.core.secrets import hash_secret, new_id
from loginkit.core.store import AlreadyExists, Store

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
