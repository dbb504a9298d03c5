"""The API descriptions loginkit ships: OpenAPI, Arazzo, Naftiko and the schemas that check them."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["specs_dir"]


def specs_dir() -> Path:
    """The folder of ``openapi/``, ``arazzo/`` and ``schemas/``, installed or in a checkout."""
    return Path(str(files(__name__)))
