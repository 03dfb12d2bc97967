"""Shared fixtures: where the reference data lives, and the template scenario."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """ACCORD_SHARED (default ../shared next to the repository)."""
    return Path(os.environ.get("ACCORD_SHARED", ROOT.parent / "shared")).resolve()


def require_shared(relative: str) -> Path:
    """A path under the shared reference data: skip when it is missing, fail under CI."""
    path = shared_dir() / relative
    if not path.exists():
        reason = f"reference data {path} not found (set ACCORD_SHARED to the shared folder)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture
def shared() -> Callable[[str], Path]:
    """``shared("reference/brief.txt")``: a path under ACCORD_SHARED, skipping (or failing under CI) if absent."""
    return require_shared
