"""The failed-authentication throttle on its own: per client_key, per address, and its window."""

from __future__ import annotations

import pytest

from loginkit.core.errors import RateLimited
from loginkit.server import throttle as throttle_module
from loginkit.server.throttle import AuthFailureThrottle


async def test_a_client_is_limited_after_its_failures_and_others_are_not() -> None:
    throttle = AuthFailureThrottle(failures_per_minute=3)
    for _ in range(3):
        await throttle.check("awclient", "10.0.0.1")
        await throttle.record_failure("awclient", "10.0.0.1")
    with pytest.raises(RateLimited) as refused:
        await throttle.check("awclient", "10.0.0.2")
    assert refused.value.retry_after is not None and refused.value.retry_after > 0
    await throttle.check("awother", "10.0.0.2")


async def test_an_address_is_limited_across_client_keys() -> None:
    throttle = AuthFailureThrottle(failures_per_minute=1)  # the address may fail 10 times
    for index in range(10):
        await throttle.record_failure(f"awguess{index}", "10.0.0.9")
    with pytest.raises(RateLimited):
        await throttle.check("awnever-failed", "10.0.0.9")
    await throttle.check("awnever-failed", "10.0.0.10")


async def test_failures_older_than_the_window_are_forgotten() -> None:
    now = [1000.0]
    throttle = AuthFailureThrottle(failures_per_minute=5, monotonic=lambda: now[0])
    await throttle.record_failure("awold", "10.0.0.1")
    assert throttle._may_be_limited("awold", "10.0.0.3")
    now[0] += throttle_module.WINDOW_SECONDS + 1
    await throttle.record_failure("awnew", "10.0.0.2")  # prunes the expired entries
    assert not throttle._may_be_limited("awold", "10.0.0.3")
    assert throttle._may_be_limited("awnew", "10.0.0.3")
    assert set(throttle._last_failures or {}) == {("client", "awnew"), ("address", "10.0.0.2")}


async def test_reset_forgets_every_failure() -> None:
    throttle = AuthFailureThrottle(failures_per_minute=1)
    await throttle.record_failure("awclient", "10.0.0.1")
    await throttle.reset()
    await throttle.check("awclient", "10.0.0.1")
