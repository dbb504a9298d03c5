"""The benchmark suite behind ``make bench``: every scenario, the baselines, one Markdown table.

The server under test runs pinned to one core, the load generator (wrk, one thread) to the other.
Every figure is measured twice and both runs are printed; ratios use the median of the two.
Codes, refresh tokens and access tokens for revoke are minted before the timed window and each
is used once. See bench/README.md for what each scenario means.

Usage: ``python bench/suite.py [--quick] [--soak-seconds N] [--out FILE]`` (run by bench/run.sh).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from growth import grown_database  # noqa: E402
from loadgen import Connection, run_concurrently, summarise  # noqa: E402

from loginkit.core.pkce import create_challenge  # noqa: E402

PYTHON = sys.executable
CACHE = Path(os.environ.get("LOGINKIT_BENCH_CACHE", Path.home() / ".cache" / "loginkit-bench"))
CPUS = sorted(os.sched_getaffinity(0))
LOAD_CORE, SERVER_CORE = str(CPUS[0]), str(CPUS[-1])
CONCURRENCY = (1, 16, 64)
REDIRECT = "https://app.example.com/callback/"
SCOPES = ["user.info.basic", "user.info.profile"]
FIELDS = "open_id,union_id,avatar_url,display_name"
ADMIN = "bench-admin-token"
# PKCE as TikTok requires it of web apps (S256, base64url). One verifier for every code: the
# server's work per exchange is the same, and the load generator stays out of the measurement.
CODE_VERIFIER = "bench-code-verifier-" + "0123456789" * 4
CODE_CHALLENGE = create_challenge(CODE_VERIFIER, "base64url")
PEER_SECRET = "bench-secret-bench-secret-bench-secret"  # noqa: S105 - the peer's bench client


@dataclass
class Plan:
    """How much work each figure gets; --quick shrinks it for a smoke run."""

    seconds: float = 3.0  # duration of a fixed-request run
    warmup_seconds: float = 1.0
    items: dict[int, int] = field(default_factory=lambda: {1: 600, 16: 4000, 64: 4000})
    sequences: dict[int, int] = field(default_factory=lambda: {1: 200, 16: 1200, 64: 1200})
    soak_seconds: float = 300.0
    startup_rounds: int = 5
    fixture_rounds: int = 10
    gateway_requests: int = 300

    def quick(self) -> Plan:
        return Plan(
            seconds=1.0,
            warmup_seconds=0.5,
            items={1: 200, 16: 800, 64: 800},
            sequences={1: 50, 16: 200, 64: 200},
            soak_seconds=10.0,
            startup_rounds=2,
            fixture_rounds=3,
            gateway_requests=100,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> float:
    """Seconds from now until ``url`` answers 200."""
    began = time.perf_counter()
    host, port = urlsplit(url).hostname or "", urlsplit(url).port or 80
    path = urlsplit(url).path
    while time.perf_counter() - began < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=1) as sock:
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return time.perf_counter() - began
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{url} not healthy after {timeout}s")


@contextmanager
def server(
    args: list[str], health: str, log: Path
) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    """Start ``args`` pinned to the server core; yields the process and its start-up seconds."""
    began = time.perf_counter()
    with log.open("ab") as sink:
        process = subprocess.Popen(
            ["taskset", "-c", SERVER_CORE, *args], stdout=sink, stderr=sink, cwd=ROOT
        )
    try:
        wait_healthy(health, process)
        yield process, time.perf_counter() - began
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def emulator_args(port: int, database: Path) -> list[str]:
    return [
        PYTHON, "-m", "loginkit", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--database-url", f"sqlite:///{database}", "--admin-token", ADMIN, "--no-demo",
        "--rate-limit-user-info", "off", "--rate-limit-token", "off",
        "--rate-limit-revoke", "off",
    ]  # fmt: skip


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


# ---- wrk ----------------------------------------------------------------------------------------


def wrk(
    url: str,
    concurrency: int,
    *,
    method: str = "GET",
    path: str = "/",
    headers: dict[str, str] | None = None,
    body: str | None = None,
    bodies: list[str] | None = None,
    seconds: float = 3.0,
) -> dict[str, float]:
    env = dict(os.environ)
    env.update(
        BENCH_METHOD=method,
        BENCH_PATH=path,
        BENCH_HEADERS="\n".join(f"{k}: {v}" for k, v in (headers or {}).items()),
    )
    if body is not None:
        env["BENCH_BODY"] = body
    with tempfile.TemporaryDirectory() as scratch:
        if bodies is not None:
            items = Path(scratch) / "items.txt"
            items.write_text("\n".join(bodies) + "\n")
            env["BENCH_BODIES"] = str(items)
            env["BENCH_ANSWERS"] = str(len(bodies) - spare(concurrency))
            seconds = 120  # a bound only: the run ends after the last item's answer
        done = Path(scratch) / "done"
        env["BENCH_DONE"] = str(done)
        process = subprocess.Popen(
            [
                "taskset", "-c", LOAD_CORE, "wrk", "-t1", f"-c{concurrency}",
                f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                "-s", str(BENCH / "wrk" / "scenario.lua"), url,
            ],
            env=env, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        while bodies is not None and process.poll() is None and not done.exists():
            time.sleep(0.01)
        if process.poll() is None and done.exists():
            process.send_signal(signal.SIGINT)  # wrk then prints its summary at once
        stdout, _ = process.communicate(timeout=seconds + 30)
    stats = json.loads(stdout.strip().splitlines()[-1])
    stats["rps"] = stats["requests"] / stats["seconds"]
    if stats["failures"] or stats["socket_errors"]:
        print(f"  ! {path} c={concurrency}: {stats}", file=sys.stderr)
    return dict(stats)


def form(values: dict[str, str]) -> str:
    return urlencode(values)


def spare(concurrency: int) -> int:
    """Items minted beyond those answered: wrk prepares one request it never sends, and each
    connection may have one in flight when the last counted answer arrives (wrk/scenario.lua)."""
    return concurrency + 4


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# ---- the emulator: setup through the control API ------------------------------------------------


@dataclass
class Emulator:
    port: int
    client_key: str = ""
    client_secret: str = ""
    user_id: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def setup(self) -> None:
        conn = Connection("127.0.0.1", self.port)
        status, app = await conn.post_json(
            "/emulator/apps",
            {"name": "Bench", "redirect_uris": [REDIRECT], "scopes": SCOPES, "platform": "web"},
            ADMIN,
        )
        assert status == 201, app
        status, user = await conn.post_json(
            "/emulator/users", {"username": f"bench{self.port}", "display_name": "Bench"}, ADMIN
        )
        assert status == 201, user
        await conn.close()
        self.client_key, self.client_secret = app["client_key"], app["client_secret"]
        self.user_id = user["user_id"]

    def credentials(self) -> dict[str, str]:
        return {"client_key": self.client_key, "client_secret": self.client_secret}

    async def authorize(self, conn: Connection) -> str:
        status, answer = await conn.post_json(
            "/emulator/authorize",
            {
                "user_id": self.user_id,
                "approve": SCOPES,
                "client_key": self.client_key,
                "redirect_uri": REDIRECT,
                "scope": ",".join(SCOPES),
                "state": "s",
                "response_type": "code",
                "code_challenge": CODE_CHALLENGE,
                "code_challenge_method": "S256",
            },
            ADMIN,
        )
        assert status == 200, answer
        return parse_qs(urlsplit(answer["redirect_to"]).query)["code"][0]

    async def exchange(self, conn: Connection, code: str) -> dict[str, Any]:
        status, tokens = await conn.post_form("/v2/oauth/token/", self.exchange_form(code))
        assert status == 200, tokens
        return dict(tokens)

    def exchange_form(self, code: str) -> dict[str, str]:
        return {
            **self.credentials(),
            "code": code,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
            "code_verifier": CODE_VERIFIER,
        }

    async def mint_codes(self, count: int) -> list[str]:
        codes: list[str] = []

        async def step(conn: Connection, _index: int) -> bool:
            codes.append(await self.authorize(conn))
            return True

        await run_concurrently("127.0.0.1", self.port, 32, count, step)
        return codes

    async def mint_tokens(self, count: int) -> list[dict[str, Any]]:
        codes = await self.mint_codes(count)
        tokens: list[dict[str, Any]] = []

        async def step(conn: Connection, index: int) -> bool:
            tokens.append(await self.exchange(conn, codes[index]))
            return True

        await run_concurrently("127.0.0.1", self.port, 32, count, step)
        return tokens

    async def login_sequence(self, concurrency: int, total: int) -> dict[str, float]:
        """authorize (control API) → exchange → user info, as one timed unit."""

        async def step(conn: Connection, _index: int) -> bool:
            code = await self.authorize(conn)
            tokens = await self.exchange(conn, code)
            status, _ = await conn.request(
                "GET",
                f"/v2/user/info/?fields={FIELDS}",
                headers={"Authorization": f"Bearer {tokens['access_token']}"},
            )
            return status == 200

        return summarise(await run_concurrently("127.0.0.1", self.port, concurrency, total, step))


# ---- the table ----------------------------------------------------------------------------------


@dataclass
class Figure:
    scenario: str
    concurrency: int
    runs: list[dict[str, float]]

    def median(self, key: str) -> float:
        return statistics.median(run[key] for run in self.runs)


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    def add(self, scenario: str, concurrency: int, runs: list[dict[str, float]]) -> None:
        figure = Figure(scenario, concurrency, runs)
        self.figures.append(figure)
        rates = " / ".join(f"{r['rps']:.0f}" for r in runs)
        print(f"  {scenario:<40} c={concurrency:<3} rps {rates}", file=sys.stderr, flush=True)

    def get(self, scenario: str, concurrency: int) -> Figure | None:
        for figure in self.figures:
            if figure.scenario == scenario and figure.concurrency == concurrency:
                return figure
        return None


def measure_twice(run: Any) -> list[dict[str, float]]:
    return [run(), run()]


def scenario_table(report: Report) -> list[str]:
    lines = [
        "| scenario | c | rps (run 1 / run 2) | p50 ms (1 / 2) | p99 ms (1 / 2) | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for f in report.figures:
        rps = " / ".join(f"{r['rps']:.0f}" for r in f.runs)
        p50 = " / ".join(f"{r['p50_ms']:.2f}" for r in f.runs)
        p99 = " / ".join(f"{r['p99_ms']:.2f}" for r in f.runs)
        bad = sum(int(r.get("failures", 0)) + int(r.get("socket_errors", 0)) for r in f.runs)
        lines.append(f"| {f.scenario} | {f.concurrency} | {rps} | {p50} | {p99} | {bad} |")
    return lines


def ratio(report: Report, a: str, b: str, key: str, c: int = 16) -> float | None:
    fa, fb = report.get(a, c), report.get(b, c)
    if fa is None or fb is None:
        return None
    return fa.median(key) / fb.median(key)


def target_lines(report: Report) -> list[str]:
    lines = ["| target (c=16, medians of the two runs) | measured | met |", "|---|---:|:---:|"]

    def row(text: str, value: float | None, ok: bool | None, fmt: str = "{:.2f}x") -> None:
        shown = "n/a" if value is None else fmt.format(value)
        lines.append(f"| {text} | {shown} | {'n/a' if ok is None else ('yes' if ok else 'NO')} |")

    def check(value: float | None, good: Any) -> bool | None:
        return None if value is None else bool(good(value))

    v = ratio(report, "exchange (authorization_code)", "peer: exchange", "rps")
    row("exchange rate ≥ 1.25x oidc-provider", v, check(v, lambda x: x >= 1.25))
    v = ratio(report, "exchange (authorization_code)", "peer: exchange", "p99_ms")
    row("exchange p99 ≤ 0.6x oidc-provider", v, check(v, lambda x: x <= 0.6))
    v = ratio(report, "client_credentials", "peer: client_credentials", "rps")
    row("client_credentials rate ≥ 1.25x oidc-provider", v, check(v, lambda x: x >= 1.25))
    v = ratio(report, "user info", "trivial endpoint (same stack)", "rps")
    row("user info ≥ 60 % of the trivial endpoint", v, check(v, lambda x: x >= 0.6), "{:.0%}")
    for scenario in ("exchange (authorization_code)", "user info"):
        v = ratio(report, f"grown db: {scenario}", scenario, "rps")
        row(f"{scenario}, 1M tokens / empty db ≥ 0.9", v, check(v, lambda x: x >= 0.9))
    extras = report.extras
    v = extras.get("startup_s")
    row("start-up to healthy ≤ 0.6 s", v, check(v, lambda x: x <= 0.6), "{:.3f} s")
    v = extras.get("fixture_ms")
    row("pytest fixture per-test overhead ≤ 50 ms", v, check(v, lambda x: x <= 50), "{:.1f} ms")
    v = extras.get("fixture_login_ms")
    text = "whole login test through the fixture ≤ 10 ms (median of 100)"
    row(text, v, check(v, lambda x: x <= 10), "{:.1f} ms")
    v = extras.get("rss_idle_mb")
    row("idle RSS ≤ 100 MB", v, check(v, lambda x: x <= 100), "{:.1f} MB")
    v = extras.get("rss_growth")
    row("RSS growth over the soak ≤ 5 %", v, check(v, lambda x: x <= 0.05), "{:+.1%}")
    v = extras.get("gateway_rest_ms")
    row("gateway REST added p50 ≤ 1 ms", v, check(v, lambda x: x <= 1), "{:+.2f} ms")
    v = extras.get("gateway_mcp_ms")
    row("gateway MCP added p50 ≤ 3 ms", v, check(v, lambda x: x <= 3), "{:+.2f} ms")
    return lines


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[
        0
    ]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{model}, {len(CPUS)} CPUs usable ({os.cpu_count()} online), {mem_kb // 1024} MB RAM; "
        f"{platform.platform()}; Python {platform.python_version()}; node {node}; "
        f"{wrk_version.strip()}; "
        f"server pinned to CPU {SERVER_CORE}, load generator to CPU {LOAD_CORE}"
    )


# ---- scenarios ----------------------------------------------------------------------------------


def trivial_baseline(report: Report, plan: Plan, scratch: Path) -> None:
    port = free_port()
    args = [PYTHON, str(BENCH / "trivial_app.py"), str(port)]
    with server(args, f"http://127.0.0.1:{port}/", scratch / "trivial.log"):
        url = f"http://127.0.0.1:{port}"
        wrk(url, 16, seconds=plan.warmup_seconds)
        for c in CONCURRENCY:
            report.add(
                "trivial endpoint (same stack)", c,
                measure_twice(lambda c=c: wrk(url, c, seconds=plan.seconds)),
            )  # fmt: skip


def peer_baseline(report: Report, plan: Plan, scratch: Path) -> None:
    port = free_port()
    peer_dir = CACHE / "oidc"
    shutil.copy(BENCH / "peer" / "server.mjs", peer_dir / "server.mjs")
    args = ["node", str(peer_dir / "server.mjs"), str(port)]
    with server(args, f"http://127.0.0.1:{port}/bench/healthz", scratch / "peer.log"):
        url = f"http://127.0.0.1:{port}"
        client = {"client_id": "bench", "client_secret": PEER_SECRET}

        def mint(count: int) -> list[str]:
            out = subprocess.run(
                ["curl", "-sf", f"{url}/bench/mint?n={count}"],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            return out.stdout.split("\n")

        def exchange(c: int) -> dict[str, float]:
            bodies = [
                form({**client, "grant_type": "authorization_code", "code": code,
                      "redirect_uri": REDIRECT})
                for code in mint(plan.items[c] + spare(c))
            ]  # fmt: skip
            return wrk(url, c, method="POST", path="/token", headers=FORM, bodies=bodies)

        cc = form({**client, "grant_type": "client_credentials"})

        def client_credentials(c: int, seconds: float) -> dict[str, float]:
            return wrk(url, c, method="POST", path="/token", headers=FORM, body=cc, seconds=seconds)

        client_credentials(16, plan.warmup_seconds)
        exchange(16)  # warm-up
        for c in CONCURRENCY:
            report.add("peer: exchange", c, measure_twice(lambda c=c: exchange(c)))
        for c in CONCURRENCY:
            report.add(
                "peer: client_credentials", c,
                measure_twice(lambda c=c: client_credentials(c, plan.seconds)),
            )  # fmt: skip


def emulator_scenarios(
    report: Report, plan: Plan, emulator: Emulator, prefix: str = "", *, full: bool = True
) -> None:
    url = emulator.url
    loop = asyncio.new_event_loop()

    def exchange(c: int) -> dict[str, float]:
        codes = loop.run_until_complete(emulator.mint_codes(plan.items[c] + spare(c)))
        bodies = [form(emulator.exchange_form(code)) for code in codes]
        return wrk(url, c, method="POST", path="/v2/oauth/token/", headers=FORM, bodies=bodies)

    info_headers = {}

    def user_info(c: int, seconds: float) -> dict[str, float]:
        return wrk(
            url, c, path=f"/v2/user/info/?fields={FIELDS}", headers=info_headers, seconds=seconds
        )

    tokens = loop.run_until_complete(emulator.mint_tokens(1))[0]
    info_headers["Authorization"] = f"Bearer {tokens['access_token']}"
    user_info(16, plan.warmup_seconds)
    exchange(16)  # warm-up
    for c in CONCURRENCY:
        report.add(
            f"{prefix}exchange (authorization_code)", c, measure_twice(lambda c=c: exchange(c))
        )
    for c in CONCURRENCY:
        report.add(f"{prefix}user info", c, measure_twice(lambda c=c: user_info(c, plan.seconds)))
    if not full:
        loop.close()
        return

    def refresh(c: int) -> dict[str, float]:
        minted = loop.run_until_complete(emulator.mint_tokens(plan.items[c] + spare(c)))
        bodies = [
            form({**emulator.credentials(), "grant_type": "refresh_token",
                  "refresh_token": t["refresh_token"]})
            for t in minted
        ]  # fmt: skip
        return wrk(url, c, method="POST", path="/v2/oauth/token/", headers=FORM, bodies=bodies)

    def revoke(c: int) -> dict[str, float]:
        minted = loop.run_until_complete(emulator.mint_tokens(plan.items[c] + spare(c)))
        bodies = [form({**emulator.credentials(), "token": t["access_token"]}) for t in minted]
        return wrk(url, c, method="POST", path="/v2/oauth/revoke/", headers=FORM, bodies=bodies)

    cc = form({**emulator.credentials(), "grant_type": "client_credentials"})

    def client_credentials(c: int) -> dict[str, float]:
        return wrk(
            url, c, method="POST", path="/v2/oauth/token/", headers=FORM, body=cc,
            seconds=plan.seconds,
        )  # fmt: skip

    def sequence(c: int) -> dict[str, float]:
        return loop.run_until_complete(emulator.login_sequence(c, plan.sequences[c]))

    for name, run in (
        ("refresh", refresh),
        ("client_credentials", client_credentials),
        ("revoke", revoke),
        ("login sequence (authorize → exchange → user info)", sequence),
    ):
        for c in CONCURRENCY:
            report.add(name, c, measure_twice(lambda c=c, run=run: run(c)))
    loop.close()


def soak(report: Report, plan: Plan, emulator: Emulator, pid: int) -> None:
    """Alternating client_credentials (writes) and user info (reads) at c=16."""
    cc = form({**emulator.credentials(), "grant_type": "client_credentials"})
    loop = asyncio.new_event_loop()
    access = loop.run_until_complete(emulator.mint_tokens(1))[0]["access_token"]
    loop.close()
    before = rss_mb(pid)
    ends = time.monotonic() + plan.soak_seconds
    served = 0
    while (left := ends - time.monotonic()) > 0.5:
        chunk = min(10.0, left)
        a = wrk(emulator.url, 16, method="POST", path="/v2/oauth/token/", headers=FORM, body=cc,
                seconds=chunk / 2)  # fmt: skip
        b = wrk(emulator.url, 16, path=f"/v2/user/info/?fields={FIELDS}",
                headers={"Authorization": f"Bearer {access}"}, seconds=chunk / 2)  # fmt: skip
        served += int(a["requests"] + b["requests"])
    after = rss_mb(pid)
    report.extras.update(rss_soak_start_mb=before, rss_soak_end_mb=after)
    report.extras["rss_growth"] = after / before - 1
    report.extras["soak_requests"] = served


def startup(report: Report, plan: Plan, scratch: Path) -> None:
    times = []
    for n in range(plan.startup_rounds):
        port = free_port()
        args = emulator_args(port, scratch / f"startup-{n}.sqlite3")
        with server(args, f"http://127.0.0.1:{port}/healthz", scratch / "startup.log") as (_, s):
            times.append(s)
    report.extras["startup_s"] = statistics.median(times)
    report.extras["startup_runs_s"] = times


def fixture_overhead(report: Report, plan: Plan) -> None:
    out = subprocess.run(
        ["taskset", "-c", SERVER_CORE, PYTHON, "-m", "tests.client.bench_emulator_startup",
         str(plan.fixture_rounds)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    report.extras["fixture"] = result
    report.extras["fixture_ms"] = result["per_test_ms_median"]
    report.extras["fixture_login"] = fixture_login_tests()
    report.extras["fixture_login_ms"] = report.extras["fixture_login"]["per_test_ms_median"]


def fixture_login_tests() -> dict[str, float]:
    """``bench/fixture_login``: 100 whole login tests run by pytest through the fixture; each
    test's setup + call + teardown, as pytest reports them."""
    with tempfile.TemporaryDirectory() as scratch:
        durations = Path(scratch) / "durations.json"
        subprocess.run(
            [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             str(BENCH / "fixture_login")],
            capture_output=True, text=True, check=True, cwd=ROOT,
            env={**os.environ, "BENCH_DURATIONS": str(durations)},
        )  # fmt: skip
        seconds = json.loads(durations.read_text())
    return {
        "tests": len(seconds),
        "per_test_ms_median": round(statistics.median(seconds) * 1000, 2),
        "first_test_ms": round(seconds[0] * 1000, 1),
        "per_test_ms_p90": round(statistics.quantiles(seconds, n=10)[-1] * 1000, 2),
    }


