"""What every grant and endpoint of the core works with."""

from __future__ import annotations

from dataclasses import dataclass

from loginkit.core.clock import Clock
from loginkit.core.models import App
from loginkit.core.policy import Policy
from loginkit.core.secrets import SecretHasher, derive_id, derive_open_id
from loginkit.core.store import Store

__all__ = ["Context"]


@dataclass(frozen=True, slots=True)
class Context:
    store: Store
    clock: Clock
    policy: Policy
    instance_secret: str
    secret_hasher: SecretHasher

    _NO_SUCH_APP = SecretHasher.SCHEME + "0" * 64
    """Checked against when the client_key is unknown, so that it costs what a wrong secret does."""

    def open_id(self, client_key: str, user_id: str) -> str:
        """The user's id as one app sees it (different for every app)."""
        return derive_open_id(self.instance_secret, client_key, user_id, self.policy.id_shapes)

    def union_id(self, developer_id: str, user_id: str) -> str:
        """The user's id across every app of one developer."""
        return derive_id(self.instance_secret, "union_id", developer_id, user_id)

    async def client_secret_matches(self, app: App | None, presented: str) -> bool:
        """Whether ``presented`` is the app's client secret; an unknown app costs the same.

        A hash still in the old, unkeyed format is rewritten with the key on its first match.
        """
        stored = app.secret_hash if app else self._NO_SUCH_APP
        check = self.secret_hasher.check(presented, stored)
        if app is None or not check.matches:
            return False
        if check.outdated:
            new_hash = self.secret_hasher.hash(presented)
            await self.store.rehash_client_secret(app.client_key, stored, new_hash)
        return True

