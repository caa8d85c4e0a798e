"""Where the native library is looked for, and what happens when it is missing."""

from __future__ import annotations

import os

from support import PYTHON_DIR, REPO_DIR, run_python

from genesys_presence import _ffi

PACKAGE_DIR = os.path.join(PYTHON_DIR, "genesys_presence")


def test_search_order(monkeypatch):
    monkeypatch.delenv(_ffi.LIBRARY_ENV, raising=False)
    paths = [path for path, _ in _ffi.candidate_paths()]
    name = _ffi.library_file_name()
    packaged = [p for p in paths if os.path.dirname(p) == PACKAGE_DIR]
    assert packaged[0] == os.path.join(PACKAGE_DIR, name)
    assert paths[: len(packaged)] == packaged  # the package folder first
    assert paths[len(packaged) :] == [
        os.path.join(REPO_DIR, "target", "release", name),
        os.path.join(REPO_DIR, "target", "debug", name),
    ]


def test_the_environment_variable_wins(monkeypatch):
    monkeypatch.setenv(_ffi.LIBRARY_ENV, "/opt/gp/libgenesys_presence.so")
    assert [path for path, _ in _ffi.candidate_paths()] == ["/opt/gp/libgenesys_presence.so"]


def test_import_does_not_load_the_library():
    result = run_python(
        "import genesys_presence, genesys_presence._ffi as f; print(f._lib is None)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def import_error_with(library: str) -> str:
    """What a new interpreter prints when the first client loads ``library``."""
    result = run_python(
        "import genesys_presence\n"
        "try:\n"
        "    genesys_presence.PresenceClient()\n"
        "except ImportError as error:\n"
        "    print(type(error).__name__); print(error)\n",
        **{_ffi.LIBRARY_ENV: library},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("LibraryNotFoundError\n"), result.stdout
    return result.stdout


def test_a_missing_library_is_a_clear_import_error():
    missing = os.path.join(os.sep, "nowhere", _ffi.library_file_name())
    printed = import_error_with(missing)
    assert missing in printed and _ffi.LIBRARY_ENV in printed


def test_a_stale_or_foreign_library_is_a_clear_import_error():
    # A shared library that loads but is not this one (ctypes' own extension module)
    # stands for a stale build that lacks the package's functions.
    import _ctypes

    printed = import_error_with(_ctypes.__file__)
    assert _ctypes.__file__ in printed and "older than the package" in printed
    assert "pip install --force-reinstall" in printed
