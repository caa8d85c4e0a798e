"""The README's examples of a user's own tests against the sandbox, run as written."""

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


def readme_example(containing: str) -> str:
    with open(os.path.join(REPO_DIR, "README.md"), encoding="utf-8") as file:
        readme = file.read()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    return next(block for block in blocks if containing in block)


def run_example(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs the example's one test function, with the sandbox binary on PATH."""
    sandbox_dir = os.path.dirname(os.path.abspath(sandbox_binary()))
    monkeypatch.setenv("PATH", sandbox_dir + os.pathsep + os.environ.get("PATH", ""))
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert len(tests) == 1
    tests[0]()


def test_the_rate_limit_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    run_example(readme_example("--rate-limit"), monkeypatch)


def test_the_dropped_websocket_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    run_example(readme_example("/_sandbox/notifications/drop"), monkeypatch)
