"""The guide's redirect URI rules (seed 002), each with its correct and incorrect example, through
``loginkit apps create`` (which registers through the control API and its rule check)."""

from __future__ import annotations

import pytest

from tests.cli.test_admin_commands import _target, loginkit
from tests.support.emulator import EmulatorProcess

CORRECT = "https://dev.example.com/auth/callback/"
TOO_LONG = "https://dev.example.com/" + "a" * 500

INCORRECT = [
    ("dev.example.com/auth/callback/", "must be absolute and begin with https"),
    ("https://dev.example.com/auth/callback/?id=1", "must be static; parameters are denied"),
    ("https://dev.example.com/auth/callback/#100", "must not include a fragment"),
    (TOO_LONG, "must be less than 512 characters"),
]


def create(emulator: EmulatorProcess, *uris: str, extra: tuple[str, ...] = ()) -> str:
    args = [arg for uri in uris for arg in ("--redirect-uri", uri)]
    result = loginkit("apps", *_target(emulator), "create", "--name", "x", *args, *extra)
    return result.stdout if result.returncode == 0 else "refused: " + result.stderr


def test_the_guides_correct_example_is_accepted(emulator: EmulatorProcess) -> None:
    assert CORRECT in create(emulator, CORRECT)


@pytest.mark.parametrize(("uri", "rule"), INCORRECT)
def test_each_incorrect_example_is_refused_naming_the_rule(
    emulator: EmulatorProcess, uri: str, rule: str
) -> None:
    output = create(emulator, uri)
    assert output.startswith("refused: ") and rule in output


def test_up_to_ten_redirect_uris(emulator: EmulatorProcess) -> None:
    ten = [f"https://dev.example.com/auth/callback/{i}/" for i in range(10)]
    assert not create(emulator, *ten).startswith("refused")
    eleven = create(emulator, *ten, "https://dev.example.com/auth/callback/10/")
    assert eleven.startswith("refused: ") and "at most 10 redirect URIs" in eleven


def test_at_least_one_for_web_unless_a_v1_app_keeps_its_domains(emulator: EmulatorProcess) -> None:
    none = create(emulator)
    assert none.startswith("refused: ") and "at least one redirect URI" in none
    mobile = create(emulator, extra=("--platform", "ios", "--redirect-domain", "example.com"))
    assert not mobile.startswith("refused")
