"""The app's credentials, read from the environment through the capability's ``binds``.

With them bound, callers (agents included) may leave ``client_key``/``client_secret`` out and the
gateway fills them in, so the secret never has to pass through the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

CREDENTIAL_BINDS: Mapping[str, str] = {
    "TIKTOK_CLIENT_KEY": "client_key",
    "TIKTOK_CLIENT_SECRET": "client_secret",
}
"""Bind key → the form field it supplies."""


@dataclass(frozen=True)
class AppCredentials:
    values: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Form field → value; kept out of ``repr`` so it never reaches a log line."""

    @classmethod
    def from_binds(cls, binds: Mapping[str, str], environ: Mapping[str, str]) -> AppCredentials:
        values = {
            CREDENTIAL_BINDS[key]: environ[variable]
            for key, variable in binds.items()
            if key in CREDENTIAL_BINDS and environ.get(variable)
        }
        return cls(values)

    @property
    def provided(self) -> frozenset[str]:
        """The form fields callers may omit."""
        return frozenset(self.values)

    @property
    def secret_values(self) -> tuple[str, ...]:
        return tuple(value for name, value in self.values.items() if name == "client_secret")

    def fill(self, form: Mapping[str, str]) -> dict[str, str]:
        """``form`` with every bound field the caller left out or empty filled in."""
        filled = dict(form)
        for name, value in self.values.items():
            if not filled.get(name):
                filled[name] = value
        return filled
