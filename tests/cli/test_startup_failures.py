"""Start-up failures of ``serve``, ``up`` and ``gateway``: one line, non-zero exit, no hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.support import error_line, loginkit, occupied_port, postgres_refusing_password
from tests.support.emulator import free_port

POSTGRES = "postgresql://postgres@127.0.0.1:5432"


KEY = {"LOGINKIT_SECRET_KEY": "a-test-key-of-thirty-two-characters!"}
"""PostgreSQL needs a secret key for the client-secret hashes; each test gives one."""


def serve(*args: str) -> str:
    return error_line(loginkit("serve", "--port", str(free_port()), *args, env=KEY))


# ---- SQLite -------------------------------------------------------------------------------------


def test_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 100)
    line = serve("--database-url", f"sqlite:///{notes}")
    assert "not a SQLite database" in line and str(notes) in line


def test_an_empty_sqlite_path_is_a_usage_error() -> None:
    line = error_line(loginkit("serve", "--database-url", "sqlite:///"), status=2)
    assert "sqlite:///PATH" in line


def test_an_unwritable_directory() -> None:
    # sysfs refuses new files even to root, so this holds whoever runs the tests.
    line = serve("--database-url", "sqlite:////sys/loginkit-test/emulator.sqlite3")
    assert "/sys/loginkit-test" in line and "writable" in line


# ---- PostgreSQL, one process and several --------------------------------------------------------

WORKERS = pytest.mark.parametrize("workers", ["1", "2"])


@pytest.mark.postgres
@WORKERS
def test_a_missing_database_suggests_createdb(workers: str) -> None:
    line = serve("--workers", workers, "--database-url", f"{POSTGRES}/loginkit_no_such_db")
    assert "createdb -h 127.0.0.1 -p 5432 -U postgres loginkit_no_such_db" in line


@pytest.mark.postgres
@WORKERS
def test_a_missing_role(workers: str) -> None:
    url = "postgresql://loginkit_no_such_role@127.0.0.1:5432/test"
    line = serve("--workers", workers, "--database-url", url)
    assert "no role 'loginkit_no_such_role'" in line and "createuser" in line


@WORKERS
def test_a_closed_port(workers: str) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/test"
    line = serve("--workers", workers, "--database-url", url)
    assert "connection refused" in line and "pg_isready" in line


@WORKERS
def test_a_refused_password(workers: str) -> None:
    with postgres_refusing_password() as port:
        url = f"postgresql://app:wrong@127.0.0.1:{port}/app"
        line = serve("--workers", workers, "--database-url", url)
    assert "refused user 'app'" in line and "password" in line


# ---- ports in use -------------------------------------------------------------------------------


def test_serve_on_a_port_in_use(tmp_path: Path) -> None:
    with occupied_port() as port:
        result = loginkit("serve", "--port", str(port), "--database-url", f"sqlite:///{tmp_path}/a")
    line = error_line(result)
    assert f"127.0.0.1:{port}" in line and "in use" in line and "--port" in line


@pytest.mark.parametrize("which", ["--port", "--rest-port", "--mcp-port"])
def test_up_on_a_port_in_use(tmp_path: Path, which: str) -> None:
    ports = {option: str(free_port()) for option in ("--port", "--rest-port", "--mcp-port")}
    with occupied_port() as taken:
        ports[which] = str(taken)
        args = [item for pair in ports.items() for item in pair]
        result = loginkit("up", *args, "--database-url", f"sqlite:///{tmp_path}/up.sqlite3")
    line = error_line(result)
    assert f"127.0.0.1:{taken}" in line and which in line


@pytest.mark.parametrize("which", ["--rest-port", "--mcp-port"])
def test_gateway_on_a_port_in_use(which: str) -> None:
    ports = {"--rest-port": str(free_port()), "--mcp-port": str(free_port())}
    with occupied_port() as taken:
        ports[which] = str(taken)
        result = loginkit("gateway", *[item for pair in ports.items() for item in pair])
    line = error_line(result)
    assert f"127.0.0.1:{taken}" in line and which in line


# ---- seed files ---------------------------------------------------------------------------------

SEEDS = {
    "broken YAML": ("apps: [\n", "broken YAML at line 2"),
    "wrong type": (
        "users:\n  - {username: a, display_name: A, follower_count: many}\n",
        "users[0].follower_count: Input should be a valid integer",
    ),
    "missing field": ("users:\n  - {display_name: A}\n", "users[0].username: Field required"),
    "short secret": (
        "apps:\n  - {client_key: k, client_secret: short, redirect_uris: [https://a.example/cb]}\n",
        "apps[0].client_secret: String should have at least 32 characters",
    ),
    "bad redirect URI": (
        "apps:\n  - {client_key: k, client_secret_hash: h, redirect_uris: [http://a.example/cb]}\n",
        "apps[0]: ",
    ),
    "unknown app": (
        "grants:\n  - {client_key: nope, username: amelia.creates}\n",
        "grants[0].client_key: no app 'nope'",
    ),
    "unknown user": (
        "grants:\n  - {client_key: awloginkitdemo01, username: nobody}\n",
        "grants[0].username: no user 'nobody'",
    ),
    "unknown sandbox target": (
        "apps:\n  - {client_key: k, client_secret_hash: h, redirect_uris: [https://a.example/cb],"
        " sandbox: true, sandbox_targets: [nobody]}\n",
        "apps[0].sandbox_targets[0]: no user 'nobody'",
    ),
    "duplicate username": (
        "users:\n  - {username: a, display_name: A}\n  - {username: a, display_name: B}\n",
        "users[1].username: 'a' appears twice",
    ),
    "not a mapping": ("- 1\n- 2\n", "expected a mapping"),
}


@pytest.mark.parametrize("case", list(SEEDS))
def test_a_seed_file_that_does_not_fit(tmp_path: Path, case: str) -> None:
    content, expected = SEEDS[case]
    seed = tmp_path / "seed.yaml"
    seed.write_text(content)
    line = serve("--database-url", f"sqlite:///{tmp_path}/s.sqlite3", "--seed", str(seed))
    assert f"seed file {seed}" in line and expected in line


def test_a_binary_seed_file(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_bytes(bytes(range(256)) * 4)
    line = serve("--database-url", f"sqlite:///{tmp_path}/s.sqlite3", "--seed", str(seed))
    assert str(seed) in line and "not a text" in line


def test_a_missing_seed_file(tmp_path: Path) -> None:
    seed = tmp_path / "nowhere.yaml"
    line = serve("--database-url", f"sqlite:///{tmp_path}/s.sqlite3", "--seed", str(seed))
    assert str(seed) in line and "No such file" in line


# ---- option values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("serve", "--rate-limit-token", "lots"), "--rate-limit-token"),
        (("serve", "--redis-url", "localhost:6379"), "--redis-url"),
        (("serve", "--workers", "0"), "--workers"),
        (("login", "--base-url", "not-a-url"), "--base-url"),
        (("login", "--timeout", "-1"), "--timeout"),
        (("apps", "--base-url", "nowhere", "list"), "--base-url"),
    ],
)
def test_an_invalid_option_value_is_a_usage_error(args: tuple[str, ...], option: str) -> None:
    assert option in error_line(loginkit(*args), status=2)


def test_an_invalid_variable_is_named() -> None:
    line = error_line(loginkit("serve", env={"LOGINKIT_RATE_LIMIT_TOKEN": "lots"}), status=2)
    assert "LOGINKIT_RATE_LIMIT_TOKEN" in line
