"""Delivering ``authorization.removed`` to an app's webhook URL, in the background.

Each event is recorded as a delivery before the first attempt; every attempt (status code or
transport error) is added to it, so the portal shows the whole story. A non-2xx answer or a
transport error is retried with exponential backoff. TikTok retries for up to 72 hours; the
emulator's schedule is short and bounded (``retry_delays``) so tests finish.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

import httpx2

from loginkit.core.clock import Clock
from loginkit.core.secrets import new_id
from loginkit.core.webhooks import (
    AUTHORIZATION_REMOVED,
    SIGNATURE_HEADER,
    RemovalReason,
    authorization_removed_body,
    signature_header,
)
from loginkit.emulator.records import DeliveryAttempt, DeliveryStatus, WebhookDelivery
from loginkit.emulator.store import AdminStore

__all__ = ["DEFAULT_RETRY_DELAYS", "WebhookDispatcher"]

log = logging.getLogger("loginkit.webhooks")

DEFAULT_RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
"""Seconds to wait before each retry: five attempts in all, over about 7.5 s."""


class WebhookDispatcher:
    def __init__(
        self,
        *,
        store: AdminStore,
        clock: Clock,
        open_id: Callable[[str, str], str],
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        timeout: float = 5.0,
    ) -> None:
        self._store = store
        self._clock = clock
        self._open_id = open_id
        self._retry_delays = tuple(retry_delays)
        self._timeout = timeout
        self._tasks: set[asyncio.Task[None]] = set()

    def authorization_removed(self, client_key: str, user_id: str, reason: RemovalReason) -> None:
        """Send the event if the app has a webhook URL; returns at once."""
        task = asyncio.create_task(self._send(client_key, user_id, reason))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for deliveries in flight (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.drain()

    async def _send(self, client_key: str, user_id: str, reason: RemovalReason) -> None:
        try:
            settings = await self._store.get_app_settings(client_key)
            if settings is None or not settings.webhook_url:
                return
            now = self._clock.now()
            body = authorization_removed_body(
                client_key, self._open_id(client_key, user_id), reason, now
            )
            delivery = WebhookDelivery(
                delivery_id=new_id(),
                client_key=client_key,
                event=AUTHORIZATION_REMOVED,
                url=settings.webhook_url,
                body=body.decode(),
                created_at=now,
            )
            await self._store.save_delivery(delivery)
            await self._attempt_until_done(delivery, settings.webhook_secret)
        except Exception:
            log.exception("webhook delivery failed unexpectedly")

    async def _attempt_until_done(self, delivery: WebhookDelivery, secret: str) -> None:
        body = delivery.body.encode()
        delays = (0.0, *self._retry_delays)
        async with httpx2.AsyncClient(timeout=self._timeout) as http:
            for number, delay in enumerate(delays, start=1):
                await asyncio.sleep(delay)
                now = self._clock.now()
                headers = {
                    "Content-Type": "application/json",
                    SIGNATURE_HEADER: signature_header(secret, body, now),
                }
                try:
                    response = await http.post(delivery.url, content=body, headers=headers)
                    attempt = DeliveryAttempt(now, response.status_code)
                    ok = response.is_success
                except httpx2.HTTPError as exc:
                    attempt = DeliveryAttempt(now, None, f"{type(exc).__name__}: {exc}")
                    ok = False
                if ok:
                    status = DeliveryStatus.DELIVERED
                else:
                    status = (
                        DeliveryStatus.FAILED if number == len(delays) else DeliveryStatus.PENDING
                    )
                delivery = replace(delivery, attempts=(*delivery.attempts, attempt), status=status)
                await self._store.save_delivery(delivery)
                if ok:
                    return
