"""What the developer portal keeps beside TikTok's records: per-app emulator settings and the
webhook deliveries made to apps. Plain frozen dataclasses, like ``loginkit.core.models``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["AppSettings", "DeliveryAttempt", "DeliveryStatus", "WebhookDelivery"]


@dataclass(frozen=True, slots=True)
class AppSettings:
    client_key: str
    webhook_secret: str
    """Signs ``TikTok-Signature``; TikTok keys it with the client secret, of which we keep only
    a hash, so each app gets this secret of its own, shown in the portal."""
    webhook_url: str | None = None
    sandbox: bool = False
    sandbox_targets: tuple[str, ...] = ()
    """user_ids allowed to authorize a sandbox app (TikTok allows up to 10 target users)."""


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    at: int
    status_code: int | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    delivery_id: str
    client_key: str
    event: str
    url: str
    body: str
    created_at: int
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: tuple[DeliveryAttempt, ...] = field(default=())
