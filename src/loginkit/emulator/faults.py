"""Fault injection: the next N calls to an endpoint fail (or slow down) as the tester asked.

A fault names TikTok's error code, an HTTP status, added latency, or any mix; the HTTP layer
renders the error in the shape of the endpoint's family. Paths match with or without the
trailing slash.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from loginkit.core.errors import ApiError, LoginKitError, OAuthError, default_code, error_class

__all__ = ["Fault", "FaultBoard", "fault_from_fields", "normalise_path"]


def normalise_path(path: str) -> str:
    return "/" + path.strip().strip("/")


@dataclass(frozen=True, slots=True)
class Fault:
    endpoint: str
    remaining: int
    error: str | None = None
    status: int | None = None
    latency_ms: int = 0

    @property
    def fails(self) -> bool:
        return self.error is not None or self.status is not None

    def as_error(self, *, api: bool) -> LoginKitError:
        """The injected error, as an OAuth error or (``api``) a Display API error."""
        known = error_class(self.error, api=api) if self.error else None
        status = self.status or (known.status if known else 500)
        code = self.error or default_code(status, api=api)
        base: type[LoginKitError] = ApiError if api else OAuthError
        attributes = {"code": code, "status": status, "exact_status": self.status is not None}
        injected = type("InjectedFault", (base,), attributes)
        error: LoginKitError = injected(
            f"Injected fault: {code}.", detail=f"fault injected on {self.endpoint}"
        )
        return error


class FaultBoard:
    """The faults waiting for calls, per process."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        fault = replace(fault, endpoint=normalise_path(fault.endpoint))
        self._faults.append(fault)
        return fault

    def take(self, path: str) -> Fault | None:
        """The first fault for ``path``, counted as used; None when no fault is waiting."""
        key = normalise_path(path)
        for i, fault in enumerate(self._faults):
            if fault.endpoint == key:
                if fault.remaining <= 1:
                    del self._faults[i]
                else:
                    self._faults[i] = replace(fault, remaining=fault.remaining - 1)
                return fault
        return None

    def list(self) -> list[Fault]:
        return list(self._faults)

    def clear(self) -> None:
        self._faults.clear()


def fault_from_fields(
    endpoint: object, count: object, error: object, status: object, latency_ms: object
) -> Fault:
    """A fault from loosely typed input (JSON or a form); raises ValueError naming the field."""
    if not isinstance(endpoint, str) or not endpoint.strip().startswith("/v2/"):
        raise ValueError("'endpoint' must be a TikTok path such as /v2/oauth/token/")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 10_000:
        raise ValueError("'count' must be a whole number from 1 to 10000")
    if error is not None and (not isinstance(error, str) or not error.strip()):
        raise ValueError("'error' must be a TikTok error code such as temporarily_unavailable")
    if status is not None and (
        isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599
    ):
        raise ValueError("'status' must be an HTTP status from 200 to 599")
    if (
        isinstance(latency_ms, bool)
        or not isinstance(latency_ms, int)
        or not 0 <= latency_ms <= 60_000
    ):
        raise ValueError("'latency_ms' must be from 0 to 60000")
    if error is None and status is None and latency_ms == 0:
        raise ValueError("give at least one of 'error', 'status' or 'latency_ms'")
    return Fault(
        endpoint=normalise_path(endpoint),
        remaining=count,
        error=error.strip() if isinstance(error, str) else None,
        status=status,
        latency_ms=latency_ms,
    )
