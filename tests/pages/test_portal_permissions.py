"""The portal's "Manage app permissions" lists each connected app once."""

from __future__ import annotations

from tests.pages.portal_client import Portal
from tests.support.emulator import EmulatorProcess


def test_an_app_authorized_twice_is_listed_once_with_all_its_scopes(
    emulator: EmulatorProcess,
) -> None:
    app = emulator.create_app(name="Twice Authorized", scopes=["user.info.basic", "video.list"])
    user = emulator.create_user()
    emulator.authorize(app, user, ["user.info.basic"])
    emulator.authorize(app, user, ["user.info.basic", "video.list"])
    portal = Portal(emulator)
    page = portal.http.get(f"/portal/users/{user['user_id']}").text
    portal.close()
    permissions = page.split("Manage app permissions", 1)[1].split("</ul>", 1)[0]
    assert permissions.count("Twice Authorized") == 1
    assert "user.info.basic, video.list" in permissions
    assert permissions.count("/disconnect") == 1
