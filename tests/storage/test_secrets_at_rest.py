"""Client secrets at rest, over the real ``loginkit serve``: keyed hashes, the key kept outside
the database, old hashes rewritten on first use, and a changed key refused at start-up."""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from alembic import command
from sqlalchemy import create_engine, text

from loginkit.storage.migrate import alembic_config
from tests.support.emulator import EmulatorProcess, run_emulator
from tests.support.postgres import create_database, drop_database

SECRET = "hand-chosen-secret-of-forty-characters!!"


def _secret_hash(database: Path, client_key: str) -> str:
    with sqlite3.connect(database) as conn:
        row = conn.execute("SELECT secret_hash FROM apps WHERE client_key = ?", (client_key,))
        value: str = row.fetchone()[0]
    return value


def _client_credentials(emulator: EmulatorProcess, client_key: str, secret: str) -> httpx2.Response:
    form = {"client_key": client_key, "client_secret": secret, "grant_type": "client_credentials"}
    return httpx2.post(f"{emulator.base_url}/v2/oauth/token/", data=form, timeout=10)


def _serve_until_exit(database_url: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``loginkit serve`` expected to refuse to start: it must exit within the timeout."""
    return subprocess.run(
        [sys.executable, "-m", "loginkit", "serve", "--port", "0", "--database-url", database_url],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def _assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture
def no_configured_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOGINKIT_SECRET_KEY", raising=False)


@pytest.mark.usefixtures("no_configured_key")
def test_sqlite_keys_its_secret_hashes_with_a_key_file_beside_it(tmp_path: Path) -> None:
    database = tmp_path / "keyed.sqlite3"
    with run_emulator(tmp_path, "--no-demo", database_url=f"sqlite:///{database}") as emulator:
        app = emulator.create_app()
        stored = _secret_hash(database, app["client_key"])
        assert _client_credentials(emulator, app["client_key"], app["client_secret"]).is_success
    key_file = tmp_path / "keyed.sqlite3.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stored.startswith("hmac-sha256:")
    # The database alone does not hold the unkeyed SHA-256 an offline guess would test against.
    unkeyed = hashlib.sha256(app["client_secret"].encode()).hexdigest()
    assert unkeyed.encode() not in database.read_bytes()


@pytest.mark.usefixtures("no_configured_key")
def test_an_old_hash_authenticates_once_unkeyed_and_is_rewritten_keyed(tmp_path: Path) -> None:
    database = tmp_path / "old.sqlite3"
    with create_engine(f"sqlite:///{database}").begin() as conn:  # a database of revision 0004
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        conn.execute(
            text(
                "INSERT INTO apps (client_key, name, secret_hash, platform, redirect_uris, scopes,"
                " developer_id, created_at, redirect_domains) VALUES ('awoldformat00001', 'Old',"
                " :hash, 'web', '[\"https://a.example/cb/\"]', 'user.info.basic', 'dev', 0, '[]')"
            ),
            {"hash": hashlib.sha256(SECRET.encode()).hexdigest()},
        )
    with run_emulator(tmp_path, "--no-demo", database_url=f"sqlite:///{database}") as emulator:
        marked = _secret_hash(database, "awoldformat00001")
        assert marked == "sha256:" + hashlib.sha256(SECRET.encode()).hexdigest()
        wrong = _client_credentials(emulator, "awoldformat00001", SECRET.upper())
        assert wrong.json()["error"] == "invalid_client"
        assert _secret_hash(database, "awoldformat00001") == marked  # no rewrite on a failure
        first = _client_credentials(emulator, "awoldformat00001", SECRET)
        assert first.is_success, first.text
        rewritten = _secret_hash(database, "awoldformat00001")
        assert rewritten.startswith("hmac-sha256:")
        second = _client_credentials(emulator, "awoldformat00001", SECRET)
        assert second.is_success, second.text
        assert _secret_hash(database, "awoldformat00001") == rewritten


@pytest.mark.usefixtures("no_configured_key")
def test_a_changed_key_stops_start_up_with_one_line(tmp_path: Path) -> None:
    database = tmp_path / "changed.sqlite3"
    url = f"sqlite:///{database}"
    with run_emulator(tmp_path, "--no-demo", database_url=url):
        pass
    key_file = tmp_path / "changed.sqlite3.key"
    _assert_refused(
        _serve_until_exit(url, {"LOGINKIT_SECRET_KEY": secrets.token_hex(16)}), "secret key"
    )
    key_file.write_text(secrets.token_hex(32) + "\n")
    _assert_refused(_serve_until_exit(url, {}), "secret key")


def test_postgres_without_a_secret_key_is_refused_at_start_up(
    no_configured_key: None, tmp_path: Path
) -> None:
    result = _serve_until_exit("postgresql://postgres@127.0.0.1:5432/test", {})
    _assert_refused(result, "LOGINKIT_SECRET_KEY", "PostgreSQL")


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = create_database("loginkit_secrets")
    yield url
    drop_database(url)


def test_postgres_refuses_a_key_other_than_the_one_it_was_set_up_with(
    pg_url: str, tmp_path: Path
) -> None:
    key = {"LOGINKIT_SECRET_KEY": secrets.token_hex(16)}
    with run_emulator(tmp_path, "--no-demo", database_url=pg_url, env=key) as emulator:
        app = emulator.create_app()
    with run_emulator(tmp_path, "--no-demo", database_url=pg_url, env=key) as emulator:
        again = _client_credentials(emulator, app["client_key"], app["client_secret"])
        assert again.is_success, again.text
    other = {"LOGINKIT_SECRET_KEY": secrets.token_hex(16)}
    _assert_refused(_serve_until_exit(pg_url, other), "secret key")
