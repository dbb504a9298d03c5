"""Two builds of loginkit, the same write scenarios, interleaved in one run.

``python bench/compare_builds.py --before /path/to/old/src --after src [--rounds 3]`` starts
``loginkit serve`` (SQLite, as in ``make bench``) once per build, each importing loginkit from
its own source tree (``PYTHONPATH``, ahead of the installed package), then measures exchange,
refresh and client_credentials on one build and the other in turn, ``--rounds`` times. Taking
turns spreads this machine's noise over both builds; the table prints every run and the median.

The "before" tree is typically a second worktree: ``git worktree add /tmp/before <commit>``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from suite import (
    FORM,
    Emulator,
    Plan,
    emulator_args,
    form,
    free_port,
    machine,
    server,
    spare,
    wrk,
)

SCENARIOS = ("exchange (authorization_code)", "refresh", "client_credentials")


def measure(emulator: Emulator, scenario: str, c: int, plan: Plan) -> float:
    """Requests per second of one run of ``scenario`` at concurrency ``c``."""
    credentials = emulator.credentials()
    if scenario == "client_credentials":
        body = form({**credentials, "grant_type": "client_credentials"})
        return wrk(
            emulator.url, c, method="POST", path="/v2/oauth/token/", headers=FORM, body=body,
            seconds=plan.seconds,
        )["rps"]  # fmt: skip
    items = plan.items[c] + spare(c)
    if scenario == "refresh":
        minted = asyncio.run(emulator.mint_tokens(items))
        bodies = [
            form({**credentials, "grant_type": "refresh_token",
                  "refresh_token": t["refresh_token"]})
            for t in minted
        ]  # fmt: skip
    else:
        bodies = [
            form(emulator.exchange_form(code)) for code in asyncio.run(emulator.mint_codes(items))
        ]
    return wrk(
        emulator.url, c, method="POST", path="/v2/oauth/token/", headers=FORM, bodies=bodies
    )["rps"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="source tree (…/src)")
    parser.add_argument("--after", type=Path, required=True, help="source tree (…/src)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    plan, c = Plan(), options.concurrency
    builds = {"before": options.before.resolve(), "after": options.after.resolve()}
    rates: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="loginkit-compare-") as tmp, ExitStack() as stack:
        emulators: dict[str, Emulator] = {}
        for name, source in builds.items():
            port = free_port()
            os.environ["PYTHONPATH"] = str(source)
            args = emulator_args(port, Path(tmp) / f"{name}.sqlite3")
            stack.enter_context(server(args, f"http://127.0.0.1:{port}/healthz", Path(tmp) / name))
            emulators[name] = Emulator(port)
            asyncio.run(emulators[name].setup())
            measure(emulators[name], "exchange (authorization_code)", c, plan)  # warm-up
        for round_ in range(options.rounds):
            for scenario in SCENARIOS:
                for name in builds if round_ % 2 == 0 else reversed(list(builds)):
                    rps = measure(emulators[name], scenario, c, plan)
                    rates.setdefault((scenario, name), []).append(rps)
                    print(f"  {scenario:<32} {name:<6} {rps:8.0f} rps", file=sys.stderr)
    lines = [
        f"# Two builds, interleaved: {builds['before']} vs {builds['after']}",
        "",
        machine(),
        "",
        f"c={c}, {options.rounds} rounds, the builds taking turns (order alternating per round).",
        "",
        "| scenario | before rps (runs) | after rps (runs) | median after / before |",
        "|---|---:|---:|---:|",
    ]
    for scenario in SCENARIOS:
        before, after = rates[(scenario, "before")], rates[(scenario, "after")]
        lines.append(
            f"| {scenario} | {' / '.join(f'{r:.0f}' for r in before)}"
            f" | {' / '.join(f'{r:.0f}' for r in after)}"
            f" | {statistics.median(after) / statistics.median(before):.2f}x |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if options.out is not None:
        options.out.write_text(text)


if __name__ == "__main__":
    main()
