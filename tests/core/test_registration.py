"""The one app-registration validator, as seed files and every other door call it."""

from __future__ import annotations

from loginkit.core.models import Platform
from loginkit.core.registration import (
    NEW_APP,
    Problem,
    Registration,
    problems_text,
    validate_registration,
)

NOW = 1_800_000_000
WEB = {"name": "Seeded", "redirect_uris": ["https://app.example.com/cb/"]}


def test_fields_left_out_take_the_new_app_defaults() -> None:
    app = validate_registration(WEB, now=NOW, strict=False)
    assert isinstance(app, Registration)
    assert app.platform is NEW_APP.platform is Platform.WEB
    assert app.scopes == ("user.info.basic",) and app.sandbox is False and app.webhook_url is None


def test_a_change_keeps_what_it_does_not_name() -> None:
    current = validate_registration(WEB | {"webhook_url": "https://a.example.com/h"}, now=NOW,
                                    strict=False)  # fmt: skip
    assert isinstance(current, Registration)
    changed = validate_registration({"sandbox": True}, now=NOW, strict=False, current=current)
    assert isinstance(changed, Registration)
    assert changed.sandbox and changed.webhook_url == "https://a.example.com/h"


def test_every_problem_is_named_with_its_field() -> None:
    problems = validate_registration(
        {
            "name": "",
            "platform": "tv",
            "redirect_urls": [],
            "sandbox_targets": "amelia",
        },
        now=NOW,
        strict=False,
    )
    assert isinstance(problems, list)
    assert {p.field for p in problems} == {"platform", "redirect_urls", "sandbox_targets"}
    rules = validate_registration(
        WEB | {"name": "", "sandbox_targets": ["u1"], "scopes": ["nope"]},
        now=NOW,
        strict=True,
        user_ids={"u2"},
    )
    assert isinstance(rules, list)
    assert problems_text(rules) == (
        "name: required; scopes: unknown scopes nope; sandbox_targets: no user has id u1."
    )


def test_strict_is_tiktoks_production_rule_for_loopback_http() -> None:
    local = WEB | {"redirect_uris": ["http://127.0.0.1:5000/cb"]}
    assert isinstance(validate_registration(local, now=NOW, strict=False), Registration)
    refused = validate_registration(local, now=NOW, strict=True)
    assert isinstance(refused, list) and isinstance(refused[0], Problem)
    assert refused[0].field == "redirect_uris"