def gateway(report: Report, plan: Plan) -> None:
    out = subprocess.run(
        [PYTHON, str(BENCH / "gateway_latency.py"), "--requests", str(plan.gateway_requests)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    table = [line for line in out.stdout.splitlines() if line.startswith("|")]
    report.extras["gateway_table"] = table
    for line in table:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] == "gateway REST":
            report.extras["gateway_rest_ms"] = float(cells[-1])
        elif cells[0] == "gateway MCP":
            report.extras["gateway_mcp_ms"] = float(cells[-1])


# ---- main ---------------------------------------------------------------------------------------


def render(report: Report, plan: Plan, began: float) -> str:
    extras = report.extras
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# loginkit bench, {stamp}",
        "",
        f"Machine: {machine()}.",
        "",
        "Every figure was measured twice in this run (both shown); ratios use the median of the "
        "two. Absolute numbers move with the machine's noise; compare ratios within one run. The "
        "emulator commits every token to SQLite with synchronous=FULL before answering; the peer "
        "(oidc-provider, in-memory adapter) keeps nothing durable.",
        "",
        "## Targets",
        "",
        *target_lines(report),
        "",
        "## Throughput and latency",
        "",
        *scenario_table(report),
        "",
        "## Gateway (one call at a time; added = p50 minus the direct call's p50)",
        "",
        *extras.get("gateway_table", ["(not run)"]),
        "",
        "## Start-up, fixture, memory",
        "",
        f"- start-up to first healthy /healthz (process spawn included): median "
        f"{extras.get('startup_s', float('nan')):.3f} s over "
        f"{[round(t, 3) for t in extras.get('startup_runs_s', [])]}",
        f"- `tiktok_emulator` fixture (one in-process emulator per session; per test: reset, "
        f"create an app): "
        f"{json.dumps(extras.get('fixture'))}",
        f"- whole login test through the fixture (`bench/fixture_login`, run by pytest: reset, "
        f"create an app and a user, authorize with PKCE, exchange and read the user with "
        f"`TikTokClient`): {json.dumps(extras.get('fixture_login'))}",
        f"- RSS: idle {extras.get('rss_idle_mb', float('nan')):.1f} MB after start-up; "
        f"{extras.get('rss_soak_start_mb', float('nan')):.1f} MB at the start of the soak, "
        f"{extras.get('rss_soak_end_mb', float('nan')):.1f} MB after "
        f"{plan.soak_seconds:.0f} s ({extras.get('soak_requests', 0)} requests, client_credentials "
        "and user info alternating at c=16)",
        "",
        f"Total bench time: {time.monotonic() - began:.0f} s.",
        "",
        *report.notes,
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--soak-seconds", type=float)
    parser.add_argument("--only", help="comma-separated parts: emulator,peer,trivial,growth,...")
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    plan = Plan().quick() if options.quick else Plan()
    if options.soak_seconds is not None:
        plan.soak_seconds = options.soak_seconds
    parts = set((options.only or "trivial,peer,emulator,growth,startup,fixture,gateway").split(","))
    began = time.monotonic()
    report = Report()
    with tempfile.TemporaryDirectory(prefix="loginkit-bench-") as tmp:
        scratch = Path(tmp)
        if "trivial" in parts:
            print("trivial endpoint baseline", file=sys.stderr)
            trivial_baseline(report, plan, scratch)
        if "peer" in parts:
            print("peer: oidc-provider", file=sys.stderr)
            peer_baseline(report, plan, scratch)
        if "emulator" in parts:
            print("emulator", file=sys.stderr)
            port = free_port()
            args = emulator_args(port, scratch / "bench.sqlite3")
            with server(args, f"http://127.0.0.1:{port}/healthz", scratch / "emulator.log") as (
                process,
                _,
            ):
                emulator = Emulator(port)
                asyncio.run(emulator.setup())
                report.extras["rss_idle_mb"] = rss_mb(process.pid)
                emulator_scenarios(report, plan, emulator)
                print(f"soak {plan.soak_seconds:.0f} s", file=sys.stderr)
                soak(report, plan, emulator, process.pid)
        if "growth" in parts:
            print("grown database (1,000,000 tokens, 100,000 users)", file=sys.stderr)
            database = scratch / "grown.sqlite3"
            shutil.copy(grown_database(CACHE), database)
            port = free_port()
            args = emulator_args(port, database)
            with server(args, f"http://127.0.0.1:{port}/healthz", scratch / "grown.log"):
                emulator = Emulator(port)
                asyncio.run(emulator.setup())
                emulator_scenarios(report, plan, emulator, "grown db: ", full=False)
            # The copy is ~270 MB of dirty pages: flushed here, not during the next figures
            # (the fixture's commits measured 12 ms instead of 9 while the kernel wrote it back).
            database.unlink()
            os.sync()
        if "startup" in parts:
            print("start-up", file=sys.stderr)
            startup(report, plan, scratch)
        if "fixture" in parts:
            print("fixture overhead", file=sys.stderr)
            fixture_overhead(report, plan)
        if "gateway" in parts:
            print("gateway latency", file=sys.stderr)
            gateway(report, plan)
    text = render(report, plan, began)
    print(text)
    if options.out is not None:
        options.out.parent.mkdir(parents=True, exist_ok=True)
        options.out.write_text(text)
        print(f"saved {options.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
