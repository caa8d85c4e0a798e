"""Fixtures shared by the tests; helpers live in support.py."""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from support import TOKEN, CaptureServer

import genesys_presence
from genesys_presence import _ffi


def pytest_sessionstart(session: pytest.Session) -> None:
    try:
        _ffi.lib()
    except genesys_presence.LibraryNotFoundError as error:
        pytest.exit(str(error), returncode=3)


def pytest_report_header(config: pytest.Config) -> str:
    try:
        library = f"{_ffi.library_path()} ({genesys_presence.library_version()})"
    except genesys_presence.LibraryNotFoundError:
        library = "not found"
    return f"genesys_presence from {os.path.dirname(genesys_presence.__file__)}; library {library}"


@pytest.fixture
def server() -> Iterator[CaptureServer]:
    capture = CaptureServer()
    yield capture
    capture.close()


@pytest.fixture
def client(server: CaptureServer) -> Iterator[genesys_presence.PresenceClient]:
    """A client for ``server`` with a fixed token and no retries."""
    with genesys_presence.PresenceClient(
        base_path=server.url, access_token=TOKEN, retry={"max_retries": 0}
    ) as presence_client:
        yield presence_client
