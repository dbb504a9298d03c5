"""Schemathesis against the control API, driven by the emulator's own ``/openapi.json``.

Bounded and derandomized like ``test_schemathesis.py``: no 5xx, and every answer conforms to the
published models (status, media type, body) — the contract cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from loginkit.server.openapi import openapi_document
from tests.specs.test_schemathesis import CHECKS
from tests.support.emulator import EmulatorProcess, run_emulator

BOUNDED = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

control = schemathesis.openapi.from_dict(openapi_document("http://127.0.0.1")).include(
    tag="Emulator control"
)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    folder: Path = tmp_path_factory.mktemp("control-schemathesis")
    with run_emulator(folder) as emulator:
        yield emulator


@control.parametrize()
@BOUNDED
def test_the_control_api_conforms(case: schemathesis.Case[Any], live: EmulatorProcess) -> None:
    headers = {"Authorization": f"Bearer {live.admin_token}"}
    case.call_and_validate(base_url=live.base_url, headers=headers, checks=CHECKS)
