"""The typed API under ``mypy --strict``: the examples and a typed program pass, and a
program with a type error a line gets exactly those errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import List

import pytest

from support import PYTHON_DIR

TYPED = os.path.join(PYTHON_DIR, "tests", "typed")


def mypy(*paths: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    pytest.importorskip("mypy", reason="mypy is installed by run_tests.sh")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir",
         os.path.join(PYTHON_DIR, ".mypy_cache"), *paths],
        cwd=PYTHON_DIR, capture_output=True, text=True, timeout=600,
    )


def test_the_package_examples_and_a_typed_program_pass_mypy_strict() -> None:
    result = mypy("genesys_presence", os.path.join("examples", "quickstart.py"), os.path.join("examples", "watch.py"),
                  os.path.join(TYPED, "typed_program.py"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_each_type_error() -> None:
    program = os.path.join(TYPED, "wrong_program.py")
    with open(program, encoding="utf-8") as file:
        wrong: List[int] = [number for number, line in enumerate(file, 1) if "# WRONG" in line]
    result = mypy(program)
    reported = sorted({int(match) for match in re.findall(r"wrong_program\.py:(\d+): error", result.stdout)})
    assert reported == wrong, result.stdout
