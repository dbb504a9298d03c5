"""A whole login test, as a user of the ``tiktok_emulator`` fixture writes it (the plugin's own
example): an empty emulator, an app and a user, authorize (with PKCE), exchange the code with
the client kit, read the user. Run 100 times by ``bench/suite.py --only fixture``."""

from __future__ import annotations

import pytest

from loginkit.client import TikTokClient
from loginkit.testing.emulator import InProcessEmulator


@pytest.mark.parametrize("round_", range(100))
def test_login(tiktok_emulator: InProcessEmulator, round_: int) -> None:
    app = tiktok_emulator.create_app(redirect_uris=["https://app.example.com/cb/"])
    user = tiktok_emulator.create_user(username="ana")
    code = tiktok_emulator.authorize(user, app, ["user.info.basic"])
    with TikTokClient(
        app["client_key"],
        app["client_secret"],
        base_url=tiktok_emulator.base_url,
        redirect_uri=app["redirect_uris"][0],
    ) as client:
        tokens = client.exchange_code(code, code_verifier=tiktok_emulator.code_verifier_for(code))
        profile = client.user_info(tokens.access_token, ["open_id", "display_name"])
    assert profile.open_id == tokens.open_id
