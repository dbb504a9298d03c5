"""What every grant and endpoint of the core works with."""

from __future__ import annotations

from dataclasses import dataclass

from loginkit.core.clock import Clock
from loginkit.core.policy import Policy
from loginkit.core.secrets import derive_id, derive_open_id
from loginkit.core.store import Store

__all__ = ["Context"]


@dataclass(frozen=True, slots=True)
class Context:
    store: Store
    clock: Clock
    policy: Policy
    instance_secret: str

    def open_id(self, client_key: str, user_id: str) -> str:
        """The user's id as one app sees it (different for every app)."""
        return derive_open_id(self.instance_secret, client_key, user_id, self.policy.id_shapes)

    def union_id(self, developer_id: str, user_id: str) -> str:
        """The user's id across every app of one developer."""
        return derive_id(self.instance_secret, "union_id", developer_id, user_id)
