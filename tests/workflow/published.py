"""The Arazzo workflow as api-evangelist/tiktok-for-developers publishes it, unmodified.

``data/published-oauth-login-and-profile-workflow.yml`` is the document's text, byte for byte;
its sources (``../openapi/...``) resolve once it sits next to loginkit's OpenAPI documents.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from loginkit.specs import specs_dir

PUBLISHED = Path(__file__).parent / "data" / "published-oauth-login-and-profile-workflow.yml"


def published_workflow(folder: Path) -> Path:
    """The published document in ``folder/arazzo/``, with the OpenAPI documents it names."""
    shutil.copytree(specs_dir() / "openapi", folder / "openapi")
    (folder / "arazzo").mkdir()
    path = folder / "arazzo" / PUBLISHED.name
    shutil.copyfile(PUBLISHED, path)
    return path
