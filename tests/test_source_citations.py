"""Source comments and help texts cite public sources, never our internal shorthand."""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "loginkit"
SHORTHAND = re.compile(r"facts §|wire facts|seed 00\d|\[I\]")


def test_no_internal_shorthand_in_the_sources() -> None:
    found = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in SOURCE.rglob("*")
        if path.suffix in (".py", ".html", ".yaml", ".yml", ".md")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SHORTHAND.search(line)
    ]
    assert not found, "\n".join(found)
