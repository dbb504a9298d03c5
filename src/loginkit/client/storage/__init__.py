"""Where users' tokens live: the store protocols and their implementations."""

from loginkit.client.storage.base import AsyncTokenStore, TokenStore
from loginkit.client.storage.cipher import TokenCipher
from loginkit.client.storage.memory import AsyncMemoryTokenStore, MemoryTokenStore
from loginkit.client.storage.sql import AsyncSQLTokenStore, SQLTokenStore

__all__ = [
    "AsyncMemoryTokenStore",
    "AsyncSQLTokenStore",
    "AsyncTokenStore",
    "MemoryTokenStore",
    "SQLTokenStore",
    "TokenCipher",
    "TokenStore",
]
