from __future__ import annotations

import pytest

from loginkit.core.models import Platform
from loginkit.core.redirect_uris import redirect_uri_errors, redirect_uri_matches


@pytest.mark.parametrize(
    ("registered", "presented", "matches"),
    [
        ("https://a.example/cb/", "https://a.example/cb/", True),
        ("https://a.example/cb/", "https://a.example/cb", False),
        ("https://a.example/cb/", "https://a.example/cb/?x=1", False),
        ("http://127.0.0.1:*/callback/", "http://127.0.0.1:5173/callback/", True),
        ("http://127.0.0.1:*/callback/", "http://127.0.0.1:/callback/", False),
        ("http://127.0.0.1:*/callback/", "http://127.0.0.1:99999/callback/", False),
        ("http://127.0.0.1:*/callback/", "http://127.0.0.1:80/other/", False),
        ("http://127.0.0.1:*/callback/", "http://127.0.0.1:80@evil.example/callback/", False),
    ],
)
def test_matching(registered: str, presented: str, matches: bool) -> None:
    assert redirect_uri_matches(registered, presented) is matches


def test_mobile_apps_need_https() -> None:
    assert redirect_uri_errors(["https://a.example/cb"], Platform.IOS, strict=False) == []
    assert redirect_uri_errors(["myapp://cb"], Platform.ANDROID, strict=False)


def test_wildcard_ports_are_for_desktop_only() -> None:
    assert redirect_uri_errors(["http://127.0.0.1:*/cb"], Platform.WEB, strict=False)
    assert not redirect_uri_errors(["http://127.0.0.1:*/cb"], Platform.DESKTOP, strict=False)


def test_duplicates_are_refused() -> None:
    uris = ["https://a.example/cb", "https://a.example/cb"]
    assert "twice" in " ".join(redirect_uri_errors(uris, Platform.WEB, strict=True))
