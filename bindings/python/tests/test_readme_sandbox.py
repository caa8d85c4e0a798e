"""The README's example of a user's test against the sandbox's rate limit, run as written."""

from __future__ import annotations

import os
import re

import pytest

from support import REPO_DIR

SANDBOX_ENV = "PRESENCE_SANDBOX"


def sandbox_binary() -> str:
    """``$PRESENCE_SANDBOX``, else the one ``make sandbox`` puts beside the library."""
    path = os.environ.get(SANDBOX_ENV) or os.path.join(
        REPO_DIR, "target", "release", "presence-sandbox")
    if not os.access(path, os.X_OK):
        pytest.skip(f"no sandbox at {path}: run `make sandbox` or set {SANDBOX_ENV}")
    return path


def test_the_rate_limit_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    with open(os.path.join(REPO_DIR, "README.md"), encoding="utf-8") as file:
        readme = file.read()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    example = next(block for block in blocks if "--rate-limit" in block)
    # As the README says: the sandbox binary on PATH.
    sandbox_dir = os.path.dirname(os.path.abspath(sandbox_binary()))
    monkeypatch.setenv("PATH", sandbox_dir + os.pathsep + os.environ.get("PATH", ""))
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert len(tests) == 1
    tests[0]()
